"""Drift canaries and equal exposure: what they cost, and where the drift threshold comes from.

1. Threshold: the demo models answer the canary prompts again and again at temperature 0 while
   diverging part-way now and then, as GPU servers do (DemoModelServer(nondeterminism=0.1)); each run
   is scored as the canary task scores it (arena/endpoints/similarity.py: per prompt the best match
   among the version's accepted answers, the median over prompts): the run-to-run variation. Against
   it: each demo model's answers scored against every other's (a swapped model).
   ARENA_CANARY_MIN_SIMILARITY must sit between the lowest same-model run and the highest swapped one.
2. Canary cost per endpoint: one canary run (all prompts, temperature 0, max ARENA_CANARY_MAX_TOKENS)
   through the task's own code, with 1 and 20 endpoints at once, against the named peer measured in the
   same run: one battle answer of the same model (temperature 0.7, ARENA_MAX_OUTPUT_TOKENS). Wall times
   scale with the demo server's pace (20x real here); the ratio and the tokens do not.
3. Exposure over a million battles: `exposure_windows` (one grouped query) on PostgreSQL against the
   named peer, the same figures counted row by row in Python, in a scratch database h15_bench.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_CANARY_RUNS", "60"))
N_BATTLES = int(os.environ.get("BENCH_EXPOSURE_BATTLES", "1000000"))


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def _ask(url: str, model_id: str, prompts):
    from asgiref.sync import async_to_sync

    from arena.endpoints import canary, inference, services

    config = inference.Endpoint(base_url=url + "/v1", model_id=model_id)

    async def go():
        try:
            return await canary._ask(config, prompts, services.timeouts())
        finally:
            await inference.close_shared_client()

    return async_to_sync(go)()


def _history(ask, prompts, runs: int, cut: float, accepted_runs: int):
    """What the canary task does run after run for one version: the first run is the baseline; each later
    run is compared prompt by prompt with the best of the accepted answers (baseline and the newest runs
    judged the same) and scored by the median. Returns the scores and the accepted answers at the end."""
    from arena.endpoints.similarity import best_similarity

    accepted = [ask()]
    scores = []
    for _ in range(runs):
        answers = ask()
        known = accepted[:1] + accepted[1:][-(accepted_runs - 1) :]
        score = statistics.median(
            best_similarity([run[i] for run in known], answers[i]) for i in range(len(prompts))
        )
        scores.append(score)
        if score >= cut:
            accepted.append(answers)
    return scores, accepted[:1] + accepted[1:][-(accepted_runs - 1) :]


def threshold() -> None:
    from django.conf import settings

    from arena.endpoints.canary import ACCEPTED_RUNS, DEVELOPMENT_PROMPTS
    from arena.endpoints.demo_models import DEMO_MODELS, DemoModelServer
    from arena.endpoints.similarity import best_similarity
    from tests.servers import ServerThread

    prompts = DEVELOPMENT_PROMPTS
    cut = settings.ARENA_CANARY_MIN_SIMILARITY
    same: list[float] = []
    swapped: list[float] = []
    with ServerThread(DemoModelServer(speed=1000, nondeterminism=0.1)) as server:

        def asker(model_id):
            return lambda: [a.text for a in _ask(server.url, model_id, prompts)]

        known = {}
        for model in DEMO_MODELS:
            scores, known[model.model_id] = _history(asker(model.model_id), prompts, RUNS, cut, ACCEPTED_RUNS)
            same += scores
        for original in DEMO_MODELS:
            for other in DEMO_MODELS:
                if other is original:
                    continue
                answers = asker(other.model_id)()
                swapped.append(
                    statistics.median(
                        best_similarity([run[i] for run in known[original.model_id]], answers[i])
                        for i in range(len(prompts))
                    )
                )
    same.sort()
    print(
        f"1. threshold: {len(DEMO_MODELS)} demo models x {RUNS} runs x {len(prompts)} prompts, "
        "nondeterminism 0.1 (a tenth of temperature-0 answers diverge part-way)"
    )
    print(
        f"   same model, run to run: min {same[0]:.3f}  p1 {same[len(same) // 100]:.3f}  "
        f"median {statistics.median(same):.3f}  runs below 1.0 {sum(s < 1 for s in same) / len(same):.0%}"
    )
    print(f"   swapped model:          max {max(swapped):.3f}  median {statistics.median(swapped):.3f}")
    print(
        f"   ARENA_CANARY_MIN_SIMILARITY = {cut}: false drift {sum(s < cut for s in same)}/{len(same)} runs, "
        f"missed swaps {sum(s >= cut for s in swapped)}/{len(swapped)}; margins {same[0] - cut:+.3f} / "
        f"{cut - max(swapped):+.3f}"
    )


def cost() -> None:
    from asgiref.sync import async_to_sync
    from django.conf import settings

    from arena.endpoints import canary, inference, services
    from arena.endpoints.demo_models import DemoModelServer
    from arena.endpoints.similarity import run_similarity
    from tests.servers import ServerThread

    prompts = canary.DEVELOPMENT_PROMPTS
    speed = 20
    with ServerThread(DemoModelServer(speed=speed)) as server:
        config = inference.Endpoint(base_url=server.url + "/v1", model_id="demo-narae")

        async def canary_runs(n: int):
            try:
                start = time.perf_counter()
                import asyncio

                results = await asyncio.gather(
                    *(canary._ask(config, prompts, services.timeouts()) for _ in range(n))
                )
                return time.perf_counter() - start, results
            finally:
                await inference.close_shared_client()

        async def battle_answer():
            try:
                start = time.perf_counter()
                result = await inference.complete(
                    config,
                    [{"role": "user", "content": "전입신고는 어떻게 하나요? 자세히 알려 주세요."}],
                    params={"max_tokens": settings.ARENA_MAX_OUTPUT_TOKENS, "temperature": 0.7},
                    timeouts=services.timeouts(),
                )
                return time.perf_counter() - start, result
            finally:
                await inference.close_shared_client()

        one, (answers,) = async_to_sync(canary_runs)(1)
        twenty, _ = async_to_sync(canary_runs)(20)
        peer, battle = async_to_sync(battle_answer)()
    start = time.perf_counter()
    for _ in range(100):
        run_similarity([(a.text, a.text[::-1]) for a in answers])
    compare_ms = (time.perf_counter() - start) / 100 * 1000
    chars = sum(len(a.text) for a in answers)
    print(f"2. canary cost per endpoint (demo server at {speed}x real pace; {len(prompts)} prompts)")
    print(f"   one endpoint:            {one:7.3f} s wall, {chars} answer characters")
    print(f"   20 endpoints at once:    {twenty:7.3f} s wall, {twenty / 20 * 1000:7.1f} ms per endpoint")
    print(f"   peer, one battle answer: {peer:7.3f} s wall, {len(battle.text)} characters")
    print(
        f"   ratio canary run / battle answer: {one / peer:5.2f}x wall, {chars / len(battle.text):5.2f}x text"
    )
    print(f"   comparison with the baseline (portal CPU): {compare_ms:.2f} ms per endpoint")


def exposure() -> None:
    url = os.environ.get("BENCH_EXPOSURE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h15_bench")
    try:
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - report and skip, the bench is not a test
        print(f"3. exposure: skipped, PostgreSQL not reachable ({type(error).__name__})")
        return
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "1",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.exposure_db", str(N_BATTLES)], cwd=ROOT, env=env, check=True
    )


def main() -> None:
    _setup()
    threshold()
    cost()
    exposure()


if __name__ == "__main__":
    main()
