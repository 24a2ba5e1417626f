from django.conf import settings

from core import roles


def site(request):
    """What the base layout needs on every page: the role-aware navigation."""
    user_roles = roles.user_roles(request.user) if hasattr(request, "user") else set()
    return {
        "is_staff_area_user": bool(user_roles & set(roles.STAFF_ROLES))
        or getattr(request.user, "is_staff", False),
        "site_debug": settings.DEBUG,
    }
