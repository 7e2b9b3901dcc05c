"""The printed plan and its PDF (mounted under plans/ by ppaos/urls.py)."""

from django.urls import path

from . import print_views

app_name = "plan_print"
urlpatterns = [
    path("<uuid:public_id>/print/", print_views.plan_print, name="plan_print"),
    path("<uuid:public_id>/print/pdf/", print_views.pdf_panel, name="pdf_panel"),
    path("print/pdf/<uuid:public_id>/", print_views.pdf_download, name="pdf_download"),
]
