"""The methodology changelog and the method version every board carries.

A method version is `<algorithm>.<n>`: the algorithm is what the code computes (`ALGORITHM`, bumped
with a written entry in `ALGORITHM_HISTORY` whenever the fit, the intervals, the listing rule, the
exclusion rules or the sampler change in code), `n` counts the changes of the method's settings under
that algorithm (`method_settings`). `method_version_current` keeps the changelog in step before a
board is computed: an algorithm entry missing from the database is added with its written
who/what/why, and a settings change makes a new dated entry listing each old and new value. So every
change is an entry, and nothing is computed under a version the changelog does not show.

`leaderboard_from_export` rebuilds only exports whose algorithm this code implements (`IMPLEMENTED`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from arena.models import MethodChange

ALGORITHM = "bt-bootstrap-3"
# Older algorithms are listed in the changelog but their code is gone: their exports are refused.
IMPLEMENTED = frozenset({ALGORITHM})


@dataclass(frozen=True)
class AlgorithmChange:
    algorithm: str
    effective: dt.date
    author: str
    title: str
    what: str
    why: str


ALGORITHM_HISTORY = (
    AlgorithmChange(
        "bt-bootstrap-1",
        dt.date(2026, 12, 1),
        "K-AI 포털 개발팀",
        "Bradley-Terry와 부트스트랩 구간",
        "Bradley-Terry 최대우도 추정(비김과 '둘 다 별로'는 반 승), 다항 부트스트랩 95% 구간, 순위 상한, "
        "유효 표가 최소 표 수 미만인 모델은 순위 없이 표시. 모델 쌍은 버전 가중치에 비례해 추출.",
        "공개 평가의 첫 방법: 구간과 함께 순위를 내고, 공개 자료로 누구나 다시 계산할 수 있게 하려고.",
    ),
    AlgorithmChange(
        "bt-bootstrap-2",
        dt.date(2026, 12, 6),
        "K-AI 포털 개발팀",
        "버전별 잠정·은퇴 표시, 팀별 균등 노출",
        "보드의 각 행에 잠정(표가 잠정 기준 미만이거나, 시즌에 변형 상한보다 많은 버전을 시험한 팀은 공개 뒤 새 표가 "
        "기준 미만)과 은퇴 표시를 더함. 쌍 추출을 버전이 아니라 팀 단위로 바꿔 모든 팀이 같은 몫의 대결에 나오게 함 "
        "(같은 팀의 두 버전은 만나지 않음). 확인서 없는 버전, 드리프트로 정지된 버전, 은퇴한 버전은 추출하지 않음.",
        "'The Leaderboard Illusion'(Singh 외, 2025)이 보인 비공개 변형 다수 시험, 불균등한 노출, 조용한 삭제를 막으려고: "
        "변형을 많이 시험해도 노출이 늘지 않고, 최고 변형만 고른 선택 효과는 새 표가 모일 때까지 잠정으로 표시한다.",
    ),
    AlgorithmChange(
        "bt-bootstrap-3",
        dt.date(2026, 12, 6),
        "K-AI 포털 개발팀",
        "순위 범위와 등급, 조작 방어, 비김 모형, 능동 추출",
        "순위를 95% 구간이 허용하는 범위(가장 좋은–가장 나쁜 순위)와 등급으로 표시. 이기기만(지기만) 한 모델은 약한 사전 가정"
        "(표준편차 2 로짓)으로 추정하고 구간을 사후 구간만큼 넓힘. 이상 투표 검사에 우도 검정(l_z)과 간접 편들기 e-value를 더하고, "
        "네트워크 검사에 1주 창을 더함. 표마다 투표자 신뢰 가중치(국민평가단 1, 기존 투표자 0.8, 신규 계정 0.4)를 곱하고 신규 계정의 "
        "큰 이변 승리(진 쪽 예상 승률 75% 초과)는 사유와 함께 뺌. Rao-Kupper 비김 모형을 함께 맞춰 승률 행렬 오차를 공개하고 "
        "설정으로 보드 모형을 고름. 능동 추출(설정)을 켜면 대결마다 팀 균등 추출 대비 보정 가중치를 저장하고 점수에 곱함.",
        "표 조작(Min 외, ICML 2025), 부주의한 표(Zhao 외, 2024), 20표 만에 좁은 구간으로 1위에 오르는 새 모델처럼, 순위를 얼마나 "
        "믿을 수 있는지와 순위를 흔드는 데 무엇이 필요한지를 수치로 공개하려고. 레드팀 결과는 평가 방법 페이지에 있다.",
    ),
)


def method_settings() -> dict:
    """The settings the boards, the exclusion rules and the sampler are computed with."""
    return {
        "min_votes": settings.LEADERBOARD_MIN_VOTES,
        "provisional_votes": settings.LEADERBOARD_PROVISIONAL_VOTES,
        "provisional_fresh_votes": settings.LEADERBOARD_PROVISIONAL_FRESH_VOTES,
        "variant_cap": settings.ARENA_MAX_ACTIVE_VARIANTS,
        "season_start": settings.LEADERBOARD_SEASON_START,
        "bootstrap_rounds": settings.LEADERBOARD_BOOTSTRAP_ROUNDS,
        "seed": settings.LEADERBOARD_SEED,
        "min_seconds_to_vote": settings.ARENA_MIN_SECONDS_TO_VOTE,
        "votes_per_day": settings.ARENA_VOTES_PER_DAY,
        "votes_per_day_per_device": settings.ARENA_VOTES_PER_DAY_PER_DEVICE,
        "votes_per_day_per_network": settings.ARENA_VOTES_PER_DAY_PER_NETWORK,
        "prompt_repeats_per_day": settings.ARENA_PROMPT_REPEATS_PER_DAY,
        "burst_min_voters": settings.ARENA_BURST_MIN_VOTERS,
        "burst_window_seconds": settings.ARENA_BURST_WINDOW_SECONDS,
        "network_alpha": settings.ARENA_NETWORK_ALPHA,
        "exposure_tolerance": settings.ARENA_EXPOSURE_TOLERANCE,
        "canary_min_similarity": settings.ARENA_CANARY_MIN_SIMILARITY,
        "sampler": settings.ARENA_SAMPLER,
        "active_target_half_width": settings.ARENA_ACTIVE_TARGET_HALF_WIDTH,
        "active_floor_share": settings.ARENA_ACTIVE_FLOOR_SHARE,
        "cut_line": settings.LEADERBOARD_CUT_LINE,
        "ties_model": settings.LEADERBOARD_TIES_MODEL,
    }


def fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def algorithm_of(version: str) -> str:
    """'bt-bootstrap-2.3' -> 'bt-bootstrap-2'."""
    return version.rsplit(".", 1)[0] if "." in version else version


def implemented(version: str | None) -> bool:
    return bool(version) and algorithm_of(version) in IMPLEMENTED


def _describe(before: dict, after: dict) -> str:
    changed = [
        f"{key}: {before.get(key)!r} -> {after.get(key)!r}"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]
    return "; ".join(changed)


@transaction.atomic
def method_version_current() -> MethodChange:
    """The changelog entry the boards are computed under now, writing the entries that are due."""
    # One writer at a time: two workers refitting at once must not both add version n+1.
    list(MethodChange.objects.select_for_update().order_by("pk")[:1])
    known = set(MethodChange.objects.values_list("algorithm", flat=True))
    values = method_settings()
    current_print = fingerprint(values)
    for change in ALGORITHM_HISTORY:
        if change.algorithm in known:
            continue
        current = change.algorithm == ALGORITHM
        MethodChange.objects.create(
            version=f"{change.algorithm}.0",
            algorithm=change.algorithm,
            effective_at=timezone.make_aware(dt.datetime.combine(change.effective, dt.time())),
            title=change.title,
            what=change.what,
            why=change.why,
            author=change.author,
            settings=values if current else {},
            fingerprint=current_print if current else "",
        )
    latest = MethodChange.objects.filter(algorithm=ALGORITHM).order_by("-effective_at", "-pk").first()
    if latest.fingerprint == current_print:
        return latest
    n = MethodChange.objects.filter(algorithm=ALGORITHM).count()
    return MethodChange.objects.create(
        version=f"{ALGORITHM}.{n}",
        algorithm=ALGORITHM,
        effective_at=timezone.now(),
        title="설정 변경",
        what=_describe(latest.settings, values),
        why="",  # written by staff in the admin (audit-logged); shown as "사유 보완 중" until then
        author="시스템 (설정 변경 자동 기록)",
        settings=values,
        fingerprint=current_print,
    )


def method_version_latest() -> str:
    """The newest version in the changelog, read only (pages must not write on GET)."""
    latest = MethodChange.objects.filter(algorithm=ALGORITHM).order_by("-effective_at", "-pk").first()
    return latest.version if latest else f"{ALGORITHM}.0"


def changelog() -> list[MethodChange]:
    return list(MethodChange.objects.all())
