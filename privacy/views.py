"""Pages of the privacy app (phone first). Every page needs HANDLE_DATA_REQUESTS (403 otherwise)
and finds records in the user's scoped querysets (404 outside the area)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from households.selectors import persons_visible_to
from households.services import neutral_national_id_refusal, validated_national_id
from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants
from ppaos.audit.reads import audit_page_read
from ppaos.audit.services import record_audit_event
from ppaos.core.stored_files import serve_stored_file

from . import selectors, services
from .forms import (
    BreachForm,
    BreachStepForm,
    CorrectionForm,
    DataRequestAnswerForm,
    DataRequestForm,
)
from .models import BreachStatus, RequestKind, RequestStatus
from .rules import BREACH_TRANSITIONS

ACTION = Action.HANDLE_DATA_REQUESTS


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
def request_list(request):
    ensure_role_allows(request.user, ACTION)
    rows = list(selectors.data_requests_visible_to(request.user)[:200])
    reminders = list(selectors.requests_with_reminders_for(request.user)[:20])
    audit_page_read(request, kind="data_requests", count=len(rows))
    return render(request, "privacy/request_list.html", {"rows": rows, "reminders": reminders})


@login_required
def request_create(request):
    ensure_role_grants(request.user, ACTION)
    form = DataRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            national_id = validated_national_id(data["national_id"])
            person = (
                persons_visible_to(request.user, ACTION).filter(national_id=national_id).first()
            )
            if person is None:
                raise ValidationError({"national_id": neutral_national_id_refusal()})
            made = services.log_data_request(
                actor=request.user,
                person=person,
                kind=data["kind"],
                received_on=data["received_on"],
                identity_method=data["identity_method"],
                details=data["details"],
                requested_change={"asked": data["details"]}
                if data["kind"] == RequestKind.CORRECTION and data["details"]
                else None,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("privacy:request_detail", public_id=made.public_id)
    return render(request, "privacy/request_form.html", {"form": form})


ANSWERS = {
    "complete": services.complete_data_request,
    "refuse": services.refuse_data_request,
}


@login_required
def request_detail(request, public_id):
    ensure_role_allows(request.user, ACTION)
    item = get_object_or_404(selectors.data_requests_visible_to(request.user), public_id=public_id)
    if request.POST.get("answer") == "correct" and item.kind == RequestKind.CORRECTION:
        return _correct(request, item)
    form = DataRequestAnswerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        answer = request.POST.get("answer", "")
        outcome = form.cleaned_data["outcome"]
        try:
            if answer == "withdraw" and item.kind == RequestKind.WITHDRAW_CONSENT:
                services.withdraw_consent(actor=request.user, request=item)
            elif answer == "erase" and item.kind == RequestKind.ERASURE:
                services.erase_person(actor=request.user, request=item)
            elif answer == "complete":
                services.complete_data_request(actor=request.user, request=item, outcome=outcome)
            elif answer == "refuse":
                services.refuse_data_request(actor=request.user, request=item, reason=outcome)
            else:
                return render(
                    request, "privacy/request_detail.html", _detail(item, form), status=400
                )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The request was updated."))
            return redirect("privacy:request_detail", public_id=item.public_id)
    else:
        record_audit_event(actor=request.user, action="privacy.request_viewed", target=item)
    return render(request, "privacy/request_detail.html", _detail(item, form))


def _correct(request, item):
    correction = CorrectionForm(request.POST)
    if correction.is_valid():
        data = correction.cleaned_data
        try:
            services.apply_correction(
                actor=request.user,
                request=item,
                field=data["field"],
                value=data["value"],
                outcome=data["outcome"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    target = {"national_id": "value", "birth_date": "value"}.get(field, field)
                    correction.add_error(target if target in correction.fields else None, errors)
            else:
                correction.add_error(None, error.messages)
        else:
            messages.success(request, _("The correction was recorded."))
            return redirect("privacy:request_detail", public_id=item.public_id)
    context = _detail(item, DataRequestAnswerForm(), correction)
    return render(request, "privacy/request_detail.html", context, status=400)


def _detail(item, form, correction=None):
    return {
        "item": item,
        "form": form,
        "correction": correction or CorrectionForm(),
        "kinds": RequestKind,
        "statuses": RequestStatus,
    }


@login_required
def request_export(request, public_id):
    return serve_stored_file(
        request,
        action=ACTION,
        queryset=selectors.data_requests_visible_to(request.user).exclude(export_file=""),
        file_field="export_file",
        audit_action="privacy.export_downloaded",
        download_name="ข้อมูลส่วนบุคคล.xlsx",
        public_id=public_id,
    )


@login_required
def breach_list(request):
    ensure_role_allows(request.user, ACTION)
    rows = list(selectors.breaches_visible_to(request.user)[:200])
    return render(request, "privacy/breach_list.html", {"rows": rows})


@login_required
def breach_create(request):
    ensure_role_grants(request.user, ACTION)
    form = BreachForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        suspect = None
        if data["suspect_username"]:
            suspect = selectors.user_named(data["suspect_username"])
            if suspect is None:
                form.add_error("suspect_username", _("No user with this username."))
        if not form.errors:
            try:
                report = services.record_breach(
                    actor=request.user,
                    area_code=selectors.breach_area_of(request.user),
                    what_happened=data["what_happened"],
                    found_at=data["found_at"],
                    suspect_user=suspect,
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("privacy:breach_detail", public_id=report.public_id)
    return render(request, "privacy/breach_form.html", {"form": form})


def _affected(report):
    if not (report.suspect_user_id and report.window_start and report.window_end):
        return []
    return selectors.persons_read_by(
        user_id=report.suspect_user_id,
        start=report.window_start,
        end=report.window_end,
        area_prefix=report.area_id,
    )


@login_required
def breach_detail(request, public_id):
    ensure_role_allows(request.user, ACTION)
    report = get_object_or_404(selectors.breaches_visible_to(request.user), public_id=public_id)
    form = BreachStepForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.move_breach(
                actor=request.user,
                report=report,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", [str(error)]))
        else:
            return redirect("privacy:breach_detail", public_id=report.public_id)
    affected = _affected(report)
    next_states = [BreachStatus(s) for s in sorted(BREACH_TRANSITIONS[report.status])]
    form.fields["to_status"].choices = [(s.value, s.label) for s in next_states]
    return render(
        request,
        "privacy/breach_detail.html",
        {
            "report": report,
            "form": form,
            "next_states": next_states,
            "affected_persons": sum(1 for r in affected if r["object_type"] == "households.person"),
            "affected_households": sum(
                1 for r in affected if r["object_type"] == "households.household"
            ),
        },
    )


@login_required
def breach_affected(request, public_id):
    """The records the suspect user read in the window, as a CSV download (record ids and counts,
    no names: the officer opens each record through its own page)."""
    import csv

    ensure_role_allows(request.user, ACTION)
    report = get_object_or_404(selectors.breaches_visible_to(request.user), public_id=public_id)
    rows = _affected(report)
    audit_page_read(request, kind="breach_affected_records", count=len(rows))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="affected.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["ประเภท", "รหัสระเบียน", "พื้นที่", "จำนวนครั้งที่เปิดดู", "ครั้งแรก", "ครั้งล่าสุด"])
    for row in rows:
        writer.writerow(
            [
                "บุคคล" if row["object_type"] == "households.person" else "ครัวเรือน",
                row["object_id"],
                row["area_code"],
                row["reads"],
                row["first"].isoformat(),
                row["last"].isoformat(),
            ]
        )
    return response


@login_required
def retention_report(request):
    """The retention dry run: what tonight's task would anonymise or delete, with counts (no
    personal data); persons and access exports counted in the user's areas."""
    from ppaos.accounts.policy import area_prefixes_for

    from . import retention

    ensure_role_allows(request.user, ACTION)
    rows = retention.plan(area_prefixes=area_prefixes_for(request.user, ACTION))
    return render(request, "privacy/retention.html", {"rows": rows})
