"""A staff user who may only view can open every admin page and write through none of them.

Every URL pattern of the admin site is walked with GET and POST as a view-only staff user
(view permission on every model, nothing else); the whole database is compared before and
after. The POST carries what a superuser's browser would send on the same page (the change
form, the revert form, the delete confirmation, the delete action), and the same POST by a
superuser is checked to write, so that a refusal is the permission's doing, not bad data.
"""

import hashlib
import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.forms import ModelMultipleChoiceField
from django.test import Client
from django.urls import URLResolver
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from negotiations import models
from negotiations.api.tokens import issue_token
from tests import factories
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

PASSWORD = "a-new-password-for-someone-else-42"
# Bookkeeping a request may write whoever sends it: the session of whoever is logged in.
BOOKKEEPING = {"django_session"}
# ... and logging out is written in the log of one's own logins (django-axes).
OWN_RECORDS = {"logout": ["axes_accesslog"]}


def admin_patterns():
    """(route, URL name, model or None) for every pattern of the admin site."""
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    for entry in admin.site.get_urls():
        if isinstance(entry, URLResolver):
            prefix = str(entry.pattern)
            for pattern in entry.url_patterns:
                yield prefix + str(pattern.pattern), pattern.name, by_prefix[prefix]
        else:
            yield str(entry.pattern), entry.name, None


PATTERNS = list(admin_patterns())
TRACKED = sorted(
    (m for m, a in admin.site._registry.items() if isinstance(a, SimpleHistoryAdmin)),
    key=lambda model: model._meta.label,
)


def fill(route: str, pk: str, version: str, content_type: str) -> str:
    """The route with its parameters filled in."""
    url = route.replace("^([^/]+)/history/([^/]+)/$", f"{pk}/history/{version}/")
    url = url.replace("<path:content_type_id>", content_type)
    url = url.replace("<path:object_id>", pk).replace("<id>", pk)
    url = re.sub(r"^\^\(\?P<app_label>[^)]*\)/\$$", "negotiations/", url)
    url = url.replace("(?P<url>.*)$", "no-such-page/")
    assert not set(url) & set("<>^$()"), f"a new kind of admin URL pattern: {route}"
    return url


def url_for(route: str, obj, version) -> str:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return "/admin/" + fill(route, str(obj.pk), str(version), str(content_type.pk))


def database_snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (bookkeeping tables aside)."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in BOOKKEEPING:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            snapshot[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return snapshot


def changed_tables(before, after) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )


@pytest.fixture
def viewer(django_user_model):
    """Staff, with the view permission of every model (history models included), no other."""
    user = django_user_model.objects.create_user("viewer", password="x" * 16, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def target(model, admin_user):
    """The record a pattern's URL is about: one of the model that can be deleted (someone
    else's account and token for the auth models; a round for the site's own URLs)."""
    if model is None:
        return factories.round(factories.negotiation(), 1, agenda={})
    if model is models.Party:  # every seeded party has organizations
        return factories.party()
    if model is models.Source:  # every seeded source has citations
        return models.Source.objects.create(slug="uncited", title="Uncited")
    if model._meta.label == "auth.User":
        return admin_user
    if model is AuthToken:
        return issue_token(admin_user)[0]
    if model._meta.app_label == "axes":  # the login lockout's records
        return model.objects.create(
            username="someone",
            ip_address="192.0.2.1",
            user_agent="",
            http_accept="",
            path_info="/admin/login/",
            **({"failures_since_start": 5} if model is AccessAttempt else {}),
        )
    if model is Group:
        group = Group.objects.create(name="editors")
        group.permissions.set(Permission.objects.filter(codename__startswith="change_")[:3])
        return group
    for obj in model._default_manager.order_by("pk"):
        if deletable(obj):
            return obj
    pytest.fail(f"no {model._meta.verbose_name} can be deleted")


def deletable(obj) -> bool:
    with transaction.atomic():
        try:
            type(obj)._default_manager.get(pk=obj.pk).delete()  # obj keeps its pk
        except (ProtectedError, RestrictedError):
            return False
        transaction.set_rollback(True)
    return True


def post_data(admin_client, url, obj) -> dict:
    """What a admin_user's browser sends from this page: its forms as they are, plus the
    delete confirmation, the delete action on ``obj`` and a new password."""
    data = {
        "post": "yes",
        "action": "delete_selected",
        "index": "0",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "usable_password": "true",
    }
    if obj is not None:
        data["_selected_action"] = [str(obj.pk)]
        if isinstance(obj, AuthToken):  # tokens are revoked, not deleted by the default action
            data["action"] = "revoke"
    response = admin_client.get(url)
    context = response.context or {}
    if "adminform" in context:
        form = context["adminform"].form
        data.update(form_data(form))
        for name, field in form.fields.items():
            # A record restored from its history has lost its links (many-to-many fields
            # have no history here): the superuser picks one where one is required.
            if (
                field.required
                and isinstance(field, ModelMultipleChoiceField)
                and not data.get(name)
            ):
                data[name] = [str(field.queryset.first().pk)]
        for inline in context.get("inline_admin_formsets", []):
            data.update(form_data(inline.formset.management_form))
            for form in inline.formset.initial_forms:
                data.update(form_data(form))
    return data


def first_version(obj):
    return obj.history.order_by("history_date", "history_id").first().history_id


def assert_view_only_writes_nothing(viewer, admin_client, url, data, *, control, own=()):
    before = database_snapshot()
    got = viewer.get(url)
    assert got.status_code < 500, url
    assert changed_tables(before, database_snapshot()) == [], f"GET {url} wrote"

    posted = viewer.post(url, data)

    assert posted.status_code < 500, url
    written = changed_tables(before, database_snapshot())
    assert [table for table in written if table not in own] == [], f"POST {url} wrote"
    if control:
        # The same POST by a superuser writes: the data was enough to change something.
        with transaction.atomic():
            admin_client.post(url, data)
            assert changed_tables(before, database_snapshot()), f"POST {url} is no write test"
            transaction.set_rollback(True)


# The views that write for a user with the permission (the control above applies to them).
WRITING_VIEWS = ("_change", "_delete", "_simple_history", "_changelist", "_password_change")


@pytest.mark.parametrize(
    ("route", "name", "model"),
    PATTERNS,
    ids=[fill(route, "ID", "VERSION", "TYPE") for route, _, _ in PATTERNS],
)
def test_view_only_staff_write_nothing(viewer, admin_client, admin_user, route, name, model):
    obj = target(model, admin_user)
    version = first_version(obj) if name and name.endswith("_simple_history") else None
    url = url_for(route, obj, version)
    data = post_data(admin_client, url, obj)
    control = (
        model is not None
        and bool(name)
        and name.endswith(WRITING_VIEWS)
        # A token is never changed (only issued and revoked): its change page only shows it.
        and not (model is AuthToken and name.endswith("_change"))
    )
    own = OWN_RECORDS.get(name, ())
    assert_view_only_writes_nothing(viewer, admin_client, url, data, control=control, own=own)


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.label)
def test_view_only_staff_cannot_restore_a_deleted_record(viewer, admin_client, admin_user, model):
    obj = target(model, admin_user)
    pk = obj.pk
    obj.delete()
    version = (
        model.history.filter(id=pk)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    opts = model._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{pk}/history/{version.history_id}/"
    data = post_data(admin_client, url, None)
    if model is models.AgendaItem:
        # Its area links went with it: restored, it is saved unmapped (the editor's choice).
        data["unmapped"] = "on"
    assert_view_only_writes_nothing(viewer, admin_client, url, data, control=True)
