"""The portal's own Prometheus metrics, and the one-line functions the code calls to move them.

Every process writes its own values; `/metrics` (portal/metrics_view.py) and the Celery worker's
exporter (portal/celery.py) read them. Under gunicorn each worker is a process of its own, so with
PROMETHEUS_MULTIPROC_DIR set (the gunicorn configuration, the image and the compose file set it)
prometheus_client keeps the values in files there and `/metrics` adds up every worker of the node;
without it (`make run`, the tests) one process holds them in memory.

What is counted (names start with `kai_`; HTTP request metrics come from django-prometheus):

- battle turns streaming now (`kai_battle_turns_in_flight`), turns by outcome, tokens relayed;
- endpoint errors by kind (`InferenceError.kind`: timeout_first_token, http_status, ...);
- votes stored by inclusion at the time of the vote, votes excluded later by reason;
- how long a leaderboard refresh took and how many votes each view counted;
- canary drift per model (`canary_drift_record`, called by the drift canaries).

Labels never carry a voter, a prompt, an address or a key: only fixed vocabularies and endpoint ids.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from prometheus_client import Counter, Gauge, Histogram

TURNS_IN_FLIGHT = Gauge(
    "kai_battle_turns_in_flight",
    "Battle turns streaming now (both sides of a turn count once)",
    multiprocess_mode="livesum",
)
TURNS = Counter("kai_battle_turns_total", "Battle turns ended, by outcome", ["outcome"])
TOKENS_RELAYED = Counter("kai_tokens_relayed_total", "Answer pieces relayed to citizens, both sides")
ENDPOINT_ERRORS = Counter("kai_endpoint_errors_total", "Failed sides of battle turns, by kind", ["kind"])
VOTES_STORED = Counter("kai_votes_stored_total", "Votes stored, by inclusion when cast", ["inclusion"])
VOTES_EXCLUDED = Counter(
    "kai_votes_excluded_total", "Votes taken out of the ranking after they were cast, by reason", ["reason"]
)
REFRESH_SECONDS = Histogram(
    "kai_leaderboard_refresh_seconds",
    "Time to refit and store every leaderboard view",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
VOTES_COUNTED = Gauge(
    "kai_leaderboard_votes_counted",
    "Valid votes in the newest snapshot of each view",
    ["view"],
    multiprocess_mode="mostrecent",
)
CANARY_DRIFT = Counter(
    "kai_canary_drift_total",
    "Canary runs that drifted from the model's baseline (the version suspended)",
    ["model"],
)
DRAINING = Gauge(
    "kai_draining", "1 while this process finishes its battles before it stops", multiprocess_mode="livemax"
)

# Ends of a side that are the portal's or the citizen's doing, not the endpoint's.
NOT_ENDPOINT_ERRORS = {"cancelled"}


def turn_observed(sides: Iterable[Any], *, cancelled: bool) -> None:
    """A turn was recorded: count what both sides relayed and how each failed, if it did."""
    failed = False
    for side in sides:
        TOKENS_RELAYED.inc(side.pieces)
        kind = side.error.kind if side.error is not None else None
        if kind and kind not in NOT_ENDPOINT_ERRORS:
            ENDPOINT_ERRORS.labels(kind=kind).inc()
            failed = True
    TURNS.labels(outcome="cancelled" if cancelled else "failed" if failed else "completed").inc()


def vote_stored(inclusion: str) -> None:
    """Count a vote once its transaction commits (a rolled-back vote was never stored)."""
    transaction.on_commit(lambda: VOTES_STORED.labels(inclusion=inclusion).inc())


def votes_excluded(reason: str, count: int) -> None:
    if count:
        transaction.on_commit(lambda: VOTES_EXCLUDED.labels(reason=reason).inc(count))


@contextmanager
def refresh_timed() -> Iterator[None]:
    started = time.perf_counter()
    yield
    REFRESH_SECONDS.observe(time.perf_counter() - started)


def snapshots_observed(snapshots: Iterable[Any]) -> None:
    for snapshot in snapshots:
        VOTES_COUNTED.labels(view=snapshot.view).set(snapshot.votes_counted)


def canary_drift_record(model: str | int) -> None:
    """A canary run drifted from its model's baseline and suspended it (`model`: the endpoint id)."""
    CANARY_DRIFT.labels(model=str(model)).inc()
