from rest_framework.routers import SimpleRouter

from . import views

app_name = "households_api"

router = SimpleRouter()
router.register("households", views.HouseholdViewSet, basename="household")
router.register("persons", views.PersonViewSet, basename="person")
router.register("registrants", views.RegistrantViewSet, basename="registrant")
router.register("person-transfers", views.PersonTransferViewSet, basename="person-transfer")

urlpatterns = [*router.urls]

# Surveys (households/api/surveys.py).
from .surveys import urlpatterns as survey_urlpatterns  # noqa: E402

urlpatterns += survey_urlpatterns

# Field work without a signal (households/offline/views.py).
from django.urls import path  # noqa: E402

from ..offline import views as offline_views  # noqa: E402

urlpatterns += [
    path("offline/bundle/", offline_views.OfflineBundleView.as_view(), name="offline-bundle"),
    path("offline/changes/", offline_views.OfflineChangeView.as_view(), name="offline-change"),
]
