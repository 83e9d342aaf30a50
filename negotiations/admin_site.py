"""The editors' admin site: Django's, with the review queue (/admin/review/), "Add an article"
(/admin/intake/add/, negotiations.admin_intake) and links to them on the index page, and a
password change guarded like the login. Installed as the default site
(negotiations.admin_apps.TrackerAdminConfig)."""

from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse

from negotiations.domain import review

REVIEW_PAGE_SIZE = 25
# What an editor needs to accept a suggestion of each kind: change the record, add an alias.
ACCEPT_PERMISSIONS = {
    review.UNMAPPED_ITEM: ("negotiations.change_agendaitem", "negotiations.add_agendaareaalias"),
    review.UNMATCHED_PARTICIPANT: (
        "negotiations.change_participant",
        "negotiations.add_personalias",
    ),
    review.UNMATCHED_SPEAKER: ("negotiations.change_position", "negotiations.add_personalias"),
}
# Creating an area for a label from the queue: an accept's permissions and adding areas.
CREATE_AREA_PERMISSIONS = (*ACCEPT_PERMISSIONS[review.UNMAPPED_ITEM], "negotiations.add_agendaarea")
RECORD_ADMIN = {
    "agendaitem": "negotiations_agendaitem",
    "participant": "negotiations_participant",
    "position": "negotiations_position",
    "source": "negotiations_source",
    "citation": "negotiations_citation",
}


def picker_label(record) -> str:
    """How a record is offered in a picker (autocomplete or select): its name, then its slug,
    so that two records of the same name (two negotiations titled alike, two rounds in
    Washington) can be told apart."""
    slug = getattr(record, "slug", "")
    return f"{record} · {slug}" if slug and slug != str(record) else str(record)


class PickerAutocompleteView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": picker_label(obj)}


class TrackerAdminSite(admin.AdminSite):
    site_header = "Negotiation tracker"
    site_title = "Negotiation tracker admin"
    index_template = "admin/tracker_index.html"
    # The navigation sidebar takes a quarter of a 1,366 px screen from every change page.
    enable_nav_sidebar = False

    def get_urls(self):
        # Imported here: this module is loaded before the models are.
        from negotiations import admin_intake

        return [
            path("review/", self.admin_view(self.review_view), name="review"),
            *admin_intake.urls(self),  # "Add an article" (issue 20)
            *super().get_urls(),
        ]

    def autocomplete_view(self, request):
        return PickerAutocompleteView.as_view(admin_site=self)(request)

    def password_change(self, request, extra_context=None):
        """Django's, but a wrong old password counts towards the login lockout
        (negotiations.admin_accounts)."""
        # Imported here: this module is loaded before the models are.
        from negotiations.admin_accounts import CountedPasswordChangeView

        request.current_app = self.name
        return CountedPasswordChangeView.as_view(
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "review_url": reverse("admin:review"),
            "intake_url": reverse("admin:intake_add"),
        }
        return super().index(request, extra_context)

    @staticmethod
    def record_url(record: dict) -> str | None:
        name = RECORD_ADMIN.get(record["type"], f"negotiations_{record['type']}")
        try:
            return reverse(f"admin:{name}_change", args=[record["id"]])
        except NoReverseMatch:  # a model without an admin page
            return None

    def review_view(self, request):
        if not request.user.has_module_perms("negotiations"):
            raise PermissionDenied
        if request.method == "POST":
            return self.accept(request)
        kind = request.GET.get("kind", "")
        kinds = [kind] if kind in review.KINDS else review.KINDS
        queue = review.ReviewQueue(kinds)
        page = Paginator(queue, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        counts = queue.counts()
        entries = list(page.object_list)
        for entry in entries:
            entry["admin_url"] = self.record_url(entry["record"])
        context = {
            **self.each_context(request),
            "title": "Review queue",
            "subtitle": None,
            "entries": entries,
            "page_obj": page,
            "kind": kind if kind in review.KINDS else "",
            "kinds": [
                {"kind": name, "title": review.KIND_TITLES[name], "count": counts[name]}
                for name in review.KINDS
            ],
            "total": sum(counts.values()),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/review_queue.html", context)

    def accept(self, request):
        """Accept a suggestion (``entry``, ``target``), or, for an unmapped label, create an
        area (``new_area_name``, ``new_area_slug``, ``new_area_description``) and map the
        label's items to it."""
        key, target = request.POST.get("entry", ""), request.POST.get("target", "")
        kind = key.partition(":")[0]
        creating = "new_area_name" in request.POST
        needed = CREATE_AREA_PERMISSIONS if creating else ACCEPT_PERMISSIONS.get(kind)
        if kind not in ACCEPT_PERMISSIONS or not request.user.has_perms(needed):
            raise PermissionDenied
        try:
            if creating:
                done = review.create_area_for_label(
                    key=key,
                    name=request.POST.get("new_area_name", ""),
                    slug=request.POST.get("new_area_slug", ""),
                    description=request.POST.get("new_area_description", ""),
                )
            else:
                done = review.accept_suggestion(key=key, target=target)
        except ValidationError as error:
            messages.error(request, "Nothing was changed: " + refusal(error))
        else:
            messages.success(request, done)
        back = request.POST.get("next", "")
        return redirect(back if back.startswith(reverse("admin:review")) else "admin:review")


def refusal(error: ValidationError) -> str:
    """A refusal's messages, each after the field it is about ("Slug of the new area: ...")."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    names = {
        "name": "Name of the new area",
        "slug": "Slug of the new area",
        "description": "Description",
    }
    return " ".join(
        f"{names[field]}: {message}" if field in names else message
        for field, messages_ in error.message_dict.items()
        for message in messages_
    )
