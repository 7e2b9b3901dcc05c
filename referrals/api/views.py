"""REST API for referrals and the catalogue. Views hold no rules: they call the same selectors
and services as the pages. Case workers use /referrals/; agency staff use /agency-referrals/,
which carries only the minimal fields."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households.selectors import current_members_of
from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants, require
from ppaos.audit.reads import AuditedListMixin

from .. import selectors, services, transitions
from ..models import ReferralTransition
from ..services import ReferralRefused
from ..views import _ensure_case_worker
from .filters import AgencyFilter, AgencyReferralFilter, ReferralFilter, ServiceFilter
from .serializers import (
    AgencyReferralSerializer,
    AgencySerializer,
    BatchSerializer,
    CompleteSerializer,
    FollowUpSerializer,
    NoteSerializer,
    ProposeSerializer,
    ReferralSerializer,
    RerouteSerializer,
    ServiceSerializer,
)

_REFUSAL_STATUS = {
    "wrong_party": status.HTTP_403_FORBIDDEN,
    "note_required": status.HTTP_400_BAD_REQUEST,
    "invalid": status.HTTP_400_BAD_REQUEST,
    "not_in_table": status.HTTP_409_CONFLICT,
    "changed": status.HTTP_409_CONFLICT,
}


def _note(request) -> str:
    """The validated note (or reason) a step's request carries."""
    data = NoteSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["note"]


def _ensure_party(user, referral, name: str) -> None:
    """403 unless the user stands to the referral as one who ever takes step `name` (a
    facilitator cannot approve, an officer cannot submit), before the body is read: the
    permission answers first, the state (409) and the body (400) after."""
    if not selectors.parties_of(user, referral) & transitions.parties_taking(name):
        raise PermissionDenied(_("Your role does not allow this."))


def _refused(error: ReferralRefused) -> Response:
    return Response(
        {"detail": error.message, "code": error.code},
        status=_REFUSAL_STATUS.get(error.code, status.HTTP_409_CONFLICT),
    )


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue's agencies (active ones)."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "public_id"

    def get_queryset(self):
        return selectors.agencies_for(self.request.user)


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue's services (active ones, of active agencies)."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    lookup_field = "public_id"

    def get_queryset(self):
        return selectors.services_for(self.request.user)


_STEP_RESPONSE = ReferralSerializer


class ReferralViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Referrals in the caller's area (facilitators, area managers, provincial officers)."""

    audit_kind = "referral"
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    lookup_field = "public_id"
    answers_conflicts = True  # a step the referral's status no longer allows: 409

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _ensure_case_worker(request.user)

    def get_queryset(self):
        history = ReferralTransition.objects.select_related("actor").order_by("created_at", "id")
        return selectors.referrals_visible_to(self.request.user).prefetch_related(
            Prefetch("history", queryset=history)
        )

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        services.record_referral_viewed(request.user, referral=referral)
        return Response(self.get_serializer(referral).data)

    def _fresh(self, referral):
        return ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data

    @extend_schema(request=ProposeSerializer, responses={201: ReferralSerializer})
    def create(self, request, *args, **kwargs):
        ensure_role_grants(request.user, Action.PROPOSE_REFERRAL)
        data = ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        household = get_object_or_404(
            selectors.households_for_referrals(request.user), public_id=values["household"]
        )
        service = get_object_or_404(selectors.services(), code=values["service"])
        person = None
        if values.get("person"):
            person = get_object_or_404(
                current_members_of(household), person__public_id=values["person"]
            ).person
        try:
            referral = services.propose_referral(
                request.user,
                household=household,
                service=service,
                person=person,
                need=values["need"],
                reason=values["reason"],
                urgency=values["urgency"],
                contact_phone=values["contact_phone"],
                submit=values["submit"],
            )
        except ReferralRefused as error:
            return _refused(error)
        return Response(self._fresh(referral), status=status.HTTP_201_CREATED)

    def _step(self, request, name, read_body=lambda request: {}):
        """Step `name`: the referral (404), the party (403), then the body (400) and state."""
        referral = self.get_object()
        _ensure_party(request.user, referral, name)
        kwargs = read_body(request)
        try:
            referral = getattr(services, f"{name}_referral")(
                request.user, referral=referral, **kwargs
            )
        except ReferralRefused as error:
            return _refused(error)
        return Response(self._fresh(referral))

    @extend_schema(request=None, responses=_STEP_RESPONSE)
    @action(detail=True, methods=["post"])
    def submit(self, request, public_id=None):
        return self._step(request, "submit")

    @extend_schema(request=NoteSerializer, responses=_STEP_RESPONSE)
    @action(detail=True, methods=["post"])
    def approve(self, request, public_id=None):
        return self._step(request, "approve", lambda request: {"note": _note(request)})

    @extend_schema(request=NoteSerializer, responses=_STEP_RESPONSE)
    @action(detail=True, methods=["post"])
    def reject(self, request, public_id=None):
        return self._step(request, "reject", lambda request: {"reason": _note(request)})

    @extend_schema(request=NoteSerializer, responses=_STEP_RESPONSE)
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        return self._step(request, "cancel", lambda request: {"reason": _note(request)})

    @extend_schema(request=RerouteSerializer, responses=_STEP_RESPONSE)
    @action(detail=True, methods=["post"])
    def reroute(self, request, public_id=None):
        def read_body(request):
            data = RerouteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            code = data.validated_data["service"]
            service = get_object_or_404(selectors.services(), code=code)
            return {"service": service, "note": data.validated_data["note"]}

        return self._step(request, "reroute", read_body)

    @extend_schema(request=FollowUpSerializer, responses=_STEP_RESPONSE)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, public_id=None):
        referral = self.get_object()
        require(request.user, Action.PROPOSE_REFERRAL, referral)
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.record_follow_up(request.user, referral=referral, **data.validated_data)
        except ReferralRefused as error:
            return _refused(error)
        return Response(self._fresh(referral))

    @extend_schema(
        request=BatchSerializer,
        responses=inline_serializer(
            "BatchResult",
            {
                "approved": serializers.ListField(child=serializers.UUIDField()),
                "refused": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=False, methods=["post"], url_path="approve-batch")
    def approve_batch(self, request):
        """Approve several referrals; each is its own transaction, refusals are listed."""
        ensure_role_grants(request.user, Action.APPROVE_REFERRAL)
        data = BatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = list(
            selectors.officer_queue(request.user).filter(
                public_id__in=data.validated_data["referrals"]
            )
        )
        found = {r.public_id for r in chosen}
        done, refused = services.approve_referrals(
            request.user, referrals=chosen, note=data.validated_data["note"]
        )
        return Response(
            {
                "approved": [r.public_id for r in done],
                "refused": [{"referral": r.public_id, "detail": e.message} for r, e in refused]
                + [
                    {"referral": pid, "detail": "not found in your queue"}
                    for pid in data.validated_data["referrals"]
                    if pid not in found
                ],
            }
        )


class AgencyReferralViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet):
    """Referrals sent to the caller's agency, with only the fields needed to help."""

    audit_kind = "agency_referral"
    serializer_class = AgencyReferralSerializer
    filterset_class = AgencyReferralFilter
    lookup_field = "public_id"
    answers_conflicts = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, Action.ACT_ON_REFERRAL)

    def get_queryset(self):
        return selectors.referrals_for_agency(self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = selectors.with_contact_names(page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        (referral,) = selectors.with_contact_names([self.get_object()])
        services.record_agency_view(request.user, referral=referral)
        return Response(self.get_serializer(referral).data)

    def _step(self, request, name, **kwargs):
        referral = self.get_object()
        try:
            getattr(services, f"{name}_referral")(request.user, referral=referral, **kwargs)
        except ReferralRefused as error:
            return _refused(error)
        (fresh,) = selectors.with_contact_names([self.get_queryset().get(pk=referral.pk)])
        return Response(self.get_serializer(fresh).data)

    # Each step finds the referral first (404 outside the agency), then reads the body (400).

    @extend_schema(request=NoteSerializer, responses=AgencyReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, public_id=None):
        self.get_object()
        return self._step(request, "accept", note=_note(request))

    @extend_schema(
        request=NoteSerializer,
        responses=inline_serializer(
            "DeclinedReferral",
            {"public_id": serializers.UUIDField(), "status": serializers.CharField()},
        ),
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, public_id=None):
        referral = self.get_object()
        reason = _note(request)
        try:
            services.decline_referral(request.user, referral=referral, reason=reason)
        except ReferralRefused as error:
            return _refused(error)
        # Declined referrals leave the agency's view: answer with what the agency sent.
        return Response({"public_id": referral.public_id, "status": "declined"})

    @extend_schema(request=NoteSerializer, responses=AgencyReferralSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, public_id=None):
        self.get_object()
        return self._step(request, "start", note=_note(request))

    @extend_schema(request=CompleteSerializer, responses=AgencyReferralSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, public_id=None):
        self.get_object()
        data = CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(request, "complete", **data.validated_data)
