"""factory_boy factories shared by every test module."""

import factory

from ppaos.accounts.models import RoleAssignment, User
from ppaos.accounts.policy import forget_assignments

TEST_PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "ทดสอบ"
    last_name = "ผู้ใช้"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def assign(user: User, role: str, area_code: str | None) -> User:
    """Give `user` a role in an area and return it with fresh policy state."""
    RoleAssignment.objects.get_or_create(user=user, role=role, area_id=area_code)
    forget_assignments(user)
    return user


# --- Household registry (issue 3) ---------------------------------------------------------------


def make_national_id(n: int, first_digit: str = "1") -> str:
    """A valid (checksummed) national ID, different for each `n`."""
    from ppaos.thai.thai_id import national_id_check_digit

    first12 = f"{first_digit}{n:011d}"
    return first12 + str(national_id_check_digit(first12))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.Person"

    national_id = factory.Sequence(lambda n: make_national_id(n + 1000))
    title = "นาง"
    first_name = "สมศรี"
    last_name = factory.Sequence(lambda n: f"ใจดี{n}")
    sex = "female"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.Household"

    area_id = "49010101"
    house_number = factory.Sequence(lambda n: f"{n + 1}/1")


class RegistrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "households.WelfareRegistrant"

    national_id = factory.Sequence(lambda n: make_national_id(n + 500000))
    title = "นาย"
    first_name = "สมชาย"
    last_name = factory.Sequence(lambda n: f"มีสุข{n}")
    house_number = factory.Sequence(lambda n: str(n + 1))
    village_number = 1
    area_id = "49010101"


def household_with_head(area_code: str = "49010101", **person_fields):
    """A household with a current head (created directly, bypassing services, for fixtures)."""
    import datetime

    from households.models import Membership

    household = HouseholdFactory(area_id=area_code)
    head = PersonFactory(**person_fields)
    Membership.objects.create(
        household=household, person=head, relation="head", joined_on=datetime.date(2020, 1, 1)
    )
    return household
