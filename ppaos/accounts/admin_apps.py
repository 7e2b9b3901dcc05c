"""django.contrib.admin with the site that follows the access policy (admin_site.py).

In a module of its own: INSTALLED_APPS imports it before any model is loaded.
"""

from django.contrib.admin.apps import AdminConfig


class PolicyAdminConfig(AdminConfig):
    default_site = "ppaos.accounts.admin_site.PolicyAdminSite"
