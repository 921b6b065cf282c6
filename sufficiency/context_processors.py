from django.conf import settings

from sufficiency.roles import DATA_ADMIN, has_role, role_names


def portal(request) -> dict:
    """Service name, the user's roles, which navigation items they may use and where feedback goes
    (settings.FEEDBACK_EMAIL; without it the phase banner links to the accessibility statement's contact
    section)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "nav_section": (match.app_name or match.url_name) if match else "",
        "user_roles": role_names(user) if user is not None and user.is_authenticated else [],
        "can_manage_data": bool(user is not None and has_role(user, DATA_ADMIN)),
        "feedback_email": getattr(settings, "FEEDBACK_EMAIL", ""),
    }
