from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/export/", views.request_export, name="request_export"),
    path("breaches/", views.breach_list, name="breach_list"),
    path("breaches/new/", views.breach_create, name="breach_create"),
    path("breaches/<uuid:public_id>/", views.breach_detail, name="breach_detail"),
    path("breaches/<uuid:public_id>/affected/", views.breach_affected, name="breach_affected"),
    path("retention/", views.retention_report, name="retention_report"),
]
