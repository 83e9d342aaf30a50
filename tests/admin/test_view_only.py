"""Every admin URL and action, walked as each kind of staff user: a user writes only the
models it holds the permission for, and a view-only user writes nothing.

Every URL pattern of the admin site (tests/admin/walk.py builds a small world with a record
of every model) is opened with GET and sent what a superuser's browser sends from it: the
change form as it is (with its inlines) and with each of the page's own buttons ("copy the
agenda of the previous round"), the revert form, the delete confirmation, each list action,
an accept of each kind of review entry. Each request is undone after; the tables it wrote to
(read from the statements it ran: any statement that can write and names no known table
has every table read) are compared with what they were, each change is told as the
permissions that allow it (walk.needs), and the user must hold one.

The kinds of staff user, each also allowed to view everything:

* the **viewer**, on every URL, GET and POST;
* where the superuser's POST writes, on a model's pages: a user with that model's **add**,
  **change** or **delete** permission alone, and one with **every permission but that
  model's** (a write needs the page's model's permission first: no other permission, nor
  all of them together, opens it); on the site's own pages (the review queue): a user with
  **each one permission** of every model in turn, and users with **all the permissions the
  write touches but one**, for each (an accept needs two).

A user with one permission of another model than the page's is refused by that page as the
one with all but the page's model's permissions is. The superuser's POST is checked to
write on every change, delete, revert and action page, so that a refusal is the
permission's doing, not bad data.
"""

import pytest
from django.contrib import admin
from django.db import transaction
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from negotiations import models
from tests.admin import walk

pytestmark = pytest.mark.django_db

PATTERNS = list(walk.admin_patterns())
TRACKED = [m for m in walk.REGISTERED if isinstance(admin.site._registry[m], SimpleHistoryAdmin)]
# The views whose superuser's POST must write (a list with actions: any action).
WRITING_VIEWS = ("_change", "_delete", "_simple_history", "_changelist", "_password_change")


def kinds_to_try(model) -> list[str]:
    """The users that may be able to write through a page of ``model`` (None: the site's
    own pages)."""
    if model is None:
        return [
            f"{action}:{walk.label(each)}" for each in walk.REGISTERED for action in walk.ACTIONS
        ]
    name = walk.label(model)
    return [*(f"{action}:{name}" for action in walk.ACTIONS), f"all-but:{name}"]


def check(world, kind, url, variant, data, baseline) -> list[str]:
    """POST ``data`` as the user of ``kind``: what it wrote that it may not."""
    _, found = walk.request(world, kind, "post", url, data, baseline)
    return [
        f"POST {url} ({variant}) as {kind}: {problem}"
        for problem in walk.forbidden(found, world.users[kind])
    ]


def walk_page(world, url, model, variants, *, control: bool) -> list[str]:
    """The GET of ``url`` as the viewer, and every POST ``variants`` of it, as the superuser
    first, then (where it writes) as each kind of user that may write through it: what each
    wrote that it may not."""
    baseline = walk.Baseline()
    viewer = world.users["viewer"]
    _, found = walk.request(world, "viewer", "get", url, {}, baseline)
    problems = [f"GET {url} as viewer: {problem}" for problem in walk.forbidden(found, viewer)]
    writes = False
    for variant, data in variants:
        _, written = walk.request(world, "superuser", "post", url, data, baseline)
        writes = writes or bool(written)
        for kind in ["viewer", *(kinds_to_try(model) if written else [])]:
            problems += check(world, kind, url, variant, data, baseline)
        if model is None and written:
            # A page of the site's own may need several permissions (accepting a review
            # suggestion): with all of them but one, it writes only what the user holds.
            needed = sorted(set().union(*(need.allowed_by for need in written)))
            for missing in needed:
                with world.user_holding([held for held in needed if held != missing]) as kind:
                    problems += check(world, kind, url, variant, data, baseline)
    assert writes or not control, f"POST {url} writes nothing: it is no test of a write"
    return problems


@pytest.mark.parametrize(
    ("route", "name", "model"),
    PATTERNS,
    ids=[walk.fill(route, "ID", "VERSION", "TYPE") for route, _, _ in PATTERNS],
)
def test_staff_write_only_what_they_may(world, route, name, model):
    name = name or ""
    if route.startswith("intake/"):  # "Add an article" and its review page
        targets = world.targets[walk.INTAKE]
    else:
        targets = world.targets.get(model) or world.targets[models.Round]
    # The first record of a model is walked on every page; the others are further cases of
    # its change page.
    problems = []
    for obj in targets if model and name.endswith("_change") else targets[:1]:
        version = walk.first_version(obj) if name.endswith("_simple_history") else None
        url = walk.url_for(route, obj, version)
        page = world.client("superuser").get(url)
        has_actions = model is None or admin.site._registry[model].actions is not None
        control = name == "intake_review" or (  # accepting an article's facts writes
            model is not None
            and name.endswith(WRITING_VIEWS)
            and not (name.endswith("_changelist") and not has_actions)
            # A token is never changed (only issued and revoked): its change page shows it.
            and not (model is AuthToken and name.endswith("_change"))
        )
        variants = walk.post_variants(page, obj)
        problems += walk_page(world, url, model, variants, control=control)
    assert problems == []


@pytest.mark.parametrize("model", TRACKED, ids=walk.label)
def test_staff_restore_a_deleted_record_only_with_the_permission_to_add_it(world, model):
    obj = world.targets[model][0]
    pk = obj.pk
    model._default_manager.filter(pk=pk).delete()
    version = (
        model.history.filter(id=pk)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    opts = model._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{pk}/history/{version.history_id}/"
    page = world.client("superuser").get(url)
    variants = walk.post_variants(page, obj)
    if model is models.AgendaItem:
        # Its area links went with it: restored, it is saved unmapped (the editor's choice).
        variants = [(name, {**data, "unmapped": "on"}) for name, data in variants]
    assert walk_page(world, url, model, variants, control=True) == []


def test_the_walk_tells_what_needs_which_permission(world):
    """The walk's own check: an agenda item added is refused to a round editor (as the copy
    of an agenda was), a round's citation list changed is allowed to it, and its touch (a
    new ``updated``, a repeated history row) is allowed to any editor but not to a viewer."""
    round_ = world.targets[models.Round][0]
    baseline = walk.Baseline()

    def written(write):
        with transaction.atomic():
            with walk.WriteWatch() as watch:
                write()
            after = watch.changed()
            transaction.set_rollback(True)
        return walk.needs(baseline.of(after), after, world.users["viewer"])

    def refused(found, kind):
        return walk.forbidden(found, world.users[kind])

    item = written(lambda: models.AgendaItem.objects.create(round=round_, label="x", slug="x"))
    assert refused(item, "change:negotiations.round") != []
    assert refused(item, "add:negotiations.agendaitem") == []
    citation = world.targets[models.Citation][0]
    unlinked = written(lambda: round_.citations.remove(citation))
    assert refused(unlinked, "change:negotiations.round") == []
    assert refused(unlinked, "change:negotiations.citation") != []
    touched = written(lambda: round_.save())
    assert [str(need) for need in touched if need.allowed_by] == []
    assert refused(touched, "change:negotiations.citation") == []
    assert refused(touched, "viewer") != []
