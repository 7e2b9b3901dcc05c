from django.urls import path

from . import views

app_name = "monitoring_api"
urlpatterns = [
    path("monitoring/rollups/", views.RollupView.as_view(), name="rollups"),
    path("monitoring/agencies/", views.AgencyFiguresView.as_view(), name="agencies"),
    path("monitoring/transitions/", views.TransitionView.as_view(), name="transitions"),
    path("monitoring/reports/", views.ReportListCreate.as_view(), name="report_list"),
    path(
        "monitoring/reports/<uuid:public_id>/", views.ReportDetail.as_view(), name="report_detail"
    ),
    path(
        "monitoring/reports/<uuid:public_id>/download/",
        views.ReportDownload.as_view(),
        name="report_download",
    ),
]
