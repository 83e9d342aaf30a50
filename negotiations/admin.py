"""The editors' workplace: every model editable, provenance one click away."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelectMultiple
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models as db_models
from django.db import router, transaction
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import is_historic

from negotiations import admin_accounts, admin_tokens, models  # noqa: F401  admin_tokens registers the API tokens' admin
from negotiations.admin_provenance import ProvenancePanelAdmin
from negotiations.admin_site import picker_label
from negotiations.choices import AgendaStatus
from negotiations.dashboard.selectors import round_changes_panel
from negotiations.dashboard.timeline import date_label
from negotiations.domain import writes
from negotiations.domain.agenda import change_note_mismatch, round_agenda_changes
from negotiations.domain.citations import facts_citing
from negotiations.domain.labels import AreaIndex
from negotiations.domain.slugs import unique_slug
from negotiations.domain.versioning import object_token
from negotiations.models.agenda import area_clashes, areas_taken
from negotiations.models.base import SluggedModel

SLUG_HELP = (
    "Leave empty on a new record: the slug is made from the {source} (transliterated: "
    "\u201cAhn\u2013Greer\u201d is \u201cahn-greer\u201d). The record's id never changes; "
    "renaming its slug keeps the old URL working (it redirects) and shows in the changes feed."
)


def admin_link(obj, text=None):
    """A link to an object's admin change page (plain text if it has none)."""
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(text or obj)
    return format_html('<a href="{}">{}</a>', url, text or obj)


class DomainSlugForm(forms.ModelForm):
    """A new record left without a slug gets the domain's (negotiations.domain.slugs), as in
    the API and in fixtures; the admin's JavaScript slug filler, which drops characters
    ("Ahn\u2013Greer" became "ahngreer"), is not used."""

    def __init__(self, *args, reserved_slugs=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Slugs given to the other new rows of the same submission (an inline formset).
        self.reserved_slugs = reserved_slugs if reserved_slugs is not None else set()

    def related(self, name):
        """The instance's related record ``name`` (None if unset), saved or not."""
        try:
            return getattr(self.instance, name, None)
        except ObjectDoesNotExist:
            return None

    def fill_slug(self, cleaned: dict) -> None:
        """A new record without a slug gets the domain's (negotiations.domain.slugs)."""
        model = self._meta.model
        if self.instance.pk or not issubclass(model, SluggedModel):
            return
        if cleaned.get("slug") or (self.instance.slug and "slug" not in self.fields):
            return
        values = dict(cleaned)
        for relation in ("round", "source"):
            if values.get(relation) is None and hasattr(model, relation):
                values[relation] = self.related(relation)
        slug = unique_slug(model, values, reserved=self.reserved_slugs)
        self.reserved_slugs.add(slug)
        self.instance.slug = slug
        if "slug" in self.fields:
            cleaned["slug"] = slug

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.fill_slug(cleaned)
        return cleaned


class ConcurrentModelForm(DomainSlugForm):
    """Refuses to save over a change someone else made since this form was opened.

    The edit token is the stored record's last change. It always describes the row in the
    database, also on simple-history's revert page, whose instance is an old version (with
    that version's ``updated``): reverting saves over the current row, so that is the row
    the token must match.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and hasattr(self.instance, "updated"):
            # An old version (the revert page) carries its own `updated`: use the row's.
            historic = is_historic(self.instance)
            updated = self.stored_updated() if historic else self.instance.updated
            if updated:
                self.initial["edit_token"] = object_token(updated)

    def stored_updated(self, *, lock=False):
        """The stored row's last change (None if there is no row), locked if asked."""
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk).order_by()
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("updated", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or not hasattr(self.instance, "updated"):
            return cleaned  # adding: nothing to overwrite
        # Inside the admin's transaction, lock the row until the save commits: a second
        # editor saving at the same moment waits here, then sees this save's new token.
        using = router.db_for_write(type(self.instance))
        current = self.stored_updated(lock=transaction.get_connection(using).in_atomic_block)
        if current is None:
            return cleaned  # no stored row (reverting a deleted record): nothing to overwrite
        sent = cleaned.get("edit_token")
        if not sent:
            raise ValidationError(
                "This form was sent without its edit token, so it cannot tell whether "
                "someone else changed this record since you opened it. Nothing was saved: "
                "reload the page and reapply your change."
            )
        if object_token(current) != sent:
            raise ValidationError(
                "Someone else changed this record since you opened it "
                f"(last change {current:%Y-%m-%d %H:%M:%S} UTC; see its history). "
                "Nothing was saved: reload the page and reapply your change."
            )
        return cleaned


def stored_changes(record) -> dict:
    """The stored values (attname -> value) of the fields of ``record`` that a save changes:
    what the write services need to know which parents and citations it affects. Read from
    the row, not from the form's initial data: on the history's revert page those are the
    old version's."""
    model = type(record)
    fields = [f for f in model._meta.concrete_fields if f.attname not in ("created", "updated")]
    stored = model._base_manager.filter(pk=record.pk).values(*(f.attname for f in fields))
    row = stored.first() or {}
    return {name: value for name, value in row.items() if getattr(record, name) != value}


def report_changed_links(form) -> None:
    """Tell the write which many-to-many lists of a saved form's record changed."""
    many = {field.name for field in form.instance._meta.many_to_many}
    for name in form.changed_data:
        if name in many:
            writes.record_links_changed(form.instance, name)


class PickerLabels:
    """A record page's selects offer each record by name and slug (admin_site.picker_label),
    as every autocomplete does. Not the inlines' rows: their columns must fit a 1,366 px
    screen, and their autocompletes show the slugs when opened."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
            field.label_from_instance = picker_label
        return field


class CitationsPicker:
    """The "citations" of a fact in its form, as before its citations had links of their own:
    a citation picked here is linked to the whole record, one already linked keeps what its
    link says (which facets its quote states: the record's own page shows and edits that).
    Django's admin gives no field to a many-to-many with its own link model, because it
    could not fill the link's other columns; ours all have defaults."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "citations":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        if "widget" not in kwargs and "citations" in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return db_field.formfield(**kwargs)


class TrackedAdmin(PickerLabels, CitationsPicker, SimpleHistoryAdmin):
    """Base of every admin: audit history with revert, and no silent overwrites."""

    form = ConcurrentModelForm

    class Media:
        css = {"all": ["agenda/admin.css"]}
        js = ["agenda/admin.js"]

    # Every form of the admin is one write, like an API request (negotiations.domain.writes):
    # one transaction in which ConcurrentModelForm.clean() locks the row until the save
    # commits; the form's record, its inlines and its lists are saved through the write
    # services below, which touch the records embedding what changed once each at the end;
    # a deadlock with a concurrent write is run again rather than shown as an error.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return writes.run_write(
            lambda: super(TrackedAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            )
        )

    def delete_view(self, request, object_id, extra_context=None):
        return writes.run_write(
            lambda: super(TrackedAdmin, self).delete_view(request, object_id, extra_context)
        )

    def history_view(self, request, object_id, extra_context=None):
        self.url_key(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.url_key(self.model, object_id)
        self.url_key(self.model.history.model, version_id)
        # django-simple-history lets anyone who may view the history post the revert form
        # (the missing permission only hides the button): a revert is a write, so it is
        # checked like one.
        if request.method == "POST":
            stored = self.get_object(request, unquote(object_id))
            if not self.has_revert_permission(request, stored):
                raise PermissionDenied
        return writes.run_write(
            lambda: super(TrackedAdmin, self).history_form_view(
                request, object_id, version_id, extra_context
            )
        )

    def changelist_view(self, request, extra_context=None):
        # Its actions (delete selected) write.
        return writes.run_write(
            lambda: super(TrackedAdmin, self).changelist_view(request, extra_context)
        )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user  # as SimpleHistoryAdmin does
        writes.save_record(obj, previous=stored_changes(obj) if change else None)

    def delete_model(self, request, obj):
        writes.delete_record(record=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            writes.delete_record(record=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # save_m2m, then save_formset
        report_changed_links(form)

    def save_formset(self, request, form, formset, change):
        if hasattr(formset, "save_links"):  # a record's citation links, as one list
            formset.save_links()
            return
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            writes.delete_record(record=obj)
        for inline in formset.saved_forms:
            instance = inline.instance
            writes.save_record(
                instance, previous=None if instance._state.adding else stored_changes(instance)
            )
        formset.save_m2m()
        for inline in formset.saved_forms:
            report_changed_links(inline)
        if hasattr(formset, "after_save"):
            formset.after_save()

    @staticmethod
    def url_key(model, text: str):
        """The primary key of ``model`` written in a URL, or a 404: django-simple-history's
        pages hand "abc" to the database, whose refusal was a server error."""
        try:
            return model._meta.pk.to_python(unquote(text))
        except ValidationError:
            raise Http404(f"No {model._meta.verbose_name} has the id \u201c{text}\u201d.") from None

    def has_revert_permission(self, request, stored) -> bool:
        """Reverting saves over the stored record (change), or brings a deleted one back
        (add: it is created again)."""
        if stored is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, stored)

    def revert_disabled(self, request, obj=None):
        # ``obj`` is the old version: whether the record still exists decides the permission.
        if getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
            return True
        stored = self.model._default_manager.filter(pk=obj.pk).first() if obj else None
        return not self.has_revert_permission(request, stored)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, AdminSplitDateTime):
            # Two inputs under one label: each gets its own name.
            label = str(field.label or db_field.verbose_name).capitalize()
            field.widget.widgets[0].attrs["aria-label"] = f"{label}: date"
            field.widget.widgets[1].attrs["aria-label"] = f"{label}: time"
        if db_field.name == "slug" and issubclass(self.model, SluggedModel) and field:
            from negotiations.domain.slugs import SLUG_SOURCES

            source = SLUG_SOURCES.get(self.model._meta.model_name, "title")
            field.required = False
            field.help_text = SLUG_HELP.format(source=source)
        return field

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and "edit_token" not in flatten_fieldsets(fieldsets):
            fieldsets = [*fieldsets, (None, {"fields": ["edit_token"], "classes": ["hidden"]})]
        return fieldsets


class CitedAdmin(TrackedAdmin):
    """Base for facts: citations are chosen by autocomplete over quotes and sources."""

    autocomplete_fields = ["citations"]
    readonly_fields = ["created", "updated"]


class NamedFieldsInline(CitationsPicker):
    """A tabular inline's fields have no <label> of their own (the column header names them):
    each widget gets its column's name, for screen readers."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return type(formset.__name__, (NamedDeleteFormSet, formset), {})


class NamedDeleteFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"


class CitedInline(NamedFieldsInline, admin.TabularInline):
    autocomplete_fields = ["citations"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (SharedSlugsFormSet, formset), {})


class SharedSlugsFormSet(forms.BaseInlineFormSet):
    """New rows of one submission reserve their slugs, so two never get the same one."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, DomainSlugForm):
            if not hasattr(self, "_reserved_slugs"):
                self._reserved_slugs = set()
            kwargs["reserved_slugs"] = self._reserved_slugs
        return kwargs


class AliasFormSet(forms.BaseInlineFormSet):
    """Aliases are unique per owner, whatever the case: the database enforces it, and this
    says so in the form when one submission holds the same new spelling twice (which no
    per-form check can see)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name = (form.cleaned_data.get("name") or "").lower()  # as the constraint's Lower()
            if name in seen:
                form.add_error("name", "This alias is entered twice.")
                raise ValidationError(
                    "The same alias is entered twice: an alias names one record once."
                )
            if name:
                seen.add(name)


class AliasInline(CitedInline):
    formset = AliasFormSet
    fields = ["name", "kind", "note", "citations"]


# --- Parties, organizations, people -------------------------------------------------------


class PartyAliasInline(AliasInline):
    model = models.PartyAlias


@admin.register(models.Party)
class PartyAdmin(TrackedAdmin):
    list_display = ["name", "code", "kind", "slug", "updated"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "slug", "aliases__name"]
    readonly_fields = ["created", "updated"]
    inlines = [PartyAliasInline]


class OrganizationAliasInline(AliasInline):
    model = models.OrganizationAlias


@admin.register(models.Organization)
class OrganizationAdmin(TrackedAdmin):
    list_display = ["name", "acronym", "party", "kind", "slug"]
    list_filter = ["party", "kind"]
    list_select_related = ["party"]
    search_fields = ["name", "acronym", "slug", "aliases__name"]
    autocomplete_fields = ["party", "parent"]
    readonly_fields = ["created", "updated"]
    inlines = [OrganizationAliasInline]


class PersonAliasInline(AliasInline):
    model = models.PersonAlias


class RoleInline(CitedInline):
    model = models.Role
    fields = ["organization", "title", "is_acting", "start_date", "end_date", "note", "citations"]
    autocomplete_fields = ["organization", "citations"]


@admin.register(models.Person)
class PersonAdmin(TrackedAdmin):
    list_display = ["name", "party", "known_as", "slug"]
    list_filter = ["party"]
    list_select_related = ["party"]
    search_fields = ["name", "slug", "aliases__name"]
    autocomplete_fields = ["party"]
    readonly_fields = ["created", "updated"]
    inlines = [PersonAliasInline, RoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="Also reported as")
    def known_as(self, person):
        return ", ".join(alias.name for alias in person.aliases.all())


@admin.register(models.Role)
class RoleAdmin(CitedAdmin):
    list_display = ["person", "title", "organization", "is_acting", "start_date", "end_date"]
    list_filter = ["organization__party", "is_acting"]
    list_select_related = ["person", "organization__party"]
    search_fields = ["title", "person__name", "person__aliases__name", "organization__name"]
    autocomplete_fields = ["person", "organization", "citations"]


@admin.register(models.PartyAlias, models.OrganizationAlias, models.PersonAlias)
class OwnedAliasAdmin(CitedAdmin):
    list_display = ["name", "kind", "__str__"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_autocomplete_fields(self, request):
        owner = {"partyalias": "party", "organizationalias": "organization"}.get(
            self.model._meta.model_name, "person"
        )
        return [owner, "citations"]


# --- Negotiations and rounds --------------------------------------------------------------


class ExclusionForm(DomainSlugForm):
    """An area a source says is off the agenda, inline in its round's page (its negotiation is
    the round's) or in its negotiation's page (off the whole negotiation)."""

    def clean(self):
        round_ = self.related("round")
        if round_ is not None and round_.pk:
            self.instance.negotiation_id = round_.negotiation_id
        return super().clean()

    def validate_unique(self):
        # Django leaves the inline's own foreign key out of the constraints it checks: an
        # area off one agenda twice would reach the database (a 500). Checked here.
        super().validate_unique()
        exclude = set(self._get_validation_exclusions()) - {"round"}
        if self.instance.negotiation_id:
            exclude.discard("negotiation")
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class ExclusionFormSet(SharedSlugsFormSet):
    def save_new(self, form, commit=True):
        # A round added with its exclusions: the round is saved first, then its rows.
        if isinstance(self.instance, models.Round):
            form.instance.negotiation_id = self.instance.negotiation_id
        return super().save_new(form, commit=commit)


class AgendaExclusionInline(CitedInline):
    """Areas a source says were off this round's agenda (AgendaExclusion)."""

    model = models.AgendaExclusion
    form = ExclusionForm
    fk_name = "round"
    fields = ["area", "handled_in", "note", "citations"]
    autocomplete_fields = ["area", "handled_in", "citations"]
    verbose_name = "area off the agenda (a source says so)"
    verbose_name_plural = "areas off the agenda (a source says so)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (ExclusionFormSet, formset), {})


class NegotiationExclusionInline(AgendaExclusionInline):
    """Areas a source says are off the whole negotiation's agenda (not one round's)."""

    fk_name = "negotiation"
    verbose_name = "area off the whole negotiation's agenda (a source says so)"
    verbose_name_plural = "areas off the whole negotiation's agenda (a source says so)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(round=None)


class NegotiationRelationInline(CitedInline):
    model = models.NegotiationRelation
    fk_name = "from_negotiation"
    fields = ["kind", "to_negotiation", "note", "citations"]
    autocomplete_fields = ["to_negotiation", "citations"]
    verbose_name = "relation to another negotiation"


@admin.register(models.Negotiation)
class NegotiationAdmin(CitedAdmin):
    list_display = ["title", "status", "slug", "updated"]
    list_filter = ["status", "parties"]
    search_fields = ["title", "slug", "goal"]
    autocomplete_fields = ["parties", "organizations", "citations"]
    inlines = [NegotiationRelationInline, NegotiationExclusionInline]


@admin.register(models.NegotiationRelation)
class NegotiationRelationAdmin(CitedAdmin):
    list_display = ["from_negotiation", "kind", "to_negotiation"]
    list_filter = ["kind"]
    autocomplete_fields = ["from_negotiation", "to_negotiation", "citations"]


class YearListFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            models.Round.objects.exclude(start_date=None)
            .annotate(year=ExtractYear("start_date"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        # A year of the calendar: the database cannot take a number of 20 digits.
        value = self.value() or ""
        if value.isascii() and value.isdigit() and len(value) <= 4:
            return queryset.filter(start_date__year=int(value))
        return queryset


class AgendaItemForm(ConcurrentModelForm):
    """An agenda item with the canonical areas it maps to, saved through the domain service.

    Areas left empty are resolved from the label (negotiations.domain.labels, as the API and
    fixture loading do); a label that names no area is refused, with the closest areas, unless
    the editor saves the item as unmapped on purpose."""

    canonical_areas = forms.ModelMultipleChoiceField(
        queryset=models.AgendaArea.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(models.AgendaItem._meta.get_field("areas"), admin.site),
        help_text="The canonical areas this reported item covers (one item may cover two). "
        "Leave empty to resolve them from the label.",
    )
    # Inline in a round, the formset saves the areas of all the round's items at once.
    saves_own_areas = True

    class Meta:
        model = models.AgendaItem
        fields = ["round", "label", "order", "notes", "unmapped", "citations"]

    def __init__(self, *args, area_index=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._area_index = area_index
        if self.instance.pk:
            self.initial["canonical_areas"] = list(self.instance.areas.values_list("pk", flat=True))

    @property
    def area_index(self) -> AreaIndex:
        if self._area_index is None:
            self._area_index = AreaIndex()
        return self._area_index

    def _save_m2m(self):
        super()._save_m2m()
        if self.saves_own_areas:
            writes.set_agenda_item_areas(
                item=self.instance, areas=self.cleaned_data["canonical_areas"]
            )

    def resolve_areas(self, cleaned: dict) -> None:
        label, unmapped = cleaned.get("label"), cleaned.get("unmapped")
        areas = list(cleaned.get("canonical_areas") or [])
        if areas and unmapped:
            self.add_error(
                "unmapped", "An item mapped to areas is not unmapped: untick it or clear the areas."
            )
        elif not areas and not unmapped and label:
            areas = self.area_index.resolve(label)
            if not areas:
                self.add_error(
                    "canonical_areas", writes.unmapped_label_error(label, self.area_index)
                )
            cleaned["canonical_areas"] = areas

    def clean(self):
        cleaned = super().clean()
        self.resolve_areas(cleaned)
        # On the change page the round is read-only, so it is not in the cleaned data.
        round_ = cleaned.get("round") or (self.instance.round if self.instance.pk else None)
        if self.saves_own_areas and round_ and cleaned.get("canonical_areas"):
            taken = areas_taken(round_.pk, excluding_items=[self.instance.pk])
            label = cleaned.get("label", "")
            if problems := area_clashes(taken, [(label, cleaned["canonical_areas"])]):
                self.add_error("canonical_areas", problems)
        return cleaned


class InlineAgendaItemForm(AgendaItemForm):
    saves_own_areas = False

    class Meta(AgendaItemForm.Meta):
        widgets = {"notes": forms.Textarea(attrs={"rows": 2, "cols": 24})}


class AgendaItemFormSet(SharedSlugsFormSet):
    """Across the items of one round an area may appear once; areas are saved together.

    Only the rows the editor may change count as edited (``may_add``, ``may_change``: the
    inline's permissions): Django shows the others read-only and hands their initial values
    back as if cleaned, and those stay as stored."""

    may_add = may_change = True

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_area_index"):
            self._area_index = AreaIndex()  # one load of the taxonomy for every row
        kwargs["area_index"] = self._area_index
        return kwargs

    def editable(self, form) -> bool:
        """Whether the editor may change this row (one shown) or add it (a new one)."""
        return self.may_change if form in self.initial_forms else self.may_add

    def kept_forms(self):
        """The edited rows that are not being deleted."""
        for form in self.forms:
            if not self.editable(form) or not getattr(form, "cleaned_data", None):
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form

    def clean(self):
        super().clean()
        # Against each other and the round's rows not edited here (stored); against items
        # added meanwhile in set_round_agenda_areas.
        mapping = [
            (form.cleaned_data.get("label", ""), form.cleaned_data.get("canonical_areas") or [])
            for form in self.kept_forms()
        ]
        edited = [
            form.instance.pk
            for form in self.forms
            if form.instance.pk
            and (self.editable(form) or (self.can_delete and self._should_delete_form(form)))
        ]
        taken = areas_taken(self.instance.pk, excluding_items=edited) if self.instance.pk else {}
        if problems := area_clashes(taken, mapping):
            raise ValidationError(problems)
        self.refuse_empty_reported_agenda(edited)

    def refuse_empty_reported_agenda(self, edited: list[int]) -> None:
        """The round's form and its items are one write: a reported agenda lists items
        (writes.refuse_empty_reported_agendas, the fixtures' check), unless the editor is
        copying the previous round's."""
        status = self.data.get("agenda_status", self.instance.agenda_status)
        if status != AgendaStatus.REPORTED or "_copy_previous_agenda" in self.data:
            return
        stored = self.instance.agenda_items.exclude(pk__in=edited) if self.instance.pk else None
        if not any(True for _ in self.kept_forms()) and not (stored and stored.exists()):
            raise ValidationError(writes.EMPTY_REPORTED_AGENDA, code="empty_reported_agenda")

    def after_save(self):
        """The areas of all the edited items at once (TrackedAdmin.save_formset)."""
        writes.set_round_agenda_areas(
            round=self.instance,
            areas_by_item={
                form.instance: form.cleaned_data.get("canonical_areas") or []
                for form in self.kept_forms()
                if form.instance.pk
            },
        )


class AgendaItemInline(NamedFieldsInline, admin.TabularInline):
    model = models.AgendaItem
    form = InlineAgendaItemForm
    formset = AgendaItemFormSet
    # The edit token is rendered (hidden) so that each existing item is checked too. The
    # slug is made by the rule (<round>--<label>) and shown on the item's own page.
    fields = ["label", "order", "canonical_areas", "unmapped", "notes", "citations", "edit_token"]
    autocomplete_fields = ["citations"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.may_add = self.has_add_permission(request, obj)
        formset.may_change = self.has_change_permission(request, obj)
        return formset


class ParticipantInline(CitedInline):
    model = models.Participant
    fields = [
        "person",
        "party",
        "organization",
        "organization_inferred",
        "name_as_reported",
        "role",
        "citations",
    ]
    autocomplete_fields = ["person", "party", "organization", "citations"]


class ChangeNoteRule(forms.ModelForm):
    """An editors' note on a change is shown beside that change only: one that matches no
    change of its round (as its agenda is stored) would be saved and shown nowhere, so it is
    refused with the reason (agenda.change_note_mismatch, the fixtures' check too)."""

    def clean(self):
        cleaned = super().clean()
        round_ = cleaned.get("round") or getattr(self.instance, "round", None)
        area, change = cleaned.get("area"), cleaned.get("change")
        # A round being added has no stored agenda to check against yet.
        saved = round_ is not None and round_.pk is not None
        if self.has_changed() and saved and area is not None and change:
            changes = round_agenda_changes(round_)
            if problem := change_note_mismatch(changes, area, change):
                self.add_error(
                    "change",
                    f"{problem} (The note is checked against the agenda as saved: if you are "
                    "changing the items on this page, save them first.)",
                )
        return cleaned


class AnnotationForm(ChangeNoteRule, ConcurrentModelForm):
    """The note's own page (with its edit token)."""


class AnnotationInline(CitedInline):
    model = models.AgendaChangeAnnotation
    form = ChangeNoteRule
    fields = ["area", "change", "basis", "note", "citations"]
    autocomplete_fields = ["area", "citations"]
    verbose_name = "agenda change annotation"
    # Shown in full in the agenda changes panel above: the form opens on demand.
    classes = ["collapse"]


@admin.register(models.Round)
class RoundAdmin(ProvenancePanelAdmin, CitedAdmin):
    # Eight columns fit a 1,366 px screen beside the filters: the date with its precision
    # in one ("week of 19 May 2025"), the agenda's status with its basis in another.
    list_display = ["title", "negotiation", "sequence", "level", "status", "when", "city", "agenda"]
    list_filter = [
        "negotiation",
        "level",
        "status",
        YearListFilter,
        "agenda_status",
        "agenda_basis",
    ]
    list_select_related = ["negotiation"]
    search_fields = [
        "title",
        "slug",
        "city",
        "region",
        "country",
        "venue",
        "occasion",
        "negotiation__title",
        "participants__name_as_reported",
        "participants__person__name",
        "participants__person__aliases__name",
        "agenda_items__label",
        "agenda_items__areas__aliases__name",
    ]
    date_hierarchy = "start_date"
    autocomplete_fields = ["negotiation", "citations"]
    readonly_fields = ["copy_agenda", "agenda_changes", "created", "updated"]
    inlines = [AgendaItemInline, ParticipantInline, AnnotationInline, AgendaExclusionInline]
    fieldsets = [
        (None, {"fields": ["negotiation", "sequence", "title", "slug", "level", "status"]}),
        (
            "When",
            {
                "fields": [
                    ("start_date", "end_date", "date_precision"),
                    "date_as_reported",
                    "date_note",
                ]
            },
        ),
        ("Where", {"fields": [("city", "region", "country"), "venue", "occasion"]}),
        (
            "What",
            {
                "fields": [
                    "summary",
                    "outcomes",
                    ("agenda_status", "agenda_basis"),
                    "copy_agenda",
                    "agenda_changes",
                ]
            },
        ),
        ("Provenance", {"fields": ["citations", "created", "updated"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["agenda/agenda.css"]}

    @admin.display(description="Date", ordering="start_date")
    def when(self, round_):
        if round_.start_date is None:
            return "-"
        return date_label(round_.start_date, round_.end_date, round_.date_precision)

    @admin.display(description="Agenda", ordering="agenda_status")
    def agenda(self, round_):
        if round_.agenda_status != AgendaStatus.REPORTED:
            return "Not reported"
        short = {"discussed": "discussed", "agreed_scope": "scope agreed"}
        return f"Reported ({short.get(round_.agenda_basis, round_.agenda_basis)})"

    @admin.display(description="Start from the previous agenda")
    def copy_agenda(self, round_):
        if not round_.pk:
            return "Save the round first."
        if round_.agenda_items.exists():
            return "This round has an agenda."
        previous = writes.previous_reported_round(round_)
        if previous is None:
            return "No earlier round of this negotiation has a reported agenda."
        count = previous.agenda_items.count()
        return format_html(
            '<button type="submit" name="_copy_previous_agenda" value="1" class="button">'
            "Copy the agenda of the previous round</button> "
            '<span class="help">{} ({} item{}): labels and areas, saved with your other '
            "changes; cite this round\u2019s own sources afterwards.</span>",
            previous.title,
            count,
            "" if count == 1 else "s",
        )

    def may_copy_agenda(self, request, obj=None) -> bool:
        """Copying an agenda saves the round and adds agenda items (with their areas)."""
        items = models.AgendaItem._meta
        add_items = f"{items.app_label}.{get_permission_codename('add', items)}"
        return self.has_change_permission(request, obj) and request.user.has_perm(add_items)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.may_copy_agenda(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "copy_agenda"]})
            for name, options in fieldsets
        ]

    def response_change(self, request, obj):
        if "_copy_previous_agenda" not in request.POST:
            return super().response_change(request, obj)
        if not self.may_copy_agenda(request, obj):
            # Raised inside the form's transaction: the round's own changes are undone too.
            raise PermissionDenied
        try:
            previous, items = writes.copy_previous_agenda(round=obj)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Copied {len(items)} agenda item{'' if len(items) == 1 else 's'} from "
                f"{previous.title}: add this round's citations.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(request.path)

    @admin.display(description="Agenda changes against the round it is compared with")
    def agenda_changes(self, round_):
        if not round_.pk:
            return "Save the round to see how its agenda changed."
        # On the revert page round_ is an old version: the agenda is the stored round's.
        stored = models.Round.objects.filter(pk=round_.pk).first()
        if stored is None:
            return "This round is deleted: its agenda changes show once it is restored."
        panel = round_changes_panel(stored)
        return render_to_string(
            "agenda/changes_panel.html",
            {"ch": panel, "prefix": "admin-changes", "in_admin": True},
        )


@admin.register(models.Participant)
class ParticipantAdmin(ProvenancePanelAdmin, CitedAdmin):
    list_display = ["name_as_reported", "person", "party", "round", "role"]
    list_filter = ["party"]
    list_select_related = ["person", "party", "round"]
    search_fields = ["name_as_reported", "person__name", "person__aliases__name", "round__title"]
    autocomplete_fields = ["round", "person", "party", "organization", "citations"]


# --- Agenda ---------------------------------------------------------------------------------


class AgendaAreaAliasInline(AliasInline):
    model = models.AgendaAreaAlias


@admin.register(models.AgendaArea)
class AgendaAreaAdmin(TrackedAdmin):
    list_display = ["name", "slug", "aliases_list"]
    search_fields = ["name", "slug", "aliases__name"]
    readonly_fields = ["created", "updated"]
    inlines = [AgendaAreaAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="Aliases")
    def aliases_list(self, area):
        return ", ".join(alias.name for alias in area.aliases.all())


@admin.register(models.AgendaAreaAlias)
class AgendaAreaAliasAdmin(CitedAdmin):
    list_display = ["name", "area", "kind"]
    list_filter = ["kind", "area"]
    list_select_related = ["area"]
    search_fields = ["name", "area__name"]
    autocomplete_fields = ["area", "citations"]


@admin.register(models.AgendaItem)
class AgendaItemAdmin(ProvenancePanelAdmin, CitedAdmin):
    form = AgendaItemForm
    list_display = ["label", "round", "order", "areas_list", "unmapped"]
    list_filter = ["unmapped", "round__negotiation", "areas"]
    list_select_related = ["round"]
    search_fields = ["label", "slug", "round__title", "areas__name", "areas__aliases__name"]
    autocomplete_fields = ["round", "citations"]
    fields = [
        "round",
        "label",
        "order",
        "slug",
        "canonical_areas",
        "unmapped",
        "notes",
        "citations",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    def get_readonly_fields(self, request, obj=None):
        # An item never moves between rounds: its area links belong to its round.
        return [*super().get_readonly_fields(request, obj), *(["round"] if obj else [])]

    @admin.display(description="Areas")
    def areas_list(self, item):
        return ", ".join(area.name for area in item.areas.all())


@admin.register(models.AgendaItemArea)
class AgendaItemAreaAdmin(TrackedAdmin):
    list_display = ["item", "area", "round"]
    list_filter = ["area"]
    list_select_related = ["item__round", "area", "round"]
    autocomplete_fields = ["item", "area"]
    readonly_fields = ["round"]


@admin.register(models.AgendaChangeAnnotation)
class AgendaChangeAnnotationAdmin(CitedAdmin):
    form = AnnotationForm
    list_display = ["round", "area", "change", "basis"]
    list_filter = ["change", "basis", "area"]
    list_select_related = ["round", "area"]
    search_fields = ["note", "round__title", "area__name"]
    autocomplete_fields = ["round", "area", "citations"]


@admin.register(models.AgendaExclusion)
class AgendaExclusionAdmin(CitedAdmin):
    list_display = ["area", "negotiation", "round", "handled_in"]
    list_filter = ["area", "negotiation"]
    list_select_related = ["area", "negotiation", "round", "handled_in"]
    search_fields = ["area__name", "negotiation__title", "round__title", "note"]
    autocomplete_fields = ["negotiation", "round", "area", "handled_in", "citations"]


# --- Deadlines, measures, positions ----------------------------------------------------------


@admin.register(models.Deadline)
class DeadlineAdmin(ProvenancePanelAdmin, CitedAdmin):
    list_display = ["title", "date", "date_precision", "kind", "negotiation"]
    list_filter = ["kind", "negotiation", "date_precision"]
    list_select_related = ["negotiation"]
    search_fields = ["title", "slug", "description", "date_as_reported"]
    date_hierarchy = "date"
    autocomplete_fields = ["negotiation", "measure", "citations"]


@admin.register(models.Measure)
class MeasureAdmin(ProvenancePanelAdmin, CitedAdmin):
    list_display = ["title", "kind", "rate_percent", "status", "imposing_party", "target_party"]
    list_filter = ["kind", "status", "imposing_party", "target_party"]
    list_select_related = ["imposing_party", "target_party"]
    search_fields = ["title", "slug", "scope"]
    autocomplete_fields = ["imposing_party", "target_party", "negotiation", "citations"]


@admin.register(models.Position)
class PositionAdmin(ProvenancePanelAdmin, CitedAdmin):
    list_display = ["slug", "party", "kind", "speaker_name_as_reported", "round", "areas_list"]
    list_filter = ["party", "kind", "areas", "negotiation"]
    list_select_related = ["party", "round"]
    search_fields = [
        "slug",
        "summary",
        "speaker_name_as_reported",
        "speaker__name",
        "speaker__aliases__name",
    ]
    autocomplete_fields = [
        "party",
        "speaker",
        "organization",
        "negotiation",
        "round",
        "areas",
        "citations",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    @admin.display(description="Areas")
    def areas_list(self, position):
        return ", ".join(area.name for area in position.areas.all())


# --- Sources, citations, disagreements ---------------------------------------------------------


class CitationInline(NamedFieldsInline, admin.TabularInline):
    model = models.Citation
    form = DomainSlugForm
    formset = SharedSlugsFormSet
    fields = ["slug", "quote", "note"]
    readonly_fields = ["slug"]  # made by the slug rule (<source>--<quote>), never changed
    extra = 0


class PublisherListFilter(admin.SimpleListFilter):
    """Publishers, with sources whose publisher is not given named as such (an empty choice
    would be a link without text)."""

    title = "publisher"
    parameter_name = "publisher"
    NOT_GIVEN = "-"

    def lookups(self, request, model_admin):
        names = models.Source.objects.order_by("publisher").values_list("publisher", flat=True)
        return [(name or self.NOT_GIVEN, name or "Not given") for name in names.distinct()]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(publisher="" if value == self.NOT_GIVEN else value)


@admin.register(models.Source)
class SourceAdmin(TrackedAdmin):
    change_list_template = "admin/intake/source_change_list.html"  # "Add an article"
    list_display = ["title", "publisher", "published_on", "published_on_inferred", "slug"]
    list_filter = [PublisherListFilter, "published_on_inferred"]
    search_fields = ["title", "publisher", "authors", "slug", "seed_file"]
    date_hierarchy = "published_on"
    readonly_fields = ["cited_by", "created", "updated"]
    inlines = [CitationInline]
    formfield_overrides = {db_models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Everything that cites this source")
    def cited_by(self, source):
        if not source.pk:
            return "-"
        facts = facts_citing(source)
        if not facts:
            return "Nothing cites this source yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} <small>(citing {})</small></li>",
                (
                    (kind.capitalize(), admin_link(fact), admin_link(citation, citation.slug))
                    for kind, fact, citation in facts
                ),
            ),
        )


@admin.register(models.Citation)
class CitationAdmin(TrackedAdmin):
    list_display = ["slug", "source", "short_quote"]
    list_filter = ["source"]
    list_select_related = ["source"]
    search_fields = ["slug", "quote", "source__title", "source__publisher", "source__slug"]
    autocomplete_fields = ["source"]
    readonly_fields = ["created", "updated"]

    @admin.display(description="Quote")
    def short_quote(self, citation):
        return citation.quote if len(citation.quote) <= 100 else f"{citation.quote[:97]}..."


class DisagreementClaimInline(CitedInline):
    model = models.DisagreementClaim
    fields = ["label", "claim", "citations"]


@admin.register(models.Disagreement)
class DisagreementAdmin(TrackedAdmin):
    list_display = ["title", "topic", "status", "round", "area"]
    list_filter = ["status", "topic", "negotiation"]
    list_select_related = ["round", "area"]
    search_fields = ["title", "slug", "note"]
    autocomplete_fields = ["negotiation", "round", "area", "measures"]
    readonly_fields = ["created", "updated"]
    inlines = [DisagreementClaimInline]


@admin.register(models.DisagreementClaim)
class DisagreementClaimAdmin(CitedAdmin):
    list_display = ["disagreement", "label"]
    autocomplete_fields = ["disagreement", "citations"]
    search_fields = ["claim", "disagreement__title"]


# --- Accounts --------------------------------------------------------------------------------

admin_accounts.register(admin.site)
