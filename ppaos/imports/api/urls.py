from django.urls import path

from . import views

app_name = "imports_api"
urlpatterns = [
    path("imports/kinds/", views.ImportKindList.as_view(), name="kind_list"),
    path("imports/jobs/", views.ImportJobListCreate.as_view(), name="job_list"),
    path("imports/jobs/<uuid:public_id>/", views.ImportJobDetail.as_view(), name="job_detail"),
    path(
        "imports/jobs/<uuid:public_id>/errors.xlsx",
        views.ImportJobErrorReport.as_view(),
        name="job_error_report",
    ),
    path(
        "imports/jobs/<uuid:public_id>/file/",
        views.ImportJobUploadedFile.as_view(),
        name="job_uploaded_file",
    ),
]
