"""A real HTTP server on a real socket that misbehaves the way model servers do.

Each scenario is a function of the attempt number (and, if it takes two arguments, of the request
body) returning a list of actions: bytes to write (in
exactly those pieces, so a test controls where reads split), a float to sleep, or CLOSE. The URL
`/s/<scenario>/v1/chat/completions` picks the scenario. The server records every request it got and
whether the client hung up before the script finished, so tests can assert what went over the wire.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field

CLOSE = object()


def sse(obj) -> bytes:
    data = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return f"data: {data}\n\n".encode()


def chunk(content=None, *, reasoning=None, reasoning_key="reasoning_content", finish=None, role=None) -> dict:
    delta: dict = {}
    if role:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    if reasoning is not None:
        delta[reasoning_key] = reasoning
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "model": "m",
        "obfuscation": "xyz",  # vendor extra that must be ignored
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        "usage": None,
    }


def head(status: int = 200, content_type: str = "text/event-stream", extra: str = "") -> bytes:
    reason = {
        200: "OK",
        302: "Found",
        401: "Unauthorized",
        429: "Too Many Requests",
        503: "Service Unavailable",
    }
    return (
        f"HTTP/1.1 {status} {reason.get(status, 'X')}\r\ncontent-type: {content_type}\r\n"
        f"connection: close\r\n{extra}\r\n"
    ).encode()


def split_every(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class MisbehavingServer:
    scenarios: dict
    requests: list[Recorded] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    hung_up: dict[str, threading.Event] = field(default_factory=lambda: defaultdict(threading.Event))
    port: int = 0

    def base_url(self, scenario: str) -> str:
        return f"http://127.0.0.1:{self.port}/s/{scenario}/v1"

    # --- lifecycle, on a loop in its own thread so tests' loops come and go freely ---

    def start(self) -> MisbehavingServer:
        ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main(ready)), daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await self._stop.wait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        name = "?"
        try:
            request_line = (await reader.readline()).decode()
            headers = {}
            while (line := (await reader.readline()).decode().strip()) != "":
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            path = request_line.split()[1]
            name = path.split("/")[2]
            self.requests.append(Recorded(path, headers, json.loads(body) if body else {}))
            self.attempts[name] += 1
            script = self.scenarios[name]
            # A scenario may also read the request (a model that answers some prompts differently).
            actions = (
                script(self.attempts[name], self.requests[-1].body)
                if script.__code__.co_argcount == 2
                else script(self.attempts[name])
            )
            for action in actions:
                if action is CLOSE:
                    break
                if isinstance(action, float | int):
                    # Sleep, but notice a client that hangs up meanwhile.
                    try:
                        data = await asyncio.wait_for(reader.read(1), timeout=action)
                    except TimeoutError:
                        continue
                    if data == b"":
                        self.hung_up[name].set()
                        return
                    continue
                writer.write(action)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            self.hung_up[name].set()
        finally:
            writer.close()
