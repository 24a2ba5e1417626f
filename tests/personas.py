"""Users by role, for permission tests: each page is tried by the allowed role, another role, anonymous."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def make_user(username: str, *roles: str, is_staff: bool = False):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests", is_staff=is_staff)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user
