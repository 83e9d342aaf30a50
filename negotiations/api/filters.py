"""Filter backends: django-filter for the filters, a strict ordering filter for sorting."""

import functools

from django.db.models import F
from rest_framework import filters
from rest_framework.exceptions import ValidationError


@functools.cache
def filter_param_names(filterset_class) -> frozenset[str]:
    """The query parameters a FilterSet reads (a date range reads name_after/name_before).

    The same for every request: worked out once per class (building a FilterSet and its
    form deep-copies every filter and field, a measurable share of a list request)."""
    names = set()
    model = filterset_class._meta.model
    for name, field in filterset_class(queryset=model._default_manager.none()).form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        names |= {f"{name}_{suffix}" for suffix in suffixes} if suffixes else {name}
    return frozenset(names)


class StrictOrderingFilter(filters.OrderingFilter):
    """Ordering that rejects unknown fields (400) and sorts missing values last everywhere.

    The primary key always breaks ties, so pages are stable.
    """

    ordering_description = "Sort by these fields, comma-separated; prefix '-' for descending."

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            fields = [term.strip() for term in raw.split(",") if term.strip()]
            allowed = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [term for term in fields if term.lstrip("-") not in allowed]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(unknown)}. "
                            f"Choose from: {', '.join(sorted(allowed))}."
                        ]
                    }
                )
            return fields
        return self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        names = sorted(name for name, _ in self.get_valid_fields(view.queryset, view, {}))
        if names:
            term = f"-?(?:{'|'.join(names)})"
            for parameter in parameters:
                parameter["schema"]["pattern"] = f"^{term}(?:,{term})*$"
                parameter["description"] = (
                    f"{self.ordering_description} Fields: {', '.join(names)}. Not with `cursor`."
                )
        return parameters

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = [
            F(term[1:]).desc(nulls_last=True)
            if term.startswith("-")
            else F(term).asc(nulls_last=True)
            for term in ordering
        ]
        return queryset.order_by(*expressions, "pk")
