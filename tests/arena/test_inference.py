"""arena/endpoints/inference.py against a real local HTTP server that misbehaves like real model servers."""

import asyncio
import json
import time

import pytest

from arena.endpoints.inference import (
    Delta,
    Endpoint,
    Finish,
    InferenceError,
    SSEDecoder,
    Timeouts,
    stream_chat,
)
from tests.arena.misbehaving_server import CLOSE, MisbehavingServer, chunk, head, split_every, sse

ANSWER = "안녕하세요, 반갑습니다. 한글이 잘 보이나요?"
FAST = Timeouts(connect=2, first_token=0.6, idle=0.4, total=5)


def good_stream(*, line_end: str = "\n") -> bytes:
    events = [
        sse(chunk("", role="assistant")),
        b": keep-alive\n\n",
        *[sse(chunk(piece)) for piece in (ANSWER[:5], ANSWER[5:14], ANSWER[14:])],
        b": ping\n\n",
        sse(chunk(finish="stop")),
        sse(
            {"id": "c1", "object": "chat.completion.chunk", "choices": [], "usage": {"completion_tokens": 3}}
        ),
        sse("[DONE]"),
    ]
    return b"".join(events).replace(b"\n", line_end.encode())


SCENARIOS = {
    # Every byte its own read: lines, JSON and Hangul syllables (3 bytes) all split.
    "bytewise": lambda n: [head(), *split_every(good_stream(), 1)],
    "crlf_split": lambda n: [head(), *split_every(good_stream(line_end="\r\n"), 7)],
    "bom_cr": lambda n: [head(), b"\xef\xbb\xbf", *split_every(good_stream(line_end="\r"), 5)],
    "multiline_data": lambda n: [
        head(),
        'data: {"choices": [{"index": 0,\ndata: "delta": {"content": "여러 줄"},\n'.encode(),
        b'data: "finish_reason": "stop"}]}\n\n',
        sse("[DONE]"),
    ],
    "reasoning": lambda n: [
        head(),
        sse(chunk(reasoning="먼저 생각하고")),
        sse(chunk(reasoning=" 정리합니다", reasoning_key="reasoning")),
        sse(chunk("답입니다", finish="stop")),
        sse("[DONE]"),
    ],
    "choices_null_usage": lambda n: [
        head(),
        sse(chunk("네", finish="stop")),
        sse({"object": "chat.completion.chunk", "choices": None, "usage": {"completion_tokens": 1}}),
        sse("[DONE]"),
    ],
    "vllm_error": lambda n: [
        head(),
        sse(chunk("부분")),
        sse({"error": {"message": "CUDA out of memory", "type": "InternalServerError", "code": 500}}),
        sse("[DONE]"),
    ],
    "tgi_error": lambda n: [
        head(),
        sse({"error": "Request failed during generation: Server error", "error_type": "generation"}),
    ],
    "fastchat_error": lambda n: [
        head(),
        sse({"text": "NETWORK ERROR DUE TO HIGH TRAFFIC", "error_code": 50001}),
    ],
    "event_error": lambda n: [head(), b'event: error\ndata: {"message": "overloaded"}\n\n'],
    "rate_limit_then_ok": lambda n: (
        [
            head(429, "application/json", "retry-after: 0.2\r\n"),
            json.dumps({"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}}).encode(),
        ]
        if n == 1
        else [head(), good_stream()]
    ),
    "quota": lambda n: [
        head(429, "application/json"),
        json.dumps(
            {"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}
        ).encode(),
    ],
    "unavailable": lambda n: [
        head(503, "application/json", "retry-after: 0\r\n"),
        b'{"error": "overloaded"}',
    ],
    "unauthorized": lambda n: [head(401, "application/json"), b'{"object": "error", "message": "bad key"}'],
    "redirect": lambda n: [head(302, "text/plain", "location: http://127.0.0.1:9/\r\n")],
    "non_stream": lambda n: [
        head(200, "application/json"),
        json.dumps(
            {
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}
                ],
                "usage": {"completion_tokens": 9},
            },
            ensure_ascii=False,
        ).encode(),
    ],
    "stall_first": lambda n: [head(), sse(chunk("", role="assistant")), 5.0],
    "keepalive_only": lambda n: [head(), *([b": ping\n\n", 0.1] * 30)],
    "stall_mid": lambda n: [head(), sse(chunk("시작")), 5.0],
    "slow_forever": lambda n: [head(), *([sse(chunk("가")), 0.05] * 400)],
    "truncated_after_token": lambda n: [head(), sse(chunk("중간까지")), CLOSE],
    # Headers, then nothing: a server that accepted the request and stalled.
    "stall_silent": lambda n: [head(), 5.0],
    "unavailable_then_stall": lambda n: (
        [head(503, "application/json", "retry-after: 0\r\n"), b'{"error": "warming up"}']
        if n == 1
        else [head(), 5.0]
    ),
    # An error page that echoes the credential it refused, other key-like strings and a lot of noise.
    "leaky_401": lambda n: [
        head(401, "application/json"),
        json.dumps(
            {
                "error": {
                    "message": "Invalid key k3y-9 (Authorization: Bearer k3y-9) for project "
                    "sk-proj-AbCdEfGhIjKlMnOp; admin token=hunter2-admin; see "
                    "https://ops:pa55w0rd@internal.example.kr/keys; session "
                    "0123456789abcdef0123456789abcdef4a " + "x" * 5000,
                }
            }
        ).encode(),
    ],
    "truncated_before_token": lambda n: (
        [head(), sse(chunk("", role="assistant")), CLOSE] if n == 1 else [head(), good_stream()]
    ),
}


@pytest.fixture(scope="module")
def server():
    srv = MisbehavingServer(SCENARIOS).start()
    yield srv
    srv.stop()


async def collect(server, scenario, *, timeouts=FAST, max_attempts=3, key=None):
    endpoint = Endpoint(base_url=server.base_url(scenario), model_id="team-model", api_key=key)
    items = []
    async for item in stream_chat(
        endpoint, [{"role": "user", "content": "질문"}], timeouts=timeouts, max_attempts=max_attempts
    ):
        items.append(item)
    return items


def text_of(items) -> str:
    return "".join(i.content for i in items if isinstance(i, Delta))


@pytest.mark.parametrize("scenario", ["bytewise", "crlf_split", "bom_cr"])
async def test_split_reads_keepalives_and_usage_chunk(server, scenario):
    items = await collect(server, scenario)
    assert text_of(items) == ANSWER
    assert items[-1] == Finish("stop", {"completion_tokens": 3})
    assert sum(isinstance(i, Finish) for i in items) == 1


async def test_multiline_data_is_joined(server):
    assert text_of(await collect(server, "multiline_data")) == "여러 줄"


async def test_reasoning_is_kept_apart_from_the_answer(server):
    items = await collect(server, "reasoning")
    assert text_of(items) == "답입니다"
    assert "".join(i.reasoning for i in items if isinstance(i, Delta)) == "먼저 생각하고 정리합니다"


async def test_null_choices_usage_chunk(server):
    items = await collect(server, "choices_null_usage")
    assert text_of(items) == "네"
    assert items[-1].usage == {"completion_tokens": 1}


async def test_request_carries_model_stream_flag_and_key_only_in_header(server):
    await collect(server, "bytewise", key="sk-secret-123")
    sent = [r for r in server.requests if r.path.startswith("/s/bytewise/")][-1]
    assert sent.path == "/s/bytewise/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-secret-123"
    assert sent.body["model"] == "team-model" and sent.body["stream"] is True
    assert "sk-secret" not in json.dumps(sent.body)


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ("vllm_error", "CUDA out of memory"),
        ("tgi_error", "Request failed during generation"),
        ("fastchat_error", "NETWORK ERROR"),
        ("event_error", "overloaded"),
    ],
)
async def test_mid_stream_error_shapes(server, scenario, message):
    with pytest.raises(InferenceError) as caught:
        await collect(server, scenario, max_attempts=1)
    assert caught.value.kind == "upstream_error"
    assert message in caught.value.message


async def test_error_after_first_token_is_never_retried(server):
    before = server.attempts["vllm_error"]
    with pytest.raises(InferenceError):
        await collect(server, "vllm_error", max_attempts=3)
    assert server.attempts["vllm_error"] == before + 1


async def test_429_with_retry_after_is_retried_then_succeeds(server):
    started = time.monotonic()
    items = await collect(server, "rate_limit_then_ok")
    assert text_of(items) == ANSWER
    assert server.attempts["rate_limit_then_ok"] == 2
    assert time.monotonic() - started >= 0.2  # Retry-After was honoured


async def test_exhausted_quota_is_not_retried(server):
    with pytest.raises(InferenceError) as caught:
        await collect(server, "quota")
    assert caught.value.kind == "rate_limited" and caught.value.retryable is False
    assert server.attempts["quota"] == 1


async def test_5xx_is_retried_a_bounded_number_of_times(server):
    with pytest.raises(InferenceError) as caught:
        await collect(server, "unavailable", max_attempts=3)
    assert caught.value.status == 503 and caught.value.retryable is True
    assert server.attempts["unavailable"] == 3


@pytest.mark.parametrize(("scenario", "kind"), [("unauthorized", "http_status"), ("redirect", "redirect")])
async def test_permanent_failures(server, scenario, kind):
    with pytest.raises(InferenceError) as caught:
        await collect(server, scenario)
    assert caught.value.kind == kind and caught.value.retryable is False
    assert server.attempts[scenario] == 1


async def test_endpoint_that_does_not_stream(server):
    items = await collect(server, "non_stream")
    assert text_of(items) == ANSWER
    assert items[-1] == Finish("stop", {"completion_tokens": 9})


@pytest.mark.parametrize("scenario", ["stall_first", "keepalive_only"])
async def test_first_token_timeout_ignores_keepalives(server, scenario):
    started = time.monotonic()
    with pytest.raises(InferenceError) as caught:
        await collect(server, scenario, max_attempts=1)
    assert caught.value.kind == "timeout_first_token"
    assert 0.5 < time.monotonic() - started < 2.0


async def test_idle_timeout_after_tokens_flow(server):
    with pytest.raises(InferenceError) as caught:
        await collect(server, "stall_mid")
    assert caught.value.kind == "timeout_idle"
    assert server.attempts["stall_mid"] == 1


async def test_total_timeout(server):
    started = time.monotonic()
    with pytest.raises(InferenceError) as caught:
        await collect(server, "slow_forever", timeouts=Timeouts(connect=2, first_token=1, idle=1, total=0.7))
    assert caught.value.kind == "timeout_total"
    assert time.monotonic() - started < 1.5


async def test_truncation_after_a_token_is_final(server):
    with pytest.raises(InferenceError) as caught:
        await collect(server, "truncated_after_token")
    assert caught.value.kind == "truncated"
    assert server.attempts["truncated_after_token"] == 1


async def test_truncation_before_a_token_is_retried(server):
    assert text_of(await collect(server, "truncated_before_token")) == ANSWER
    assert server.attempts["truncated_before_token"] == 2


async def test_connection_refused_is_retryable():
    endpoint = Endpoint(base_url="http://127.0.0.1:9/v1", model_id="m")
    with pytest.raises(InferenceError) as caught:
        async for _ in stream_chat(endpoint, [], timeouts=FAST, max_attempts=1):
            pass
    assert caught.value.kind == "connect" and caught.value.retryable is True


async def test_leaving_closes_the_upstream_request(server):
    endpoint = Endpoint(base_url=server.base_url("slow_forever"), model_id="m")
    stream = stream_chat(endpoint, [], timeouts=Timeouts(total=30))
    assert isinstance(await anext(stream), Delta)
    await stream.aclose()
    assert await asyncio.to_thread(server.hung_up["slow_forever"].wait, 2)


async def test_cancelling_the_reader_task_closes_the_upstream_request(server):
    server.hung_up["slow_forever"].clear()
    endpoint = Endpoint(base_url=server.base_url("slow_forever"), model_id="m")
    got_token = asyncio.Event()

    async def read():
        async for _ in stream_chat(endpoint, [], timeouts=Timeouts(total=30)):
            got_token.set()

    task = asyncio.create_task(read())
    await asyncio.wait_for(got_token.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(server.hung_up["slow_forever"].wait, 2)


def test_sse_decoder_gives_the_same_events_for_every_split_point():
    stream = good_stream(line_end="\r\n")
    whole = SSEDecoder().feed(stream)
    for cut in range(1, len(stream)):
        decoder = SSEDecoder()
        assert decoder.feed(stream[:cut]) + decoder.feed(stream[cut:]) == whole


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://h:8000/v1", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/v1/", "http://h:8000/v1/chat/completions"),
        ("http://h:8000", "http://h:8000/v1/chat/completions"),
        ("https://api.example.kr/v1/solar", "https://api.example.kr/v1/solar/chat/completions"),
    ],
)
def test_endpoint_url(base, expected):
    assert Endpoint(base_url=base, model_id="m").url("chat/completions") == expected


def test_key_is_not_in_repr():
    assert "sk-1" not in repr(Endpoint(base_url="http://h/v1", model_id="m", api_key="sk-1"))


async def test_a_first_token_timeout_is_not_retried_into_another_full_wait(server):
    """Today's audit: a stalled endpoint held the citizen three first-token limits (180 s)."""
    with pytest.raises(InferenceError) as caught:
        await collect(server, "stall_silent", max_attempts=3)
    assert caught.value.kind == "timeout_first_token"
    assert server.attempts["stall_silent"] == 1


async def test_a_retry_after_a_quick_failure_shares_the_first_token_budget(server):
    before = time.monotonic()
    with pytest.raises(InferenceError) as caught:
        await collect(server, "unavailable_then_stall", max_attempts=3)
    assert caught.value.kind == "timeout_first_token"
    assert server.attempts["unavailable_then_stall"] == 2  # the 503 was retried, the stall was not
    assert time.monotonic() - before < FAST.first_token * 2


async def test_upstream_error_text_is_scrubbed_of_keys_and_cut_short(server):
    with pytest.raises(InferenceError) as caught:
        await collect(server, "leaky_401", key="k3y-9")
    message = str(caught.value)
    for secret in ("k3y-9", "sk-proj-AbCdEfGhIjKlMnOp", "hunter2-admin", "pa55w0rd", "0123456789abcdef0123"):
        assert secret not in message
    assert "HTTP 401" in message and "Invalid key" in message
    assert len(caught.value.message) <= 200
