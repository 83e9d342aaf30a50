"""Django's admin with the tracker's site as its default site (a module of its own: an app
config is imported before the models are ready)."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """django.contrib.admin, whose default site has the review queue (negotiations.admin_site)."""

    default_site = "negotiations.admin_site.TrackerAdminSite"


class ApiTokensConfig(AppConfig):
    """django-rest-knox (API tokens stored as digests), named for editors in the admin."""

    name = "knox"
    label = "knox"
    verbose_name = "API tokens"
    default_auto_field = "django.db.models.AutoField"
