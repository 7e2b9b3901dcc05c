from django.urls import path

from . import views

app_name = "masterplans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("overview/", views.overview, name="overview"),
    path("export.xlsx", views.export, name="export"),
    path("p/<uuid:public_id>/", views.plan_detail, name="plan_detail"),
    path("p/<uuid:public_id>/refresh/", views.plan_refresh, name="plan_refresh"),
    path("p/<uuid:public_id>/endorse/", views.plan_endorse, name="plan_endorse"),
    path("p/<uuid:public_id>/problems/", views.problem_add, name="problem_add"),
    path("p/<uuid:public_id>/problems/move/", views.problem_move, name="problem_move"),
    path("p/<uuid:public_id>/problems/edit/", views.problem_edit, name="problem_edit"),
    path("p/<uuid:public_id>/problems/delete/", views.problem_delete, name="problem_delete"),
    path("p/<uuid:public_id>/projects/new/", views.project_add, name="project_add"),
    path("project/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("project/<uuid:public_id>/edit/", views.project_edit, name="project_edit"),
    path("project/<uuid:public_id>/step/", views.project_step, name="project_step"),
]
