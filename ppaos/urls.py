from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from households.offline import views as offline_views
from ppaos.accounts import views as account_views
from ppaos.db_routers import replica_reads

# Swagger UI with its start-up script as a separate same-origin file (no inline script under the
# Content-Security-Policy); only its small inline <style> needs allowing, on this page alone.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", account_views.LogoutClearingDevice.as_view(), name="logout"),
    # The service worker from the site root: its scope is the whole site (issue 16).
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("offline/", include("households.offline.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("users/", include("ppaos.accounts.urls")),
    path("areas/", include("ppaos.areas.urls")),
    path("audit/", include("ppaos.audit.urls")),
    path("households/", include("households.urls")),
    path("referrals/", include("referrals.urls")),
    path("plans/", include("masterplans.urls")),
    path("plans/", include("masterplans.print_urls")),
    # The dashboard and its API read from the replica when one is configured (ppaos/db_routers.py).
    path("monitoring/", replica_reads(include("monitoring.urls"))),
    path("imports/", include("ppaos.imports.urls")),
    path("privacy/", include("privacy.urls")),
    path("notifications/", include("ppaos.notifications.urls")),
    path("api/v1/", include("households.api.urls")),
    path("api/v1/", include("referrals.api.urls")),
    path("api/v1/", include("masterplans.api.urls")),
    path("api/v1/", replica_reads(include("monitoring.api.urls"))),
    path("api/v1/", include("ppaos.imports.api.urls")),
    path("api/v1/", include("privacy.api.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", api_docs, name="api-docs"),
]

# No route serves MEDIA_ROOT, in any mode: uploads and generated files hold personal data and
# leave only through views that apply the access policy (ppaos/core/stored_files.py).

# A crash answers our own page, never a traceback; the database being away answers 503.
handler500 = "ppaos.core.errors.server_error"
