from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("upload/", views.upload, name="upload"),
    path("templates/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("jobs/<uuid:public_id>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:public_id>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<uuid:public_id>/errors.xlsx", views.error_report, name="error_report"),
    path("jobs/<uuid:public_id>/file/", views.uploaded_file, name="uploaded_file"),
    path("jobs/<uuid:public_id>/again/", views.import_again, name="import_again"),
    path("jobs/<uuid:public_id>/restart/", views.restart, name="restart"),
    path("jobs/<uuid:public_id>/columns/", views.column_mapping, name="column_mapping"),
]
