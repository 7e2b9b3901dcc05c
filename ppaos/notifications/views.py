"""The user's notices: the list (with "mark all as read") and opening one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from . import selectors, services


@login_required
def notice_list(request):
    if request.method == "POST":
        services.mark_read(request.user)
        return redirect("notifications:list")
    notices = selectors.recent_notices_for(request.user, limit=100)
    return render(request, "notifications/list.html", {"notices": notices})


@login_required
def open_notice(request, notice_id):
    """Go to the page where the notice's work is done; a POST (the notice's button) also marks it
    read. A GET changes nothing. Someone else's notice: 404."""
    notice = get_object_or_404(selectors.notices_of(request.user), pk=notice_id)
    if request.method == "POST":
        services.mark_read(request.user, notice_ids=[notice.pk])
    if not url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect("home")
    return redirect(notice.url)
