from rest_framework import serializers

from households.surveys.models import Capital

from ..models import Carrier, MasterPlan, Problem, Project, ProjectTransition
from ..transitions import TRANSITIONS


class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "rank", "title", "capital", "evidence", "description"]
        read_only_fields = ["id"]


class ProjectHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectTransition
        fields = ["name", "from_state", "to_state", "details", "at"]


class ProjectSerializer(serializers.ModelSerializer):
    plan = serializers.UUIDField(source="plan.public_id", read_only=True)
    lao = serializers.CharField(source="lao.code", read_only=True, default=None, allow_null=True)
    target_household_count = serializers.IntegerField(read_only=True)
    history = ProjectHistorySerializer(source="transitions", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "public_id",
            "plan",
            "problem",
            "title",
            "objective",
            "activities",
            "indicators",
            "budget_requested",
            "carrier",
            "lao",
            "starts_on",
            "ends_on",
            "state",
            "target_household_count",
            "local_plan_edition",
            "local_plan_first_year",
            "local_plan_last_year",
            "ordinance_fiscal_year",
            "budget_adopted",
            "not_adopted_reason",
            "history",
        ]
        read_only_fields = fields


class ProjectWriteSerializer(serializers.Serializer):
    plan = serializers.UUIDField(required=False)
    problem = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=300)
    objective = serializers.CharField()
    activities = serializers.CharField(required=False, allow_blank=True, default="")
    indicators = serializers.CharField(required=False, allow_blank=True, default="")
    budget_requested = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    carrier = serializers.ChoiceField(choices=Carrier.choices)
    lao = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    target_households = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="Household public ids"
    )
    target_levels = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Or: every household at these levels",
    )


class ProjectStepSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted({t.name for t in TRANSITIONS} - {"endorse"}))
    reason = serializers.CharField(required=False, allow_blank=True)
    edition = serializers.CharField(required=False, max_length=100)
    first_year = serializers.IntegerField(required=False, min_value=2500, max_value=2700)
    last_year = serializers.IntegerField(required=False, min_value=2500, max_value=2700)
    fiscal_year = serializers.IntegerField(required=False, min_value=2500, max_value=2700)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)


class MasterPlanSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area_id", read_only=True)
    area_name = serializers.CharField(source="area.name_th", read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    budget_requested = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    budget_adopted = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft or endorsed")

    class Meta:
        model = MasterPlan
        fields = [
            "public_id",
            "area",
            "area_name",
            "fiscal_year",
            "survey_round",
            "status",
            "vision",
            "forum_date",
            "data_computed_at",
            "endorsed_at",
            "project_count",
            "budget_requested",
            "budget_adopted",
        ]
        read_only_fields = fields


class MasterPlanDetailSerializer(MasterPlanSerializer):
    data = serializers.SerializerMethodField()
    problems = ProblemSerializer(many=True, read_only=True)

    class Meta(MasterPlanSerializer.Meta):
        fields = [*MasterPlanSerializer.Meta.fields, "data", "problems"]
        read_only_fields = fields

    def get_data(self, plan) -> dict:
        from ..selectors import data_for_reader

        return data_for_reader(self.context["request"].user, plan)


class MasterPlanCreateSerializer(serializers.Serializer):
    area = serializers.CharField(max_length=8, min_length=8)
    fiscal_year = serializers.IntegerField(min_value=2500, max_value=2700)
    survey_round = serializers.IntegerField(min_value=2500, max_value=2700, required=False)


class ProblemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    capital = serializers.ChoiceField(choices=Capital.choices)
    rank = serializers.IntegerField(min_value=1, max_value=999, required=False)
    evidence = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class BudgetTotalSerializer(serializers.Serializer):
    district = serializers.CharField()
    lao = serializers.CharField(allow_null=True)
    projects = serializers.IntegerField()
    requested = serializers.DecimalField(max_digits=16, decimal_places=2)
    adopted = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
