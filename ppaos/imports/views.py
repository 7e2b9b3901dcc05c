"""Browser pages of the import framework. Admins only: other roles get 403, users without any
assignment see an empty history and 404 for a job."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ppaos.accounts.policy import ensure_role_allows, ensure_role_grants
from ppaos.core.stored_files import serve_stored_file

from . import selectors, services
from .forms import ColumnMappingForm, UploadForm
from .importers import UnknownImportKind, importer_for, importers_for_user, rows_label
from .models import ImportStatus


def _job(request, public_id):
    ensure_role_allows(request.user, selectors.import_action_for(request.user))
    return get_object_or_404(selectors.import_jobs_visible_to(request.user), public_id=public_id)


@login_required
def job_list(request):
    ensure_role_allows(request.user, selectors.import_action_for(request.user))
    page = Paginator(selectors.import_jobs_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/job_list.html", {"page": page, "jobs": page.object_list})


@login_required
def upload(request):
    # no assignment, or no kind of import the role may run: may not upload
    ensure_role_grants(request.user, selectors.import_action_for(request.user))
    status = 200
    if request.method == "POST":
        # Refuse an oversized body before Django reads it into a temporary file.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > services.max_upload_bytes() + 1024 * 1024:
            refusal = _("The file is larger than %(limit)s MB.") % {
                "limit": services.max_upload_bytes() // (1024 * 1024)
            }
            return render(
                request,
                "imports/upload.html",
                {"form": UploadForm(user=request.user), "refusal": refusal},
                status=413,
            )
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                job = services.create_import_job(
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                    kind=form.cleaned_data["kind"],
                )
            except ValueError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("imports:job_detail", public_id=job.public_id)
        status = 400
    else:
        form = UploadForm(user=request.user)
    return render(request, "imports/upload.html", {"form": form}, status=status)


def _job_context(request, job):
    language = get_language()
    return {
        "job": job,
        "percent": selectors.progress_percent(job),
        "rows_label": rows_label(job.kind),
        "active": job.status in services.ACTIVE_STATUSES,
        "stalled": selectors.import_job_is_stalled(job),
        "error_message": selectors.job_error_message(job, language),
        "error_groups": selectors.job_error_groups(job, language),
        "finished_ok": job.status in (ImportStatus.SUCCEEDED, ImportStatus.PARTLY_SUCCEEDED),
    }


@login_required
def job_detail(request, public_id):
    job = _job(request, public_id)
    return render(request, "imports/job_detail.html", _job_context(request, job))


@login_required
def job_progress(request, public_id):
    """The progress part of the job page, polled by htmx while the job runs."""
    job = _job(request, public_id)
    return render(request, "imports/_job_progress.html", _job_context(request, job))


def error_report_name(job) -> str:
    return f"errors-{job.original_filename.rsplit('.', 1)[0]}.xlsx"


@login_required
def error_report(request, public_id):
    """The rejected rows as xlsx, audited (the only way to the stored report)."""
    return serve_stored_file(
        request,
        action=selectors.import_action_for(request.user),
        queryset=selectors.import_jobs_visible_to(request.user),
        public_id=public_id,
        file_field="error_report",
        audit_action="import.error_report_downloaded",
        download_name=error_report_name,
        details=lambda job: {"count": job.rejected_count},
    )


@login_required
def uploaded_file(request, public_id):
    """The spreadsheet as uploaded, under its original name, audited."""
    return serve_stored_file(
        request,
        action=selectors.import_action_for(request.user),
        queryset=selectors.import_jobs_visible_to(request.user),
        public_id=public_id,
        file_field="file",
        audit_action="import.file_downloaded",
        download_name=lambda job: job.original_filename,
    )


@login_required
@require_POST
def import_again(request, public_id):
    job = _job(request, public_id)
    try:
        new_job = services.import_again(
            actor=request.user, job=job, dry_run=request.POST.get("dry_run") == "1"
        )
    except services.ImportJobError as exc:
        messages.error(request, str(exc))
        return redirect("imports:job_detail", public_id=job.public_id)
    return redirect("imports:job_detail", public_id=new_job.public_id)


@login_required
@require_POST
def restart(request, public_id):
    job = _job(request, public_id)
    try:
        services.restart_stalled_import_job(actor=request.user, job=job)
    except services.ImportJobError as exc:
        messages.error(request, str(exc))
    return redirect("imports:job_detail", public_id=job.public_id)


@login_required
def column_mapping(request, public_id):
    job = _job(request, public_id)
    if not job.headers:
        raise Http404
    form = ColumnMappingForm(
        request.POST or None,
        importer=importer_for(job.kind),
        headers=job.headers,
        current=job.column_mapping,
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_job = services.save_column_mapping(
                actor=request.user, job=job, mapping=form.mapping()
            )
        except services.ImportJobError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Column mapping saved; the file is being imported again."))
            return redirect("imports:job_detail", public_id=new_job.public_id)
    return render(request, "imports/column_mapping.html", {"job": job, "form": form})


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_template(request, kind):
    """An empty spreadsheet with the import kind's headers, to fill and upload (no personal
    data: nothing to audit). Only roles that may run the import get it."""
    try:
        importer = importer_for(kind)
    except UnknownImportKind:
        raise Http404 from None
    ensure_role_allows(request.user, importer.action)  # a role without the import: 403
    if importer not in importers_for_user(request.user):  # no assignment: nothing to run
        raise Http404
    response = HttpResponse(importer.template_workbook(request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="template-{importer.kind}.xlsx"'
    return response
