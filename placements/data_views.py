from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sufficiency.roles import DATA_ADMIN, has_role


def data_admin_required(view):
    """Only data admins; everyone else gets the 403 page."""

    def check(user):
        if not has_role(user, DATA_ADMIN):
            raise PermissionDenied
        return True

    return user_passes_test(check)(view)


@require_GET
@data_admin_required
def index(request):
    return render(request, "placements/data_index.html", {})
