"""The one door to model endpoints: OpenAI-compatible `/chat/completions`, streamed.

Nothing else in the portal speaks HTTP to a team's model. What this module guarantees:

- One shared aiohttp session per event loop for streamed answers (keep-alive connections reused from
  one answer to the next) and one httpx client for short calls (probes, moderation); no redirects
  followed (a redirect is an error: the registered URL is the one staff approved), no cookies kept.
- Four separate time limits (`Timeouts`): connect; first token (from the first request until the
  first answer or reasoning text, across retries, keep-alive comments do not count); idle (silence
  between two reads once tokens flow); total (the whole answer).
- Retries only before the first token reached the caller, at most `max_attempts`, and only within the
  first-token budget, honouring `Retry-After` (seconds or HTTP date, capped by what is left of it).
  A first-token timeout is therefore final: a stalled endpoint holds the citizen for one first-token
  limit, never one per attempt. Once text was shown, a failure is final: two generations are never
  spliced.
- SSE parsing that survives lines split across reads, Hangul split mid-character, CR/LF/CRLF line
  ends, a BOM, `:` keep-alive comments, multi-line `data:`, `event: error`, `data: [DONE]`, a
  usage-only last chunk (`choices: []` or `null`), vendor extras, and `reasoning` /
  `reasoning_content` deltas, which are reported apart from the answer. The common shape (LF line
  ends, one `data:` line per event) is split as bytes and decoded by orjson; anything else (a CR, a
  BOM) sends the rest of the stream through the full WHATWG decoder.
- What one read brings is one `Delta` (the pieces of every event in it joined): a relay under load
  pays per read, not per token, and a lone token is passed on as soon as it arrives. With
  `coalesce`, reads within that window of the last Delta are joined too (fast streams: fewer,
  larger pieces; a slow one is not delayed).
- Error shapes of OpenAI/vLLM (`{"error": {...}}`), TGI (`{"error": "...", "error_type": ...}`) and
  FastChat (`{"text", "error_code"}`), before the stream (any non-200 status) and in the middle of it.
- An endpoint that does not stream (a plain JSON chat.completion) is accepted as one delta.
- A stream that ends without `[DONE]` and without a finish reason is an error ("truncated").
- Every failure is an `InferenceError` whose `retryable` says whether trying again could help.
- Closing the generator, or cancelling the task that iterates it (the citizen left), closes the
  HTTP response and so the upstream request.
- API keys go only into the Authorization header; they are never logged or put in an error. Text an
  endpoint sends back in an error (which staff see and the turn stores) is cut to
  `MAX_ERROR_MESSAGE` characters and scrubbed of anything key-like (`scrub_secrets`), the endpoint's
  own key included, since some servers echo the credential they refused.
"""

from __future__ import annotations

import asyncio
import atexit
import codecs
import contextlib
import datetime as dt
import json
import math
import random
import re
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import httpx
import orjson

from core import outbound  # the one door for outbound HTTP

MAX_ERROR_BODY = 64 * 1024
MAX_ERROR_MESSAGE = 200
MAX_RETRY_WAIT = 10.0
SCRUBBED = "[가림]"

# Credentials as they appear in error text: bearer/basic headers, key=value pairs, vendor key formats
# (sk-..., hf_..., AWS AKIA..., JWTs), URL userinfo, and any long unbroken token.
_SECRET_PATTERNS = [
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)\b(api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|token|secret|password|passwd|pwd)"
        r"\s*[:=]\s*\"?[^\s\"',;]{4,}"
    ),
    re.compile(r"\b(sk|pk|rk|hf|gsk|xox[abprs]|ghp|gho|glpat)[-_][A-Za-z0-9_-]{8,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"(?<=://)[^\s/@:]+:[^\s/@]+(?=@)"),
    # Long random tokens (hex, base64) have digits and letters; long hyphenated model names do not match.
    re.compile(r"(?=[A-Za-z0-9_+/=]{0,200}\d)(?=[A-Za-z0-9_+/=]{0,200}[A-Za-z])[A-Za-z0-9_+/=]{32,}"),
]


def scrub_secrets(text: str, *, known: Sequence[str | None] = (), limit: int = MAX_ERROR_MESSAGE) -> str:
    """Error text from an endpoint, safe to store and show: key-like strings replaced, then cut."""
    for secret in known:
        if secret:
            text = text.replace(secret, SCRUBBED)
            # A key cut short at the end of an already shortened message is still (part of) the key.
            for size in range(min(len(secret), len(text)) - 1, 5, -1):
                if text.endswith(secret[:size]):
                    text = text[:-size] + SCRUBBED
                    break
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(SCRUBBED, text)
    text = " ".join(text.split())  # newlines and runs of spaces from HTML error pages
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    first_token: float = 60.0
    idle: float = 30.0
    total: float = 180.0


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    model_id: str
    api_key: str | None = field(default=None, repr=False)
    # A team's endpoint not marked internal: its host must resolve to public addresses at request
    # time too (a name that passed at registration may be pointed at the portal's network later).
    public_only: bool = False

    def url(self, path: str) -> str:
        """`base_url` is what an OpenAI SDK takes (usually ending in /v1); bare hosts get /v1 added."""
        base = self.base_url.rstrip("/")
        if not re.search(r"/v\d+(/|$)", httpx.URL(base).path):
            base += "/v1"
        return f"{base}/{path.lstrip('/')}"

    def headers(self) -> dict[str, str]:
        # identity: a compressed event stream is buffered by the compressor, and raw reads stay cheap.
        headers = {"Accept": "text/event-stream, application/json", "Accept-Encoding": "identity"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


@dataclass(frozen=True)
class Delta:
    """A piece of the answer (`content`) or of the model's visible reasoning (`reasoning`)."""

    content: str = ""
    reasoning: str = ""


@dataclass(frozen=True)
class Finish:
    finish_reason: str | None
    usage: dict[str, Any] | None = None


StreamItem = Delta | Finish


class InferenceError(Exception):
    """Any failure talking to a model endpoint.

    kind: connect, timeout_connect, timeout_first_token, timeout_idle, timeout_total, http_status,
    rate_limited, redirect, upstream_error, truncated, protocol, blocked_host, empty (a probe's answer
    had no text).
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        message = scrub_secrets(message)
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after

    def without(self, key: str | None) -> InferenceError:
        """The same error with this endpoint's own key removed from the message, if it was echoed."""
        message = scrub_secrets(self.message, known=[key])
        if message == self.message:
            return self
        return InferenceError(
            self.kind, message, retryable=self.retryable, status=self.status, retry_after=self.retry_after
        )


# --- SSE ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SSEEvent:
    event: str
    data: str


_EOL = re.compile(r"\r\n|\r|\n")


class SSEDecoder:
    """Incremental text/event-stream decoder (WHATWG rules) fed with raw bytes in any split."""

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._data: list[str] = []
        self._event = ""
        self._started = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        text = self._utf8.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        self._buffer += text
        events: list[SSEEvent] = []
        start = 0
        buffer = self._buffer
        while True:
            match = _EOL.search(buffer, start)
            if match is None:
                break
            # A lone CR at the end may be the first half of a CRLF split across reads.
            if match.group() == "\r" and match.end() == len(buffer):
                break
            event = self._line(buffer[start : match.start()])
            if event is not None:
                events.append(event)
            start = match.end()
        self._buffer = buffer[start:]
        return events

    def _line(self, line: str) -> SSEEvent | None:
        if not line:
            if not self._data:
                self._event = ""
                return None
            event = SSEEvent(self._event or "message", "\n".join(self._data))
            self._data, self._event = [], ""
            return event
        if line.startswith(":"):
            return None  # comment / keep-alive
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None  # id and retry are irrelevant for a one-shot completion


_BOM_FIRST_BYTE = 0xEF


class SSESplitter:
    """The fast path of SSE decoding: events as (name, data bytes), split on blank lines in bytes.

    Blocks are cut at LF LF, which never falls inside a UTF-8 character, so nothing is decoded
    until the JSON parser reads the data. A stream that uses CR (CRLF or CR line ends) or may begin
    with a BOM is handed, from the first such read on, to `SSEDecoder`."""

    def __init__(self) -> None:
        self._buffer = b""
        self._full: SSEDecoder | None = None
        self._started = False

    def feed(self, chunk: bytes) -> list[tuple[str, bytes]]:
        if self._full is None and (b"\r" in chunk or (not self._started and chunk[:1] == b"\xef")):
            self._full = SSEDecoder()
            self._full._started = self._started  # a BOM counts only at the very start
            chunk, self._buffer = self._buffer + chunk, b""
        self._started = self._started or bool(chunk)
        if self._full is not None:
            return [(e.event, e.data.encode()) for e in self._full.feed(chunk)]
        blocks = (self._buffer + chunk).split(b"\n\n")
        self._buffer = blocks.pop()
        events = []
        for block in blocks:
            if block.startswith(b"data: ") and b"\n" not in block:
                events.append(("message", block[6:]))
            elif block:
                events.extend(_block(block))
        return events


def _block(block: bytes) -> list[tuple[str, bytes]]:
    """One event block of LF-separated lines, by the WHATWG field rules."""
    data: list[bytes] = []
    name = b""
    for line in block.split(b"\n"):
        if not line or line.startswith(b":"):
            continue  # an empty line inside a block is a lone LF at its start; a comment
        field, _, value = line.partition(b":")
        value = value.removeprefix(b" ")
        if field == b"data":
            data.append(value)
        elif field == b"event":
            name = value
    if not data:
        return []
    return [(name.decode("utf-8", "replace") or "message", b"\n".join(data))]


def _json(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        # orjson refuses invalid UTF-8; the full decoder would have replaced it, and so does this.
        return json.loads(data.decode("utf-8", "replace"))


# --- Errors from bodies and statuses ---------------------------------------------------------------


def _error_message(payload: Any) -> str | None:
    """The error text of a decoded body or chunk in any known vendor shape, or None if it is not one."""
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or error.get("code") or "error")
    if isinstance(error, str) and error:
        kind = payload.get("error_type")
        return f"{error} ({kind})" if kind else error
    if payload.get("object") == "error":
        return str(payload.get("message") or "error")
    code = payload.get("error_code")
    if isinstance(code, int) and code != 0:
        return str(payload.get("text") or f"error_code {code}")
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


async def _httpx_status_error(response: httpx.Response) -> InferenceError:
    body = b""
    with contextlib.suppress(httpx.HTTPError):
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_ERROR_BODY:
                break
    return _status_error(response.status_code, response.headers.get("retry-after"), body)


async def _stream_status_error(response: aiohttp.ClientResponse) -> InferenceError:
    body = b""
    with contextlib.suppress(aiohttp.ClientError):
        while len(body) <= MAX_ERROR_BODY and (chunk := await response.content.readany()):
            body += chunk
    return _status_error(response.status, response.headers.get("retry-after"), body)


def _status_error(status: int, retry_after_header: str | None, body: bytes) -> InferenceError:
    try:
        detail = _error_message(json.loads(body)) or body[:4096].decode("utf-8", "replace")
    except ValueError:
        # Scrubbed before it is cut (InferenceError does both): a key split by the cut would escape.
        detail = body[:4096].decode("utf-8", "replace")
    retry_after = _retry_after(retry_after_header)
    if 300 <= status < 400:
        return InferenceError("redirect", f"HTTP {status} redirect refused", retryable=False, status=status)
    if status == 429:
        # Out of credit is not going to fix itself in a few seconds.
        quota = "quota" in detail.lower() or "credit" in detail.lower() or "billing" in detail.lower()
        return InferenceError(
            "rate_limited", detail, retryable=not quota, status=status, retry_after=retry_after
        )
    retryable = status in {408, 409, 425, 500, 502, 503, 504}
    return InferenceError(
        "http_status", f"HTTP {status}: {detail}", retryable=retryable, status=status, retry_after=retry_after
    )


# --- Client ---------------------------------------------------------------------------------------

# Keyed by loop: a client's connections belong to the loop that opened them. A session whose loop
# has closed is detached when the next loop asks (its connections died with the loop); at exit the
# last ones are, so nothing warns of an unclosed session.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
MAX_CONNECTIONS = 4096


def _detach_closed(*, every: bool = False) -> None:
    for loop in [loop for loop in _sessions if every or loop.is_closed()]:
        session = _sessions.pop(loop)
        if session.connector is not None:
            # The public close() schedules its waiting on the loop, which is gone; this closes the
            # pooled connections at once and marks the pool closed.
            session.connector._close()
        session.detach()


atexit.register(_detach_closed, every=True)


def shared_client() -> httpx.AsyncClient:
    """The short-call client for the running event loop (an AsyncClient's connections belong to one
    loop)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = outbound.async_client(limits=httpx.Limits(max_connections=64, max_keepalive_connections=16))
        _clients[loop] = client
    return client


def shared_session() -> aiohttp.ClientSession:
    """The streaming session for the running event loop."""
    loop = asyncio.get_running_loop()
    session = _sessions.get(loop)
    if session is None or session.closed:
        _detach_closed()
        session = outbound.stream_session(max_connections=MAX_CONNECTIONS)
        _sessions[loop] = session
    return session


async def close_shared_client() -> None:
    loop = asyncio.get_running_loop()
    client = _clients.pop(loop, None)
    if client is not None:
        await client.aclose()
    session = _sessions.pop(loop, None)
    if session is not None:
        await session.close()


def _payload(
    endpoint: Endpoint, messages: Sequence[dict[str, str]], params: dict[str, Any]
) -> dict[str, Any]:
    return {
        "model": endpoint.model_id,
        "messages": list(messages),
        "stream": True,
        "stream_options": {"include_usage": True},
        **params,
    }


def _backoff(attempt: int, error: InferenceError, remaining: float) -> float:
    wait = (
        error.retry_after
        if error.retry_after is not None
        else 0.25 * 2 ** (attempt - 1) + random.random() * 0.1
    )
    return max(0.0, min(wait, MAX_RETRY_WAIT, remaining - 0.1))


async def stream_chat(
    endpoint: Endpoint,
    messages: Sequence[dict[str, str]],
    *,
    params: dict[str, Any] | None = None,
    timeouts: Timeouts = Timeouts(),
    max_attempts: int = 3,
    session: aiohttp.ClientSession | None = None,
    coalesce: float = 0.0,
) -> AsyncIterator[StreamItem]:
    """Stream one chat completion: `Delta` items, then exactly one `Finish`, or an InferenceError.
    With `coalesce` (seconds), what arrives within that long of the last Delta waits and is passed on
    with it: at most one Delta per window, and a token after a quiet spell passes at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeouts.total
    # One first-token budget for all attempts: a retry may recover from a refused connection or a 503
    # in that time, but never restarts the citizen's wait.
    first_token_deadline = min(deadline, loop.time() + timeouts.first_token)
    emitted = False
    attempt = 0
    while True:
        attempt += 1
        try:
            async for item in _attempt(
                endpoint, messages, params or {}, timeouts, first_token_deadline, deadline, session, coalesce
            ):
                if isinstance(item, Delta):
                    emitted = True
                yield item
            return
        except InferenceError as error:
            remaining = first_token_deadline - loop.time()
            if emitted or not error.retryable or attempt >= max_attempts or remaining <= 0.2:
                raise error.without(endpoint.api_key) from None
            await asyncio.sleep(_backoff(attempt, error, remaining))


async def _attempt(
    endpoint: Endpoint,
    messages: Sequence[dict[str, str]],
    params: dict[str, Any],
    timeouts: Timeouts,
    first_token_deadline: float,
    deadline: float,
    session: aiohttp.ClientSession | None,
    coalesce: float,
) -> AsyncIterator[StreamItem]:
    session = session or shared_session()
    await _check_host(endpoint, timeouts.connect)
    headers = endpoint.headers()
    headers["Content-Type"] = "application/json"
    try:
        async with asyncio.timeout_at(first_token_deadline):
            response = await session.post(
                endpoint.url("chat/completions"),
                data=orjson.dumps(_payload(endpoint, messages, params)),
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=None, connect=timeouts.connect),
            )
    except aiohttp.ConnectionTimeoutError as exc:
        raise InferenceError("timeout_connect", type(exc).__name__, retryable=True) from None
    except TimeoutError:
        raise _deadline_error(first=True, total=first_token_deadline >= deadline) from None
    except aiohttp.ClientError as exc:
        raise InferenceError("connect", type(exc).__name__, retryable=True) from None
    reusable = False
    try:
        if response.status != 200:
            raise await _stream_status_error(response)
        if "text/event-stream" not in response.headers.get("content-type", ""):
            async for item in _non_streaming(response, first_token_deadline):
                yield item
            return
        async for item in _events(response, timeouts, first_token_deadline, deadline, coalesce):
            yield item
        # The stream ended with its terminator in hand: the connection serves the next answer.
        reusable = response.content.at_eof()
    finally:
        # Anything else (an error, the citizen left, a server still sending) closes the connection,
        # and so the upstream request.
        if reusable:
            response.release()
        else:
            response.close()


async def _check_host(endpoint: Endpoint, timeout: float) -> None:
    if not endpoint.public_only:
        return
    url = httpx.URL(endpoint.base_url)
    try:
        async with asyncio.timeout(timeout):
            problem = await outbound.host_problem_async(
                url.host, url.port or (443 if url.scheme == "https" else 80)
            )
    except TimeoutError:
        raise InferenceError(
            "timeout_connect", "the host name did not resolve in time", retryable=True
        ) from None
    if problem is not None:
        raise InferenceError("blocked_host", problem, retryable=False)


class _Silence(Exception):
    """Set into a stream's reader when a time limit passed while it waited for data."""


def _deadline_error(*, first: bool, total: bool) -> InferenceError:
    if total:
        return InferenceError("timeout_total", "the answer took longer than the total limit", retryable=False)
    if first:
        return InferenceError("timeout_first_token", "no first token in time", retryable=True)
    return InferenceError("timeout_idle", "the stream went silent", retryable=False)


async def _non_streaming(response: aiohttp.ClientResponse, deadline: float) -> AsyncIterator[StreamItem]:
    try:
        async with asyncio.timeout_at(deadline):
            body = await response.read()
    except TimeoutError:
        raise _deadline_error(first=True, total=False) from None
    except aiohttp.ClientError as exc:
        raise InferenceError("truncated", type(exc).__name__, retryable=True) from None
    try:
        payload = json.loads(body)
    except ValueError:
        raise InferenceError("protocol", "neither an event stream nor JSON", retryable=False) from None
    if (message := _error_message(payload)) is not None:
        raise InferenceError("upstream_error", message, retryable=True)
    choices = payload.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        raise InferenceError("protocol", "JSON without choices", retryable=False)
    message_obj = choices[0].get("message") or {}
    content = message_obj.get("content") or ""
    reasoning = message_obj.get("reasoning") or message_obj.get("reasoning_content") or ""
    if content or reasoning:
        yield Delta(content=content, reasoning=reasoning)
    yield Finish(choices[0].get("finish_reason") or "stop", payload.get("usage"))


async def _events(
    response: aiohttp.ClientResponse,
    timeouts: Timeouts,
    first_token_deadline: float,
    deadline: float,
    coalesce: float,
) -> AsyncIterator[StreamItem]:
    loop = asyncio.get_running_loop()
    splitter = SSESplitter()
    content_stream = response.content
    got_token = False
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    contents: list[str] = []  # received, not yet passed on (the coalescing window)
    reasonings: list[str] = []
    passed = -math.inf  # when the last Delta was passed on

    def held() -> Delta:
        delta = Delta(content="".join(contents), reasoning="".join(reasonings))
        contents.clear()
        reasonings.clear()
        return delta

    # One timer per stream for the time limits, not one per read: it fires at the limit of the read
    # in progress and, if that read is still waiting then, fails the response's reader (the read
    # raises _Silence); if data came meanwhile it sets itself for the new limit. What a timer around
    # each read would cost (a timer set and cancelled per token) is a tenth of the relay's CPU.
    read_started = loop.time()
    reading = False
    armed_at = math.inf
    watchdog: asyncio.TimerHandle | None = None

    def limit() -> float:
        return min(deadline, read_started + timeouts.idle) if got_token else first_token_deadline

    def arm(when: float) -> None:
        nonlocal watchdog, armed_at
        if watchdog is not None:
            watchdog.cancel()
        watchdog, armed_at = loop.call_at(when, watch), when

    def watch() -> None:
        nonlocal watchdog, armed_at
        watchdog, armed_at = None, math.inf
        if not reading:
            return  # the next read arms it again
        if loop.time() >= limit():
            content_stream.set_exception(_Silence())
        else:
            arm(limit())

    try:
        while True:
            read_started = loop.time()
            if limit() < armed_at:
                arm(limit())
            flush_at = passed + coalesce if contents or reasonings else math.inf
            reading = True
            # Only the read is timed, never a yield: a timeout around a yield would cancel the
            # consumer's work instead of this read. A read cut short by the coalescing window loses
            # nothing: what arrives meanwhile waits in the response's buffer.
            try:
                if flush_at < math.inf:
                    async with asyncio.timeout_at(flush_at):
                        chunk = await content_stream.readany()
                else:
                    chunk = await content_stream.readany()
            except TimeoutError:
                passed = loop.time()
                yield held()
                continue
            except _Silence:
                if contents or reasonings:
                    yield held()
                raise _deadline_error(first=not got_token, total=limit() >= deadline) from None
            except aiohttp.ClientError as exc:
                if contents or reasonings:
                    yield held()
                raise InferenceError(
                    "truncated", f"connection lost ({type(exc).__name__})", retryable=True
                ) from None
            finally:
                reading = False
            if not chunk:
                break
            done = False
            failure: InferenceError | None = None
            for name, data in splitter.feed(chunk):
                if data == b"[DONE]":
                    done = True
                    break
                try:
                    payload = _json(data)
                except ValueError:
                    failure = InferenceError("protocol", "a chunk is not JSON", retryable=False)
                    break
                message = _error_message(payload)
                if name == "error" or message is not None:
                    text = message or data[:4096].decode("utf-8", "replace")
                    failure = InferenceError("upstream_error", text, retryable=True)
                    break
                if not isinstance(payload, dict):
                    failure = InferenceError("protocol", "a chunk is not a JSON object", retryable=False)
                    break
                if payload.get("usage"):
                    usage = payload["usage"]
                for choice in payload.get("choices") or ():
                    if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                        continue
                    delta = choice.get("delta") or {}
                    if content := delta.get("content"):
                        contents.append(content)
                        got_token = True
                    if reasoning := delta.get("reasoning") or delta.get("reasoning_content"):
                        reasonings.append(reasoning)
                        got_token = True
                    if choice.get("finish_reason"):
                        finish_reason = choice["finish_reason"]
            # Text that came before a failure or the end is passed on at once: once shown, a failure is
            # final (never retried into a second generation).
            if (contents or reasonings) and (failure or done or loop.time() >= passed + coalesce):
                passed = loop.time()
                yield held()
            if failure is not None:
                raise failure
            if done:
                yield Finish(finish_reason or "stop", usage)
                return
        if contents or reasonings:
            yield held()
        if finish_reason is None:
            raise InferenceError(
                "truncated", "the stream ended without [DONE] or a finish reason", retryable=True
            )
        yield Finish(finish_reason, usage)
    finally:
        if watchdog is not None:
            watchdog.cancel()


async def _call(
    method: str,
    endpoint: Endpoint,
    path: str,
    timeout: float,
    client: httpx.AsyncClient | None,
    **kwargs: Any,
) -> httpx.Response:
    """One short non-streaming request with the module's error mapping; a non-200 answer raises."""
    client = client or shared_client()
    await _check_host(endpoint, timeout)
    try:
        response = await client.request(
            method, endpoint.url(path), headers=endpoint.headers(), timeout=httpx.Timeout(timeout), **kwargs
        )
    except httpx.TimeoutException:
        raise InferenceError("timeout_total", f"{path} timed out", retryable=True) from None
    except httpx.TransportError as exc:
        raise InferenceError("connect", type(exc).__name__, retryable=True) from None
    if response.status_code != 200:
        raise (await _httpx_status_error(response)).without(endpoint.api_key)
    return response


@dataclass(frozen=True)
class Completion:
    text: str
    reasoning: str
    finish_reason: str | None


async def complete(
    endpoint: Endpoint,
    messages: Sequence[dict[str, str]],
    *,
    params: dict[str, Any] | None = None,
    timeouts: Timeouts = Timeouts(),
    max_attempts: int = 3,
    session: aiohttp.ClientSession | None = None,
) -> Completion:
    """One whole chat completion through `stream_chat` (same limits, same errors)."""
    text, reasoning, finish = [], [], None
    async for item in stream_chat(
        endpoint, messages, params=params, timeouts=timeouts, max_attempts=max_attempts, session=session
    ):
        if isinstance(item, Delta):
            text.append(item.content)
            reasoning.append(item.reasoning)
        else:
            finish = item.finish_reason
    return Completion("".join(text), "".join(reasoning), finish)


PROBE_MESSAGES = ({"role": "user", "content": "안녕하세요. 한 문장으로 인사해 주세요."},)


async def probe(endpoint: Endpoint, *, timeout: float = 20.0) -> None:
    """Can the endpoint chat? One short real chat completion must finish with some text; listing the
    models is not enough (a server can list its models and fail every completion). Raises
    InferenceError otherwise: a timeout is `timeout_*`, an answer without text is `empty`."""
    result = await complete(
        endpoint,
        PROBE_MESSAGES,
        params={"max_tokens": 16, "temperature": 0},
        timeouts=Timeouts(connect=min(5.0, timeout), first_token=timeout, idle=timeout, total=timeout),
        max_attempts=1,
    )
    if not (result.text.strip() or result.reasoning.strip()):
        raise InferenceError("empty", "the chat completion finished without any text", retryable=True)


async def moderate(
    endpoint: Endpoint, text: str, *, timeout: float = 10.0, client: httpx.AsyncClient | None = None
) -> list[str]:
    """An OpenAI-compatible `/moderations` call: the flagged category names (empty when clean)."""
    response = await _call(
        "POST", endpoint, "moderations", timeout, client, json={"model": endpoint.model_id, "input": text}
    )
    try:
        result = response.json()["results"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        raise InferenceError("protocol", "not a moderation response", retryable=False) from None
    if not result.get("flagged"):
        return []
    return sorted(name for name, hit in (result.get("categories") or {}).items() if hit) or ["flagged"]
