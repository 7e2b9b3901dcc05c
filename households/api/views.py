"""Registry API: households, persons, registrants and their findings. Views call the same
selectors and services as the browser pages; none holds a rule of its own.

A role without the action gets 403; a record outside the user's areas 404; a user with no
assignment an empty list.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ppaos.accounts.policy import (
    Action,
    ensure_role_allows,
    ensure_role_grants,
    require,
)
from ppaos.areas.models import Area
from ppaos.audit.reads import AuditedListMixin

from .. import selectors, services
from ..models import Household, Person, PersonTransferRequest, WelfareRegistrant
from . import serializers as api
from .filters import HouseholdFilter, PersonFilter, RegistrantFilter
from .service_calls import call_service


def _area_or_400(code: str, field: str) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise serializers.ValidationError({field: ["Unknown area code."]})
    return area


class _ScopedViewSet(viewsets.GenericViewSet):
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    required_action = Action.VIEW_HOUSEHOLD

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, self.required_action)


@extend_schema(tags=["households"])
class HouseholdViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    _ScopedViewSet,
):
    """Households in the caller's areas, with current members, latest level and target-poor
    flag. Facilitators and area managers create and edit; provincial officers read."""

    audit_kind = "household"
    serializer_class = api.HouseholdSerializer
    filterset_class = HouseholdFilter
    queryset = Household.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        return selectors.households_for_api(self.request.user)

    def _fresh(self, household):
        return self.get_queryset().get(pk=household.pk)

    def _household_to_edit(self):
        """The household (404 outside the caller's areas), then the right to edit it (403),
        before the request body is read: the permission answers before validation does."""
        household = self.get_object()
        require(self.request.user, Action.EDIT_HOUSEHOLD, household)
        return household

    @extend_schema(request=api.HouseholdCreateSerializer, responses={201: api.HouseholdSerializer})
    def create(self, request, *args, **kwargs):
        ensure_role_grants(request.user, Action.EDIT_HOUSEHOLD)
        data = _validated(api.HouseholdCreateSerializer, request)
        household = call_service(
            services.create_household,
            actor=request.user,
            area=_area_or_400(data.pop("area"), "area"),
            head=data.pop("head"),
            **data,
        )
        body = self.get_serializer(self._fresh(household)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=api.HouseholdUpdateSerializer, responses=api.HouseholdSerializer)
    def partial_update(self, request, *args, **kwargs):
        household = self._household_to_edit()
        data = _validated(api.HouseholdUpdateSerializer, request, partial=True)
        call_service(services.update_household, actor=request.user, household=household, **data)
        return Response(self.get_serializer(self._fresh(household)).data)

    def retrieve(self, request, *args, **kwargs):
        household = self.get_object()
        services.record_household_viewed(actor=request.user, household=household)
        return Response(self.get_serializer(household).data)

    @extend_schema(request=api.MemberAddSerializer, responses={201: api.HouseholdSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, id=None):
        household = self._household_to_edit()
        data = _validated(api.MemberAddSerializer, request)
        call_service(
            services.add_member,
            actor=request.user,
            household=household,
            person=data["person"],
            relation=data["relation"],
            joined_on=data.get("joined_on"),
        )
        body = self.get_serializer(self._fresh(household)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=api.MoveOutSerializer, responses=api.HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="move-out")
    def move_out(self, request, id=None):
        household = self._household_to_edit()
        data = _validated(api.MoveOutSerializer, request)
        membership = get_object_or_404(
            selectors.current_members_of(household), pk=data["membership"]
        )
        call_service(
            services.move_member_out,
            actor=request.user,
            membership=membership,
            left_on=data.get("left_on"),
            reason=data.get("reason", ""),
        )
        return Response(self.get_serializer(self._fresh(household)).data)

    @extend_schema(request=api.TransferHeadSerializer, responses=api.HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="transfer-head")
    def transfer_head(self, request, id=None):
        household = self._household_to_edit()
        data = _validated(api.TransferHeadSerializer, request)
        membership = get_object_or_404(
            selectors.current_members_of(household), pk=data["membership"]
        )
        call_service(
            services.transfer_head,
            actor=request.user,
            household=household,
            new_head=membership,
            former_head_relation=data["former_head_relation"],
        )
        return Response(self.get_serializer(self._fresh(household)).data)


def _validated(serializer_class, request, partial=False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(tags=["households"])
class PersonViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _ScopedViewSet
):
    """Persons living (or last living) in the caller's areas. Search with `q`: a national ID in
    any format, or a Thai name (typos tolerated). Persons are written through households."""

    audit_kind = "person"
    serializer_class = api.PersonSerializer
    filterset_class = PersonFilter
    queryset = Person.objects.none()

    def get_queryset(self):
        # A stable order for every page; a name search (`q`) orders best match first.
        text = self.request.query_params.get("q", "")
        if "\x00" in text:  # PostgreSQL refuses NUL in a string: a 400, not a 500
            raise serializers.ValidationError({"q": [_("Null characters are not allowed.")]})
        if text.strip():
            return selectors.search_persons(self.request.user, text=text)
        return selectors.persons_for_api(self.request.user).order_by(
            "last_name", "first_name", "id"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="National ID (any format) or Thai name (typos tolerated)"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        services.record_person_viewed(
            actor=request.user, person=person, area_code=person.home_area or ""
        )
        return Response(self.get_serializer(person).data)


@extend_schema(tags=["registrants"])
class RegistrantViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _ScopedViewSet
):
    """Welfare-registry leads in the caller's areas; `reviewed=false` is the work list. Findings
    are recorded with POST …/findings/ (facilitators and area managers)."""

    audited_actions = {"list": "registrant", "findings": "registrant_finding"}
    serializer_class = api.RegistrantSerializer
    filterset_class = RegistrantFilter
    queryset = WelfareRegistrant.objects.none()

    def get_queryset(self):
        # A stable order for every page; a name search (`q`) re-orders best match first.
        return selectors.registrants_visible_to(self.request.user).order_by(
            "area_id", "house_number", "last_name", "id"
        )

    def retrieve(self, request, *args, **kwargs):
        registrant = self.get_object()
        services.record_registrant_viewed(actor=request.user, registrant=registrant)
        return Response(self.get_serializer(registrant).data)

    @extend_schema(methods=["GET"], request=None, responses=api.FindingSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=api.FindingInputSerializer,
        responses={201: api.FindingSerializer, 400: OpenApiResponse(description="Invalid")},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def findings(self, request, id=None):
        registrant = self.get_object()
        if request.method == "GET":
            findings = selectors.registrant_findings(registrant).select_related("person")
            return Response(api.FindingSerializer(findings, many=True).data)
        require(request.user, Action.REVIEW_REGISTRANT, registrant)
        data = _validated(api.FindingInputSerializer, request)
        household = None
        if data.get("household"):
            household = get_object_or_404(
                selectors.households_visible_to(request.user), public_id=data["household"]
            )
        finding = call_service(
            services.record_registrant_finding,
            actor=request.user,
            registrant=registrant,
            finding=data["finding"],
            note=data.get("note", ""),
            new_address=data.get("new_address", ""),
            new_area=_area_or_400(data.get("new_area", ""), "new_area"),
            household=household,
            relation=data.get("relation", ""),
            village=_area_or_400(data.get("village", ""), "village"),
        )
        return Response(api.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["households"])
class PersonTransferViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _ScopedViewSet
):
    """Requests to move a person's record into a household of another area (made when a national
    ID of another area is typed). Listed for the managers and facilitators of either area, each
    seeing only their own area's details; `status` filters (default `pending`, `all` for every
    status). Area managers and provincial officers approve or reject for their side."""

    serializer_class = api.PersonTransferSerializer
    queryset = PersonTransferRequest.objects.none()
    audit_kind = "person_transfer"

    def initial(self, request, *args, **kwargs):
        viewsets.GenericViewSet.initial(self, request, *args, **kwargs)
        selectors.ensure_may_follow_transfers(request.user)

    def get_queryset(self):
        status_filter = self.request.query_params.get("status", "pending")
        if self.action != "list" or status_filter == "all":
            status_filter = ""
        return selectors.transfer_requests_visible_to(self.request.user, status=status_filter)

    def _rows(self, transfers):
        return [selectors.transfer_row(self.request.user, transfer) for transfer in transfers]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["pending", "approved", "rejected", "all"])
        ]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(self._rows(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        transfer = self.get_object()
        services.record_transfer_viewed(actor=request.user, transfer=transfer)
        return Response(self.get_serializer(selectors.transfer_row(request.user, transfer)).data)

    @extend_schema(request=None, responses=api.PersonTransferSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, id=None):
        transfer = call_service(
            services.approve_person_transfer, actor=request.user, transfer=self.get_object()
        )
        return Response(self.get_serializer(selectors.transfer_row(request.user, transfer)).data)

    @extend_schema(request=api.TransferRejectSerializer, responses=api.PersonTransferSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, id=None):
        transfer = self.get_object()  # 404 outside the scope, 403 without a side: before the body
        if not selectors.transfer_sides_decided_by(request.user, transfer):
            raise PermissionDenied(_("You do not have permission to do this."))
        data = _validated(api.TransferRejectSerializer, request)
        transfer = call_service(
            services.reject_person_transfer,
            actor=request.user,
            transfer=transfer,
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(selectors.transfer_row(request.user, transfer)).data)
