from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("area/<str:code>/", views.area_dashboard, name="area_dashboard"),
    path("area/<str:code>/transitions/", views.transitions, name="transitions"),
]
