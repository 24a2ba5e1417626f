from django.conf import settings

from core import roles


def site(request):
    """What the base layout needs on every page: the role-aware navigation."""
    user_roles = roles.user_roles(request.user) if hasattr(request, "user") else set()
    return {
        "is_staff_area_user": bool(user_roles & set(roles.STAFF_ROLES))
        or getattr(request.user, "is_staff", False),
        # Editors file cases and reviewers publish them, both at /ax/manage/.
        "is_ax_editor": bool(
            user_roles & {roles.AGENCY_EDITOR, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR}
        ),
        "site_debug": settings.DEBUG,
    }
