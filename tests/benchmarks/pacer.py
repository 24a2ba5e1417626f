"""A paced OpenAI-compatible model endpoint for the relay benchmark, run inside the load generator.

Each answer is realistic Korean cut into 1-4 character tokens (a leading space belongs to the word it
starts), written as `chat.completion.chunk` events at a fixed rate, on keep-alive connections with
chunked transfer encoding as vLLM serves them. The write time of every token is logged by stream
(model, last user message), on the same monotonic clock as the clients that receive the relayed
text, so the delay a relay adds is measured without any marker in the text itself.

Which answer a stream gets depends only on the model and the prompt (`answer_for`), so a client that
knows its prompt knows both answers it should receive, character for character.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
import zlib
from dataclasses import dataclass, field

# Plain public-service Korean: no personal detail, no model or maker name, so a relay that masks and
# redacts passes it through unchanged (the benchmark checks it does).
SENTENCES = (
    "전입신고는 새로 이사한 곳의 주민센터에서 할 수 있고, 누리집에서도 신청할 수 있습니다.",
    "신분증을 챙기시고, 세대주가 아닌 경우에는 세대주의 확인이 필요합니다.",
    "이번 제도 개편으로 신청 절차가 간소화되었으며 자세한 내용은 안내 페이지에서 확인할 수 있습니다.",
    "기초연금은 만 육십오 세 이상 어르신 가운데 소득과 재산이 기준 이하인 분께 드립니다.",
    "청년 월세 지원은 부모와 따로 사는 무주택 청년이 대상이며, 소득 요건을 함께 봅니다.",
    "여권을 새로 만들려면 사진 한 장과 신분증을 가지고 가까운 발급 기관을 찾으시면 됩니다.",
    "건강보험 자격 득실 확인서는 공단 누리집이나 가까운 지사에서 바로 받을 수 있습니다.",
    "자동차 검사는 유효기간 만료일 전후 삼십일 안에 받아야 과태료를 내지 않습니다.",
    "폭염이 이어질 때는 한낮 야외 활동을 줄이고 물을 자주 마시는 것이 좋습니다.",
    "지역 도서관에서는 평일 저녁과 주말에도 어린이 독서 교실을 운영하고 있습니다.",
    "종합소득세 신고는 오월 한 달 동안 하며, 홈택스에서 미리 채워진 신고서를 쓸 수 있습니다.",
    "임대차 계약을 맺은 뒤에는 확정일자를 받아 두어야 보증금을 지키기 쉽습니다.",
    "아이를 낳으면 부모급여와 첫만남이용권을 함께 신청할 수 있습니다.",
    "재난 문자를 받으면 안내에 따라 가까운 대피소의 위치를 먼저 확인하세요.",
    "일자리를 찾는 분은 고용센터에서 상담을 받고 직업 훈련 과정을 고를 수 있습니다.",
    "분리배출을 할 때는 용기를 깨끗이 씻고 라벨을 떼어 내면 재활용이 훨씬 잘 됩니다.",
    "대중교통을 자주 이용하면 알뜰교통카드로 요금의 일부를 돌려받을 수 있습니다.",
    "농촌에 정착하려는 분을 위해 귀농 교육과 주택 지원 사업이 해마다 열립니다.",
    "공공 와이파이는 버스와 정류장, 주요 공원에서 누구나 무료로 쓸 수 있습니다.",
    "예방접종 일정은 보건소 누리집에서 나이별로 정리된 표를 보면 쉽게 알 수 있습니다.",
    "민원 처리 기간은 서류가 모두 갖추어진 날부터 셉니다.",
    "장애인 활동 지원 서비스는 신청한 뒤 방문 조사를 거쳐 급여량이 정해집니다.",
    "학교 밖 청소년은 꿈드림 센터에서 검정고시 준비와 진로 상담을 받을 수 있습니다.",
    "산불 위험이 높은 봄철에는 산에서 불을 피우거나 담배를 피우면 안 됩니다.",
)
TEXTS_PER_MODEL = 48
_WORD = re.compile(r" ?[^ ]+")
_PIECES = (1, 2, 2, 3, 3, 4)


def _tokens(rng: random.Random, count: int) -> list[str]:
    tokens: list[str] = []
    while len(tokens) < count:
        sentence = rng.choice(SENTENCES)
        for word in _WORD.findall(" " + sentence if tokens else sentence):
            while word:
                size = rng.choice(_PIECES)
                tokens.append(word[:size])
                word = word[size:]
    return tokens[:count]


_answers: dict[tuple[str, int], list[list[str]]] = {}


def answers(model: str, count: int) -> list[list[str]]:
    """The answers one model gives, `count` tokens each (the same for every run)."""
    key = (model, count)
    if key not in _answers:
        rng = random.Random(f"{model}:{count}")
        _answers[key] = [_tokens(rng, count) for _ in range(TEXTS_PER_MODEL)]
    return _answers[key]


def answer_for(model: str, prompt: str, count: int) -> int:
    """Which of `answers(model, count)` this prompt gets."""
    return zlib.crc32(f"{model}|{prompt}".encode()) % TEXTS_PER_MODEL


@dataclass
class StreamLog:
    arrived: float
    written: list[float] = field(default_factory=list)  # token i, then the finish chunk
    closed_early: bool = False


_CHUNK_HEAD = (
    '{"id":"chatcmpl-bench%d","object":"chat.completion.chunk","created":1767225600,"model":"%s",'
    '"system_fingerprint":"fp_bench","choices":[{"index":0,"delta":'
)


def _frame(payload: str) -> bytes:
    body = f"data: {payload}\n\n".encode()
    return b"%x\r\n%s\r\n" % (len(body), body)


class _Connection(asyncio.Protocol):
    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.busy = False
        self.handle: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.pacer.cut_short += 1
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._next_request()

    def _next_request(self) -> None:
        if self.busy or self.transport is None:
            return
        head, sep, rest = self.buffer.partition(b"\r\n\r\n")
        if not sep:
            return
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(rest) < length:
            return
        body, self.buffer = rest[:length], rest[length:]
        if head.startswith(b"GET"):
            payload = b'{"object":"list","data":[]}'
            self.transport.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                % (len(payload), payload)
            )
            self._next_request()
            return
        request = json.loads(body)
        model = request["model"]
        prompt = request["messages"][-1]["content"]
        loop = asyncio.get_running_loop()
        # Logged on time.monotonic (uvloop's loop.time() is whole milliseconds), paced on the loop's.
        log = self.pacer.log[(model, prompt)] = StreamLog(time.monotonic())
        start = loop.time()
        tokens = answers(model, self.pacer.tokens)[answer_for(model, prompt, self.pacer.tokens)]
        number = self.pacer.opened = self.pacer.opened + 1
        head_json = _CHUNK_HEAD % (number, model)
        frames = [
            _frame(head_json + '{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}')
        ]
        frames += [
            _frame(
                head_json
                + json.dumps({"content": t}, ensure_ascii=False)
                + ',"logprobs":null,"finish_reason":null}]}'
            )
            for t in tokens
        ]
        finish = _frame(head_json + '{},"logprobs":null,"finish_reason":"stop"}]}')
        if (request.get("stream_options") or {}).get("include_usage"):
            usage = {"prompt_tokens": 20, "completion_tokens": len(tokens), "total_tokens": 20 + len(tokens)}
            finish += _frame(
                f'{{"id":"chatcmpl-bench{number}","object":"chat.completion.chunk","created":1767225600,'
                f'"model":"{model}","choices":[],"usage":{json.dumps(usage)}}}'
            )
        finish += _frame("[DONE]") + b"0\r\n\r\n"
        self.busy = True
        self.transport.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
            b"transfer-encoding: chunked\r\n\r\n" + frames[0]
        )
        self._schedule(loop, start, log, frames[1:], finish, 0)

    def _schedule(
        self, loop, start: float, log: StreamLog, frames: list[bytes], finish: bytes, index: int
    ) -> None:
        due = start + (index + 1) / self.pacer.rate
        self.handle = loop.call_at(due, self._write, loop, start, log, frames, finish, index)

    def _write(
        self, loop, start: float, log: StreamLog, frames: list[bytes], finish: bytes, index: int
    ) -> None:
        self.handle = None
        if self.transport is None:
            return
        log.written.append(time.monotonic())
        if index < len(frames):
            self.transport.write(frames[index])
            self._schedule(loop, start, log, frames, finish, index + 1)
            return
        self.transport.write(finish)
        self.busy = False
        self._next_request()


class Pacer:
    """Serve with `await pacer.start()`; read `pacer.log` after the clients are done."""

    def __init__(self, tokens: int, rate: float) -> None:
        self.tokens = tokens
        self.rate = rate
        self.log: dict[tuple[str, str], StreamLog] = {}
        self.opened = 0
        self.cut_short = 0  # streams whose connection closed before the answer ended
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", 0, backlog=4096)
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
