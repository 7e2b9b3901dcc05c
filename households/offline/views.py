"""Field work without a signal (issue 16): the service worker, the offline pages' shell, and the
two JSON endpoints the phone syncs with. Views call the offline selectors and services only.

The shell (/offline/) holds no personal data: the phone draws it from what it keeps in IndexedDB
(the bundle). The service worker keeps a copy of the shell and the static files in the Cache API
and nothing else: every other page keeps its `Cache-Control: no-store`.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ppaos.accounts.policy import Action, ensure_role_allows
from ppaos.audit.reads import audit_page_read

from ..surveys.selectors import households_for_survey, surveys_editable_by
from .selectors import offline_bundle
from .services import apply_offline_change

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "sw.js"
# What the shell needs to open with no signal (the service worker's cache, by static URL).
SHELL_ASSETS = (
    "css/app.css",
    "css/households.css",
    "css/survey.css",
    "css/offline.css",
    "js/offline_db.js",
    "js/offline_app.js",
    "js/offline_register.js",
    "js/select_all.js",
    "vendor/htmx/htmx.min.js",
    "vendor/sarabun/sarabun-thai-400-normal.woff2",
    "vendor/sarabun/sarabun-thai-700-normal.woff2",
    "vendor/sarabun/sarabun-latin-400-normal.woff2",
    "vendor/sarabun/sarabun-latin-700-normal.woff2",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "manifest.webmanifest",
)


def service_worker(request):
    """/sw.js, served from the site root so its scope is the whole site; the list of files to
    keep is written in front of static/js/sw.js with the static URLs of this deployment."""
    assets = [static(name) for name in SHELL_ASSETS]
    prelude = (
        f"const SHELL_URL = {'/offline/'!r};\n"
        f"const SHELL_ASSETS = {assets!r};\n"
        f"const CACHE_NAME = 'ppaos-shell-{settings.OFFLINE_CACHE_VERSION}';\n"
    )
    response = HttpResponse(
        prelude + SERVICE_WORKER.read_text(encoding="utf-8"),
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def offline_app(request):
    """The offline pages' shell (work list, household, survey steps, waiting changes,
    conflicts), drawn by static/js/offline_app.js from what the phone keeps."""
    ensure_role_allows(request.user, Action.ENTER_SURVEY)
    return render(request, "offline/app.html")


class OfflineChangeSerializer(serializers.Serializer):
    change_id = serializers.UUIDField()
    household = serializers.UUIDField()
    survey = serializers.UUIDField(allow_null=True, required=False)
    step = serializers.CharField(max_length=20)
    fields = serializers.DictField(required=False, default=dict)
    base_version = serializers.IntegerField(min_value=0)
    resolves = serializers.UUIDField(allow_null=True, required=False)
    choices = serializers.DictField(child=serializers.CharField(), required=False, default=dict)


class OfflineChangeAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["applied", "conflict", "refused"])
    survey = serializers.UUIDField(required=False)
    version = serializers.IntegerField(required=False)
    server_version = serializers.IntegerField(required=False)
    server = serializers.DictField(required=False)
    mine = serializers.DictField(required=False)
    errors = serializers.DictField(required=False)


@extend_schema(tags=["offline"])
class OfflineBundleView(APIView):
    """What a facilitator's phone keeps for work without a signal: the work list's leads, the
    households opened or pinned on the phone (`pinned`, comma-separated household ids) and those
    with a survey to finish, each with this round's survey, and the instrument's rules. Only the
    caller's areas for entering surveys; no national ID. Every download is audited."""

    @extend_schema(
        parameters=[OpenApiParameter("pinned", str, description="Household ids, comma-separated")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        ensure_role_allows(request.user, Action.ENTER_SURVEY)
        # At most OFFLINE_MAX_HOUSEHOLDS ids are read (the phone sends no more than that).
        limit = settings.OFFLINE_MAX_HOUSEHOLDS
        given = request.GET.get("pinned", "").split(",", limit)[:limit]
        pinned = [p for p in given if _is_uuid(p)]
        bundle = offline_bundle(request.user, pinned)
        bundle["csrf"] = get_token(request)
        audit_page_read(
            request,
            kind="offline_bundle",
            count=len(bundle["households"]) + len(bundle["leads"]),
            counts={"household": len(bundle["households"]), "registrant": len(bundle["leads"])},
        )
        return Response(bundle)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@extend_schema(tags=["offline"])
class OfflineChangeView(APIView):
    """Send one change saved on a phone. 200 applied (with the survey's new version); 409 the
    change was based on an older version (both sides, field by field; nothing applied); 400 the
    survey rules refused it (the reason); 403 a role that may not enter surveys; 404 a household
    or survey outside the caller's areas. The same change id sent again gets the same answer."""

    @extend_schema(
        request=OfflineChangeSerializer,
        responses={
            200: OfflineChangeAnswerSerializer,
            400: OfflineChangeAnswerSerializer,
            409: OfflineChangeAnswerSerializer,
        },
    )
    def post(self, request):
        ensure_role_allows(request.user, Action.ENTER_SURVEY)
        data = OfflineChangeSerializer(data=request.data)
        if not data.is_valid():
            # The documented answer's shape: refused, with the reasons by field.
            return Response({"status": "refused", "errors": data.errors}, status=400)
        change = data.validated_data
        household = get_object_or_404(
            households_for_survey(request.user), public_id=change["household"]
        )
        survey = None
        if change.get("survey"):
            survey = get_object_or_404(
                surveys_editable_by(request.user).filter(household=household),
                public_id=change["survey"],
            )
        answer = apply_offline_change(
            actor=request.user,
            change_id=change["change_id"],
            household=household,
            survey=survey,
            step=change["step"],
            fields=change["fields"],
            base_version=change["base_version"],
            resolves_id=change.get("resolves"),
            choices=change.get("choices"),
        )
        return Response(answer.body, status=answer.status_code)
