"""The dashboard page: one negotiation at a glance, read-only, rendered on the server."""

from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from negotiations.dashboard import selectors

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


@require_safe
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

    choices = selectors.negotiation_choices()
    negotiation = selectors.pick_negotiation(choices, slug)
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
    context = {
        "query": query,
        "as_of": as_of,
        "known_as_of": known_as_of,
        "page_query": urlencode(page_query),
        "today": today,
        "choices": choices,
        "current": negotiation,
        "data": data,
        "notice": notice,
    }
    return render(request, "dashboard/dashboard.html", context, status=400 if query.errors else 200)
