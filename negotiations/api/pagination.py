"""Pagination that says what is wrong with a bad page or page size instead of guessing."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = "Results per page, from 1 to 500 (default 50)."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if (
            raw is not None
            and not (raw.isdigit() and int(raw) >= 1)
            and raw not in self.last_page_strings
        ):
            raise ValidationError({self.page_query_param: ["A page number from 1, or 'last'."]})
        return super().paginate_queryset(queryset, request, view)
