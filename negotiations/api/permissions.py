"""Who may do what through the API: everyone reads, writes need the model's permission."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class ReadOpenModelPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """DRF's DjangoModelPermissionsOrAnonReadOnly, deciding reads before it builds the view's
    queryset: DRF requires no permission for GET, HEAD and OPTIONS, so every client may read,
    and building a queryset only to learn its model was a measurable share of a cached read."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
