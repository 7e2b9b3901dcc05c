from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("queue/", views.officer_queue, name="officer_queue"),
    path("inbox/", views.agency_inbox, name="agency_inbox"),
    path("inbox/<uuid:public_id>/", views.agency_referral, name="agency_referral"),
    path("inbox/<uuid:public_id>/notes/", views.agency_note, name="agency_note"),
    path("inbox/<uuid:public_id>/<slug:name>/", views.agency_step, name="agency_step"),
    path("household/<uuid:household_id>/", views.household_referrals, name="household_referrals"),
    path("r/<uuid:public_id>/", views.referral_detail, name="referral_detail"),
    path("r/<uuid:public_id>/follow-up/", views.record_follow_up, name="record_follow_up"),
    path("r/<uuid:public_id>/<slug:name>/", views.referral_step, name="referral_step"),
    path("waiting/follow-up/", views.follow_up_list, name="follow_up_list"),
    path("waiting/overdue/", views.overdue_list, name="overdue_list"),
    path("waiting/drafts/", views.draft_list, name="draft_list"),
]
