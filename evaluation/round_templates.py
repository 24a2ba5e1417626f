"""Round templates: the blocks, weights, sub-items and originality rule a new round starts from.

A reviewer creates the next round from one of these and adjusts names and points before publishing.
Names are Korean msgids, so the catalogue translates them; a round stores them in both languages at
creation (Block.name / name_en), so a name a reviewer changes later stays bilingual too.

- `stage1`: the stage-1 scorecard as the ministry used it (2026-01-15; research notes domain-facts.md
  2.3 and 6(c)): benchmark 40 (NIA 10, global common 20 against each team's declared target,
  team-chosen 10), expert 35, user 25, and the originality gate outside the points.
- `final`: stage 2 and the final (2026-08 and end-2026; domain-facts.md 2.5, anchors-2025-2026.md 2).
  The ministry announced the axes (benchmarks picked from global leaderboards, expert review of
  objective performance and technical capability, real users on industrial usefulness, efficiency over
  model size) and a reinforced originality rule, but not the points: the weights here are a proposal
  that keeps benchmarks at 40 and says so in the round's note.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SubItemSpec:
    key: str
    name: str
    points: float
    description: str = ""


@dataclass(frozen=True)
class BlockSpec:
    key: str
    name: str
    kind: str
    weight: float
    sub_items: tuple[SubItemSpec, ...] = ()


@dataclass(frozen=True)
class RoundTemplate:
    key: str
    label: str
    stage: int
    advance_count: int
    gate_policy: str
    note: str
    blocks: tuple[BlockSpec, ...]


STAGE1 = RoundTemplate(
    key="stage1",
    label=_("1차 단계평가 (2026-01-15 발표 기준)"),
    stage=1,
    advance_count=4,
    gate_policy="basic",
    note=_("2026-01-15 발표 기준 배점. 참가팀과 근거는 관리자가 입력합니다."),
    blocks=(
        BlockSpec(
            "benchmark",
            _("벤치마크 평가"),
            "benchmark",
            40.0,
            (
                SubItemSpec(
                    "nia",
                    _("NIA 벤치마크"),
                    10.0,
                    _("수학·지식·장문 이해·신뢰성/안전성 (AI안전연구소와 구축)"),
                ),
                SubItemSpec(
                    "common",
                    _("글로벌 공통 벤치마크"),
                    20.0,
                    _("13개 공통 벤치마크, 팀이 밝힌 목표 모델 대비 달성도"),
                ),
                SubItemSpec("individual", _("글로벌 개별 벤치마크"), 10.0, _("팀별로 고른 2개 벤치마크")),
            ),
        ),
        BlockSpec("expert", _("전문가 평가"), "expert", 35.0),
        BlockSpec("user", _("사용자 평가"), "user", 25.0),
    ),
)

FINAL = RoundTemplate(
    key="final",
    label=_("2차·최종 단계평가 (벤치마크·전문가·사용자·효율성, 강화된 독자성 기준)"),
    stage=3,
    advance_count=2,
    gate_policy="reinforced",
    note=_(
        "2차·최종 평가 틀. 평가 축과 강화된 독자성 기준은 과기정통부 발표를 따르되, 배점은 발표되지 "
        "않아 벤치마크 40점을 유지한 제안입니다. 공개 전에 조정하세요."
    ),
    blocks=(
        BlockSpec(
            "benchmark",
            _("벤치마크 평가"),
            "benchmark",
            40.0,
            (
                SubItemSpec(
                    "global",
                    _("글로벌 리더보드 벤치마크"),
                    20.0,
                    _("세계 주요 리더보드에서 고른 공통 벤치마크, 팀이 밝힌 목표 모델 대비 달성도"),
                ),
                SubItemSpec(
                    "nia",
                    _("NIA 벤치마크 (신뢰성·안전성 포함)"),
                    10.0,
                    _("수학·지식·장문 이해·신뢰성/안전성 (AI안전연구소와 구축)"),
                ),
                SubItemSpec(
                    "individual", _("팀별 선택 벤치마크"), 10.0, _("팀이 고르고 부처와 합의한 벤치마크")
                ),
            ),
        ),
        BlockSpec("expert", _("전문가 평가 (객관적 성능·기술력)"), "expert", 30.0),
        BlockSpec("user", _("사용자 평가 (산업 현장 활용성)"), "user", 20.0),
        BlockSpec("efficiency", _("효율성 (모델 크기·서빙 비용 대비 성능)"), "efficiency", 10.0),
    ),
)

TEMPLATES: dict[str, RoundTemplate] = {t.key: t for t in (STAGE1, FINAL)}


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def _english(text) -> str:
    """The English the catalogue has for a name, or "" when it has none (the page then falls back to
    the catalogue at display time, so a translation added later still shows)."""
    english = _in("en", text)
    return "" if english == _in("ko", text) else english


def blocks_build(round_obj, template: RoundTemplate, Block, SubItem, *, bilingual: bool = True) -> None:  # noqa: N803 - model classes
    """Create a template's blocks and sub-items on a round. `bilingual=False` writes only the fields a
    historical model had before English names existed (the stage-1 data migration)."""
    for order, spec in enumerate(template.blocks):
        english = {"name_en": _english(spec.name)} if bilingual else {}
        block = Block.objects.create(
            round=round_obj,
            key=spec.key,
            name=_in("ko", spec.name),
            kind=spec.kind,
            weight=spec.weight,
            order=order,
            **english,
        )
        for sub_order, sub in enumerate(spec.sub_items):
            english = (
                {
                    "name_en": _english(sub.name),
                    "description_en": _english(sub.description) if sub.description else "",
                }
                if bilingual
                else {}
            )
            SubItem.objects.create(
                block=block,
                key=sub.key,
                name=_in("ko", sub.name),
                points=sub.points,
                description=_in("ko", sub.description),
                order=sub_order,
                **english,
            )
