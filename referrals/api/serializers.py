"""API representations. `AgencyReferralSerializer` is the only one agency staff ever get: name,
contact, address, the need and what the agency itself recorded (PDPA data minimisation)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Agency,
    HelpArrived,
    HelpEffect,
    Referral,
    ReferralTransition,
    Service,
    Urgency,
)


@extend_schema_field(
    {
        "type": "string",
        "description": "Email address, or empty when the agency has none",
        "anyOf": [{"format": "email"}, {"maxLength": 0}],
    }
)
class _BlankableEmailField(serializers.CharField):
    """An email that may be blank (`Agency.email` is optional): "" is no address, not bad."""


class AgencySerializer(serializers.ModelSerializer):
    email = _BlankableEmailField(read_only=True)
    areas_served = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["public_id", "code", "name_th", "name_en", "kind", "areas_served", "phone",
                  "email", "address"]  # fmt: skip


class ServiceSerializer(serializers.ModelSerializer):
    agency = serializers.UUIDField(source="agency.public_id", read_only=True)
    agency_name = serializers.CharField(source="agency.name_th", read_only=True)

    class Meta:
        model = Service
        fields = ["public_id", "code", "name_th", "name_en", "kind", "capital",
                  "eligibility_note", "expected_days", "agency", "agency_name"]  # fmt: skip


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")
    # Plain strings: the referral's `status` enum already documents the values.
    from_status = serializers.CharField()
    to_status = serializers.CharField()

    class Meta:
        model = ReferralTransition
        fields = ["created_at", "from_status", "to_status", "actor", "note"]


class ReferralSerializer(serializers.ModelSerializer):
    """The full record, for facilitators, area managers and provincial officers in scope."""

    household = serializers.UUIDField(source="household.public_id", read_only=True)
    person = serializers.UUIDField(source="person.public_id", read_only=True, allow_null=True)
    service = serializers.CharField(source="service.code", read_only=True)
    service_name = serializers.CharField(source="service.name_th", read_only=True)
    agency = serializers.UUIDField(source="agency.public_id", read_only=True)
    agency_name = serializers.CharField(source="agency.name_th", read_only=True)
    area = serializers.CharField(source="area_id", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    history = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = ["public_id", "status", "urgency", "need", "reason", "contact_phone",
                  "household", "person", "area", "service", "service_name", "agency",
                  "agency_name", "submitted_at", "due_on", "overdue", "outcome", "help_value",
                  "completed_at", "created_at", "updated_at", "history"]  # fmt: skip
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer):
    household = serializers.UUIDField()
    service = serializers.SlugField(help_text="The service's code.")
    person = serializers.UUIDField(required=False, allow_null=True)
    need = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(default=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RerouteSerializer(NoteSerializer):
    service = serializers.SlugField(help_text="The service's code.")


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(allow_blank=True)
    help_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class BatchSerializer(NoteSerializer):
    referrals = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=200)


class FollowUpSerializer(serializers.Serializer):
    arrived = serializers.ChoiceField(choices=HelpArrived.choices)
    effect = serializers.ChoiceField(choices=HelpEffect.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AgencyReferralSerializer(serializers.Serializer):
    """What an agency needs to help, and nothing else: no survey, no reason, no national ID."""

    public_id = serializers.UUIDField()
    status = serializers.CharField()
    urgency = serializers.CharField()
    service = serializers.CharField(source="service.name_th")
    need = serializers.CharField()
    name = serializers.CharField(source="contact_name")
    contact_phone = serializers.CharField()
    house_number = serializers.CharField(source="household.house_number")
    village = serializers.CharField(source="area.name_th")
    subdistrict = serializers.CharField(source="area.parent.name_th")
    district = serializers.CharField(source="area.parent.parent.name_th")
    due_on = serializers.DateField()
    overdue = serializers.BooleanField(source="is_overdue")
    outcome = serializers.CharField()
    help_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
