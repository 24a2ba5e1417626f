"""The built-in demo model server answers real OpenAI-style HTTP requests, streamed and not."""

import json

import httpx
import pytest

from arena.endpoints.demo_models import DEMO_MODELS, DEMO_NOTICE


def stream(url: str, model: str, prompt: str, **extra) -> tuple[list[dict], list[str]]:
    payload = {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": True, **extra}
    chunks, raw_events = [], []
    with httpx.stream("POST", f"{url}/v1/chat/completions", json=payload, timeout=30) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = response.read().decode()
    for block in body.split("\n\n"):
        if not block.startswith("data: "):
            continue
        data = block[len("data: ") :]
        raw_events.append(data)
        if data != "[DONE]":
            chunks.append(json.loads(data))
    return chunks, raw_events


def answer_of(chunks: list[dict]) -> str:
    return "".join((c["choices"][0]["delta"].get("content") or "") for c in chunks if c.get("choices"))


def test_streams_a_korean_answer_that_ends_with_done(demo_models_url):
    chunks, events = stream(demo_models_url, "demo-garam", "주민센터에서 전입신고 하는 방법")
    text = answer_of(chunks)
    assert "전입신고" in text
    assert DEMO_NOTICE in text
    assert events[-1] == "[DONE]"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0
    assert any(c["choices"] and c["choices"][0]["finish_reason"] == "stop" for c in chunks)


def test_models_differ_in_length_and_reasoning(demo_models_url):
    lengths = {}
    for model in ("demo-garam", "demo-maru"):
        lengths[model] = len(answer_of(stream(demo_models_url, model, "세금 신고 기간")[0]))
    assert lengths["demo-maru"] > 2 * lengths["demo-garam"]
    chunks, _ = stream(demo_models_url, "demo-daon", "세금 신고 기간")
    assert any(c["choices"] and c["choices"][0]["delta"].get("reasoning_content") for c in chunks)


def test_max_tokens_cuts_the_answer_with_finish_reason_length(demo_models_url):
    chunks, _ = stream(demo_models_url, "demo-narae", "긴 설명을 부탁해요", max_tokens=5)
    pieces = [c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")]
    assert len(pieces) == 5
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"


def test_non_streaming_and_model_list(demo_models_url):
    response = httpx.post(
        f"{demo_models_url}/v1/chat/completions",
        json={"model": "demo-raon", "messages": [{"role": "user", "content": "안녕하세요"}]},
    )
    assert response.status_code == 200
    content = response.json()["choices"][0]["message"]["content"]
    assert "안녕하세요" in content and DEMO_NOTICE in content
    listed = httpx.get(f"{demo_models_url}/v1/models").json()["data"]
    assert [m["id"] for m in listed] == [m.model_id for m in DEMO_MODELS]
    assert all("데모" in m["owned_by"] for m in listed)


@pytest.mark.parametrize("body", [{"model": "gpt-4", "messages": []}, {"messages": "x"}])
def test_unknown_model_is_an_openai_style_error(demo_models_url, body):
    response = httpx.post(f"{demo_models_url}/v1/chat/completions", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
