"""Fill a scratch PostgreSQL database with N battles over eight weeks among ten teams (two versions
each), then time the exposure figures against a row-by-row count. Run by bench_canaries."""

import datetime as dt
import sys
import time
from collections import defaultdict

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from arena.battles.exposure import _week_start, exposure_windows  # noqa: E402
from arena.models import Battle, ModelEndpoint, Team  # noqa: E402

FILL = """
CREATE TEMP TABLE bench_versions AS
  SELECT id, team_id, (row_number() OVER (ORDER BY id)) - 1 AS idx FROM arena_modelendpoint;
INSERT INTO arena_battle (
    id, voter, model_a_id, model_b_id, model_a_version, model_b_version, pair_probability, status, failure,
    in_turn, turn_count, language, chars_a, chars_b, headers_a, headers_b, lists_a, lists_b, bold_a, bold_b,
    identity_leak, created_at, pair_weight)
  SELECT gen_random_uuid(), 'bench', va.id, vb.id, 'v1', 'v1', 0.01, 'voted', '', false, 1, 'ko',
         0, 0, 0, 0, 0, 0, 0, 0, false, now() - (random() * interval '56 days'), 1.0
  FROM (SELECT g, floor(random() * %(m)s)::int AS ia, 1 + floor(random() * (%(m)s - 1))::int AS step
        FROM generate_series(1, %(n)s) AS g) d
  JOIN bench_versions va ON va.idx = d.ia
  JOIN bench_versions vb ON vb.idx = (d.ia + d.step) %% %(m)s
  WHERE va.team_id <> vb.team_id;
ANALYZE arena_battle;
"""


def timed(fn, repeat=3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def row_by_row(weeks: int):
    """The peer: every battle read into Python and counted there."""
    since = _week_start(timezone.now()) - dt.timedelta(days=7 * (weeks - 1))
    counts = defaultdict(lambda: defaultdict(int))
    totals = defaultdict(int)
    rows = Battle.objects.filter(created_at__gte=since).values_list(
        "created_at", "model_a__team_id", "model_b__team_id"
    )
    for created, team_a, team_b in rows.iterator(chunk_size=20_000):
        week = _week_start(created)
        totals[week] += 1
        counts[week][team_a] += 1
        counts[week][team_b] += 1
    return totals, counts


def main(n: int) -> None:
    for t in range(10):
        team = Team.objects.create(name=f"bench team {t}")
        for v in range(2):
            ModelEndpoint.objects.create(
                team=team, name=f"v{v}", base_url="http://127.0.0.1:9/v1", model_id="m"
            )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, {"n": round(n * 19 / 18), "m": 20})  # 1 in 19 draws is a same-team pair, dropped
    total = Battle.objects.count()
    print(
        f"3. exposure: {total:,} battles over 8 weeks, 10 teams x 2 versions (filled in "
        f"{time.perf_counter() - start:.1f} s, not timed)"
    )
    ours, windows = timed(lambda: exposure_windows(weeks=8))
    peer, (totals, counts) = timed(lambda: row_by_row(8), repeat=1)
    agree = all(
        totals[w.start] == w.battles and all(counts[w.start][t.team_id] == t.battles for t in w.teams)
        for w in windows
    )
    print(f"   exposure_windows (grouped query): {ours:7.3f} s")
    print(f"   peer, row by row in Python:       {peer:7.3f} s   ratio {peer / ours:5.1f}x ours")
    print(
        f"   same figures: {agree}; current window: {windows[0].battles:,} battles, "
        f"largest gap {max(abs(t.gap_pp) for t in windows[0].teams):.2f} pp"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
