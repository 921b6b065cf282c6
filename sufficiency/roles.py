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
