"""Walking the admin as each kind of staff user: a small world with a record of every model
the admin shows, a user of each kind, and what a request wrote, table by table, told as the
permissions it needs.

A write needs the permission of the model whose rows it adds, changes or deletes. Around
them, the rest of the database follows those rows, and needs the same permission:

* many-to-many links (a round's citations): the permission to change the record holding
  the list (to add it, for a new one), or to delete either end (the link goes with it);
  AgendaItemArea is also the list of an agenda item's areas;
* audit history: a row with values never recorded before is a change (an addition, a
  deletion) of its record; a row repeating recorded values is a touch (below);
* the renamed slugs (SlugHistory), the admin's log (LogEntry): of the record they name.

A *touch* moves a record's ``updated`` and repeats its history (an agenda item changed: its
round shows it), as does the data version: it needs some write permission. A user's own
session, login records (django-axes) and account row (last login, own password) are theirs.
Any other row needs its model's permission.
"""

import functools
import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_permission_codename,
    get_user_model,
)
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.forms import ModelMultipleChoiceField, PasswordInput
from django.test import Client
from django.urls import URLResolver
from django.utils import timezone
from knox.models import AuthToken
from simple_history.models import HistoricalChanges

from negotiations import models as m
from negotiations.api.tokens import issue_token
from negotiations.choices import AgendaBasis, AgendaStatus
from negotiations.models.versioning import DataVersion, ScopeVersion, SlugHistory
from tests import factories
from tests.helpers import form_data

PASSWORD = "a-new-password-for-someone-else-42"
ACTIONS = ("add", "change", "delete")
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def label(model) -> str:
    return model._meta.label_lower


# --- The admin's URLs ---------------------------------------------------------------------------


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


def fill(route: str, pk: str, version: str, content_type: str) -> str:
    """The route with its parameters filled in."""
    url = route.replace("^([^/]+)/history/([^/]+)/$", f"{pk}/history/{version}/")
    url = url.replace("<path:content_type_id>", content_type)
    url = url.replace("<path:object_id>", pk).replace("<id>", pk)
    url = url.replace("<int:source_id>", pk)  # the intake's review page: the article's source
    url = re.sub(r"^\^\(\?P<app_label>[^)]*\)/\$$", "negotiations/", url)
    url = url.replace("(?P<url>.*)$", "no-such-page/")
    assert not set(url) & set("<>^$()"), f"a new kind of admin URL pattern: {route}"
    return url


def url_for(route: str, obj, version) -> str:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return "/admin/" + fill(route, str(obj.pk), str(version), str(content_type.pk))


def first_version(obj):
    return obj.history.order_by("history_date", "history_id").first().history_id


# --- The world: a record of every model the admin shows ----------------------------------------


@dataclass
class World:
    """The records each admin page is walked on (``targets``: the first of each model is
    the one, the others further cases), and the users."""

    targets: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)

    def client(self, kind: str) -> Client:
        """A client logged in as the user of this kind (its session made with the world)."""
        browser = Client()
        browser.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[kind]
        return browser

    @contextmanager
    def user_holding(self, permissions):
        """A staff user who may view everything and holds ``permissions`` ((model label,
        action) pairs), made for a test (its rows go with the test): its kind's name."""
        kind = "holding:" + ",".join(f"{action}:{model}" for model, action in permissions)
        # A long list of permissions cut to the user name's 150 characters is made unique.
        digest = hashlib.sha1(kind.encode()).hexdigest()[:12]
        username = kind if len(kind) <= 150 else f"{kind[:137]}-{digest}"
        user = get_user_model().objects.create(username=username, is_staff=True)
        user.groups.add(Group.objects.get(name="viewers"))
        for model, action in permissions:
            app_label, model_name = model.split(".")
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model_name}"
                )
            )
        self.users[kind], self.sessions[kind] = user, session_for(user)
        try:
            yield kind
        finally:
            del self.users[kind], self.sessions[kind]


def empty_records_and_history() -> None:
    """The seed's records, their links and audit history deleted (the world's transaction
    undoes it): a table at a time, as the foreign keys are checked when it commits."""
    app = apps.get_app_config("negotiations")
    with connection.cursor() as cursor:
        for model in app.get_models(include_auto_created=True):
            if getattr(model, "bookkeeping", False):
                continue  # the data version, renamed slugs
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


INTAKE = "intake"  # the world's target for the intake pages
INTAKE_ARTICLE = "\n".join(
    [
        "Korea and the United States hold talks in Seoul",
        "Published: 3 Jun. 2031, 09:00",
        "Ahn Duk-geun and Jamieson Greer met on Monday in Seoul.",
        "The two sides agreed to focus on three areas: tariffs, energy and shipbuilding.",
        "Korea requested an exemption from the tariffs.",
        "They aim for an agreement by July 8, before the tariff pause is set to expire.",
        "",
    ]
)


def build_records() -> dict:
    """Every model of the admin, small: one record of each that can be deleted (with what
    its page shows inline), and what the review queue lists (an unmapped agenda item, a
    participant and a speaker whose names match nobody)."""
    empty_records_and_history()
    source = factories.source(
        title="The Herald", text="Ahn Duk-geun met Jamieson Greer to discuss tariffs."
    )
    quote = factories.citation(source, quote="Ahn Duk-geun met Jamieson Greer")
    korea = factories.party(name="Korea", code="KR")
    usa = factories.party(name="United States", code="US")
    lonely_party = factories.party(name="Ruritania", code="RU")
    party_alias = lonely_party.aliases.create(name="Kingdom of Ruritania")
    talks = factories.negotiation(parties=[korea, usa])
    later_talks = factories.negotiation(parties=[korea, usa])
    relation = m.NegotiationRelation.objects.create(
        from_negotiation=talks, to_negotiation=later_talks, kind="related_to"
    )
    relation.citations.add(quote)
    tariffs, currency = factories.area(name="Tariffs"), factories.area(name="Currency policy")
    energy = factories.area(name="Energy")
    energy.aliases.create(name="Power")
    area_alias = currency.aliases.create(name="FX")
    ministry = factories.organization(party=korea, name="Ministry of Trade")
    agency = factories.organization(party=korea, name="Trade Agency")
    organization_alias = agency.aliases.create(name="TA")
    ahn = factories.person(name="Ahn Duk-geun", party=korea)
    factories.person(name="Jamieson Greer", party=usa)
    yeo = factories.person(name="Yeo Han-koo", party=korea)
    person_alias = yeo.aliases.create(name="Yeo Hankoo")
    role = m.Role.objects.create(person=yeo, organization=ministry, title="Trade minister")
    first = factories.round(talks, 1, agenda={"tariffs": tariffs, "FX": currency})
    first.citations.add(quote)
    factories.agenda_item(first, "monetary policies", [], unmapped=True, order=3)
    participant = m.Participant.objects.create(
        round=first, party=korea, person=ahn, name_as_reported="Ahn Duk-geun"
    )
    participant.citations.add(quote)
    m.Participant.objects.create(round=first, party=korea, name_as_reported="Anne Duk Gae-woon")
    annotation = m.AgendaChangeAnnotation.objects.create(
        round=first, area=tariffs, change="added", note="First reported."
    )
    ready_to_copy = factories.round(
        talks, 2, agenda_status=AgendaStatus.REPORTED, agenda_basis=AgendaBasis.ANNOUNCED
    )
    position = m.Position.objects.create(
        party=usa,
        kind="request",
        summary="Lower tariffs.",
        speaker_name_as_reported="Jamison Greer",
        negotiation=talks,
        round=first,
    )
    position.areas.add(tariffs)
    disagreement = m.Disagreement.objects.create(
        negotiation=talks, title="Which list", note="Two lists.", round=first
    )
    claim = m.DisagreementClaim.objects.create(disagreement=disagreement, label="A", claim="One")
    item = first.agenda_items.get(label="tariffs")
    someone = get_user_model().objects.create_user("someone-else", password=PASSWORD)
    group = Group.objects.create(name="editors")
    group.permissions.set(Permission.objects.filter(codename__startswith="change_")[:3])
    targets = {
        m.Party: [lonely_party],
        m.PartyAlias: [party_alias],
        m.Organization: [agency],
        m.OrganizationAlias: [organization_alias],
        m.Person: [yeo],
        m.PersonAlias: [person_alias],
        m.Role: [role],
        m.Negotiation: [later_talks],
        m.NegotiationRelation: [relation],
        # A round with agenda items, participants and an annotation; one to copy an agenda to.
        m.Round: [first, ready_to_copy],
        m.Participant: [participant],
        m.AgendaArea: [energy],
        m.AgendaAreaAlias: [area_alias],
        m.AgendaItem: [item],
        m.AgendaItemArea: [item.area_links.get()],
        m.AgendaChangeAnnotation: [annotation],
        m.AgendaExclusion: [
            factories.exclusion(negotiation=talks, round=first, area=factories.area(name="Defense"))
        ],
        m.Deadline: [factories.deadline(negotiation=talks)],
        m.Measure: [factories.measure(imposing_party=usa, target_party=korea)],
        m.Position: [position],
        m.Source: [factories.source(title="Uncited")],
        m.Citation: [quote],
        m.Disagreement: [disagreement],
        m.DisagreementClaim: [claim],
        get_user_model(): [someone],
        Group: [group],
        # Someone else's API token (revoked, never changed).
        AuthToken: [issue_token(someone)[0]],
    }
    lockout = {
        "username": "someone-else",
        "ip_address": "192.0.2.1",
        "user_agent": "",
        "http_accept": "",
        "path_info": "/admin/login/",
    }
    targets[AccessAttempt] = [AccessAttempt.objects.create(failures_since_start=1, **lockout)]
    targets[AccessLog] = [AccessLog.objects.create(**lockout)]
    targets[AccessFailureLog] = [AccessFailureLog.objects.create(**lockout)]
    # An article for "Add an article"'s review page (negotiations.admin_intake): accepting
    # what it proposes writes a round, participants, agenda items, a deadline, a position.
    targets[INTAKE] = [factories.source(title="Talks in Seoul", text=INTAKE_ARTICLE)]
    missing = [label(model) for model in REGISTERED if model not in targets]
    assert not missing, f"the walk's world has no record of {missing}"
    return targets


# --- The kinds of staff user -------------------------------------------------------------------


def user_kinds() -> dict[str, list[Permission]]:
    """Each kind of staff user, by name, with its permissions besides viewing everything:

    * ``viewer``: none;
    * ``add:<model>``, ``change:<model>``, ``delete:<model>``: that one, for each model of
      the admin in turn;
    * ``all-but:<model>``: every add, change and delete permission but that model's.
    """
    by_key = {(p.content_type_id, p.codename): p for p in Permission.objects.all()}

    def permission(model, action) -> Permission:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        return by_key[(content_type.pk, get_permission_codename(action, model._meta))]

    kinds = {"viewer": []}
    for model in REGISTERED:
        for action in ACTIONS:
            kinds[f"{action}:{label(model)}"] = [permission(model, action)]
        kinds[f"all-but:{label(model)}"] = [
            permission(other, action)
            for other in REGISTERED
            if other is not model
            for action in ACTIONS
        ]
    return kinds


def session_for(user) -> str:
    """A session of ``user`` logged in, as the test client's force_login makes one (without
    its signals: a login is not what the walk is about)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def build_world() -> World:
    world = World(targets=build_records())
    viewers = Group.objects.create(name="viewers")
    viewers.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    User = get_user_model()
    kinds = user_kinds()
    User.objects.bulk_create(
        [User(username=kind, is_staff=True) for kind in kinds]
        + [User(username="root", is_staff=True, is_superuser=True)]
        + [User(username="nobody", is_staff=True)]
    )
    names = [*kinds, "root", "nobody"]
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=users[kind].pk, group_id=viewers.pk) for kind in kinds]
    )
    User.user_permissions.through.objects.bulk_create(
        [
            User.user_permissions.through(user_id=users[kind].pk, permission_id=permission.pk)
            for kind, held in kinds.items()
            for permission in held
        ]
    )
    world.users = {kind: users[kind] for kind in kinds}
    world.users.update(superuser=users["root"], nobody=users["nobody"])
    world.sessions = {kind: session_for(user) for kind, user in world.users.items()}
    return world


# --- What a request wrote ----------------------------------------------------------------------


HISTORY_FIELDS = {"history_date", "history_change_reason", "history_type", "history_user"}


@dataclass(frozen=True)
class Table:
    """How a table's rows are read and whose permission a change to them needs."""

    model: type[models.Model]  # the concrete model that reads it
    kind: str  # record, link, history, link-history, log, slugs, ignored
    owner: type[models.Model] | None = None  # the record a link, history or list belongs to
    columns: tuple[str, ...] = ()  # read, in this order (a record's ``updated`` apart)
    other: type[models.Model] | None = None  # of a link: the model at its other end

    def value(self, row: tuple, column: str):
        """The value of ``column`` in a row of the snapshot."""
        return row[[name for name in self.columns if name != "updated"].index(column)]


@functools.cache
def tables() -> dict[str, Table]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or opts.db_table in found:
            continue
        names = [f.attname for f in opts.concrete_fields]
        if model in (Session, DataVersion, ScopeVersion, ContentType, Permission):
            # Sessions: everyone's own; the data version and the scopes' versions move with
            # every write; content
            # types and permissions: written by migrations only (and checked by the walk of
            # the models that hold them: users, groups).
            found[opts.db_table] = Table(
                model,
                "ignored" if model in (Session, DataVersion, ScopeVersion) else "record",
                columns=tuple(names),
            )
        elif issubclass(model, HistoricalChanges):
            kept = [
                f.attname
                for f in opts.concrete_fields
                if f.name not in HISTORY_FIELDS
                and f.name not in ("updated", "history", opts.pk.name)
            ]
            if "history_type" in names:
                found[opts.db_table] = Table(
                    model, "history", model.instance_type, (*kept, "history_type")
                )
            else:
                through = model.instance_type
                # The record holding the list: of an explicit link model (a citation link
                # with its facets), the model whose many-to-many goes through it.
                owner = through._meta.auto_created or next(
                    holder
                    for holder in apps.get_models()
                    for many in holder._meta.local_many_to_many
                    if many.remote_field.through is through
                )
                found[opts.db_table] = Table(model, "link-history", owner, tuple(kept))
        elif opts.auto_created:
            owner = opts.auto_created
            many = next(
                f for f in owner._meta.local_many_to_many if f.remote_field.through is model
            )
            columns = (many.m2m_column_name(), many.m2m_reverse_name())
            found[opts.db_table] = Table(model, "link", owner, columns, other=many.related_model)
        elif model is LogEntry:
            found[opts.db_table] = Table(
                model, "log", columns=("content_type_id", "action_flag", "object_id")
            )
        elif model is SlugHistory:
            found[opts.db_table] = Table(model, "slugs", columns=("model", "record_id", "slug"))
        else:
            found[opts.db_table] = Table(model, "record", columns=tuple(names))
    return found


def hashable(value):
    """A JSON column's value (a citation link's facets and values) as its text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def snapshot(names=None) -> dict[str, dict]:
    """The tables ``names`` (every table by default): records by primary key (their values
    but ``updated``, and ``updated``), links and history by their values (a repeated history
    row adds nothing)."""
    state = {}
    for name, table in tables().items():
        if table.kind == "ignored" or (names is not None and name not in names):
            continue
        rows = [
            tuple(map(hashable, row))
            for row in table.model._base_manager.order_by().values_list(*table.columns)
        ]
        if table.kind == "record":
            pk = table.columns.index(table.model._meta.pk.attname)
            at = table.columns.index("updated") if "updated" in table.columns else None
            state[name] = {
                row[pk]: (
                    tuple(value for i, value in enumerate(row) if i != at),
                    None if at is None else row[at],
                )
                for row in rows
            }
        elif table.kind == "history":
            state[name] = {}
            for row in rows:
                state[name].setdefault(row[:-1], set()).add(row[-1])
        else:
            state[name] = {tuple(row): None for row in rows}
    return state


@dataclass(frozen=True)
class Need:
    """A change found in the database, and the permissions (model label, action) of which
    any one allows it (none: a touch, which any permission to write allows)."""

    what: str
    allowed_by: frozenset

    def __str__(self):
        needs = " or ".join(sorted(f"{action} {model}" for model, action in self.allowed_by))
        return f"{self.what} (needs {needs or 'some permission to write'})"


def record_changes(before: dict, after: dict) -> dict:
    """(model, action) -> primary keys, of the records themselves."""
    found = {}
    for name in after:
        table = tables()[name]
        if table.kind != "record" or before[name] == after[name]:
            continue
        old, new = before[name], after[name]
        found[(table.model, "add")] = set(new) - set(old)
        found[(table.model, "delete")] = set(old) - set(new)
        found[(table.model, "change")] = {
            pk for pk in set(old) & set(new) if old[pk][0] != new[pk][0]
        }
        found[(table.model, "touch")] = {
            pk for pk in set(old) & set(new) if old[pk][0] == new[pk][0] and old[pk] != new[pk]
        }
    return found


def models_of(table_model) -> list:
    """A table's models: the concrete one and its proxies."""
    return [
        model
        for model in apps.get_models()
        if model._meta.concrete_model is table_model._meta.concrete_model
    ]


def needs(before: dict, after: dict, actor) -> list[Need]:
    """What changed between two snapshots (of the tables of ``after``), each with the
    permissions that allow it."""
    records = record_changes(before, after)

    def was(model, action, pk) -> bool:
        return pk in records.get((model, action), ())

    def allowed(model, action):
        return frozenset((label(each), action) for each in models_of(model))

    def link_needs(owner, other, owner_pk, other_pk, *, added: bool):
        if added:
            return allowed(owner, "change") | (
                allowed(owner, "add") if was(owner, "add", owner_pk) else frozenset()
            )
        return (
            allowed(owner, "change")
            | (allowed(owner, "delete") if was(owner, "delete", owner_pk) else frozenset())
            | (allowed(other, "delete") if was(other, "delete", other_pk) else frozenset())
        )

    through_of = {
        many.remote_field.through: (model, many)
        for model in apps.get_models()
        for many in model._meta.local_many_to_many
        if not many.remote_field.through._meta.auto_created
    }
    found = []
    for name in after:
        table = tables()[name]
        if before[name] == after[name]:
            continue
        old, new = before[name], after[name]
        model = table.model
        if table.kind == "record":
            for action in ("add", "delete", "change", "touch"):
                for pk in sorted(records[(model, action)], key=str):
                    row = (new if action != "delete" else old)[pk][0]
                    if own(table, row, actor):
                        continue
                    what = f"{action} {label(model)} #{pk}"
                    allowed_by = allowed(model, action) if action != "touch" else frozenset()
                    if (model, action) in GOES_WITH:
                        column, parent = GOES_WITH[(model, action)]
                        if was(parent, "delete", table.value(row, column)):
                            allowed_by |= allowed(parent, "delete")
                    if model in through_of and action != "touch":
                        holder, many = through_of[model]
                        ends = (
                            table.value(row, many.m2m_column_name()),
                            table.value(row, many.m2m_reverse_name()),
                        )
                        allowed_by |= link_needs(
                            holder, many.related_model, *ends, added=action != "delete"
                        )
                    found.append(Need(what, allowed_by))
        elif table.kind == "link":
            for row in set(new) ^ set(old):
                added = row in new
                what = f"{'add' if added else 'remove'} a link in {name} {row}"
                found.append(Need(what, link_needs(table.owner, table.other, *row, added=added)))
        elif table.kind == "history":
            for values in set(new) - set(old):
                pk = table.value(values, table.owner._meta.pk.attname)
                kinds = new[values]
                if was(table.owner, "add", pk) or "+" in kinds:
                    action = "add"
                else:
                    action = "delete" if "-" in kinds else "change"
                what = f"record new values of {label(table.owner)} #{pk} in its history"
                found.append(Need(what, allowed(table.owner, action)))
        elif table.kind == "link-history":
            for values in set(new) - set(old):
                what = f"record a new link of {label(table.owner)} in {name} {values}"
                found.append(
                    Need(what, allowed(table.owner, "change") | allowed(table.owner, "add"))
                )
        elif table.kind == "log":
            flags = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}
            for content_type, flag, object_id in set(new) - set(old):
                logged = ContentType.objects.get_for_id(content_type).model_class()
                tokens = after.get(AuthToken._meta.db_table, {})
                if logged is AuthToken and object_id in tokens:
                    token = tables()[AuthToken._meta.db_table]
                    if own(token, tokens[object_id][0], actor):
                        continue  # the actor's log of issuing a token to themselves
                # The admin's log of what it did (a restored record is logged as changed).
                what = f"log an {flags[flag]} of {label(logged)} #{object_id}"
                found.append(Need(what, frozenset().union(*(allowed(logged, a) for a in ACTIONS))))
        elif table.kind == "slugs":
            for model_label, record_id, slug in set(new) - set(old):
                renamed = apps.get_model(model_label)
                what = f"rename {label(renamed)} #{record_id} (from {slug})"
                found.append(Need(what, allowed(renamed, "change")))
    return found


OWN_BY_USERNAME = (AccessAttempt, AccessLog, AccessFailureLog)
# Deleted with their parent, whose deletion page does not ask for their own permission
# (none since the API tokens have an admin of their own, which asks for theirs).
GOES_WITH: dict = {}


def own(table: Table, row: tuple, actor) -> bool:
    """The actor's own account row and login records, and the login attempts past their
    cool-off, which django-axes deletes at every login and logout, whoever logs in."""
    if table.model is get_user_model():
        return table.value(row, "id") == actor.pk
    if table.model is AccessAttempt and table.value(row, "attempt_time") <= cooled_off():
        return True
    if table.model in OWN_BY_USERNAME:
        return table.value(row, "username") == actor.get_username()
    if table.model is AuthToken:  # every staff user issues and revokes their own tokens
        return table.value(row, "user_id") == actor.pk
    return False


def cooled_off():
    return timezone.now() - settings.AXES_COOLOFF_TIME


def held(actor) -> set[tuple[str, str]]:
    """The actor's permissions, as (model label, action)."""
    found = set()
    for permission in actor.get_all_permissions():
        app_label, codename = permission.split(".", 1)
        action, _, model_name = codename.partition("_")
        found.add((f"{app_label}.{model_name}", action))
    return found


def forbidden(found: list[Need], actor) -> list[str]:
    """The changes the actor holds no permission for."""
    if actor.is_superuser:
        return []
    permissions = held(actor)
    writes_anything = any(action in ACTIONS for _, action in permissions)
    return [
        str(need)
        for need in found
        if not (need.allowed_by & permissions if need.allowed_by else writes_anything)
    ]


class WriteWatch:
    """The tables a block of code wrote to, read from its statements: ``None`` when one that
    can write named none known (then every table is to be read)."""

    READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "PRAGMA")
    WRITE = re.compile(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?\s', re.IGNORECASE)

    def __init__(self):
        self.tables: set[str] | None = set()

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip(" (")
        if not statement.upper().startswith(self.READS) and self.tables is not None:
            written = self.WRITE.match(statement)
            if written and written.group(1) in tables():
                self.tables.add(written.group(1))
            else:
                self.tables = None
        return execute(sql, params, many, context)

    @property
    def wrote(self) -> bool:
        return self.tables != set()

    def changed(self) -> dict:
        """The written tables as they are now."""
        return snapshot(self.tables) if self.wrote else {}

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


class Baseline:
    """The tables as they were before a test's requests (each undone), read when first
    needed: after an undone request, a table is as it was."""

    def __init__(self):
        self.tables = {}

    def of(self, after: dict) -> dict:
        """The tables of ``after`` as they were."""
        missing = {name for name in after if name not in self.tables}
        if missing:
            self.tables.update(snapshot(missing))
        return {name: self.tables[name] for name in after}


def request(world, kind: str, method: str, url: str, data: dict, baseline: Baseline):
    """Send a request as the user of ``kind``, and undo what it wrote: its response, and the
    changes it made that the user holds no permission for."""
    with transaction.atomic():
        with WriteWatch() as watch:
            response = getattr(world.client(kind), method)(url, data)
        after = watch.changed()
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{method.upper()} {url} as {kind}"
    found = needs(baseline.of(after), after, world.users[kind])
    return response, found


# --- What a browser sends ----------------------------------------------------------------------

# Django's own buttons of a change form; any other is a page's own action (copy an agenda).
SAVE_BUTTONS = {"_save", "_continue", "_addanother", "_saveasnew"}


class SubmitButtons(HTMLParser):
    """The names and values of a page's submit buttons."""

    def __init__(self):
        super().__init__()
        self.found = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("button", "input") and attrs.get("type") == "submit" and attrs.get("name"):
            self.found[attrs["name"]] = attrs.get("value") or ""


def page_buttons(html: str) -> dict:
    parser = SubmitButtons()
    parser.feed(html)
    return {name: value for name, value in parser.found.items() if name not in SAVE_BUTTONS}


def filled(form) -> dict:
    """A model form's data as a browser sends it unchanged, with a new password typed in
    (a user's password page), and the first choice where a list is required and empty (a
    record restored from its history has lost its links: many-to-many lists have none)."""
    data = form_data(form)
    for name, field_ in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field_.widget, PasswordInput):
            data[key] = PASSWORD
        elif isinstance(field_, ModelMultipleChoiceField) and field_.required and not data.get(key):
            data[key] = [str(field_.queryset.first().pk)]
    return data


def selected_key(obj) -> str:
    """What a list's checkbox sends for ``obj``."""
    return str(obj.pk)


def post_variants(page, obj) -> list[tuple[str, dict]]:
    """What a superuser's browser can send from this page, by name: its form unchanged (and
    with each of the page's own buttons), the delete confirmation, each list action on
    ``obj``, an accept of each review entry (and creating an area for an unmapped label)."""
    context = page.context or {}
    adminform = context.get("adminform") or context.get("adminForm")  # (a user's password)
    if adminform:
        data = filled(adminform.form)
        for inline in context.get("inline_admin_formsets", []):
            data.update(form_data(inline.formset.management_form))
            for form in inline.formset.initial_forms:
                data.update(form_data(form))
        buttons = page_buttons(page.content.decode())
        return [("save", data)] + [(name, {**data, name: value}) for name, value in buttons.items()]
    if "deleted_objects" in context:
        return [("confirm", {"post": "yes"})]
    if context.get("action_form"):
        choices = [name for name, _ in context["action_form"].fields["action"].choices if name]
        selected = {"index": "0", "_selected_action": [selected_key(obj)], "post": "yes"}
        return [(f"action {name}", {"action": name, **selected}) for name in choices]
    if "entries" in context:  # the review queue
        accepts = {}
        for entry in context["entries"]:
            if entry.get("acceptable") and entry.get("suggestions"):
                target = entry["suggestions"][0]["slug"]
                accepts.setdefault(entry["kind"], {"entry": entry["key"], "target": target})
            if entry.get("new_area"):  # create an area for the label, as proposed
                accepts.setdefault(
                    "create area",
                    {
                        "entry": entry["key"],
                        "new_area_name": entry["new_area"]["name"],
                        "new_area_slug": entry["new_area"]["slug"],
                        "new_area_description": "",
                    },
                )
        return [(f"accept {kind}", data) for kind, data in accepts.items()]
    if "rows" in context:  # the intake's review page: accept what is ticked, as shown
        data = {"accept": [row["key"] for row in context["rows"] if row["accepted"]]}
        for row in context["rows"]:
            data.update({field["name"]: field["value"] for field in row["fields"]})
        return [("accept selected", data)]
    if "form" in context and hasattr(context["form"], "fields"):
        # The login and password change forms, empty: a password tried is a login attempt,
        # whose bookkeeping deletes expired attempts (tests/admin/test_login_lockout.py).
        return [("submit", form_data(context["form"]))]
    return [("post", {})]
