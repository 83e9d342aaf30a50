"""The dashboard page: one negotiation at a glance, read-only, rendered on the server."""

from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from negotiations.choices import NegotiationStatus
from negotiations.dashboard import selectors, values
from negotiations.dashboard.caching import cached_page
from negotiations.middleware import rate_limited, serves

UNKNOWN_ROUND = "This negotiation has no such round: showing the latest one instead."
NOT_YET_REPORTED = (
    "The round you were looking at had not been reported by {day}: showing the latest "
    "round known then."
)


class DashboardQuery(forms.Form):
    """The page's GET parameters: what was known when, the day deadlines are counted from,
    the round to explain."""

    known_as_of = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2025-04-25."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    as_of = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2025-05-16."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    round = forms.SlugField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": UNKNOWN_ROUND}
    )


class PickerQuery(forms.Form):
    """The negotiation picker's search: words of a title or a party, a status, a page."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Find a negotiation",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title or party"}),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *NegotiationStatus.choices], label="Status"
    )
    p = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)


@serves("GET", "HEAD")
@rate_limited
@cached_page("DASHBOARD_NEGOTIATION")
def dashboard(request, slug=None):
    """/dashboard/ and /dashboard/<negotiation>/:
    ?known_as_of=YYYY-MM-DD&as_of=YYYY-MM-DD&round=<round slug>.

    known_as_of shows the negotiation as the sources published by that day told it; as_of
    (default known_as_of, else today) is the day deadlines count from. An unknown negotiation
    is a 404. A malformed date or an unknown round is a 400 that still shows the page
    (everything known, counting from today, explaining the latest round) with the error next
    to the form.
    """
    today = timezone.localdate()
    query = DashboardQuery(request.GET.dict())
    query.is_valid()
    known_as_of = query.cleaned_data.get("known_as_of")
    as_of = query.cleaned_data.get("as_of") or known_as_of or today
    if not query.data.get("as_of"):
        query.data = {**query.data, "as_of": as_of.isoformat()}  # the form shows the day used
    round_slug = query.cleaned_data.get("round") or None

    picker_query = PickerQuery(request.GET.dict())
    picker_query.is_valid()
    picker_values = {
        name: picker_query.cleaned_data.get(name) or ""
        for name in ("q", "status")
        if name not in picker_query.errors
    }
    picker = selectors.picker_page(
        picker_values.get("q", ""),
        picker_values.get("status", ""),
        picker_query.cleaned_data.get("p") or 1,
    )
    negotiation = selectors.pick_negotiation(slug)
    data, notice = None, ""
    if negotiation is not None:
        try:
            data = selectors.dashboard_data(negotiation, as_of, round_slug, known_as_of)
        except selectors.UnknownRound:
            data = selectors.dashboard_data(negotiation, as_of, known_as_of=known_as_of)
            if known_as_of and negotiation.rounds.filter(slug=round_slug).exists():
                notice = NOT_YET_REPORTED.format(day=f"{known_as_of:%-d %B %Y}")
            else:
                query.add_error("round", UNKNOWN_ROUND)
    page_query = {"as_of": as_of.isoformat()}
    if known_as_of:
        page_query["known_as_of"] = known_as_of.isoformat()
    # Links in the picker keep its search, so the list stays as it was.
    picker_keep = {key: value for key, value in picker_values.items() if value}
    if picker["number"] > 1:
        picker_keep["p"] = picker["number"]
    context = {
        "query": query,
        "picker_query": picker_query,
        "picker": picker,
        "picker_link_query": urlencode({**page_query, **picker_keep}),
        "picker_page_query": urlencode(
            {**page_query, **{k: v for k, v in picker_keep.items() if k != "p"}}
        ),
        "current_on_page": negotiation is not None
        and any(row.pk == negotiation.pk for row in picker["results"]),
        "as_of": as_of,
        "known_as_of": known_as_of,
        "page_query": urlencode(page_query),
        "today": today,
        "current": negotiation,
        "data": data,
        "notice": notice,
    }
    if negotiation is not None and data is not None:
        context["cell_url"] = reverse("dashboard:cell", args=[negotiation.slug])
        context["value_url"] = reverse("dashboard:value", args=[negotiation.slug])
        if known_as_of:
            context["cell_url"] += f"?known_as_of={known_as_of.isoformat()}"
            context["value_url"] += f"?known_as_of={known_as_of.isoformat()}"
    failed = query.errors or picker_query.errors
    return render(request, "dashboard/dashboard.html", context, status=400 if failed else 200)


class CellQuery(forms.Form):
    round = forms.SlugField()
    area = forms.SlugField()
    known_as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


@serves("GET", "HEAD")
@rate_limited
@cached_page()
def cell(request, slug):
    """/dashboard/<negotiation>/cell/?round=&area=[&known_as_of=]: one agenda cell's details
    (the label as reported, quotes, annotations, disputes), the HTML the page's popover
    shows. A bad parameter is a 400, an unknown negotiation, round or area a 404."""
    negotiation = selectors.pick_negotiation(slug)
    query = CellQuery(request.GET.dict())
    if not query.is_valid():
        return refused(query)
    try:
        detail = selectors.cell_detail(
            negotiation,
            query.cleaned_data["round"],
            query.cleaned_data["area"],
            query.cleaned_data.get("known_as_of"),
        )
    except selectors.UnknownRound as error:
        raise Http404("No such cell in this negotiation's agenda matrix.") from error
    return render(request, "dashboard/_cell_detail.html", {"cell": detail})


def refused(query: forms.Form) -> HttpResponseBadRequest:
    """A popover's bad parameters: a 400 naming each."""
    return HttpResponseBadRequest(
        "; ".join(f"{name}: {' '.join(errors)}" for name, errors in query.errors.items()),
        content_type="text/plain; charset=utf-8",
    )


class ValueQuery(forms.Form):
    round = forms.SlugField()
    facet = forms.ChoiceField(choices=[(name, name) for name in values.ROUND_FACETS])
    known_as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


@serves("GET", "HEAD")
@rate_limited
@cached_page()
def value(request, slug):
    """/dashboard/<negotiation>/value/?round=&facet=date|place|level|status[&known_as_of=]:
    where a round's value came from (each value with its quotes, sources and days, as known
    then), the HTML the page's popover shows. A bad parameter is a 400, an unknown
    negotiation or round (or one not known by then) a 404."""
    negotiation = selectors.pick_negotiation(slug)
    query = ValueQuery(request.GET.dict())
    if not query.is_valid():
        return refused(query)
    try:
        detail = values.value_detail(
            negotiation,
            query.cleaned_data["round"],
            query.cleaned_data["facet"],
            query.cleaned_data.get("known_as_of"),
        )
    except values.UnknownValue as error:
        raise Http404("No such round in this negotiation (known by then).") from error
    return render(request, "dashboard/_value_detail.html", {"v": detail})
