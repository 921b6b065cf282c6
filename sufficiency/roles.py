"""Roles are Django groups with permissions. `manage.py setup_roles` (also run after migrate) makes them."""

from collections.abc import Iterable

COMMISSIONER = "Commissioner"
LEAD_COMMISSIONER = "Lead commissioner"
MANAGER = "Manager"
DATA_ADMIN = "Data admin"

ROLES = [COMMISSIONER, LEAD_COMMISSIONER, MANAGER, DATA_ADMIN]

# Read access to every page is given by login alone: every role may read every dashboard.
# "app_label.codename" permissions per role. Apps add their own codenames here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    COMMISSIONER: [
        "sufficiency.view_team",
    ],
    LEAD_COMMISSIONER: [
        "sufficiency.view_team",
    ],
    MANAGER: [
        "sufficiency.view_team",
        "sufficiency.view_localauthority",
    ],
    DATA_ADMIN: [
        "sufficiency.view_team",
        "sufficiency.add_team",
        "sufficiency.change_team",
        "sufficiency.view_localauthority",
        "sufficiency.add_localauthority",
        "sufficiency.change_localauthority",
        "sufficiency.view_user",
        "sufficiency.change_user",
    ],
}


def has_role(user, *roles: str) -> bool:
    """True when the user is in any of the given role groups (superusers have every role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return any(role in names for role in roles)


def role_names(user) -> list[str]:
    """The user's roles in display order."""
    return [role for role in ROLES if has_role(user, role)] if not user.is_superuser else ["Superuser"]


def setup_roles(extra: dict[str, Iterable[str]] | None = None) -> dict[str, int]:
    """Create or refresh the role groups and their permissions. Returns permissions per role."""
    from django.contrib.auth.models import Group, Permission

    result = {}
    mapping = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for role, perms in (extra or {}).items():
        mapping.setdefault(role, []).extend(perms)
    for role, perms in mapping.items():
        group, _ = Group.objects.get_or_create(name=role)
        found = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                continue  # the app's migration has not run yet; post_migrate runs this again
            found.append(perm)
        group.permissions.set(found)
        result[role] = len(found)
    return result


# ---- who may manage whom in the admin ------------------------------------------------------------------
#
# The roles each role may hand out to other users in the admin (a superuser hands out any). A data admin
# keeps the people of their authorities working: they assign commissioners, lead commissioners and managers.
# They never hand out Data admin: otherwise one data admin could make another, or a colleague's account
# into one, and so widen who can manage users. New data admins are made by a superuser.
GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {
    DATA_ADMIN: (COMMISSIONER, LEAD_COMMISSIONER, MANAGER),
}


def grantable_roles(actor) -> tuple[str, ...]:
    """The role names the actor may give to a user they manage (every role for a superuser)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ()
    if actor.is_superuser:
        return tuple(ROLES)
    granted: list[str] = []
    for role, grantable in GRANTABLE_ROLES.items():
        if has_role(actor, role):
            granted.extend(name for name in grantable if name not in granted)
    return tuple(granted)


def authority_limits(actor) -> frozenset[int] | None:
    """The primary keys of the authorities the actor is limited to, or None when not limited.

    A user with no authority granted sees every authority (see User.local_authorities), so None."""
    if actor.is_superuser:
        return None
    granted = frozenset(actor.local_authorities.values_list("pk", flat=True))
    return granted or None


def users_manageable_by(actor):
    """The users the actor may view and change in the admin.

    A superuser manages everyone. Anyone else manages only users who are not superusers, not staff,
    not themselves, hold no individual permissions, and hold only roles the actor may grant (so never
    another data admin). An actor limited to some authorities manages only users whose granted
    authorities are a non-empty subset of theirs: a user with none granted sees every authority, so is
    out of a limited actor's reach. Changing any of these users' passwords therefore gives nothing
    the actor could not already grant.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.all()
    grantable = grantable_roles(actor)
    if not grantable:
        return User.objects.none()
    groups = User.groups.through.objects
    perms = User.user_permissions.through.objects
    users = (
        User.objects.filter(is_superuser=False, is_staff=False)
        .exclude(pk=actor.pk)
        .exclude(pk__in=perms.values("user_id"))
        .exclude(pk__in=groups.filter(~Q(group__name__in=grantable)).values("user_id"))
    )
    limits = authority_limits(actor)
    if limits is not None:
        grants = User.local_authorities.through.objects
        users = users.filter(pk__in=grants.values("user_id")).exclude(
            pk__in=grants.exclude(localauthority_id__in=limits).values("user_id")
        )
    return users


def user_manageable_by(actor, target) -> bool:
    """True when the actor may view, change and set the password of the target user (see above)."""
    if target is None or target.pk is None:
        return False
    return users_manageable_by(actor).filter(pk=target.pk).exists()
