"""Fill a scratch PostgreSQL database with N Bradley-Terry votes (server-side SQL), then time the
leaderboard recompute exactly as the Celery task runs it. Run by bench_ratings with DATABASE_URL set."""

import sys
import time

import django

django.setup()

from django.db import connection  # noqa: E402

from arena.models import ModelEndpoint, Team  # noqa: E402
from arena.ratings import snapshots as leaderboard  # noqa: E402
from arena.ratings import tables  # noqa: E402

FILL = """
CREATE TEMP TABLE bench_models AS
  SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS idx, (random() * 2 - 1) * 1.5 AS strength
  FROM arena_modelendpoint;
CREATE TEMP TABLE bench_draws AS
  SELECT g AS n, floor(random() * %(m)s)::int AS ia, 1 + floor(random() * (%(m)s - 1))::int AS step,
         random() AS u_tie, random() AS u_win, random() AS u_lang, floor(random() * 3)::int + 1 AS turns,
         floor(random() * 1500)::int + 100 AS len_a, floor(random() * 1500)::int + 100 AS len_b
  FROM generate_series(1, %(n)s) AS g;
CREATE TEMP TABLE bench_battles AS
  SELECT gen_random_uuid() AS id, d.*, ma.id AS model_a, mb.id AS model_b,
         CASE WHEN d.u_tie < 0.1 THEN 'tie' WHEN d.u_tie < 0.13 THEN 'both_bad'
              WHEN d.u_win < 1 / (1 + exp(mb.strength - ma.strength)) THEN 'a' ELSE 'b' END AS choice
  FROM bench_draws d
  JOIN bench_models ma ON ma.idx = d.ia
  JOIN bench_models mb ON mb.idx = (d.ia + d.step) %% %(m)s;
INSERT INTO arena_battle (
    id, voter, model_a_id, model_b_id, model_a_version, model_b_version, pair_probability, status, failure,
    in_turn, turn_count, language, chars_a, chars_b, headers_a, headers_b, lists_a, lists_b, bold_a, bold_b,
    identity_leak, created_at, pair_weight)
  SELECT id, 'bench-' || (n %% 50000), model_a, model_b, 'v1', 'v1', 2.0 / (%(m)s * (%(m)s - 1)), 'voted',
         '', false, turns, CASE WHEN u_lang < 0.8 THEN 'ko' ELSE 'other' END, len_a, len_b, 0, 0, n %% 4, 0,
         0, 0, false, now(), 1.0
  FROM bench_battles;
INSERT INTO arena_vote (
    battle_id, choice, voter, seconds_after_last_token, inclusion, created_at, network, trust, weight)
  SELECT id, choice, 'bench-' || (n %% 50000), 8.0,
         CASE WHEN n %% 50 = 0 THEN 'too_fast' ELSE 'valid' END, now(), '', '', 1.0
  FROM bench_battles ORDER BY n;
ANALYZE arena_battle; ANALYZE arena_vote;
"""


def main(n: int, models: int = 50) -> None:
    for i in range(models):
        team = Team.objects.create(name=f"bench team {i}")
        ModelEndpoint.objects.create(
            team=team, name=f"bench-{i}", base_url="http://127.0.0.1:9/v1", model_id="m"
        )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, {"n": n, "m": models})
    print(
        f"database: {n:,} votes written server-side in {time.perf_counter() - start:.1f} s (setup, not timed)"
    )
    total = 0.0
    for view in tables.VIEWS:
        start = time.perf_counter()
        snapshot = leaderboard.snapshot_recompute([view])[0]
        elapsed = time.perf_counter() - start
        total += elapsed
        target = " (target <= 10 s)" if view == "overall" else ""
        counted = snapshot.votes_counted
        print(f"full recompute from PostgreSQL, {view:>16}: {elapsed:6.2f} s, {counted:>9,} votes{target}")
    print(f"full recompute from PostgreSQL, all views: {total:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]))
