from django.urls import path

from . import views
from .survey_import import views as survey_import_views

app_name = "households"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("search/", views.search, name="search"),
    path("new/", views.household_create, name="household_create"),
    path("surveys/xlsform/", survey_import_views.xlsform, name="survey_xlsform"),
    path("registrants/<uuid:public_id>/", views.registrant_detail, name="registrant_detail"),
    path("h/<uuid:public_id>/", views.household_detail, name="household_detail"),
    path("h/<uuid:public_id>/edit/", views.household_edit, name="household_edit"),
    path("h/<uuid:public_id>/members/add/", views.member_add, name="member_add"),
    path("h/<uuid:public_id>/exit/", views.programme_exit, name="programme_exit"),
    path(
        "h/<uuid:public_id>/members/<int:membership_id>/edit/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "h/<uuid:public_id>/members/<int:membership_id>/move-out/",
        views.member_move_out,
        name="member_move_out",
    ),
    path(
        "h/<uuid:public_id>/members/<int:membership_id>/make-head/",
        views.member_make_head,
        name="member_make_head",
    ),
    path("persons/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("duplicates/<uuid:public_id>/", views.duplicate_review, name="duplicate_review"),
    path("transfers/", views.transfer_queue, name="transfer_queue"),
    path("transfers/<uuid:public_id>/", views.transfer_detail, name="transfer_detail"),
]

# Surveys (households/surveys/views.py).
from .surveys import views as survey_views  # noqa: E402

urlpatterns += [
    path("surveys/", survey_views.survey_list, name="survey_list"),
    path("surveys/review/", survey_views.review_queue, name="review_queue"),
    path("surveys/start/<uuid:household_id>/", survey_views.survey_start, name="survey_start"),
    path("surveys/<uuid:survey_id>/", survey_views.survey_detail, name="survey_detail"),
    path(
        "surveys/<uuid:survey_id>/step/<slug:step>/",
        survey_views.survey_step,
        name="survey_step",
    ),
    path("surveys/<uuid:survey_id>/submit/", survey_views.survey_submit, name="survey_submit"),
    path("surveys/<uuid:survey_id>/verify/", survey_views.survey_verify, name="survey_verify"),
    path("surveys/<uuid:survey_id>/return/", survey_views.survey_return, name="survey_return"),
]
