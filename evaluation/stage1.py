"""The stage-1 scorecard as the ministry used it (2026-01-15; research notes domain-facts.md 2.3 and
6(c)): benchmark 40 (NIA 10, global common 20 against each team's declared target, team-chosen 10),
expert 35, user 25, and the originality gate (pass/fail) outside the points."""

BLOCKS = [
    {
        "key": "benchmark",
        "name": "벤치마크 평가",
        "kind": "benchmark",
        "weight": 40.0,
        "sub_items": [
            ("nia", "NIA 벤치마크", 10.0, "수학·지식·장문 이해·신뢰성/안전성 (AI안전연구소와 구축)"),
            ("common", "글로벌 공통 벤치마크", 20.0, "13개 공통 벤치마크, 팀이 밝힌 목표 모델 대비 달성도"),
            ("individual", "글로벌 개별 벤치마크", 10.0, "팀별로 고른 2개 벤치마크"),
        ],
    },
    {"key": "expert", "name": "전문가 평가", "kind": "expert", "weight": 35.0, "sub_items": []},
    {"key": "user", "name": "사용자 평가", "kind": "user", "weight": 25.0, "sub_items": []},
]

ROUND = {"slug": "stage-1", "name": "1차 단계평가", "stage": 1, "advance_count": 4}


def build(round_obj, Block, SubItem) -> None:  # noqa: N803 - model classes, from a migration or the app
    """Create the stage-1 blocks on a round (works with historical models inside a migration)."""
    for order, spec in enumerate(BLOCKS):
        block = Block.objects.create(
            round=round_obj,
            key=spec["key"],
            name=spec["name"],
            kind=spec["kind"],
            weight=spec["weight"],
            order=order,
        )
        for sub_order, (key, name, points, description) in enumerate(spec["sub_items"]):
            SubItem.objects.create(
                block=block, key=key, name=name, points=points, description=description, order=sub_order
            )
