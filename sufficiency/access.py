"""Which local authorities a user may see: the one place pages, downloads and APIs ask.

A user with authorities granted sees only those; a user with none granted (and a superuser) sees every
authority held (`LocalAuthority.objects.visible_to`).

Two answers for two kinds of request:
- an authority named in the request (`?la=CODE`, a form field): an unknown code is 404 and a known
  authority outside the user's grants is 403 (which authorities exist is public: the ONS list); a page
  that shows one authority whatever is named uses `chosen_authority`, whose default when none is named
  is `default_authority` (the `DEFAULT_LA_CODE` setting's authority if the user may see it);
- an object that belongs to an authority (an import, its problem report): filter the queryset with
  `scope_to_user` so one outside the grants is simply not found (404), and its existence does not leak.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from sufficiency.models import LocalAuthority


def visible_authorities(user) -> QuerySet[LocalAuthority]:
    """The local authorities the user may see (every one when none is granted)."""
    return LocalAuthority.objects.visible_to(user)


def authority_for_request(request, code: str | None = None) -> LocalAuthority | None:
    """The authority named by `code` (else `?la=`), if the user may see it; None when none is named.

    Raises Http404 for a code the portal does not hold and PermissionDenied (403) for an authority
    outside the user's grants.
    """
    code = (code if code is not None else request.GET.get("la", "")).strip()
    if not code:
        return None
    la = LocalAuthority.objects.filter(code=code).select_related("region").first()
    if la is None:
        raise Http404("No such authority")
    if not visible_authorities(request.user).filter(pk=la.pk).exists():
        raise PermissionDenied
    return la


def default_authority(
    user, *, prefer: QuerySet | None = None, among: QuerySet | None = None
) -> LocalAuthority | None:
    """The authority a page shows when the request names none, from those the user may see (and `among`, if
    given): the `DEFAULT_LA_CODE` setting's authority, else the first of `prefer` (e.g. those holding
    data), else the first one; real authorities before synthetic ones, then by name. None if there is none.
    """
    visible = visible_authorities(user).select_related("region").order_by("is_synthetic", "name")
    if among is not None:
        visible = visible.filter(pk__in=among.values("pk"))
    la = visible.filter(code=settings.DEFAULT_LA_CODE).first()
    if la is None and prefer is not None:
        la = visible.filter(pk__in=prefer.values("pk")).first()
    return la or visible.first()


def chosen_authority(
    request, code: str | None = None, *, prefer: QuerySet | None = None, among: QuerySet | None = None
) -> LocalAuthority:
    """The authority named by `code` (else `?la=`) as `authority_for_request` answers, else the
    `default_authority` of those `among` (when given and the user may see one of them: e.g. the
    authorities a page has data for), else the `default_authority`; PermissionDenied (403) when the user
    may see no authority at all."""
    la = authority_for_request(request, code)
    if la is None and among is not None:
        la = default_authority(request.user, among=among)
    if la is None:
        la = default_authority(request.user, prefer=prefer)
    if la is None:
        raise PermissionDenied
    return la


def scope_to_user(queryset: QuerySet, user, *, field: str = "la") -> QuerySet:
    """`queryset` limited to rows whose authority (`field`) the user may see."""
    return queryset.filter(**{f"{field}__in": visible_authorities(user)})
