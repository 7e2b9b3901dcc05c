from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from ppaos.accounts.policy import Action, ensure_role_allows

from .selectors import area_children, areas_visible_to, top_areas_visible_to


@login_required
def area_list(request):
    ensure_role_allows(request.user, Action.VIEW_AREA)
    return render(request, "areas/area_list.html", {"areas": top_areas_visible_to(request.user)})


@login_required
def area_detail(request, code: str):
    ensure_role_allows(request.user, Action.VIEW_AREA)
    area = get_object_or_404(areas_visible_to(request.user).select_related("parent"), code=code)
    return render(
        request, "areas/area_detail.html", {"area": area, "children": area_children(area)}
    )
