from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/", views.open_notice, name="open"),
]
