"""The printed plan as a PDF, made by a Celery worker with Chromium.

Asking for one is services.request_plan_pdf (a write: checks the policy, audits); which PDF the
page offers is selectors.latest_pdf / reusable_pdf. `build_plan_pdf` (the task body) renders the
HTML server-side, gives it to Chromium with `set_content` (no session, no network: its stylesheet
and fonts come from the static files on disk, every other request is refused) and stores the
PDF under a random name.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone, translation

# MAX_ATTEMPTS and STALLED_AFTER: ppaos.core.background_jobs (named here for the tests' sake).
from ppaos.core.background_jobs import MAX_ATTEMPTS, STALLED_AFTER, claimable_q  # noqa: F401

from .print_document import render_plan_html, static_file_for
from .print_models import PdfStatus, PlanPdf

logger = logging.getLogger(__name__)

PDF_MARGIN = {"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}
FOOTER = (
    '<div style="width:100%;font-size:8pt;color:#555;padding:0 15mm;'
    "font-family:'Laksaman','Garuda',sans-serif;display:flex;justify-content:space-between\">"
    '<span>{title}</span><span><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></span></div>'
)


def html_to_pdf(html: str, *, title: str) -> bytes:
    """`html` printed to A4 by the Debian Chromium; it loads nothing but the local static files."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.CHROMIUM_PATH,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.route("**/*", _local_only)
            page.set_content(html, wait_until="load", timeout=60_000)
            page.evaluate("document.fonts.ready.then(() => true)")
            return page.pdf(
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                margin=PDF_MARGIN,
                display_header_footer=True,
                header_template="<div></div>",
                footer_template=FOOTER.format(title=title),
            )
        finally:
            browser.close()


def _local_only(route) -> None:
    """The PDF page's requests: its stylesheet and fonts from the static files on disk, nothing
    from the network."""
    found = static_file_for(route.request.url)
    if found is None:
        route.abort()
    else:
        route.fulfill(path=str(found))


def _claimable() -> Q:
    return claimable_q(waiting=PdfStatus.PENDING, running=PdfStatus.RUNNING)


def build_plan_pdf(pdf_id: int) -> str:
    """The Celery task's body: make the PDF `pdf_id` asks for. Returns its status afterwards.

    Safe to deliver twice: a worker claims the PDF with a conditional update (waiting, or
    running but stalled), counting the attempt; another delivery while one works finds nothing to
    claim. After MAX_ATTEMPTS claims it has failed. The result is saved only if this claim still
    holds (the same attempt, still running)."""
    now = timezone.now()
    claimable = PlanPdf.objects.filter(_claimable(), pk=pdf_id)
    claimable.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=PdfStatus.FAILED, finished_at=now, updated_at=Now()
    )
    claimed = claimable.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=PdfStatus.RUNNING, attempts=F("attempts") + 1, updated_at=Now()
    )
    if not claimed:
        return PlanPdf.objects.filter(pk=pdf_id).values_list("status", flat=True).first() or ""
    pdf = PlanPdf.objects.select_related("plan__area").get(pk=pdf_id)
    ours = PlanPdf.objects.filter(pk=pdf_id, status=PdfStatus.RUNNING, attempts=pdf.attempts)
    plan = pdf.plan
    try:
        with translation.override(settings.LANGUAGE_CODE):
            html = render_plan_html(plan, exact=pdf.exact_counts)
            title = f"{plan.area.name_th} · {plan.fiscal_year}"
            content = html_to_pdf(html, title=_escape(title))
    except Exception:
        # No personal data in the log: the record is named by its id only.
        logger.exception("plan PDF %s failed", pdf_id)
        ours.update(status=PdfStatus.FAILED, finished_at=timezone.now(), updated_at=Now())
        return PlanPdf.objects.filter(pk=pdf_id).values_list("status", flat=True).first() or ""
    field = PlanPdf._meta.get_field("file")
    stored = field.storage.save(field.generate_filename(pdf, "plan.pdf"), ContentFile(content))
    finished = ours.update(
        file=stored,
        size_bytes=len(content),
        status=PdfStatus.READY,
        finished_at=timezone.now(),
        updated_at=Now(),
    )
    if not finished:
        # Another worker took it over (this one was too slow): its result stands, not ours.
        field.storage.delete(stored)
    return PlanPdf.objects.filter(pk=pdf_id).values_list("status", flat=True).first() or ""


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))
