"""The portal's roles. Each is a Django group; permissions are checked against these names."""

from django.utils.translation import gettext_lazy as _

CITIZEN = "citizen"
EXPERT = "expert"
AGENCY_EDITOR = "agency_editor"
MINISTRY_REVIEWER = "ministry_reviewer"
ADMINISTRATOR = "administrator"
# Speaks for one team (evaluation.TeamRepresentative says which): its own evidence, its appeals.
TEAM_REPRESENTATIVE = "team_representative"
# Runs classroom and 국민평가단 sessions in the arena (a teacher, a panel operator): not staff.
FACILITATOR = "facilitator"

LABELS = {
    CITIZEN: _("국민 평가자"),
    EXPERT: _("전문가"),
    AGENCY_EDITOR: _("기관 편집자"),
    MINISTRY_REVIEWER: _("부처 검토자"),
    ADMINISTRATOR: _("관리자"),
    TEAM_REPRESENTATIVE: _("팀 대표"),
    FACILITATOR: _("평가 세션 진행자"),
}
ALL = tuple(LABELS)
STAFF_ROLES = (EXPERT, MINISTRY_REVIEWER, ADMINISTRATOR)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names.add(ADMINISTRATOR)
    return names


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def require(user, *allowed: str) -> None:
    """The one access check of the staff area: raise PermissionDenied unless `user` has a role from
    `allowed` (any staff role when none is named). Superusers are administrators."""
    from django.core.exceptions import PermissionDenied

    if not has_role(user, *(allowed or STAFF_ROLES)):
        raise PermissionDenied
