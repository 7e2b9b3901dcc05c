"""The printed plan's page: what it holds, who may open it (404 / 403), its audit row, and the
PDF panel's request and polling (the worker itself: test_printed_plan_pdf_worker.py)."""

import pytest
from django.urls import reverse

from households.models import Person
from masterplans.models import PlanPdf
from masterplans.print_models import PdfStatus
from ppaos.audit.models import AuditEvent

from .printed_plan_helpers import OTHER_TITLE, PROJECT_TITLE, village_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(facilitator, area_manager):
    return village_plan(facilitator, area_manager)[0]


def _print(client, user, plan):
    client.force_login(user)
    return client.get(reverse("plan_print:plan_print", args=[plan.public_id]))


def test_the_village_worker_sees_the_whole_plan_in_its_order(client, facilitator, plan):
    page = _print(client, facilitator, plan)
    assert page.status_code == 200
    html = page.content.decode()
    order = [
        'data-testid="cover"',
        'data-testid="village-name">บ้านโนนสูง<',
        "ประจำปีงบประมาณ พ.ศ. 2570",
        'data-testid="profile"',
        "องค์การบริหารส่วนตำบลทดสอบพิมพ์",
        'data-testid="data-section"',
        'data-testid="levels"',
        'data-testid="groups"',
        'data-testid="income"',
        'data-testid="spending"',
        'data-testid="debt"',
        'data-testid="capitals"',
        'data-testid="indicators"',
        'data-testid="problems"',
        "หนี้นอกระบบสูง",
        'data-testid="projects"',
        PROJECT_TITLE,
        OTHER_TITLE,
        'data-testid="budget"',
        "133,500",  # 125,000 + 8,500 requested in all
        "หนึ่งแสนสามหมื่นสามพันห้าร้อยบาทถ้วน",
    ]
    positions = [html.find(text) for text in order]
    assert -1 not in positions, [t for t, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "20 พ.ย. 2569" in html  # the forum's date, Buddhist era
    assert "ฉบับร่าง" in html  # a draft says so on its cover
    assert "125,000" in html
    # The village's workers see the exact count of the project's target households.
    counts = [c.split("</dd>")[0].strip() for c in html.split('data-testid="target-count">')[1:]]
    assert counts == ["3 ครัวเรือน", "0 ครัวเรือน"]


def test_the_printed_plan_names_no_household_or_person(client, facilitator, plan):
    html = _print(client, facilitator, plan).content.decode()
    names = Person.objects.filter(memberships__household__area_id="49010101").values_list(
        "first_name", "last_name"
    )
    assert names
    for first, last in names:
        assert first not in html and last not in html


def test_readers_outside_the_village_see_small_groups_as_under_five(
    client, provincial_officer, plan
):
    html = _print(client, provincial_officer, plan).content.decode()
    assert "&lt;5 ครัวเรือน" in html  # the project's three target households
    assert "&lt;5" in html.split('data-testid="levels"')[1].split("</table>")[0]


def test_opening_the_printed_plan_is_audited(client, facilitator, plan):
    _print(client, facilitator, plan)
    event = AuditEvent.objects.get(action="masterplan.print_viewed")
    assert event.actor == facilitator
    assert event.details == {"exact_counts": True}


def test_another_area_answers_404_and_a_role_without_reads_403(
    client, plan, neighbour_facilitator, executive, agency_staff, admin_user
):
    assert _print(client, neighbour_facilitator, plan).status_code == 404
    for user in (executive, agency_staff, admin_user):
        assert _print(client, user, plan).status_code == 403
    panel = reverse("plan_print:pdf_panel", args=[plan.public_id])
    client.force_login(neighbour_facilitator)
    assert client.post(panel).status_code == 404
    client.force_login(executive)
    assert client.post(panel).status_code == 403
    assert not PlanPdf.objects.exists()


def test_asking_for_the_pdf_queues_one_and_the_panel_polls_until_it_is_ready(
    client, facilitator, plan, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    panel = reverse("plan_print:pdf_panel", args=[plan.public_id])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = client.post(panel, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert len(callbacks) == 1  # the task, sent once the request commits
    pdf = PlanPdf.objects.get()
    assert (pdf.status, pdf.exact_counts, pdf.plan_endorsed) == (PdfStatus.PENDING, True, False)
    assert 'hx-trigger="every 2s"' in answer.content.decode()
    assert AuditEvent.objects.filter(action="masterplan.pdf_requested").count() == 1
    # Asked again while it is being made: the same PDF, nothing queued twice.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(panel, headers={"HX-Request": "true"})
    assert callbacks == [] and PlanPdf.objects.count() == 1
    # Without htmx the form posts and comes back to the printed plan.
    assert client.post(panel).status_code == 302


def test_a_draft_plan_gets_a_new_pdf_each_time_it_has_changed(
    client, facilitator, area_manager, plan, django_capture_on_commit_callbacks
):
    from masterplans.services import request_plan_pdf

    with django_capture_on_commit_callbacks(execute=False):
        first, queued = request_plan_pdf(actor=facilitator, plan=plan)
    assert queued
    PlanPdf.objects.filter(pk=first.pk).update(status=PdfStatus.READY)
    with django_capture_on_commit_callbacks(execute=False):
        second, queued = request_plan_pdf(actor=facilitator, plan=plan)
    assert queued and second.pk != first.pk  # a draft is never handed out again


def test_a_pdf_whose_worker_was_lost_is_offered_again(
    client, facilitator, plan, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from masterplans.selectors import STALLED_AFTER
    from masterplans.services import request_plan_pdf

    with django_capture_on_commit_callbacks(execute=False):
        lost, _ = request_plan_pdf(actor=facilitator, plan=plan)
    PlanPdf.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - STALLED_AFTER - dt.timedelta(seconds=1)
    )
    client.force_login(facilitator)
    panel = client.get(reverse("plan_print:pdf_panel", args=[plan.public_id])).content.decode()
    assert "hx-trigger" not in panel and 'data-testid="pdf-failed"' in panel
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again, queued = request_plan_pdf(actor=facilitator, plan=plan)
    assert queued and again.pk != lost.pk and len(callbacks) == 1


def test_the_pdf_page_gets_its_stylesheet_and_fonts_from_disk_and_nothing_else():
    from masterplans.print_document import PDF_STATIC, static_file_for

    assert static_file_for(PDF_STATIC + "css/plan_print.css").name == "plan_print.css"
    font = static_file_for(PDF_STATIC + "vendor/sarabun/sarabun-thai-400-normal.woff2")
    assert font.read_bytes()[:4] == b"wOF2"
    for refused in (
        "https://example.org/static/css/plan_print.css",
        PDF_STATIC + "../ppaos/settings/base.py",
        PDF_STATIC + "css/missing.css",
        "file:///etc/passwd",
    ):
        assert static_file_for(refused) is None, refused


def test_the_plan_page_can_link_the_printed_plan_with_one_include(plan):
    from django.template.loader import render_to_string

    html = render_to_string("masterplans/print/_plan_actions.html", {"plan": plan})
    assert reverse("plan_print:plan_print", args=[plan.public_id]) in html


def test_a_pdf_of_an_earlier_version_of_the_plan_is_not_offered(
    client, facilitator, plan, django_capture_on_commit_callbacks
):
    from masterplans.services import request_plan_pdf

    with django_capture_on_commit_callbacks(execute=False):
        made, _queued = request_plan_pdf(actor=facilitator, plan=plan)
    PlanPdf.objects.filter(pk=made.pk).update(status=PdfStatus.READY, size_bytes=10)
    client.force_login(facilitator)
    panel_url = reverse("plan_print:pdf_panel", args=[plan.public_id])
    panel = client.get(panel_url).content.decode()
    assert 'data-testid="pdf-download"' in panel  # the plan as it was made
    plan.save()  # the draft is edited
    panel = client.get(panel_url).content.decode()
    assert 'data-testid="pdf-download"' not in panel
    assert 'data-testid="pdf-out-of-date"' in panel and 'data-testid="pdf-request"' in panel


def test_the_pdf_task_claims_a_pdf_once_and_fails_it_after_three_attempts(
    facilitator, plan, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from masterplans.print_pdf import MAX_ATTEMPTS, STALLED_AFTER, build_plan_pdf
    from masterplans.services import request_plan_pdf

    with django_capture_on_commit_callbacks(execute=False):
        pdf, _queued = request_plan_pdf(actor=facilitator, plan=plan)
    # Being made by a live worker: a second delivery leaves it alone.
    PlanPdf.objects.filter(pk=pdf.pk).update(status=PdfStatus.RUNNING, attempts=1)
    assert build_plan_pdf(pdf.pk) == PdfStatus.RUNNING
    pdf.refresh_from_db()
    assert pdf.attempts == 1
    # Its worker died MAX_ATTEMPTS times (stalled each time): no fourth try, it has failed.
    PlanPdf.objects.filter(pk=pdf.pk).update(
        attempts=MAX_ATTEMPTS, updated_at=timezone.now() - STALLED_AFTER - dt.timedelta(seconds=1)
    )
    assert build_plan_pdf(pdf.pk) == PdfStatus.FAILED
    pdf.refresh_from_db()
    assert pdf.status == PdfStatus.FAILED and pdf.attempts == MAX_ATTEMPTS
    # A finished PDF is not made again.
    PlanPdf.objects.filter(pk=pdf.pk).update(status=PdfStatus.READY)
    assert build_plan_pdf(pdf.pk) == PdfStatus.READY
