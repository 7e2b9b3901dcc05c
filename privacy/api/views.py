"""REST API of the privacy app (PDPA duties): data-subject requests and the breach register.
Views hold no rules: they call the same selectors and services as the pages. Every endpoint
needs HANDLE_DATA_REQUESTS (403 otherwise) and finds records in the caller's scoped querysets
(404 outside the area); lists and detail reads are audited."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households.api.service_calls import call_service
from households.selectors import persons_visible_to
from households.services import neutral_national_id_refusal, validated_national_id
from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants
from ppaos.audit.reads import AuditedListMixin
from ppaos.audit.services import record_audit_event

from .. import selectors, services
from ..models import BreachStep, RequestKind
from .serializers import (
    BreachSerializer,
    CorrectionSerializer,
    DataRequestSerializer,
    LogDataRequestSerializer,
    MoveBreachSerializer,
    OutcomeSerializer,
    RecordBreachSerializer,
)

ACTION = Action.HANDLE_DATA_REQUESTS


def _body(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class _PrivacyViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "public_id"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, ACTION)

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        record_audit_event(actor=request.user, action=self.viewed_action, target=item)
        return Response(self.get_serializer(item).data)

    def _fresh(self, item, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=code)


class DataRequestViewSet(_PrivacyViewSet):
    """Data-subject requests (PDPA s.30–36) of persons in the caller's areas."""

    audit_kind = "data_requests"
    viewed_action = "privacy.request_viewed"
    serializer_class = DataRequestSerializer

    def get_queryset(self):
        return selectors.data_requests_visible_to(self.request.user)

    @extend_schema(request=LogDataRequestSerializer, responses={201: DataRequestSerializer})
    def create(self, request, *args, **kwargs):
        """Log a request after the person's identity was checked; the 30-day clock starts."""
        ensure_role_grants(request.user, ACTION)
        values = _body(LogDataRequestSerializer, request)
        national_id = call_service(validated_national_id, value=values["national_id"])
        person = persons_visible_to(request.user, ACTION).filter(national_id=national_id).first()
        if person is None:
            raise serializers.ValidationError({"national_id": [neutral_national_id_refusal()]})
        details = values["details"]
        made = call_service(
            services.log_data_request,
            actor=request.user,
            person=person,
            kind=values["kind"],
            received_on=values["received_on"],
            identity_method=values["identity_method"],
            details=details,
            requested_change={"asked": details}
            if values["kind"] == RequestKind.CORRECTION and details
            else None,
        )
        return self._fresh(made, status.HTTP_201_CREATED)

    def _answer(self, service, read_body=dict):
        """The request (404 outside the caller's areas) first, then the body (400)."""
        item = self.get_object()
        kwargs = read_body()
        return self._fresh(call_service(service, actor=self.request.user, request=item, **kwargs))

    @extend_schema(request=OutcomeSerializer, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, public_id=None):
        """Record the answer to an access or objection request (a correction: `correct/`)."""
        return self._answer(
            services.complete_data_request,
            lambda: {"outcome": _body(OutcomeSerializer, request)["outcome"]},
        )

    @extend_schema(request=OutcomeSerializer, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, public_id=None):
        """Refuse with the legal reason (`outcome`, required)."""
        return self._answer(
            services.refuse_data_request,
            lambda: {"reason": _body(OutcomeSerializer, request)["outcome"]},
        )

    @extend_schema(request=CorrectionSerializer, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, public_id=None):
        """Write the corrected value of one field of the person's record and complete."""
        return self._answer(
            services.apply_correction, lambda: dict(_body(CorrectionSerializer, request))
        )

    @extend_schema(request=None, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-consent")
    def withdraw_consent(self, request, public_id=None):
        """Remove the health and disability data and recompute the classifications."""
        return self._answer(services.withdraw_consent)

    @extend_schema(request=None, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request, public_id=None):
        """Anonymise the person where the law allows, or refuse with the legal reason."""
        return self._answer(services.erase_person)


class BreachViewSet(_PrivacyViewSet):
    """The breach register (PDPA s.37(4)): the 72-hour notice clock and the steps taken."""

    audit_kind = "breaches"
    viewed_action = "privacy.breach_viewed"
    serializer_class = BreachSerializer

    def get_queryset(self):
        steps = BreachStep.objects.select_related("actor").order_by("at", "id")
        return selectors.breaches_visible_to(self.request.user).prefetch_related(
            Prefetch("steps", queryset=steps)
        )

    @extend_schema(request=RecordBreachSerializer, responses={201: BreachSerializer})
    def create(self, request, *args, **kwargs):
        ensure_role_grants(request.user, ACTION)
        values = _body(RecordBreachSerializer, request)
        suspect = None
        if values["suspect_username"]:
            suspect = selectors.user_named(values["suspect_username"])
            if suspect is None:
                raise serializers.ValidationError(
                    {"suspect_username": [_("No user with this username.")]}
                )
        report = call_service(
            services.record_breach,
            actor=request.user,
            area_code=selectors.breach_area_of(request.user),
            what_happened=values["what_happened"],
            found_at=values["found_at"],
            suspect_user=suspect,
            window_start=values["window_start"],
            window_end=values["window_end"],
        )
        return self._fresh(report, status.HTTP_201_CREATED)

    @extend_schema(request=MoveBreachSerializer, responses=BreachSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, public_id=None):
        """Move the report to its next state, with what was done."""
        report = self.get_object()
        values = _body(MoveBreachSerializer, request)
        report = call_service(services.move_breach, actor=request.user, report=report, **values)
        return self._fresh(report)
