"""The demo catalogue: the services a Thai province uses, from realistic Mukdahan agencies."""

import pytest
from django.db import IntegrityError

from ppaos.accounts.models import Role, RoleAssignment
from ppaos.demo.services import seed_demo
from referrals.demo_catalogue import seed_demo_catalogue
from referrals.models import Agency, AgencyKind, Service, ServiceKind
from referrals.selectors import services_serving

pytestmark = pytest.mark.django_db


def test_demo_catalogue_has_the_services_a_province_uses(official_areas):
    seed_demo_catalogue()
    names = set(Service.objects.values_list("name_en", flat=True))
    for expected in [
        "Elderly allowance",
        "Disability allowance",
        "Child support grant",
        "House repair for older and disabled people",
        "Vocational skill training",
        "Job placement",
        "Universal health coverage registration",
        "Equitable-education scholarship",
        "Debt clinic and restructuring for farmers",
        "Agricultural extension",
        "Local relief by the local administration",
    ]:
        assert expected in names
    assert set(Agency.objects.values_list("kind", flat=True)) == set(AgencyKind.values)
    # one local administrative organisation per subdistrict of Mukdahan
    assert Agency.objects.filter(kind=AgencyKind.LOCAL_ADMINISTRATION).count() == 53


def test_demo_catalogue_again_changes_nothing(official_areas):
    seed_demo_catalogue()
    assert seed_demo_catalogue() == {"agencies_created": 0, "services_created": 0}


def test_a_village_is_served_by_provincial_agencies_and_its_own_local_one(villages):
    seed_demo_catalogue()
    serving = services_serving("49010201")
    local = {s.agency.code for s in serving if s.agency.kind == AgencyKind.LOCAL_ADMINISTRATION}
    assert local == {"lao-490102"}
    assert serving.filter(kind=ServiceKind.WELFARE, agency__code="lao-490102").count() == 2
    assert serving.filter(agency__code="pmj-mukdahan").exists()


def test_demo_agency_user_works_at_an_agency(official_areas):
    seed_demo(seed=1)
    assignment = RoleAssignment.objects.get(user__username="agency", role=Role.AGENCY_STAFF)
    assert assignment.agency.code == "pmj-mukdahan"


def test_agency_staff_must_have_an_agency_and_no_area(villages, agency):
    from tests.factories import UserFactory

    user = UserFactory(username="staff_without_agency")
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=user, role=Role.AGENCY_STAFF)


def test_area_roles_cannot_hold_an_agency(villages, agency):
    from tests.factories import UserFactory

    user = UserFactory(username="facilitator_with_agency")
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(
            user=user, role=Role.FACILITATOR, area_id="490101", agency=agency
        )


def test_ancestor_codes_of_a_code_and_of_an_area(villages):
    from ppaos.areas.models import Area, ancestor_codes

    assert ancestor_codes("49010101") == ["49", "4901", "490101", "49010101"]
    assert ancestor_codes("4901") == ["49", "4901"]
    assert Area.objects.get(code="490101").ancestor_codes() == ["49", "4901", "490101"]


def test_catalogue_serves_filter_matches_containing_areas(client, facilitator, agency):
    from tests.referrals.conftest import make_service

    make_service(agency, "serves-test")
    client.force_login(facilitator)
    rows = client.get("/api/v1/agencies/", {"serves": "49010101"}).json()["results"]
    assert [r["code"] for r in rows] == [agency.code]
    assert client.get("/api/v1/agencies/", {"serves": "48"}).json()["results"] == []
    rows = client.get("/api/v1/services/", {"serves": "4901"}).json()["results"]
    assert [r["code"] for r in rows] == ["serves-test"]
