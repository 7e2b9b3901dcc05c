from django.urls import path

from . import views

app_name = "offline"
urlpatterns = [path("", views.offline_app, name="app")]
