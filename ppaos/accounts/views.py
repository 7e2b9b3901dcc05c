from django.contrib.auth.decorators import login_required
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
