"""User and role management pages for admins (Action.MANAGE_USERS). Thai first, phone width.

The Django admin stays for maintenance; everyday account work happens here. Every write goes
through ppaos/accounts/services.py, which checks the permission and writes the audit row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ppaos.audit.reads import audit_page_read
from ppaos.audit.services import record_audit_event

from . import services
from .forms import RoleAssignForm, RoleWithdrawForm, UserCreateForm, UserSearchForm
from .models import RoleAssignment
from .policy import Action, ensure_role_grants
from .selectors import assignment_label, users_for_management


def _managed_user(request, public_id):
    ensure_role_grants(request.user, Action.MANAGE_USERS)
    return get_object_or_404(users_for_management(request.user), public_id=public_id)


def _rows(user):
    return [(a, assignment_label(a)) for a in user.role_assignments.all()]


@login_required
def user_list(request):
    ensure_role_grants(request.user, Action.MANAGE_USERS)
    form = UserSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(users_for_management(request.user, query=query), 50).get_page(
        request.GET.get("page")
    )
    audit_page_read(request, kind="users", count=len(page.object_list))
    rows = [(user, _rows(user)) for user in page]
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "rows": rows})


@login_required
def user_create(request):
    ensure_role_grants(request.user, Action.MANAGE_USERS)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.create_user(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Account created. Give it a role and a password."))
        return redirect("accounts:user_detail", public_id=user.public_id)
    return render(request, "accounts/user_create.html", {"form": form})


def _detail(request, managed, *, assign_form=None, password=None, status=200):
    return render(
        request,
        "accounts/user_detail.html",
        {
            "managed": managed,
            "rows": _rows(managed),
            "assign_form": assign_form or RoleAssignForm(),
            "password": password,
            "is_self": managed.pk == request.user.pk,
        },
        status=status,
    )


@login_required
def user_detail(request, public_id):
    managed = _managed_user(request, public_id)
    record_audit_event(actor=request.user, action="user.viewed", target=managed, details={})
    return _detail(request, managed)


@login_required
def role_assign(request, public_id):
    managed = _managed_user(request, public_id)
    if request.method != "POST":
        return redirect("accounts:user_detail", public_id=public_id)
    form = RoleAssignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_role(
                actor=request.user,
                user=managed,
                role=data["role"],
                area=data.get("area_obj"),
                agency=data.get("agency"),
            )
        except services.UserManagementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Role assigned."))
            return redirect("accounts:user_detail", public_id=public_id)
    return _detail(request, managed, assign_form=form, status=400)


@login_required
@require_POST
def role_withdraw(request, public_id):
    managed = _managed_user(request, public_id)
    form = RoleWithdrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, managed, status=400)
    assignment = get_object_or_404(RoleAssignment, pk=form.cleaned_data["assignment"], user=managed)
    try:
        services.withdraw_role(actor=request.user, assignment=assignment)
    except services.UserManagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Role withdrawn."))
    return redirect("accounts:user_detail", public_id=public_id)


@login_required
@require_POST
def user_set_active(request, public_id):
    managed = _managed_user(request, public_id)
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(actor=request.user, user=managed, active=active)
    except services.UserManagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Account reactivated.") if active else _("Account deactivated.")
        )
    return redirect("accounts:user_detail", public_id=public_id)


@login_required
@require_POST
def password_reset(request, public_id):
    """The new password is on this response only (no-store, never in the session, a log or an
    audit row): reloading would make another."""
    managed = _managed_user(request, public_id)
    password = services.reset_password(actor=request.user, user=managed)
    return _detail(request, managed, password=password)
