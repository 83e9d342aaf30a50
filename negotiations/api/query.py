"""Query parameters: every one a view does not take is a 400 naming it (and saying which it
takes), dates are YYYY-MM-DD, and ``?fields=`` names fields the resource has."""

import datetime

from django import forms
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from negotiations.api.filters import filter_param_names


def parse_date(request, name: str) -> datetime.date | None:
    """A YYYY-MM-DD query parameter, None if absent or empty; a 400 naming it otherwise."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return forms.DateField().clean(raw)
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def parse_as_of(request) -> datetime.date:
    """The day deadlines count from: as_of, else known_as_of, else today."""
    return (
        parse_date(request, "as_of") or parse_date(request, "known_as_of") or timezone.localdate()
    )


def parse_query(serializer_class, request) -> dict:
    """The validated query parameters of a computed endpoint (a 400 naming each bad one)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def refuse_unknown_params(request, allowed: set[str] | frozenset[str]) -> None:
    """A 400 naming each query parameter outside ``allowed``, and listing those allowed."""
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        message = f"Unknown query parameter. Allowed here: {', '.join(sorted(allowed))}."
        raise ValidationError({name: [message] for name in unknown}, code="unknown_parameter")


class StrictQueryMixin:
    """A viewset's query parameters: its lists take their filters and paging, its details
    ``detail_params``, its computed endpoints (@action) those of ``action_params``; writes
    only ``?format=``. ``?fields=a,b`` (lists and details) asks for a sparse answer."""

    # Query parameters every GET accepts besides the filters.
    common_params = {"fields", "format"}
    list_params = {"page", "page_size", "ordering", "cursor"}
    # Extra query parameters a resource's detail view accepts.
    detail_params: set[str] = set()
    # The query parameters of each computed endpoint (@action), as a serializer that
    # validates them and documents them in the schema.
    action_params: dict = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is not None:  # None: a method the route does not take (405)
            self.check_query_params(request)  # writes too: only ?format= is allowed there

    def allowed_query_params(self) -> set[str]:
        allowed = set(self.common_params) | getattr(self, "representation_params", set())
        if getattr(self, "representation", None) is not None:
            allowed.discard("format")  # the URL says the format (representations.py)
        if self.action == "list":
            allowed |= self.list_params | self.filter_param_names()
        elif self.action == "retrieve":
            allowed |= self.detail_params
        else:
            allowed = {"format", *self.action_query_params()}
        return allowed

    def action_query_params(self) -> set[str]:
        params = self.action_params.get(self.action)
        names = set(params().fields) if params is not None else set()
        pagination = getattr(getattr(self, self.action, None), "kwargs", {}).get("pagination_class")
        if pagination is not None:
            names |= {pagination.page_query_param, pagination.page_size_query_param}
        return names

    def action_query(self) -> dict:
        """The validated query parameters of the computed endpoint being answered."""
        return parse_query(self.action_params[self.action], self.request)

    def filter_param_names(self) -> frozenset[str]:
        return filter_param_names(self.filterset_class)

    def check_query_params(self, request):
        refuse_unknown_params(request, self.allowed_query_params())
        if (
            getattr(self, "representation", None) == "sparse"
            and self.action in ("list", "retrieve")
            and "fields" not in request.query_params
        ):
            raise ValidationError(
                {"fields": ["A sparse answer needs fields=: the fields to return."]},
                code="required",
            )
        if "fields" in request.query_params and self.action in ("list", "retrieve"):
            # Spaces around names are allowed, nothing else (the schema's pattern says so).
            wanted = [name.strip(" ") for name in request.query_params["fields"].split(",")]
            known = set(self.get_serializer_class()(context={"request": request}).fields)
            bad = [name for name in wanted if name not in known]
            if bad or not any(wanted):
                raise ValidationError(
                    {
                        "fields": [
                            f"Unknown field(s): {', '.join(bad) or '(empty)'}. "
                            f"Choose from: {', '.join(sorted(known))}."
                        ]
                    },
                    code="unknown_field",
                )
            self.sparse_fields = set(wanted)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        sparse = getattr(self, "sparse_fields", None)
        if sparse:
            context["sparse_fields"] = sparse
        return context
