from rest_framework.routers import SimpleRouter

from . import views

app_name = "referrals_api"

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("services", views.ServiceViewSet, basename="service")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("agency-referrals", views.AgencyReferralViewSet, basename="agency-referral")
urlpatterns = router.urls
