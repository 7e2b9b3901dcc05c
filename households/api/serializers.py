"""Registry API serializers: shape only. National IDs go out in full only to users who may see
them in the record's area, masked otherwise (PDPA data minimisation)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Finding,
    Household,
    Membership,
    Person,
    RegistrantFinding,
    Relation,
    Sex,
    WelfareRegistrant,
)
from ..national_id_display import national_id_for_viewer
from ..selectors import current_members_of


class _NationalIdMixin:
    def _national_id(self, national_id: str, area_code: str) -> str:
        user = getattr(self.context.get("request"), "user", None)
        return national_id_for_viewer(user, national_id, area_code)


# --- Output ------------------------------------------------------------------------------------


class MemberSerializer(_NationalIdMixin, serializers.ModelSerializer):
    person = serializers.UUIDField(source="person.public_id", read_only=True)
    national_id = serializers.SerializerMethodField()
    title = serializers.CharField(source="person.title", read_only=True)
    first_name = serializers.CharField(source="person.first_name", read_only=True)
    last_name = serializers.CharField(source="person.last_name", read_only=True)
    birth_date = serializers.DateField(source="person.birth_date", read_only=True, allow_null=True)
    sex = serializers.CharField(source="person.sex", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "national_id",
            "title",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "relation",
            "joined_on",
            "left_on",
        ]

    @extend_schema_field(serializers.CharField())
    def get_national_id(self, membership) -> str:
        return self._national_id(membership.person.national_id, membership.household.area_id)


class HouseholdSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    area = serializers.CharField(source="area_id", read_only=True)
    level = serializers.CharField(source="latest_level", read_only=True, allow_null=True)
    target_poor = serializers.BooleanField(
        source="latest_target_poor", read_only=True, allow_null=True
    )
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "area",
            "house_number",
            "house_registration_code",
            "latitude",
            "longitude",
            "status",
            "level",
            "target_poor",
            "members",
        ]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household):
        members = getattr(household, "current_members", None)
        if members is None:
            members = current_members_of(household)
        for membership in members:
            membership.household = household  # for the area, without another query
        return MemberSerializer(members, many=True, context=self.context).data


class PersonSerializer(_NationalIdMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    national_id = serializers.SerializerMethodField()
    household = serializers.UUIDField(source="current_household", read_only=True, allow_null=True)
    area = serializers.CharField(source="current_area", read_only=True, allow_null=True)
    relation = serializers.CharField(source="current_relation", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "national_id",
            "title",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "education",
            "occupation",
            "welfare_card_holder",
            "has_disability",
            "has_chronic_illness",
            "is_bedridden",
            "household",
            "area",
            "relation",
        ]

    @extend_schema_field(serializers.CharField())
    def get_national_id(self, person) -> str:
        return self._national_id(person.national_id, getattr(person, "home_area", "") or "")


class RegistrantSerializer(_NationalIdMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    national_id = serializers.SerializerMethodField()
    area = serializers.CharField(source="area_id", read_only=True)
    reviewed = serializers.BooleanField(source="has_finding", read_only=True)

    class Meta:
        model = WelfareRegistrant
        fields = [
            "id",
            "national_id",
            "title",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "house_number",
            "village_number",
            "area",
            "postal_code",
            "phone",
            "annual_income",
            "card_status",
            "registration_date",
            "import_job",
            "reviewed",
        ]

    @extend_schema_field(serializers.CharField())
    def get_national_id(self, registrant) -> str:
        return self._national_id(registrant.national_id, registrant.area_id)


class FindingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    household = serializers.UUIDField(
        source="household.public_id", read_only=True, default=None, allow_null=True
    )
    person = serializers.UUIDField(
        source="person.public_id", read_only=True, default=None, allow_null=True
    )
    new_area = serializers.CharField(source="new_area_id", read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = RegistrantFinding
        fields = [
            "id",
            "finding",
            "note",
            "new_address",
            "new_area",
            "household",
            "person",
            "recorded_by",
            "created_at",
        ]


# --- Input -------------------------------------------------------------------------------------


class PersonInputSerializer(serializers.Serializer):
    national_id = serializers.CharField(
        max_length=30, help_text="13 digits; dashes, spaces and Thai digits accepted."
    )
    title = serializers.CharField(max_length=30, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    education = serializers.CharField(max_length=100, required=False, allow_blank=True)
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    welfare_card_holder = serializers.BooleanField(required=False)


class HouseholdCreateSerializer(serializers.Serializer):
    area = serializers.CharField(max_length=8, help_text="Village code (8 digits).")
    house_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    house_registration_code = serializers.CharField(max_length=11, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    head = PersonInputSerializer()


class HouseholdUpdateSerializer(serializers.Serializer):
    house_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    house_registration_code = serializers.CharField(max_length=11, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )


class MemberAddSerializer(serializers.Serializer):
    person = PersonInputSerializer()
    # Every relation but head (a household has its head already: use transfer-head).
    relation = serializers.ChoiceField(choices=Relation.choices)
    joined_on = serializers.DateField(required=False, allow_null=True)


class MoveOutSerializer(serializers.Serializer):
    membership = serializers.IntegerField()
    left_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TransferHeadSerializer(serializers.Serializer):
    membership = serializers.IntegerField(help_text="The current member who becomes head.")
    former_head_relation = serializers.CharField(
        max_length=12, help_text="The former head's relation to the new head (not head)."
    )


class FindingInputSerializer(serializers.Serializer):
    finding = serializers.ChoiceField(choices=Finding.choices)
    note = serializers.CharField(required=False, allow_blank=True)
    new_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    new_area = serializers.CharField(max_length=8, required=False, allow_blank=True)
    household = serializers.UUIDField(required=False, allow_null=True)
    relation = serializers.ChoiceField(choices=Relation.choices, required=False, allow_blank=True)
    village = serializers.CharField(max_length=8, required=False, allow_blank=True)


# --- Person transfer requests (rows from `selectors.transfer_row`) -----------------------------


class PersonTransferSerializer(serializers.Serializer):
    """A transfer request as the caller may see it: the person and their area only for those who
    may see the source area (or the target area once approved); null otherwise."""

    id = serializers.UUIDField(source="transfer.public_id")
    status = serializers.CharField(source="transfer.status")
    national_id = serializers.CharField(
        help_text="In full or masked, by the caller's rights in the area it is shown for."
    )
    person = serializers.SerializerMethodField()
    from_area = serializers.SerializerMethodField()
    to_area = serializers.CharField(source="transfer.to_area_id")
    to_area_name = serializers.CharField(source="transfer.to_area.name_th")
    to_household = serializers.SerializerMethodField()
    relation = serializers.CharField(source="transfer.relation")
    waiting_for_source = serializers.BooleanField()
    waiting_for_target = serializers.BooleanField()
    may_approve = serializers.BooleanField()
    may_reject = serializers.BooleanField()
    note = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="transfer.created_at")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_person(self, row) -> str | None:
        return row.person_label if row.sees_person else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_from_area(self, row) -> str | None:
        return row.transfer.from_area_id if row.sees_person else None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_to_household(self, row) -> str | None:
        household = row.transfer.to_household
        return str(household.public_id) if household and row.sees_target else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_note(self, row) -> str | None:
        return row.transfer.decision_note if row.sees_person else None


class TransferRejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
