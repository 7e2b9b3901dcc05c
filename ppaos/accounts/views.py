from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.shortcuts import render

from .home import FIGURES, WORK, home_sections_for
from .selectors import next_steps_for, role_assignments_of


@login_required
def home(request):
    sections = home_sections_for(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "assignments": role_assignments_of(request.user),
            "next_steps": next_steps_for(request.user),
            "cards": sections[WORK],
            "figures": sections[FIGURES],
        },
    )


class LogoutClearingDevice(LogoutView):
    """Log out and tell the browser to remove what this site kept on the device: the offline
    copies of the work (IndexedDB, the service worker's caches) and the service worker itself
    (`Clear-Site-Data`, honoured on HTTPS and localhost). The page's own script clears them too
    before the form is sent (static/js/offline_register.js), for browsers without the header."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
