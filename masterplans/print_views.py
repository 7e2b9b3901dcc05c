"""The printed plan: the page to print from the browser, its PDF (asked for, followed, fetched).

Views hold no rules: reads come from the scoped selector (another area's plan answers 404), the
role is checked first (403), writes go through services.request_plan_pdf, the file leaves only
through serve_stored_file (scope and audit)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ppaos.accounts.policy import Action, ensure_role_allows
from ppaos.audit.services import record_audit_event
from ppaos.core.stored_files import serve_stored_file

from . import selectors, services
from .print_document import TEMPLATE, print_context
from .print_models import PdfStatus
from .selectors import is_village_worker, plan_pdfs_visible_to, plans_visible_to

ACTION = Action.VIEW_HOUSEHOLD


def _plan(request, public_id):
    ensure_role_allows(request.user, ACTION)
    return get_object_or_404(plans_visible_to(request.user, ACTION), public_id=public_id)


@login_required
def plan_print(request, public_id):
    plan = _plan(request, public_id)
    exact = is_village_worker(request.user, plan.area_id)
    record_audit_event(
        actor=request.user,
        action="masterplan.print_viewed",
        target=plan,
        details={"exact_counts": exact},
    )
    context = print_context(plan, exact=exact)
    context["pdf"] = selectors.latest_pdf(plan, exact=exact)
    return render(request, TEMPLATE, context)


@login_required
@require_http_methods(["GET", "POST"])
def pdf_panel(request, public_id):
    """The PDF's button, progress and link (htmx polls it while the PDF is being made)."""
    plan = _plan(request, public_id)
    if request.method == "POST":
        pdf, _queued = services.request_plan_pdf(actor=request.user, plan=plan)
        if not request.headers.get("HX-Request"):
            return redirect("plan_print:plan_print", public_id=plan.public_id)
    else:
        pdf = selectors.latest_pdf(plan, exact=is_village_worker(request.user, plan.area_id))
    return render(request, "masterplans/print/_pdf_panel.html", {"plan": plan, "pdf": pdf})


@login_required
def pdf_download(request, public_id):
    return serve_stored_file(
        request,
        action=ACTION,
        queryset=plan_pdfs_visible_to(request.user).filter(status=PdfStatus.READY),
        file_field="file",
        audit_action="masterplan.pdf_downloaded",
        download_name=lambda pdf: f"แผนแม่บทชุมชน-{pdf.plan.area_id}-{pdf.plan.fiscal_year}.pdf",
        details=lambda pdf: {"plan": str(pdf.plan.public_id), "exact_counts": pdf.exact_counts},
        public_id=public_id,
    )
