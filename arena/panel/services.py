"""The verified citizen panel (국민평가단), modelled on the MOIS panel for public websites.

Enrolment: one seat per verified person per campaign, in the general panel (against the campaign's
quota margins) or in a reserved cell (digitally vulnerable citizens, or whoever an invitation code
names). Voting: a panel vote carries a reason on the fixed criteria; a share of panel battles
(PANEL_EXPERT_CHECK_SHARE, 10% as in the MOIS panel) goes to the experts' blind review queue so staff
can see how far the panel and the experts agree, model by model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arena.errors import ArenaError
from arena.models import Campaign, PanelCell, PanelExpertCheck, PanelInvitation, PanelMember, Vote
from core.audit import audit_record
from core.verification import VerifiedPerson

# Self-declared, optional (sensitive data: asked with its own consent, never exported).
ACCESS_CONDITIONS = {
    "older_adult": gettext_lazy("고령으로 디지털 기기가 익숙하지 않음"),
    "low_vision": gettext_lazy("저시력"),
    "colour_vision": gettext_lazy("색각 이상 (색을 구별하기 어려움)"),
    "blind": gettext_lazy("시각장애 (화면낭독기 사용)"),
    "motor": gettext_lazy("손이나 팔을 쓰기 어려움 (키보드·마우스 사용 불편)"),
    "reading": gettext_lazy("긴 글을 읽고 이해하기 어려움"),
}
# What the portal offers each member who asks: applied to their sessions or arranged by the operator.
ACCESS_SUPPORTS = {
    "large_text": gettext_lazy("큰 글자로 보기"),
    "high_contrast": gettext_lazy("고대비 화면"),
    "screen_reader": gettext_lazy("화면낭독기 사용 안내"),
    "easy_read": gettext_lazy("쉬운 말 설명"),
    "extra_time": gettext_lazy("시간 제한 없이 평가"),
    "assistance": gettext_lazy("운영 사무국 도우미 지원"),
}

MIN_AGE_WITHOUT_GUARDIAN = 14
AGE_BANDS = [(60, "60plus"), (50, "50s"), (40, "40s"), (30, "30s"), (20, "20s")]


class PanelRefused(ArenaError):
    code = "panel_refused"


def active_campaign() -> Campaign | None:
    return Campaign.objects.active()


def panel_voter(voter: str) -> bool:
    """Is this pseudonym a verified member of the active campaign's panel? Network rules never apply
    to them (they are held to their own limits and checks only). One query: every new battle asks."""
    active = Campaign.objects.switched_on().values("pk")[:1]
    return PanelMember.objects.filter(campaign=Subquery(active), voter=voter).exists()


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(age: int) -> str | None:
    return next((band for floor, band in AGE_BANDS if age >= floor), None)


def person_hash(campaign: Campaign, person: VerifiedPerson) -> str:
    """Keyed by the campaign's own salt: one person is one voter here and unlinkable elsewhere."""
    return hmac.new(campaign.salt.encode(), person.stable_id.encode(), hashlib.sha256).hexdigest()


def voter_token(campaign: Campaign, hashed_person: str) -> str:
    """The session voter token of a panel member: the same on every device they verify on."""
    return hmac.new(campaign.salt.encode(), f"voter:{hashed_person}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def check_age(birth: dt.date) -> str:
    """The person's age band, or PanelRefused with the reason."""
    age = age_on(birth, timezone.localdate())
    if age < MIN_AGE_WITHOUT_GUARDIAN:
        raise PanelRefused(
            _(
                "만 14세 미만은 법정대리인의 동의가 있어야 참여할 수 있습니다. 지금은 국민평가단에 등록할 수 없습니다."
            ),
            code="guardian_consent_required",
        )
    band = age_band(age)
    if band is None:
        raise PanelRefused(
            _(
                "국민평가단 좌석은 20대부터 60대 이상까지 배정되어 있습니다. 공개 평가에는 그대로 참여할 수 있습니다."
            ),
            code="no_seats_for_age",
        )
    return band


class AlreadyEnrolled(PanelRefused):
    code = "already_enrolled"

    def __init__(self, member: PanelMember) -> None:
        super().__init__(already_enrolled_message())
        self.member = member


def already_enrolled_message() -> str:
    return _(
        "이미 이 캠페인의 국민평가단원입니다. 한 사람은 한 자리만 가질 수 있어 새로 등록하지 않았습니다. "
        "이 기기에서도 기존 자리로 평가에 참여할 수 있습니다."
    )


def invitation_code_new() -> str:
    """A code a person can read out over the phone: 12 characters from an alphabet without 0/O, 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def invitation_hash(code: str) -> str:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"panel-invitation:{normalised}".encode()).hexdigest()


def invitations_create(
    *, campaign: Campaign, cell: PanelCell | None, count: int, label: str, max_uses: int, days: int, actor
) -> list[str]:
    """Create `count` codes for a cell (None: the general panel). Returns the codes: shown once, then
    only their hashes remain."""
    if not 1 <= count <= 500 or not 1 <= max_uses <= 1000 or not 1 <= days <= 366:
        raise PanelRefused(_("코드 수는 1~500, 사용 횟수는 1~1000, 유효 기간은 1~366일이어야 합니다."))
    if cell is not None and cell.campaign_id != campaign.pk:
        raise PanelRefused(_("이 캠페인의 모집 칸이 아닙니다."))
    codes = [invitation_code_new() for _ in range(count)]
    expires = timezone.now() + dt.timedelta(days=days)
    with transaction.atomic():
        PanelInvitation.objects.bulk_create(
            [
                PanelInvitation(
                    campaign=campaign,
                    cell=cell,
                    code_hash=invitation_hash(code),
                    label=label[:200],
                    max_uses=max_uses,
                    expires_at=expires,
                    created_by=actor,
                )
                for code in codes
            ]
        )
        audit_record(
            actor=actor,
            action="panel_invitations_create",
            target=f"campaign:{campaign.slug}/cell:{cell.key if cell else 'general'}",
            reason=label or "-",
            count=count,
            max_uses=max_uses,
            days=days,
        )
    return codes


def _invitation_take(campaign: Campaign, code: str) -> PanelInvitation:
    invitation = (
        # Lock the invitation row only: PostgreSQL cannot lock the nullable side of the join to its cell.
        PanelInvitation.objects.select_for_update(of=("self",))
        .select_related("cell")
        .filter(campaign=campaign, code_hash=invitation_hash(code))
        .first()
    )
    if invitation is None or (invitation.expires_at and invitation.expires_at < timezone.now()):
        raise PanelRefused(
            _("초대 코드가 맞지 않거나 기한이 지났습니다. 코드를 다시 확인하거나, 코드 없이 등록해 주세요."),
            code="invitation_invalid",
        )
    if invitation.uses >= invitation.max_uses:
        raise PanelRefused(_("이미 사용된 초대 코드입니다."), code="invitation_used")
    return invitation


def _cell_has_room(cell: PanelCell) -> bool:
    return PanelMember.objects.filter(cell=cell).count() < cell.seats


def panel_enrol(
    *,
    campaign: Campaign,
    hashed_person: str,
    voter: str,
    answers: dict[str, str],
    invitation_code: str = "",
    access_conditions: Iterable[str] = (),
    access_supports: Iterable[str] = (),
) -> PanelMember:
    """Give the person a seat, or say plainly why not.

    With an invitation code: a seat in the code's cell (or the general panel). Without one, a person
    who declared a digital-access condition takes a seat reserved for that when one is free; everyone
    else joins the general panel if every quota margin they fall in has room. Reserved cells count
    only their own seats. Raises AlreadyEnrolled (carrying the seat) for a person already in.
    """
    conditions = [c for c in dict.fromkeys(access_conditions) if c in ACCESS_CONDITIONS]
    supports = [s for s in dict.fromkeys(access_supports) if s in ACCESS_SUPPORTS]
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)  # one enrolment at a time per campaign
        existing = PanelMember.objects.filter(campaign=campaign, person_hash=hashed_person).first()
        if existing is not None:
            raise AlreadyEnrolled(existing)
        invitation = _invitation_take(campaign, invitation_code) if invitation_code.strip() else None
        if invitation is not None:
            cell = invitation.cell
        elif conditions:
            cell = next(
                (c for c in campaign.cells.filter(for_access_needs=True) if _cell_has_room(c)),
                None,
            )
        else:
            cell = None
        if cell is not None:
            if not _cell_has_room(cell):
                raise PanelRefused(
                    _("%(cell)s 좌석이 모두 찼습니다. 공개 평가에는 그대로 참여할 수 있습니다.")
                    % {"cell": cell.name},
                    code="quota_full",
                )
        else:
            for dimension, category in answers.items():
                filled = PanelMember.objects.filter(
                    campaign=campaign, cell__isnull=True, **{dimension: category}
                ).count()
                if filled >= campaign.seats_for(dimension, category):
                    raise PanelRefused(
                        _(
                            "해당 조건의 국민평가단 좌석이 모두 찼습니다. 공개 평가에는 그대로 참여할 수 있습니다."
                        ),
                        code="quota_full",
                    )
        try:
            member = PanelMember.objects.create(
                campaign=campaign,
                person_hash=hashed_person,
                voter=voter,
                cell=cell,
                invitation=invitation,
                access_conditions=conditions,
                access_supports=supports,
                **answers,
            )
        except IntegrityError:
            raise AlreadyEnrolled(
                PanelMember.objects.get(campaign=campaign, person_hash=hashed_person)
            ) from None
        if invitation is not None:
            PanelInvitation.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
    return member


def panel_member_for(voter: str | None) -> PanelMember | None:
    """The voter's seat in the active campaign, if they have one."""
    campaign = active_campaign()
    if voter is None or campaign is None:
        return None
    return (
        PanelMember.objects.select_related("cell", "campaign").filter(campaign=campaign, voter=voter).first()
    )


def expert_check_route(*, campaign: Campaign, vote: Vote) -> bool:
    """Send this vote's battle to the experts when the campaign is behind its re-check share.

    Systematic rather than random: after n counted panel votes, exactly ceil(share * n) battles have
    been routed (MOIS re-checks 10% of answers; a random draw would leave a small panel's share to luck).
    Counted votes only: a too-fast or leaked vote tells nothing about agreement.
    """
    share = settings.PANEL_EXPERT_CHECK_SHARE
    if share <= 0 or vote.inclusion != Vote.Inclusion.VALID:
        return False
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    if PanelExpertCheck.objects.filter(battle_id=vote.battle_id).exists():
        return False
    counted = Vote.objects.filter(
        voter__in=PanelMember.objects.filter(campaign=campaign).values("voter"),
        inclusion=Vote.Inclusion.VALID,
    ).count()
    routed = PanelExpertCheck.objects.filter(campaign=campaign).count()
    if routed >= math.ceil(share * counted - 1e-9):
        return False
    PanelExpertCheck.objects.create(battle_id=vote.battle_id, campaign=campaign)
    return True


@dataclass(frozen=True)
class CellRow:
    key: str
    label: str
    kind: str  # margin | reserved
    dimension: str
    target: int
    enrolled: int
    active: int  # members who cast at least one vote
    votes: int  # their votes, counted or not
    reasons: int
    supports: dict[str, int]

    @property
    def gap(self) -> int:
        return max(0, self.target - self.enrolled)


def cell_progress(campaign: Campaign, labels: Mapping[str, Mapping[str, str]] | None = None) -> list[CellRow]:
    """Per quota cell: target, enrolment, participation and the gap to target. Margin cells describe the
    general panel; reserved cells count their own members."""
    labels = labels or {}
    members = PanelMember.objects.filter(campaign=campaign)
    votes_by_voter = dict(
        Vote.objects.filter(voter__in=members.values("voter"))
        .values_list("voter")
        .annotate(n=Count("id"))
        .order_by()
    )
    reasons_by_voter = dict(
        Vote.objects.filter(voter__in=members.values("voter"), reason__isnull=False)
        .values_list("voter")
        .annotate(n=Count("id"))
        .order_by()
    )

    def row(key, label, kind, dimension, target, subset) -> CellRow:
        voters = list(subset.values_list("voter", flat=True))
        supports: dict[str, int] = {}
        for needs in subset.values_list("access_supports", flat=True):
            for need in needs or []:
                supports[need] = supports.get(need, 0) + 1
        return CellRow(
            key=key,
            label=label,
            kind=kind,
            dimension=dimension,
            target=target,
            enrolled=len(voters),
            active=sum(1 for v in voters if votes_by_voter.get(v)),
            votes=sum(votes_by_voter.get(v, 0) for v in voters),
            reasons=sum(reasons_by_voter.get(v, 0) for v in voters),
            supports=supports,
        )

    general = members.filter(cell__isnull=True)
    rows = []
    for dimension, shares in campaign.margins.items():
        for category in shares:
            rows.append(
                row(
                    f"{dimension}:{category}",
                    labels.get(dimension, {}).get(category, category),
                    "margin",
                    dimension,
                    campaign.seats_for(dimension, category),
                    general.filter(**{dimension: category}),
                )
            )
    for cell in campaign.cells.all():
        rows.append(
            row(f"cell:{cell.key}", cell.name, "reserved", "cell", cell.seats, members.filter(cell=cell))
        )
    return rows


def member_access_erase(*, voter: str) -> int:
    """Forget what a member declared about their access needs (sensitive data): on their request, with
    their other data. The seat itself stays, so one person still cannot enrol twice."""
    return PanelMember.objects.filter(voter=voter).update(access_conditions=[], access_supports=[])


def member_contribution(member: PanelMember) -> dict:
    """What a member sees of their own part: votes, counted, reasons, re-checked by experts."""
    votes = Vote.objects.filter(voter=member.voter)
    return {
        "votes": votes.count(),
        "counted": votes.filter(inclusion=Vote.Inclusion.VALID).count(),
        "reasons": votes.filter(reason__isnull=False).count(),
        "expert_checked": PanelExpertCheck.objects.filter(battle__vote__in=votes).count(),
        "recent": list(
            votes.select_related("battle__model_a", "battle__model_b", "reason").order_by("-created_at")[:20]
        ),
    }
