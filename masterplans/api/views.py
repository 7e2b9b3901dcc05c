"""REST API for community master plans. Views hold no rules: they call the selectors and
services the pages use. Records are read through VIEW_HOUSEHOLD (out of scope → 404), written
through DRAFT_MASTER_PLAN / ENDORSE_MASTER_PLAN (visible but not allowed → 403); the budget
totals need only VIEW_DASHBOARD (no names)."""

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from households.selectors import households_visible_to, villages_for
from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants, require
from ppaos.audit.reads import AuditedListMixin
from ppaos.audit.services import record_audit_event

from .. import selectors, services
from ..models import LocalAdministrativeOrganisation, ProjectTransition
from .filters import MasterPlanFilter, ProjectFilter
from .serializers import (
    BudgetTotalSerializer,
    MasterPlanCreateSerializer,
    MasterPlanDetailSerializer,
    MasterPlanSerializer,
    ProblemSerializer,
    ProblemWriteSerializer,
    ProjectSerializer,
    ProjectStepSerializer,
    ProjectWriteSerializer,
)

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _refused(error: ValidationError) -> Response:
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)


class MasterPlanViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Community master plans of the villages in the caller's area."""

    audit_kind = "master_plan"
    filterset_class = MasterPlanFilter
    lookup_field = "public_id"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "budget_totals":
            ensure_role_allows(request.user, Action.VIEW_DASHBOARD)
        else:
            ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)

    def get_serializer_class(self):
        return MasterPlanDetailSerializer if self.action == "retrieve" else MasterPlanSerializer

    def get_queryset(self):
        queryset = selectors.plans_visible_to(self.request.user).annotate(
            project_count=Count("projects"),
            budget_requested=Coalesce(
                Sum("projects__budget_requested"), Value(0), output_field=_MONEY
            ),
            budget_adopted=Coalesce(Sum("projects__budget_adopted"), Value(0), output_field=_MONEY),
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("problems")
        return queryset.order_by("area_id", "-fiscal_year")

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        record_audit_event(actor=request.user, action="masterplan.view", target=plan)
        return Response(self.get_serializer(plan).data)

    def _fresh(self, plan, code=status.HTTP_200_OK):
        self.action = "retrieve"
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(
            MasterPlanDetailSerializer(plan, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=MasterPlanCreateSerializer, responses={201: MasterPlanDetailSerializer})
    def create(self, request, *args, **kwargs):
        ensure_role_grants(request.user, Action.DRAFT_MASTER_PLAN)
        data = MasterPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        village = get_object_or_404(
            villages_for(request.user, Action.DRAFT_MASTER_PLAN), code=values["area"]
        )
        try:
            plan = services.create_plan(
                actor=request.user,
                area_code=village.code,
                fiscal_year=values["fiscal_year"],
                survey_round=values.get("survey_round"),
            )
        except ValidationError as error:
            return _refused(error)
        return self._fresh(plan, status.HTTP_201_CREATED)

    def _write(self, request, permission: Action, call):
        plan = self.get_object()
        require(request.user, permission, plan.area)
        try:
            plan = call(plan)
        except ValidationError as error:
            return _refused(error)
        return self._fresh(plan)

    @extend_schema(request=None, responses=MasterPlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, public_id=None):
        """Recompute the data section from the surveys (a draft plan only)."""
        return self._write(
            request,
            Action.DRAFT_MASTER_PLAN,
            lambda plan: services.refresh_data(actor=request.user, plan=plan),
        )

    @extend_schema(request=None, responses=MasterPlanDetailSerializer)
    @action(detail=True, methods=["post"])
    def endorse(self, request, public_id=None):
        """The community endorses the plan: the data section freezes, ranked projects go with it."""
        return self._write(
            request,
            Action.ENDORSE_MASTER_PLAN,
            lambda plan: services.endorse_plan(actor=request.user, plan=plan),
        )

    @extend_schema(request=ProblemWriteSerializer, responses={201: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def problems(self, request, public_id=None):
        """Add a problem the village forum ranked."""
        plan = self.get_object()
        require(request.user, Action.DRAFT_MASTER_PLAN, plan.area)
        data = ProblemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            problem = services.add_problem(actor=request.user, plan=plan, **data.validated_data)
        except ValidationError as error:
            return _refused(error)
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=BudgetTotalSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="budget-totals", pagination_class=None)
    def budget_totals(self, request):
        """Requested and adopted budget by district and LAO (no names)."""
        rows = [
            {
                "district": row["plan__area__parent__parent_id"],
                "lao": row["lao__name_th"],
                "projects": row["projects"],
                "requested": row["requested"] or 0,
                "adopted": row["adopted"],
            }
            for row in selectors.budget_totals(request.user)
        ]
        return Response(BudgetTotalSerializer(rows, many=True).data)


class ProjectViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Master-plan projects, with their state history."""

    audit_kind = "master_plan_project"
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    lookup_field = "public_id"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)

    def get_queryset(self):
        history = ProjectTransition.objects.order_by("at", "id")
        return (
            selectors.projects_visible_to(self.request.user)
            .annotate(target_household_count=Count("target_households"))
            .prefetch_related(Prefetch("transitions", queryset=history))
            .order_by("plan__area_id", "id")
        )

    def _fresh(self, project, code=status.HTTP_200_OK):
        return Response(ProjectSerializer(self.get_queryset().get(pk=project.pk)).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        record_audit_event(
            actor=request.user,
            action="masterplan.project.view",
            target=project,
            area_code=project.plan.area_id,
        )
        return Response(self.get_serializer(project).data)

    def _fields(self, plan, values) -> dict:
        fields = {
            k: v
            for k, v in values.items()
            if k not in {"plan", "target_households", "target_levels", "lao", "problem"}
        }
        if values.get("lao"):
            fields["lao"] = get_object_or_404(LocalAdministrativeOrganisation, code=values["lao"])
        if values.get("problem"):
            fields["problem"] = get_object_or_404(plan.problems.all(), pk=values["problem"])
        return fields

    def _targets(self, plan, values):
        if values.get("target_levels"):
            return services.households_by_level(plan, values["target_levels"])
        if "target_households" in values:
            chosen = households_visible_to(self.request.user).filter(
                area_id=plan.area_id, public_id__in=values["target_households"]
            )
            ids = list(chosen.values_list("pk", flat=True))
            if len(ids) != len(set(values["target_households"])):
                raise ValidationError({"target_households": "Not households of this village."})
            return ids
        return None

    @extend_schema(request=ProjectWriteSerializer, responses={201: ProjectSerializer})
    def create(self, request, *args, **kwargs):
        ensure_role_grants(request.user, Action.DRAFT_MASTER_PLAN)
        data = ProjectWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not values.get("plan"):
            return Response({"plan": ["This field is required."]}, status=400)
        plan = get_object_or_404(
            selectors.plans_editable_by(request.user), public_id=values["plan"]
        )
        try:
            project = services.add_project(
                actor=request.user,
                plan=plan,
                target_households=self._targets(plan, values) or (),
                **self._fields(plan, values),
            )
        except ValidationError as error:
            return _refused(error)
        return self._fresh(project, status.HTTP_201_CREATED)

    @extend_schema(request=ProjectWriteSerializer, responses=ProjectSerializer)
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        require(request.user, Action.DRAFT_MASTER_PLAN, project)
        data = ProjectWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            project = services.update_project(
                actor=request.user,
                project=project,
                target_households=self._targets(project.plan, values),
                **self._fields(project.plan, values),
            )
        except ValidationError as error:
            return _refused(error)
        return self._fresh(project)

    @extend_schema(request=ProjectStepSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, public_id=None):
        """Move the project one step (rank, submit, record_local_plan, record_ordinance,
        complete, not_adopted); a step its state does not allow is refused (400)."""
        project = self.get_object()
        require(request.user, Action.DRAFT_MASTER_PLAN, project)
        data = ProjectStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            project = services.transition_project(
                actor=request.user, project=project, name=values.pop("name"), **values
            )
        except ValidationError as error:
            return _refused(error)
        return self._fresh(project)
