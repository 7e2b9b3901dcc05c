"""Shapes of the monitoring API: the dashboard's numbers as the pages show them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Report

# A count as shown: the number, or "<5" (1–4) / "x" (hidden so a total cannot give one back).
SHOWN_COUNT = {
    "oneOf": [{"type": "integer"}, {"type": "string", "enum": ["<5", "x"]}],
    "description": 'A count, or "<5" (1–4 households) or "x" (hidden: complementary cell).',
}


@extend_schema_field(SHOWN_COUNT)
class ShownCountField(serializers.Field):
    def to_representation(self, value):
        return value


class RoundQuerySerializer(serializers.Serializer):
    area = serializers.RegexField(r"^\d{2}(\d{2}){0,3}$", required=False)
    round = serializers.IntegerField(required=False, min_value=2500, max_value=2700)


class LevelTransitionQuerySerializer(serializers.Serializer):
    area = serializers.RegexField(r"^\d{2}(\d{2}){0,3}$", required=False)
    from_round = serializers.IntegerField(required=False, min_value=2500, max_value=2700)
    to_round = serializers.IntegerField(required=False, min_value=2500, max_value=2700)


class HeadlineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = ShownCountField()
    change = serializers.IntegerField(allow_null=True)


class LabelledCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = ShownCountField()


class ChildAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    levels = serializers.DictField(child=ShownCountField())
    total = ShownCountField()
    share_in_hardship = serializers.FloatField(allow_null=True)
    map_class = serializers.CharField()


class ProjectStateSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    requested = serializers.DecimalField(max_digits=16, decimal_places=2)
    adopted = serializers.DecimalField(max_digits=16, decimal_places=2)


class RollupSerializer(serializers.Serializer):
    area = serializers.CharField()
    name = serializers.CharField()
    round = serializers.IntegerField(allow_null=True)
    previous_round = serializers.IntegerField(allow_null=True)
    exact = serializers.BooleanField()
    data_as_of = serializers.DateTimeField(allow_null=True)
    headlines = HeadlineSerializer(many=True)
    levels = LabelledCountSerializer(many=True)
    persons = LabelledCountSerializer(many=True)
    referrals = LabelledCountSerializer(many=True)
    coverage = LabelledCountSerializer(many=True)
    help_count = ShownCountField(allow_null=True)
    help_value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    median_days_to_complete = serializers.FloatField(allow_null=True)
    help_by_kind = LabelledCountSerializer(many=True)
    projects = ProjectStateSerializer(many=True)
    children = ChildAreaSerializer(many=True)


class AgencyFiguresSerializer(serializers.Serializer):
    agency = serializers.CharField()
    name = serializers.CharField()
    completed = ShownCountField()
    overdue = ShownCountField()
    other = ShownCountField()
    total = ShownCountField()
    median_days_to_complete = serializers.FloatField(allow_null=True)
    help_value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class AgencyTableSerializer(serializers.Serializer):
    area = serializers.CharField()
    round = serializers.IntegerField(allow_null=True)
    exact = serializers.BooleanField()
    top_only = serializers.BooleanField(
        help_text="True: outside the caller's own work area agencies are given for the top of "
        "their dashboard scope only (no rows here)."
    )
    data_as_of = serializers.DateTimeField(allow_null=True)
    agencies = AgencyFiguresSerializer(many=True)
    total = serializers.ListField(child=ShownCountField())


class LevelTransitionSerializer(serializers.Serializer):
    area = serializers.CharField()
    top_only = serializers.BooleanField(
        help_text="True: outside the caller's own work area the matrix is given for the top of "
        "their area only (smaller areas' matrices could be subtracted); the matrix is empty."
    )
    computed = serializers.BooleanField(
        help_text="False: the two rounds' level changes are not computed yet (the roll-ups have "
        "not been rebuilt since the tables were created); the matrix is empty."
    )
    from_round = serializers.IntegerField(allow_null=True)
    to_round = serializers.IntegerField(allow_null=True)
    exact = serializers.BooleanField()
    data_as_of = serializers.DateTimeField(allow_null=True)
    levels = serializers.ListField(
        child=serializers.CharField(),
        help_text="Row and column keys: the four levels, then '-' (not surveyed in that round).",
    )
    matrix = serializers.ListField(
        child=serializers.ListField(child=ShownCountField()),
        help_text="Rows: level in from_round (the last row: entered, not surveyed then); "
        "columns: level in to_round (the last: left). Each row ends with its total; the last "
        "line is the column totals.",
    )
    entered = ShownCountField(allow_null=True)
    exited = ShownCountField(allow_null=True)
    improved = serializers.IntegerField(allow_null=True)
    worse = serializers.IntegerField(allow_null=True)


class ReportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    area = serializers.CharField(source="area_id", read_only=True)
    round = serializers.IntegerField(source="fiscal_year", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "area", "round", "from_year", "exact", "status", "progress", "created_at",
            "finished_at", "data_as_of", "download",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download(self, report) -> str | None:
        from django.urls import reverse

        if report.status != "done":
            return None
        return reverse("monitoring_api:report_download", args=[report.public_id])


class ReportRequestSerializer(serializers.Serializer):
    area = serializers.RegexField(r"^\d{2}(\d{2}){0,3}$")
    round = serializers.IntegerField(min_value=2500, max_value=2700)
