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
