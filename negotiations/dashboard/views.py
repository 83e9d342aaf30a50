"""The dashboard page: one negotiation at a glance, read-only, rendered on the server."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from negotiations.dashboard import selectors

UNKNOWN_ROUND = "This negotiation has no such round: showing the latest one instead."


class DashboardQuery(forms.Form):
    """The page's GET parameters: the day deadlines are counted from, the round to explain."""

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
    """/dashboard/ and /dashboard/<negotiation>/: ?as_of=YYYY-MM-DD&round=<round slug>.

    An unknown negotiation is a 404. A malformed as_of or an unknown round is a 400 that
    still shows the page (counting from today, explaining the latest round) with the error
    next to the form.
    """
    today = timezone.localdate()
    params = request.GET.dict()
    params["as_of"] = params.get("as_of") or today.isoformat()
    query = DashboardQuery(params)
    query.is_valid()
    as_of = query.cleaned_data.get("as_of") or today
    round_slug = query.cleaned_data.get("round") or None

    choices = selectors.negotiation_choices()
    negotiation = selectors.pick_negotiation(choices, slug)
    data = None
    if negotiation is not None:
        try:
            data = selectors.dashboard_data(negotiation, as_of, round_slug)
        except selectors.UnknownRound:
            query.add_error("round", UNKNOWN_ROUND)
            data = selectors.dashboard_data(negotiation, as_of)
    context = {
        "query": query,
        "as_of": as_of,
        "today": today,
        "choices": choices,
        "current": negotiation,
        "data": data,
    }
    return render(request, "dashboard/dashboard.html", context, status=400 if query.errors else 200)
