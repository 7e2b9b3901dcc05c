"""The demo province's master plans: LAOs of Mukdahan, a handful of plans, every project state."""

import pytest

from households.demo import seed_demo_households
from masterplans.demo import seed_demo_plans
from masterplans.models import LaoKind, LocalAdministrativeOrganisation, MasterPlan, Project
from masterplans.transitions import State
from ppaos.demo.services import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_plans_have_projects_in_every_state_and_seeding_again_adds_nothing(official_areas):
    seed_demo(seed=1)
    seed_demo_households(count=150, seed=1)
    made = seed_demo_plans(seed=1)

    assert made["plans"] == 5 and made["projects"] == Project.objects.count()
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
        assert plan.data["households"] > 0  # made from the village's surveys

    again = seed_demo_plans(seed=1)
    assert again["plans"] == 0 and MasterPlan.objects.count() == 5
