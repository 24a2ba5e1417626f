"""The verified citizen panel (국민평가단): enrolment against quota margins, one seat per person."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.errors import ArenaError
from arena.models import Campaign, PanelMember
from portal.verification import VerifiedPerson

MIN_AGE_WITHOUT_GUARDIAN = 14
AGE_BANDS = [(60, "60plus"), (50, "50s"), (40, "40s"), (30, "30s"), (20, "20s")]


class PanelRefused(ArenaError):
    code = "panel_refused"


def active_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_active=True).order_by("-created_at").first()


def panel_voter(voter: str) -> bool:
    """Is this pseudonym a verified member of the active campaign's panel? Network rules never apply
    to them (they are held to their own limits and checks only)."""
    campaign = active_campaign()
    return campaign is not None and PanelMember.objects.filter(campaign=campaign, voter=voter).exists()


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


def panel_enrol(
    *, campaign: Campaign, hashed_person: str, voter: str, answers: dict[str, str]
) -> PanelMember:
    """Give the person a seat if every quota cell they fall in has room. Idempotent per person."""
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)  # one enrolment at a time per campaign
        existing = PanelMember.objects.filter(campaign=campaign, person_hash=hashed_person).first()
        if existing is not None:
            return existing
        for dimension, category in answers.items():
            filled = PanelMember.objects.filter(campaign=campaign, **{dimension: category}).count()
            if filled >= campaign.seats_for(dimension, category):
                raise PanelRefused(
                    _(
                        "해당 조건의 국민평가단 좌석이 모두 찼습니다. 공개 평가에는 그대로 참여할 수 있습니다."
                    ),
                    code="quota_full",
                )
        try:
            return PanelMember.objects.create(
                campaign=campaign, person_hash=hashed_person, voter=voter, **answers
            )
        except IntegrityError:
            return PanelMember.objects.get(campaign=campaign, person_hash=hashed_person)


def quota_progress(campaign: Campaign) -> list[dict]:
    rows = []
    for dimension, shares in campaign.margins.items():
        for category in shares:
            rows.append(
                {
                    "dimension": dimension,
                    "category": category,
                    "filled": PanelMember.objects.filter(campaign=campaign, **{dimension: category}).count(),
                    "seats": campaign.seats_for(dimension, category),
                }
            )
    return rows
