"""Django's admin with the tracker's site as its default site (a module of its own: an app
config is imported before the models are ready)."""

from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """django.contrib.admin, whose default site has the review queue (negotiations.admin_site)."""

    default_site = "negotiations.admin_site.TrackerAdminSite"
