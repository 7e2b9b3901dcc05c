from rest_framework.routers import SimpleRouter

from . import views

app_name = "privacy_api"

router = SimpleRouter()
router.register("data-requests", views.DataRequestViewSet, basename="data-request")
router.register("breaches", views.BreachViewSet, basename="breach")
urlpatterns = router.urls
