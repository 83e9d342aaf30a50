"""Keep the data version moving on every change of every record of the tracker.

This is cache invalidation, not business logic: conditional GETs must never serve a stale
answer, so every save, delete and many-to-many change (fixture loads included) bumps it.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from negotiations.domain.versioning import bump_data_version


def on_change(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        bump_data_version()


def connect():
    for model in apps.get_app_config("negotiations").get_models():
        if model._meta.model_name == "dataversion" or model._meta.auto_created:
            continue
        post_save.connect(on_change, sender=model, dispatch_uid=f"version-save-{model._meta.label}")
        post_delete.connect(
            on_change, sender=model, dispatch_uid=f"version-delete-{model._meta.label}"
        )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                on_change,
                sender=field.remote_field.through,
                dispatch_uid=f"version-m2m-{model._meta.label}-{field.name}",
            )
