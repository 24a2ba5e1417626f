"""Drift canaries and the health probe.

The health probe (every minute) sends each active version one short real chat completion: a server
that lists its models but fails its completions is unhealthy and leaves the sampler until it answers
again.

The canary run (every few hours) sends each active, attested version the secret canary prompts at
temperature 0 with a fixed seed (dropped for a server that refuses the parameter), keeps the answers,
and compares them with the version's baseline (its first good run, or the run staff accepted last)
by the measure in arena/endpoints/similarity.py. Below the threshold the version is suspended from
sampling and waits for staff, who see the diff and clear or confirm it (arena/endpoints/versions.py).
A prompt that fails or times out makes the run "unhealthy", never "drifted": the version leaves the
sampler as any unhealthy endpoint does, and nothing is compared.

Canary prompts and answers stay here: they are not battles, so no citizen sees them and no export
contains them. `canary_outcome_counts` is what the metrics read.
"""

from __future__ import annotations

import asyncio
import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from arena.endpoints import inference, services, similarity
from arena.models import CanaryAnswer, CanaryRun, ModelEndpoint

# The development set: public in the source, so production reads ARENA_CANARY_PROMPTS_FILE instead
# (portal/checks.py warns when it is unset). Short factual questions with short answers: greedy
# decoding diverges run to run mostly after the first hundred tokens, so short answers repeat.
DEVELOPMENT_PROMPTS = (
    "대한민국의 수도는 어디인가요? 한 문장으로 답해 주세요.",
    "물이 끓는 온도를 섭씨로 알려 주세요.",
    "주민등록등본은 어디에서 발급받을 수 있나요?",
    "세종대왕이 만든 문자의 이름은 무엇인가요?",
    "분리배출할 때 페트병은 어떻게 버리나요?",
    "List three primary colours in one line.",
)


def canary_prompts() -> tuple[str, ...]:
    path = settings.ARENA_CANARY_PROMPTS_FILE
    if not path:
        return DEVELOPMENT_PROMPTS
    text = Path(path).read_text(encoding="utf-8")
    return tuple(" ".join(block.split()) for block in text.split("\n\n") if block.strip())


def prompt_key(prompt: str) -> str:
    return hashlib.sha256(prompt.encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    text: str
    error: str  # "" or "<kind>: <detail>"
    timed_out: bool = False


def _seed_refused(error: inference.InferenceError) -> bool:
    return error.kind == "http_status" and error.status in (400, 422) and "seed" in error.message.lower()


async def _ask(
    config: inference.Endpoint, prompts: Sequence[str], timeouts: inference.Timeouts
) -> list[Answer]:
    params = {
        "temperature": 0,
        "seed": settings.ARENA_CANARY_SEED,
        "max_tokens": settings.ARENA_CANARY_MAX_TOKENS,
    }
    answers = []
    for prompt in prompts:
        messages = [{"role": "user", "content": prompt}]
        try:
            try:
                result = await inference.complete(config, messages, params=params, timeouts=timeouts)
            except inference.InferenceError as error:
                if not _seed_refused(error):
                    raise
                params = {k: v for k, v in params.items() if k != "seed"}  # a server without seeds
                result = await inference.complete(config, messages, params=params, timeouts=timeouts)
        except inference.InferenceError as error:
            answers.append(Answer("", f"{error.kind}: {error.message}", error.kind.startswith("timeout")))
            # One failure already makes the run unhealthy: do not spend the rest of the set.
            break
        answers.append(Answer(result.text, ""))
    return answers


async def _ask_all(configs: dict[int, inference.Endpoint], prompts, timeouts) -> dict[int, list[Answer]]:
    async def one(pk, config):
        return pk, await _ask(config, prompts, timeouts)

    try:
        return dict(await asyncio.gather(*(one(pk, c) for pk, c in configs.items())))
    finally:
        await inference.close_shared_client()


def canaries_run(endpoint_ids: Sequence[int] | None = None) -> list[CanaryRun]:
    """One canary run for every active, attested, unretired version not already awaiting review."""
    endpoints = (
        ModelEndpoint.objects.active_variants()
        .filter(attestation__isnull=False, suspended_at__isnull=True)
        .select_related("team")
    )
    if endpoint_ids is not None:
        endpoints = endpoints.filter(pk__in=endpoint_ids)
    endpoints = list(endpoints)
    prompts = canary_prompts()
    started = timezone.now()
    answers = async_to_sync(_ask_all)(
        {e.pk: services.endpoint_config(e) for e in endpoints}, prompts, services.timeouts()
    )
    return [
        canary_record(endpoint=e, prompts=prompts, answers=answers[e.pk], started_at=started)
        for e in endpoints
    ]


def canary_record(
    *, endpoint: ModelEndpoint, prompts: Sequence[str], answers: Sequence[Answer], started_at
) -> CanaryRun:
    """Store a run, compare it with the baseline, and act: mark unhealthy, set the baseline, or
    suspend the version when it drifted."""
    threshold = settings.ARENA_CANARY_MIN_SIMILARITY
    failed = next((a for a in answers if a.error), None)
    keys = [prompt_key(p) for p in prompts]
    with transaction.atomic():
        known = accepted_answers(endpoint)
        per_prompt = [
            similarity.best_similarity(known[key], answer.text) if key in known and not answer.error else None
            for key, answer in zip(keys, answers, strict=False)
        ]
        compared = [s for s in per_prompt if s is not None]
        if failed is not None:
            outcome, score = CanaryRun.Outcome.UNHEALTHY, None
        elif not compared:
            # No baseline yet (or the prompt set changed entirely): this run becomes the baseline.
            outcome, score = CanaryRun.Outcome.BASELINE, None
        else:
            score = statistics.median(compared)  # the measure of similarity.run_similarity
            outcome = CanaryRun.Outcome.SAME if score >= threshold else CanaryRun.Outcome.DRIFTED
        run = CanaryRun.objects.create(
            endpoint=endpoint,
            version=endpoint.model_id,
            outcome=outcome,
            similarity=score,
            threshold=threshold,
            error=(failed.error if failed else "")[:300],
            is_baseline=outcome == CanaryRun.Outcome.BASELINE,
            review=CanaryRun.Review.PENDING if outcome == CanaryRun.Outcome.DRIFTED else "",
            started_at=started_at,
            finished_at=timezone.now(),
        )
        CanaryAnswer.objects.bulk_create(
            CanaryAnswer(
                run=run, prompt_key=key, position=i, text=answer.text, error=answer.error[:300], similarity=s
            )
            for i, (key, answer, s) in enumerate(zip(keys, answers, per_prompt, strict=False))
        )
        if outcome == CanaryRun.Outcome.UNHEALTHY:
            services.endpoint_probe_record(endpoint_id=endpoint.pk, error=f"canary: {failed.error}")
        else:
            services.endpoint_probe_record(endpoint_id=endpoint.pk, error="")
        if outcome == CanaryRun.Outcome.DRIFTED:
            ModelEndpoint.objects.filter(pk=endpoint.pk).update(suspended_at=run.finished_at)
    return run


ACCEPTED_RUNS = 5


def accepted_answers(endpoint: ModelEndpoint) -> dict[str, list[str]]:
    """Per prompt, the answers this version gave in its baseline run and in the runs judged the same
    since (the newest few): a prompt matches when its answer is like any of them, so a divergence
    seen once, in the baseline itself or later, is not drift the next time it comes back."""
    baseline = CanaryRun.objects.filter(endpoint=endpoint, is_baseline=True).first()
    if baseline is None:
        return {}
    runs = [baseline.pk] + list(
        CanaryRun.objects.filter(
            endpoint=endpoint, outcome=CanaryRun.Outcome.SAME, started_at__gte=baseline.started_at
        )
        .exclude(pk=baseline.pk)
        .order_by("-started_at")
        .values_list("pk", flat=True)[: ACCEPTED_RUNS - 1]
    )
    known: dict[str, list[str]] = {}
    for key, text in CanaryAnswer.objects.filter(run_id__in=runs, error="").values_list("prompt_key", "text"):
        known.setdefault(key, []).append(text)
    return known


def canary_outcome_counts() -> dict[str, int]:
    """Runs per outcome since the start (what a metrics exporter counts)."""
    counts = dict(CanaryRun.objects.values_list("outcome").annotate(n=Count("id")).order_by())
    return {outcome: counts.get(outcome, 0) for outcome in CanaryRun.Outcome.values}


@dataclass(frozen=True)
class PromptDiff:
    position: int
    similarity: float | None
    parts: list[similarity.DiffPart]
    error: str


def canary_diff(run: CanaryRun) -> list[PromptDiff]:
    """Per prompt, the baseline against this run's answer, for staff (the prompts stay hidden)."""
    baseline = (
        CanaryRun.objects.filter(endpoint_id=run.endpoint_id, is_baseline=True).exclude(pk=run.pk).first()
    )
    base_text = {a.prompt_key: a.text for a in baseline.answers.all()} if baseline else {}
    return [
        PromptDiff(
            a.position, a.similarity, similarity.word_diff(base_text.get(a.prompt_key, ""), a.text), a.error
        )
        for a in run.answers.all()
    ]
