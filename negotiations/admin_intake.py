"""The admin's "Add an article" (issue 20): the article's form, then a review page listing
each fact intake proposes with its sentence, a checkbox to accept it and the fields an
editor may correct (a date, a person or an area from a picker of the closest ones);
"Accept selected" writes through the same domain functions as the API
(negotiations.intake.editor), in one transaction.

Permissions as everywhere in the admin: both pages need the permission to add sources, and
each accepted fact the permissions it writes with (editor.needed_permissions): without one,
nothing is written and the page says which.

Registered by the admin site (admin_site.TrackerAdminSite.get_urls: ``urls(site)``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from negotiations.choices import RoundLevel, RoundStatus
from negotiations.domain.labels import PersonIndex
from negotiations.intake import editor
from negotiations.intake import proposals as kinds
from negotiations.models import AgendaArea, Negotiation, Party, Person, Source

ADD_SOURCE = "negotiations.add_source"
KIND_TITLES = {
    kinds.SOURCE: "Publication day",
    kinds.NEGOTIATION: "New negotiation",
    kinds.PERSON: "New person",
    kinds.PERSON_ALIAS: "Another spelling of a person",
    kinds.ROUND: "Round",
    kinds.PARTICIPANT: "Participant",
    kinds.AGENDA_ITEM: "Agenda item",
    kinds.DEADLINE: "Deadline",
    kinds.POSITION: "Position",
    kinds.DATE: "Date",
    kinds.PARTY: "Party",
    kinds.ORGANIZATION: "Organization",
    kinds.AREA: "Agenda area",
}
# What an editor may correct on the review page, by kind: (field, label, input).
CORRECTABLE = {
    kinds.SOURCE: [("published_on", "Published on", "date")],
    kinds.PERSON: [
        ("name", "Name", "text"),
        ("title", "Title", "text"),
        ("party", "Party", "party"),
    ],
    kinds.PERSON_ALIAS: [("person", "Person", "person")],
    kinds.ROUND: [
        ("negotiation", "Negotiation", "negotiation"),
        ("start_date", "Date", "date"),
        ("city", "City", "text"),
        ("venue", "Venue", "text"),
        ("level", "Level", RoundLevel.choices),
        ("status", "Status", RoundStatus.choices),
    ],
    kinds.PARTICIPANT: [
        ("person", "Person", "person"),
        ("party", "Party", "party"),
        ("role", "Role", "text"),
    ],
    kinds.AGENDA_ITEM: [("areas", "Area", "area")],
    kinds.DEADLINE: [("negotiation", "Negotiation", "negotiation"), ("date", "Date", "date")],
}
# Values shown as the proposal's summary (the others are shown by its fields or sentence).
HIDDEN_VALUES = editor.NOT_CORRECTED | {"description", "summary", "date_note", "order"}


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=400)
    url = forms.URLField(max_length=500, required=False, assume_scheme="https", label="URL")
    publisher = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        required=False,
        label="Published on",
        help_text="If the article prints its day (YYYY-MM-DD); else intake reads or infers it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="The whole text, as published: every proposed fact quotes it verbatim.",
    )


def urls(site) -> list:
    return [
        path("intake/add/", site.admin_view(AddArticle(site)), name="intake_add"),
        path("intake/<int:source_id>/", site.admin_view(ReviewArticle(site)), name="intake_review"),
    ]


class IntakePage:
    def __init__(self, site):
        self.site = site
        self.__name__ = type(self).__name__  # admin_view's update_wrapper

    def context(self, request, title: str, **extra) -> dict:
        request.current_app = self.site.name
        return {**self.site.each_context(request), "title": title, "subtitle": None, **extra}


class AddArticle(IntakePage):
    def __call__(self, request):
        if not request.user.has_perm(ADD_SOURCE):
            raise PermissionDenied
        form = ArticleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                source = editor.enter_article(**form.cleaned_data)
            except ValidationError as error:
                for name, messages_ in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages_)
            else:
                return redirect("admin:intake_review", source_id=source.pk)
        context = self.context(request, "Add an article", form=form)
        return TemplateResponse(request, "admin/intake/add_article.html", context)


class ReviewArticle(IntakePage):
    def __call__(self, request, source_id: int):
        if not request.user.has_perm(ADD_SOURCE):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=source_id)
        found = editor.proposals_for(source)
        posted = request.POST if request.method == "POST" else None
        if posted is not None:
            keys = [key for key in posted.getlist("accept") if key in found.keys]
            corrections = corrections_from(found, keys, posted)
            try:
                accepted = editor.accept_article(source, keys, corrections, request.user)
            except PermissionDenied as refused:
                messages.error(request, f"Nothing was written: {refused}")
            except ValidationError as error:
                messages.error(request, "Nothing was written: " + refusal(error))
            else:
                messages.success(request, written_message(accepted))
                return redirect("admin:intake_review", source_id=source.pk)
        rows = proposal_rows(found, posted)
        context = self.context(
            request,
            f"Review: {source.title}",
            source=source,
            source_url=admin_url(source),
            rows=[row for row in rows if row["writes"]],
            mentions=[row for row in rows if not row["writes"]],
            publication=found.source.get("publication") or {},
        )
        return TemplateResponse(request, "admin/intake/review.html", context)


def field_name(key: str, name: str) -> str:
    return f"c|{key}|{name}"


def corrections_from(found, keys, posted) -> dict:
    """The fields the editor changed on the accepted proposals (as the API takes them)."""
    corrections = {}
    for key in keys:
        proposal = found.get(key)
        for name, _label, kind in CORRECTABLE.get(proposal.kind, ()):
            if field_name(key, name) not in posted:
                continue
            value = posted.get(field_name(key, name), "").strip()
            proposed = editor.plain(proposal.values.get(name))
            if kind == "area":
                value = [value] if value else []
                if value == list(proposal.values.get("areas") or []):
                    continue
                if not value:
                    continue  # left unmapped: mapped later from the review queue
            elif value == (proposed or ""):
                continue
            corrections.setdefault(key, {})[name] = value
    return corrections


def refusal(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{name}: {message}" for name, texts in error.message_dict.items() for message in texts
    )


def admin_url(record) -> str:
    try:
        return reverse(f"admin:negotiations_{record._meta.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return ""


def written_message(accepted) -> str:
    records = list(accepted.records.values())
    if not records:
        return "Nothing was accepted."
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((admin_url(record), str(record)) for record in records),
    )
    return format_html("Written, cited by their sentences: {}.", links)


def proposal_rows(found, posted) -> list[dict]:
    """Each proposal as the review page shows it: its sentence, what it states, and its
    correction fields (as posted, after a refusal)."""
    people = PersonIndex()
    area_names = dict(AgendaArea.objects.values_list("slug", "name"))
    person_names = dict(Person.objects.values_list("slug", "name"))
    rows = []
    for proposal in found.items:
        closest = editor.closest(proposal, people)
        accepted = (
            proposal.key in posted.getlist("accept") if posted is not None else proposal.writes
        )
        rows.append(
            {
                "key": proposal.key,
                "kind": KIND_TITLES.get(proposal.kind, proposal.kind),
                "writes": proposal.writes,
                "accepted": accepted,
                "sentence": proposal.sentence,
                "more_sentences": [s.sentence for s in proposal.support[1:] if s.sentence],
                "summary": summary(proposal, area_names),
                "note": proposal.note,
                "existing": proposal.existing,
                "fields": [
                    correction_field(
                        proposal, name, label, kind, closest, posted, area_names, person_names
                    )
                    for name, label, kind in CORRECTABLE.get(proposal.kind, ())
                ],
            }
        )
    return rows


def summary(proposal, area_names) -> list[tuple[str, str]]:
    shown = []
    for name, value in proposal.values.items():
        if name in HIDDEN_VALUES or value in ("", None, [], {}, False):
            continue
        if name == "areas":
            value = ", ".join(area_names.get(slug, slug) for slug in value)
        elif isinstance(value, dict | list):
            continue
        shown.append((name.replace("_", " "), str(editor.plain(value))))
    return shown


def negotiation_titles() -> list[tuple[str, str]]:
    return list(Negotiation.objects.order_by("title").values_list("slug", "title"))


def by_name(item):
    return item[1].casefold()


def correction_field(proposal, name, label, kind, closest, posted, area_names, person_names):
    key = proposal.key
    proposed = editor.plain(proposal.values.get(name))
    if posted is not None and field_name(key, name) in posted:
        value = posted.get(field_name(key, name))
    elif kind == "area":
        value = (proposal.values.get("areas") or [""])[0]
    else:
        value = proposed or ""
    field = {"name": field_name(key, name), "label": label, "value": value, "input": "select"}
    if kind in ("date", "text"):
        field["input"] = kind
        return field
    if kind == "area":
        mapped = [(slug, area_names.get(slug, slug), None) for slug in proposal.values["areas"]]
        # The closest first (with their scores), then every other area: no dead end.
        choices = mapped + [(c["slug"], c["name"], c["score"]) for c in closest]
        choices += [(slug, name, None) for slug, name in sorted(area_names.items(), key=by_name)]
        empty = "Unmapped (map it later in the review queue)"
    elif kind == "party":
        choices = [(slug, name, None) for slug, name in Party.objects.values_list("slug", "name")]
        empty = "Unknown (pick the side)" if proposal.kind == kinds.PARTICIPANT else "None"
    elif kind == "negotiation":
        choices = [(slug, title, None) for slug, title in negotiation_titles()]
        empty = "None"
        if ":" in (proposed or ""):  # a deadline of the new negotiation proposed
            choices.insert(0, (proposed, "The new negotiation proposed", None))
            empty = ""
        elif proposal.kind == kinds.ROUND and proposal.refers:
            empty = "The new negotiation proposed"
    elif kind == "person":
        current = proposal.values.get("person") or ""
        choices = [(current, person_names.get(current, current), None)] if current else []
        choices += [(c["slug"], c["name"], c["score"]) for c in closest]
        empty = "Nobody known (the name as reported)" if proposal.kind == kinds.PARTICIPANT else ""
    else:
        choices = [(value_, text, None) for value_, text in kind]
        empty = ""
    seen, options = set(), []
    if empty:
        options.append({"value": "", "text": empty})
    for slug, text, score in choices:
        if slug in seen:
            continue
        seen.add(slug)
        shown = f"{text} ({slug})" if score is None else f"{text} ({slug}) {score:.0f}"
        options.append({"value": slug, "text": shown})
    field["options"] = options
    return field
