"""Built-in demo models: a small OpenAI-compatible server for local use and tests.

Not a team's model and not a language model: each "model" composes a Korean answer from templates and
the citizen's question, then streams it at its own pace. They exist so that a fresh clone has a working
arena, and every team and answer says plainly that it is a demo. The server speaks the same protocol as
vLLM or llama.cpp (`GET /v1/models`, `POST /v1/chat/completions` with or without `stream: true`), so the
portal registers it like any real endpoint.

Start it alone with `python manage.py serve_demo_models --port 8001`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from dataclasses import dataclass
from typing import Any

DEMO_NOTICE = "(이 답변은 시연용 데모 모델이 만든 예시입니다.)"


@dataclass(frozen=True)
class DemoModel:
    model_id: str
    team: str
    name: str
    description: str
    sentences: int  # answer length in sentences
    tokens_per_second: float
    style: str  # plain, list, headed
    reasoning: bool = False


DEMO_MODELS: tuple[DemoModel, ...] = (
    DemoModel("demo-garam", "데모팀 가람", "가람-데모", "짧고 빠르게 답하는 데모 모델", 3, 60, "plain"),
    DemoModel("demo-narae", "데모팀 나래", "나래-데모", "길게 설명하는 데모 모델", 9, 35, "plain"),
    DemoModel(
        "demo-daon",
        "데모팀 다온",
        "다온-데모",
        "생각 과정을 먼저 내보내는 느린 데모 모델",
        5,
        20,
        "plain",
        True,
    ),
    DemoModel("demo-raon", "데모팀 라온", "라온-데모", "목록으로 정리하는 데모 모델", 6, 45, "list"),
    DemoModel(
        "demo-maru", "데모팀 마루", "마루-데모", "제목을 달아 길게 쓰는 빠른 데모 모델", 12, 80, "headed"
    ),
    # A second version of one demo team, so the demo shows a team's variants and a provisional score.
    DemoModel(
        "demo-garam-2",
        "데모팀 가람",
        "가람-데모 2",
        "가람의 새 버전: 조금 더 길게 답하는 데모 모델",
        4,
        60,
        "plain",
    ),
)
BY_ID = {model.model_id: model for model in DEMO_MODELS}

_OPENINGS = [
    "말씀하신 '{topic}'에 대해 정리해 보겠습니다.",
    "좋은 질문입니다. '{topic}'에 관해 핵심부터 말씀드리겠습니다.",
    "'{topic}'에 대해 알려진 내용을 바탕으로 설명드리겠습니다.",
]
_BODY = [
    "먼저 목적과 범위를 분명히 하는 것이 중요합니다.",
    "관련 기관의 공식 안내를 함께 확인하시면 더 정확합니다.",
    "상황에 따라 필요한 서류와 절차가 달라질 수 있습니다.",
    "비용과 기간은 지역과 시기에 따라 차이가 있습니다.",
    "처음이라면 가까운 주민센터나 상담 창구에 문의해 보시는 것을 권합니다.",
    "온라인으로 신청하면 방문하지 않고도 처리할 수 있는 경우가 많습니다.",
    "장점과 단점을 함께 비교해 보시면 판단에 도움이 됩니다.",
    "최근 제도가 바뀐 부분이 있으니 날짜를 꼭 확인하세요.",
    "개인 정보는 꼭 필요한 경우에만 제공하는 것이 안전합니다.",
    "비슷한 사례를 찾아보면 실제로 어떻게 진행되는지 감을 잡을 수 있습니다.",
    "단계별로 나누어 하나씩 처리하면 부담이 줄어듭니다.",
    "궁금한 점이 남아 있다면 질문을 조금 더 구체적으로 알려 주세요.",
]
_REASONING = "질문의 핵심을 파악하고, 필요한 정보를 순서대로 정리한 뒤 답변을 구성하겠습니다. "


def _topic(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            text = " ".join(message["content"].split())
            return text[:30] + ("…" if len(text) > 30 else "")
    return "질문"


def compose_answer(
    model: DemoModel, messages: list[dict[str, Any]], fork: tuple[int, int] | None = None
) -> str:
    """A deterministic answer for (model, conversation): the same question gets the same answer.

    `fork` = (sentence index, branch): from that body sentence on, the answer takes another branch, as
    greedy decoding on a GPU server does now and then when batch sizes change the arithmetic."""
    topic = _topic(messages)
    seed = hashlib.sha256(f"{model.model_id}|{topic}|{len(messages)}".encode()).digest()
    rng = random.Random(seed)
    opening = rng.choice(_OPENINGS).format(topic=topic)
    body = [rng.choice(_BODY) for _ in range(model.sentences)]
    if fork is not None:
        at, branch = fork
        branch_rng = random.Random(seed + f"|fork{branch}".encode())
        body = body[:at] + [branch_rng.choice(_BODY) for _ in range(model.sentences - at)]
    if model.style == "list":
        text = opening + "\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(body, 1))
    elif model.style == "headed":
        half = max(1, len(body) // 2)
        text = (
            f"## 요약\n{opening}\n\n## 자세한 설명\n"
            + " ".join(body[:half])
            + "\n\n## 덧붙여\n**참고:** "
            + " ".join(body[half:])
        )
    else:
        text = opening + " " + " ".join(body)
    return f"{text}\n\n{DEMO_NOTICE}"


def tokenize(text: str, rng: random.Random) -> list[str]:
    """Split into 1-3 character pieces, roughly how Korean tokenizers cut syllables."""
    pieces, i = [], 0
    while i < len(text):
        step = rng.randint(1, 3)
        pieces.append(text[i : i + step])
        i += step
    return pieces


def _chunk(model_id: str, created: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": f"chatcmpl-demo-{created}",
        "object": "chat.completion.chunk",
        "created": created,
        "model": model_id,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()


class DemoModelServer:
    """The ASGI app. `speed` multiplies every model's pace (tests use a large value).

    `nondeterminism`: the chance that a temperature-0 request diverges part-way from the model's usual
    answer (a random body sentence on, another branch), as real servers do run to run (Thinking
    Machines, "Defeating Nondeterminism in LLM Inference", 2025: 80 distinct completions in 1,000 greedy
    runs of one prompt, the first divergence at token 103). The drift canaries' threshold is measured
    against this variation. `served` maps a served model id to the demo model that answers it, so a
    test can swap the model behind an endpoint."""

    def __init__(self, speed: float = 1.0, nondeterminism: float = 0.0) -> None:
        self.speed = speed
        self.nondeterminism = nondeterminism
        self.served: dict[str, str] = {}
        self._chance = random.Random()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path, method = scope["path"].rstrip("/"), scope["method"]
        if path == "/v1/models" and method == "GET":
            await self._json(
                send,
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": m.model_id,
                            "object": "model",
                            "owned_by": m.team,
                            "description": m.description,
                        }
                        for m in DEMO_MODELS
                    ],
                },
            )
        elif path == "/v1/chat/completions" and method == "POST":
            await self._chat(receive, send)
        else:
            await self._json(send, 404, {"error": {"message": "not found", "type": "not_found"}})

    async def _json(self, send, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _chat(self, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            request = json.loads(body)
            model = BY_ID[self.served.get(request["model"], request["model"])]
            messages = request["messages"]
        except (ValueError, KeyError, TypeError):
            await self._json(
                send,
                400,
                {"error": {"message": "unknown model or malformed request", "type": "invalid_request_error"}},
            )
            return
        fork = None
        if request.get("temperature") == 0 and self._chance.random() < self.nondeterminism:
            fork = (self._chance.randrange(model.sentences), self._chance.randrange(1_000_000))
        answer = compose_answer(model, messages, fork)
        max_tokens = request.get("max_tokens") or request.get("max_completion_tokens")
        rng = random.Random(answer)
        pieces = tokenize(answer, rng)
        finish = "stop"
        if isinstance(max_tokens, int) and 0 < max_tokens < len(pieces):
            pieces, finish = pieces[:max_tokens], "length"
        created = int(time.time())
        if not request.get("stream"):
            await self._json(
                send,
                200,
                {
                    "id": f"chatcmpl-demo-{created}",
                    "object": "chat.completion",
                    "created": created,
                    "model": model.model_id,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": "".join(pieces)},
                            "finish_reason": finish,
                        }
                    ],
                    "usage": {
                        "prompt_tokens": 0,
                        "completion_tokens": len(pieces),
                        "total_tokens": len(pieces),
                    },
                },
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        gone = asyncio.Event()
        watcher = asyncio.create_task(self._watch_disconnect(receive, gone))
        try:
            await self._stream(send, gone, model, pieces, finish, rng, created)
        finally:
            watcher.cancel()

    async def _stream(self, send, gone, model, pieces, finish, rng, created) -> None:
        delay = 1.0 / (model.tokens_per_second * self.speed)
        chunks = [_chunk(model.model_id, created, {"role": "assistant", "content": ""})]
        if model.reasoning:
            chunks += [
                _chunk(model.model_id, created, {"reasoning_content": p}) for p in tokenize(_REASONING, rng)
            ]
        chunks += [_chunk(model.model_id, created, {"content": p}) for p in pieces]
        chunks.append(_chunk(model.model_id, created, {}, finish))
        for i, chunk in enumerate(chunks):
            if i:
                await asyncio.sleep(delay)
            if gone.is_set():
                return  # the client left: stop generating, as a real server frees the slot
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        usage = {"prompt_tokens": 0, "completion_tokens": len(pieces), "total_tokens": len(pieces)}
        tail = json.dumps({"id": "u", "object": "chat.completion.chunk", "choices": [], "usage": usage})
        await send(
            {
                "type": "http.response.body",
                "body": f"data: {tail}\n\ndata: [DONE]\n\n".encode(),
                "more_body": False,
            }
        )

    @staticmethod
    async def _watch_disconnect(receive, gone: asyncio.Event) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()
