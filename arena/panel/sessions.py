"""Classroom and 국민평가단 sessions: a facilitator opens a session with a short code, participants join
with it, their votes carry it, and the facilitator follows progress live.

A session's results (which model its participants preferred) appear only once it holds at least
ARENA_COHORT_MIN_VOTES counted votes from at least ARENA_COHORT_MIN_PARTICIPANTS people: with fewer, a
result could be traced back to one pupil's choices. Before that, only counts of people and votes show.
Nothing here names a participant; a member is a pseudonym (the same one their votes carry).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from arena.errors import ArenaError
from arena.models import Cohort, CohortMember, Vote
from arena.ratings.records import model_records

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud in a classroom
CODE_LENGTH = 6
SESSION_COHORT = "arena_cohort"


class CohortInvalid(ArenaError):
    code = "cohort_invalid"


def code_normalise(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def cohort_create(*, facilitator, name: str) -> Cohort:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise CohortInvalid(_("세션 이름을 100자 안으로 적어 주세요."))
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return Cohort.objects.create(code=code, name=name, facilitator=facilitator)
        except IntegrityError:
            continue
    raise CohortInvalid(_("참여 코드를 만들지 못했습니다. 다시 시도해 주세요."))


def cohort_join(*, code: str, voter: str | None) -> Cohort:
    """Join an open session by its code. Without a voter pseudonym yet (no consent), the session is
    only found; the membership is written when they vote."""
    cohort = Cohort.objects.filter(code=code_normalise(code)).first()
    if cohort is None:
        raise CohortInvalid(_("그런 참여 코드는 없습니다. 진행자에게 받은 코드를 다시 확인해 주세요."))
    if not cohort.is_open:
        raise CohortInvalid(_("이 세션은 끝났습니다."))
    if voter:
        CohortMember.objects.get_or_create(cohort=cohort, voter=voter)
    return cohort


def cohort_close(*, cohort: Cohort) -> None:
    Cohort.objects.filter(pk=cohort.pk).update(is_open=False)


def cohort_for_vote(*, cohort_id, voter: str) -> Cohort | None:
    """The open session a vote joins, if this voter joined it (joining then, if they consented after)."""
    if not cohort_id:
        return None
    cohort = Cohort.objects.filter(pk=cohort_id, is_open=True).first()
    if cohort is not None:
        CohortMember.objects.get_or_create(cohort=cohort, voter=voter)
    return cohort


@dataclass(frozen=True)
class Progress:
    participants: int
    voters: int
    votes: int
    counted: int
    min_votes: int
    min_participants: int

    @property
    def results_ready(self) -> bool:
        return self.counted >= self.min_votes and self.voters >= self.min_participants


def cohort_progress(cohort: Cohort) -> Progress:
    votes = Vote.objects.filter(cohort=cohort).exclude(inclusion=Vote.Inclusion.DELETED_BY_CITIZEN)
    totals = votes.aggregate(
        votes=Count("id"),
        counted=Count("id", filter=Q(inclusion=Vote.Inclusion.VALID)),
        voters=Count("voter", distinct=True, filter=Q(inclusion=Vote.Inclusion.VALID)),
    )
    return Progress(
        participants=cohort.members.count(),
        voters=totals["voters"],
        votes=totals["votes"],
        counted=totals["counted"],
        min_votes=settings.ARENA_COHORT_MIN_VOTES,
        min_participants=settings.ARENA_COHORT_MIN_PARTICIPANTS,
    )


def cohort_results(cohort: Cohort) -> list[dict] | None:
    """Each model's record in the session's counted votes (wins, ties, losses, win share with ties as
    half), best first; None until the session is large enough to protect its participants."""
    if not cohort_progress(cohort).results_ready:
        return None
    votes = Vote.objects.filter(cohort=cohort, inclusion=Vote.Inclusion.VALID).select_related(
        "battle__model_a__team", "battle__model_b__team"
    )
    return model_records(votes)
