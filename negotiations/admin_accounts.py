"""The editors' own accounts in the admin: a password change guarded like a login, and the
login lockout's records changed only with the permission to change them."""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError


class CountedPasswordChangeForm(AdminPasswordChangeForm):
    """The old password is checked as a login's password is, through ``authenticate()``: a
    wrong one counts towards the login lockout of the account from that address
    (django-axes, negotiations.access), and once it is locked even the right one is refused
    (429), as at the login page. A right one resets the count, as a login does."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        checked = authenticate(self.request, username=username, password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        reset(ip=get_client_ip_address(self.request), username=username)
        return old_password


class CountedPasswordChangeView(PasswordChangeView):
    form_class = CountedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class LockoutAttemptAdmin(AccessAttemptAdmin):
    """django-axes' list of failed logins, whose "clean up expired attempts" action deletes
    attempts: it asks for the permission to delete them (django-axes asks for none, so a
    view-only editor could run it), and counts from now (django-axes' own reads a time its
    login handling sets on the request: elsewhere a 500)."""

    actions = ["cleanup_expired_attempts"]

    @admin.action(description="Clean up expired attempts", permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


def register(site: admin.AdminSite) -> None:
    """Put LockoutAttemptAdmin in the place of django-axes' own admin of attempts."""
    if site.is_registered(AccessAttempt):
        site.unregister(AccessAttempt)
    site.register(AccessAttempt, LockoutAttemptAdmin)
