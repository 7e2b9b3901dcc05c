"""The officer's queue: a select-all control (a static script, no inline JS), each household's
level, the batch message in natural Thai, and the missing reason shown at the field and at the
top with a link to it."""

import pytest
from django.urls import reverse

from households.models import ClassificationResult
from tests.households.surveys.test_level_preview_and_way_back import verified_household
from tests.referrals.conftest import make_household

QUEUE = reverse("referrals:officer_queue")


@pytest.fixture(autouse=True)
def thai(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"  # the referrals conftest picks English


def test_batch_approve_message_reads_naturally_in_thai(client, provincial_officer, make_referral):
    referrals = [make_referral("submitted") for _ in range(2)]
    client.force_login(provincial_officer)
    response = client.post(
        QUEUE,
        {"decision": "approve", "referrals": [str(r.public_id) for r in referrals]},
        follow=True,
    )
    body = response.content.decode()
    assert "อนุมัติการส่งต่อแล้ว 2 รายการ" in body
    assert "อนุมัติแล้วการส่งต่อ" not in body


def test_queue_has_a_select_all_box_and_its_script(client, provincial_officer, make_referral):
    make_referral("submitted")
    client.force_login(provincial_officer)
    body = client.get(QUEUE).content.decode()
    assert 'data-select-all="referrals"' in body
    assert "js/select_all.js" in body
    assert "onclick" not in body


def test_queue_shows_each_households_level(
    client, facilitator, area_manager, provincial_officer, make_referral
):
    classified = verified_household(facilitator, area_manager)
    make_referral("submitted", household=classified)
    make_referral("submitted", household=make_household("49010101"))
    client.force_login(provincial_officer)
    body = client.get(QUEUE).content.decode()
    assert body.count('data-testid="household-level"') == 2
    assert "ยังไม่ได้จัดระดับ" in body
    level = ClassificationResult.objects.get(household=classified).get_level_display()
    assert level in body


def test_missing_reason_is_beside_the_field_and_linked_from_the_top(
    client, provincial_officer, make_referral
):
    referral = make_referral("submitted")
    client.force_login(provincial_officer)
    body = client.post(
        QUEUE + "?status=submitted",
        {"decision": "reject", "referrals": [str(referral.public_id)], "reason": ""},
    ).content.decode()
    assert 'action="?status=submitted#decision"' in body  # the reloaded page lands on the field
    assert 'data-testid="reason-error-summary"' in body
    assert 'href="#id_reason"' in body
    field = body[body.index('data-testid="reason-field"') :]
    assert "errorlist" in field[:2000]


def test_queue_query_count_is_bounded(
    client, provincial_officer, make_referral, django_assert_max_num_queries
):
    for _ in range(5):
        make_referral("submitted", household=make_household("49010101"))
    client.force_login(provincial_officer)
    with django_assert_max_num_queries(25):
        client.get(QUEUE)
