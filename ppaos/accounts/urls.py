from django.urls import path

from . import management_views as views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<uuid:public_id>/", views.user_detail, name="user_detail"),
    path("<uuid:public_id>/roles/", views.role_assign, name="role_assign"),
    path("<uuid:public_id>/roles/withdraw/", views.role_withdraw, name="role_withdraw"),
    path("<uuid:public_id>/active/", views.user_set_active, name="user_set_active"),
    path("<uuid:public_id>/password/", views.password_reset, name="password_reset"),
]
