from rest_framework.routers import SimpleRouter

from . import views

app_name = "masterplans_api"

router = SimpleRouter()
router.register("master-plans", views.MasterPlanViewSet, basename="master-plan")
router.register("plan-projects", views.ProjectViewSet, basename="plan-project")
urlpatterns = router.urls
