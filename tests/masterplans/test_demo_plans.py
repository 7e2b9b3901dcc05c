"""The demo province's master plans: LAOs of Mukdahan, a handful of plans, every project state."""

import pytest

from households.demo import seed_demo_households, seed_demo_village_households
from households.models import Household
from masterplans.demo import MIN_SURVEYED, seed_demo_plans
from masterplans.models import LaoKind, LocalAdministrativeOrganisation, MasterPlan, Project
from masterplans.transitions import State
from ppaos.demo.services import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_plans_have_projects_in_every_state_and_seeding_again_adds_nothing(official_areas):
    seed_demo(seed=1)
    seed_demo_households(count=150, seed=1)
    made = seed_demo_plans(seed=1)

    assert made["plans"] == 8 and made["projects"] == Project.objects.count()
    districts = {code[:4] for code in MasterPlan.objects.values_list("area_id", flat=True)}
    assert districts == {"4901", "4902", "4903", "4904", "4905", "4906", "4907"}
    assert MasterPlan.objects.filter(area__code__startswith="4901").count() == 2
    kinds = set(LocalAdministrativeOrganisation.objects.values_list("kind", flat=True))
    assert kinds == {LaoKind.PAO, LaoKind.TOWN, LaoKind.TAO}
    sri_bun_ruang = LocalAdministrativeOrganisation.objects.get(code="tao-490102")
    assert sri_bun_ruang.name_th == "องค์การบริหารส่วนตำบลศรีบุญเรือง"
    assert list(sri_bun_ruang.areas.values_list("code", flat=True)) == ["490102"]
    assert set(Project.objects.values_list("state", flat=True)) == {s.value for s in State}
    assert MasterPlan.objects.filter(status="draft").count() == 1
    adopted = Project.objects.filter(state__in=["in_budget", "done"], budget_adopted__isnull=False)
    assert adopted.exists()
    for plan in MasterPlan.objects.all():
        # made from the village's surveys, enough of them to be shown outside the village
        assert plan.data["households"] >= MIN_SURVEYED
    other = MasterPlan.objects.exclude(area__code__startswith="4901").first()
    assert other.created_by.username == f"manager_{other.area_id[:4]}"
    assert not other.created_by.has_usable_password()

    households = Household.objects.count()
    again = seed_demo_plans(seed=1)
    assert again["plans"] == 0 and MasterPlan.objects.count() == 8
    assert Household.objects.count() == households
    assert (
        seed_demo_village_households(
            wanted=dict.fromkeys(MasterPlan.objects.values_list("area_id", flat=True), MIN_SURVEYED)
        )["households"]
        == 0
    )
