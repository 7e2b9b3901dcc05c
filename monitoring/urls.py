from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("area/<str:code>/", views.area_dashboard, name="area_dashboard"),
    path("area/<str:code>/transitions/", views.transitions, name="transitions"),
    path("area/<str:code>/agencies/", views.agencies, name="agencies"),
    path("area/<str:code>/report/", views.report_request, name="report_request"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:public_id>/progress/", views.report_progress, name="report_progress"),
    path("reports/<uuid:public_id>/download/", views.report_download, name="report_download"),
]
