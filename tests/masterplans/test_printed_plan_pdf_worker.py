"""The printed plan's PDF, made by a real Celery worker with the Debian Chromium: its text layer
reads back in Thai (pdftotext), page 1 renders (pdftoppm), the download goes through the policy
(404 another area, 403 a role without reads, the exact-count PDF only for the village's workers)
and an endorsed plan's PDF is handed out again."""

import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse

from masterplans.print_models import PdfStatus, PlanPdf
from masterplans.services import request_plan_pdf
from ppaos.audit.models import AuditEvent

from .printed_plan_helpers import BUDGET_WORDS, OTHER_TITLE, PROJECT_TITLE, village_plan

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _survey_instrument(official_areas):
    """A transactional test's flush removes the instrument a data migration loads."""
    from django.apps import apps

    from households.surveys.instrument_loader import load_instrument_v1

    load_instrument_v1(apps)


def _made(pdf: PlanPdf, timeout: float = 120) -> PlanPdf:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if not pdf.in_progress:
            return pdf
        time.sleep(0.5)
    raise AssertionError(f"the PDF is still {pdf.status} after {timeout} s")


def _text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def _normal(text: str) -> str:
    """pdftotext breaks lines where the page does: compare without white space."""
    return "".join(text.split())


def test_the_worker_prints_the_plan_to_a_pdf_with_a_thai_text_layer(
    celery_worker, client, facilitator, area_manager
):
    plan, _ = village_plan(facilitator, area_manager)
    pdf, queued = request_plan_pdf(actor=facilitator, plan=plan)
    assert queued
    pdf = _made(pdf)
    assert pdf.status == PdfStatus.READY, "see test-results/worker-session.log"
    assert pdf.file.name.startswith("masterplans/pdf/") and pdf.file.name.endswith(".pdf")
    assert "plan" not in Path(pdf.file.name).stem  # a random name, not the request's
    path = pdf.file.path
    assert Path(path).read_bytes().startswith(b"%PDF-")

    text = _text(path)
    flat = _normal(text)
    for expected in (
        "บ้านโนนสูง",  # the village, on the cover
        "แผนแม่บทชุมชน",
        "ประจำปีงบประมาณพ.ศ.2570",
        PROJECT_TITLE,
        OTHER_TITLE,
        "125,000บาท",  # the project's budget, with its unit
        "133,500",  # requested in all
        BUDGET_WORDS.replace("หนึ่งแสนสองหมื่นห้าพัน", "หนึ่งแสนสามหมื่นสามพันห้าร้อย"),
        "หนี้นอกระบบสูง",
        "ผู้ใหญ่บ้าน",
    ):
        assert _normal(expected) in flat, expected
    # The fonts are embedded (pdffonts lists them as emb = yes).
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    sarabun = [line for line in fonts.splitlines() if "Sarabun" in line]
    assert sarabun and all(" yes " in line for line in sarabun), fonts
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert "pts (A4)" in info, info

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page in range(1, 7):
        stem = SCREENSHOTS / f"plan-pdf-page{page}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile"]
            + [path, str(stem)],
            check=True,
        )
        png = stem.with_suffix(".png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000

    # The panel shows the download link; the download goes through the policy and is audited.
    client.force_login(facilitator)
    panel = client.get(reverse("plan_print:pdf_panel", args=[plan.public_id])).content.decode()
    url = reverse("plan_print:pdf_download", args=[pdf.public_id])
    assert url in panel and "hx-trigger" not in panel
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert b"".join(answer.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="masterplan.pdf_downloaded")
    assert event.actor == facilitator and event.details["exact_counts"] is True


def test_the_download_answers_404_outside_the_scope_and_403_to_a_role_without_reads(
    client, facilitator, area_manager, neighbour_facilitator, provincial_officer, executive
):
    from django.core.files.base import ContentFile

    plan, _ = village_plan(facilitator, area_manager)
    exact = PlanPdf.objects.create(
        plan=plan, exact_counts=True, fingerprint="x", requested_by=facilitator
    )
    exact.file.save("plan.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    exact.status = PdfStatus.READY
    exact.save()
    url = reverse("plan_print:pdf_download", args=[exact.public_id])
    for user, status in (
        (neighbour_facilitator, 404),  # another subdistrict's facilitator
        (provincial_officer, 404),  # sees the plan, but not its exact small counts
        (executive, 403),
        (facilitator, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    masked = PlanPdf.objects.create(
        plan=plan, exact_counts=False, fingerprint="x", requested_by=provincial_officer
    )
    masked.file.save("plan.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    masked.status = PdfStatus.READY
    masked.save()
    client.force_login(provincial_officer)
    assert (
        client.get(reverse("plan_print:pdf_download", args=[masked.public_id])).status_code == 200
    )
    client.force_login(neighbour_facilitator)
    assert (
        client.get(reverse("plan_print:pdf_download", args=[masked.public_id])).status_code == 404
    )


def test_an_endorsed_plan_s_pdf_is_handed_out_again_until_a_project_moves(
    celery_worker, facilitator, area_manager
):
    from masterplans import services

    plan, _ = village_plan(facilitator, area_manager, endorse=True)
    first, queued = request_plan_pdf(actor=area_manager, plan=plan)
    assert queued and first.plan_endorsed
    assert _made(first).status == PdfStatus.READY
    again, queued = request_plan_pdf(actor=area_manager, plan=plan)
    assert (again.pk, queued) == (first.pk, False)
    assert AuditEvent.objects.filter(action="masterplan.pdf_reused").count() == 1
    # The plan is frozen, but its projects go on into the LAO's plan: the printed path changes.
    project = plan.projects.get(title=PROJECT_TITLE)
    services.transition_project(actor=area_manager, project=project, name="submit")
    newer, queued = request_plan_pdf(actor=area_manager, plan=plan)
    assert queued and newer.pk != first.pk
    assert _made(newer).status == PdfStatus.READY
    # The project's state as masterplans.selectors.STATE_LABELS names it, in Thai.
    assert "เสนออปท.แล้ว" in _normal(_text(newer.file.path))
