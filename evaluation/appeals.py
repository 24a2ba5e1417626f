"""Appeals: a team's representative files one against a block's score, a gate decision or the team's
exclusion, with attachments by link; a reviewer answers and decides; every step is audit-logged, and
the outcome is public once the appeal is closed. A closed round takes no appeals."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from arena.models import Team
from core import roles
from core.audit import audit_record
from evaluation.models import Appeal, AppealMessage, Round, RoundTeam, TeamRepresentative
from evaluation.originality import links_parse

MAX_LINKS = 10
MAX_TEXT = 8000


def _target(appeal: Appeal) -> str:
    return f"round:{appeal.entry.round.slug}:appeal:{appeal.pk}"


def _text(raw: str, message: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(message)
    if len(text) > MAX_TEXT:
        raise ValidationError(_("%(n)s자까지 적을 수 있습니다.") % {"n": MAX_TEXT})
    return text


def _links(raw: str) -> list[str]:
    links = links_parse(raw, _("첨부 링크"))
    if len(links) > MAX_LINKS:
        raise ValidationError(_("첨부 링크는 %(n)s개까지 적을 수 있습니다.") % {"n": MAX_LINKS})
    return links


def representative_of(user) -> TeamRepresentative | None:
    """The team a signed-in representative speaks for (None for anyone else)."""
    if not roles.has_role(user, roles.TEAM_REPRESENTATIVE):
        return None
    return TeamRepresentative.objects.select_related("team").filter(user=user).first()


def representative_assign(*, user, team: Team, actor, reason: str) -> TeamRepresentative:
    """Make `user` the representative of `team` (one team each: a second assignment is refused)."""
    if TeamRepresentative.objects.filter(user=user).exclude(team=team).exists():
        raise ValidationError(_("이미 다른 팀의 대표입니다. 한 사람은 한 팀만 대표합니다."))
    with transaction.atomic():
        representative, _created = TeamRepresentative.objects.get_or_create(user=user, team=team)
        user.groups.add(Group.objects.get(name=roles.TEAM_REPRESENTATIVE))
        audit_record(
            actor=actor,
            action="team_representative",
            target=f"team:{team.name}",
            reason=reason,
            user=user.get_username(),
        )
    return representative


def appeal_file(
    *, entry: RoundTeam, target: str, reason: str, links: str = "", block_key: str = "", actor
) -> Appeal:
    round_obj: Round = entry.round
    if round_obj.is_closed:
        raise ValidationError(
            _("이 평가는 %(when)s에 종료되어 이의를 받지 않습니다. 종료 사유: %(reason)s")
            % {
                "when": date_format(timezone.localtime(round_obj.closed_at), "Y-m-d"),
                "reason": round_obj.closed_reason,
            }
        )
    if target not in Appeal.Target.values:
        raise ValidationError(_("무엇에 대한 이의인지 골라 주세요 (항목 점수, 독자성 판정, 탈락·제외)."))
    block = None
    if target == Appeal.Target.BLOCK:
        block = round_obj.blocks.filter(key=block_key).first()
        if block is None:
            raise ValidationError(_("이의를 낼 항목을 골라 주세요."))
    reason = _text(reason, _("이의 사유를 적어 주세요. 사유 없는 이의는 받을 수 없습니다."))
    attached = _links(links)
    with transaction.atomic():
        appeal = Appeal.objects.create(
            entry=entry,
            target=target,
            block=block,
            gate_decision=entry.gate_decisions.first() if target == Appeal.Target.GATE else None,
            reason=reason,
            links=attached,
            filed_by=actor,
        )
        audit_record(
            actor=actor,
            action="appeal_file",
            target=_target(appeal),
            reason=reason,
            subject=appeal.subject,
            links=attached,
        )
    return appeal


def appeal_reply(*, appeal: Appeal, side: str, body: str, links: str = "", actor) -> AppealMessage:
    """A follow-up from the team or an answer from a reviewer, while the appeal is open."""
    if not appeal.is_open:
        raise ValidationError(_("이미 결정된 이의 신청입니다. 더 답을 달 수 없습니다."))
    body = _text(body, _("내용을 적어 주세요."))
    attached = _links(links)
    with transaction.atomic():
        message = AppealMessage.objects.create(
            appeal=appeal, side=side, author=actor, body=body, links=attached
        )
        audit_record(
            actor=actor, action=f"appeal_{side}_message", target=_target(appeal), reason=body, links=attached
        )
    return message


def appeal_decide(*, appeal: Appeal, status: str, decision: str, actor) -> Appeal:
    """A reviewer closes the appeal with an outcome and its reasons; from then on both are public."""
    if not appeal.is_open:
        raise ValidationError(_("이미 결정된 이의 신청입니다."))
    if status not in (Appeal.Status.UPHELD, Appeal.Status.PARTLY, Appeal.Status.REJECTED):
        raise ValidationError(_("결정을 골라 주세요 (인용, 일부 인용, 기각)."))
    decision = _text(decision, _("결정 이유를 적어 주세요. 결정과 함께 공개됩니다."))
    with transaction.atomic():
        appeal.status, appeal.decision = status, decision
        appeal.decided_by, appeal.decided_at = actor, timezone.now()
        appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
        audit_record(
            actor=actor, action="appeal_decide", target=_target(appeal), reason=decision, status=status
        )
    return appeal


def appeals_public(round_obj: Round) -> list[Appeal]:
    """Closed appeals of a round: what the public results page lists."""
    return list(
        Appeal.objects.filter(entry__round=round_obj)
        .exclude(status=Appeal.Status.OPEN)
        .select_related("entry__team", "block")
        .order_by("decided_at", "id")
    )
