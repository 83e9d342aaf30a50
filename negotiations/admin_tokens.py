"""API tokens in the admin: each staff user issues and revokes their own; nobody reads a key.

A key is shown once, on the page that answers the form that issued it (never in a message,
which may be stored in the session table); afterwards only its first characters are shown.
Tokens are always issued to the user who asks: a token is its owner's credential, so issuing
one for someone else would be acting as them. Seeing everyone's tokens (their prefixes) takes
``knox.view_authtoken``; revoking someone else's takes ``knox.delete_authtoken``.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from knox.models import AuthToken

from negotiations.api.tokens import issue_token, shown_prefix

LIFETIMES = [(30, "30 days"), (90, "90 days"), (365, "1 year"), (0, "Never")]


class IssueTokenForm(forms.Form):
    lifetime = forms.TypedChoiceField(
        coerce=int,
        choices=LIFETIMES,
        label="Expires after",
        help_text="The key is shown once, on the next page: copy it then.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = settings.API_TOKEN_DAYS
        if default not in dict(LIFETIMES):
            self.fields["lifetime"].choices = [(default, f"{default} days"), *LIFETIMES]
        self.fields["lifetime"].initial = default


def may_see_all(request) -> bool:
    return request.user.has_perm("knox.view_authtoken") or request.user.has_perm(
        "knox.delete_authtoken"
    )


def may_revoke(request, token) -> bool:
    return token.user_id == request.user.pk or request.user.has_perm("knox.delete_authtoken")


admin.site.unregister(AuthToken)  # knox's own admin lists digests and issues tokens for anyone


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Listed as "API tokens" (negotiations.admin_apps.ApiTokensConfig)."""

    list_display = ("prefix", "user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    ordering = ("-created",)
    fields = ("prefix", "user", "created", "expiry")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="Key")
    def prefix(self, token):
        return shown_prefix(token)

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        return tokens if may_see_all(request) else tokens.filter(user=request.user)

    # Every staff user manages their own tokens; the model permissions reach others'.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return obj.user_id == request.user.pk or may_see_all(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return may_revoke(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        if not request.user.has_perm("knox.delete_authtoken"):
            queryset = queryset.filter(user=request.user)
        count, _ = queryset.delete()
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)

    def delete_queryset(self, request, queryset):
        self.revoke(request, queryset)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IssueTokenForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Issue an API token",
            "subtitle": None,
            "form": form,
            "key": None,
        }
        if request.method == "POST" and form.is_valid():
            days = form.cleaned_data["lifetime"]
            lifetime = datetime.timedelta(days=days) if days else None
            token, key = issue_token(request.user, lifetime=lifetime)
            self.log_addition(request, token, [{"added": {}}])
            context.update(title="Your new API token", key=key, token=token)
        request.current_app = self.admin_site.name
        # admin_view's never_cache keeps the page (and the key) out of every cache.
        return TemplateResponse(request, "admin/knox/issue_token.html", context)
