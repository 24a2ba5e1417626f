"""The lower bound of the relay benchmark: a minimal battle relay in raw asyncio, no framework.

`python -m tests.benchmarks.raw_relay PORT UPSTREAM_PORT`. It speaks the portal's protocol on the
wire (a websocket; a prompt in, `delta` / `side_done` / `turn_done` JSON text frames out), opens the
two upstream streams of a battle on keep-alive connections, splits the server-sent events, decodes
each chunk's JSON and sends its text on as one frame. It does nothing the portal must do besides:
no session, no database, no masking, moderation, redaction or timeouts. What it costs per token is
the floor for any Python relay on this machine.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(text: str) -> bytes:
    data = text.encode()
    size = len(data)
    if size < 126:
        return bytes((0x81, size)) + data
    if size < 65536:
        return bytes((0x81, 126)) + size.to_bytes(2, "big") + data
    return bytes((0x81, 127)) + size.to_bytes(8, "big") + data


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    first, second = await reader.readexactly(2)
    size = second & 0x7F
    if size == 126:
        size = int.from_bytes(await reader.readexactly(2), "big")
    elif size == 127:
        size = int.from_bytes(await reader.readexactly(8), "big")
    mask = await reader.readexactly(4) if second & 0x80 else b"\0\0\0\0"
    data = bytearray(await reader.readexactly(size))
    for i in range(size):
        data[i] ^= mask[i % 4]
    return first & 0x0F, bytes(data)


class Upstream:
    """Keep-alive connections to the model server, reused across battles."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def stream(self, model: str, prompt: str, side: str, send) -> None:
        reader, writer = (
            self.idle.pop() if self.idle else await asyncio.open_connection("127.0.0.1", self.port)
        )
        body = json.dumps({"model": model, "messages": [{"role": "user", "content": prompt}], "stream": True})
        writer.write(
            b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n%s" % (len(body), body.encode())
        )
        await reader.readuntil(b"\r\n\r\n")  # chunked event stream
        buffer = b""
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
            if size == 0:
                await reader.readexactly(2)
                break
            buffer += (await reader.readexactly(size + 2))[:-2]
            *events, buffer = buffer.split(b"\n\n")
            for event in events:
                data = event[6:]
                if data == b"[DONE]":
                    continue
                for choice in json.loads(data).get("choices") or ():
                    text = choice["delta"].get("content")
                    if text:
                        send(json.dumps({"type": "delta", "side": side, "text": text}, ensure_ascii=False))
        self.idle.append((reader, writer))
        send(json.dumps({"type": "side_done", "side": side}))


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: Upstream) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        key = next(
            line.split(b":", 1)[1].strip()
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key")
        )
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
            b"sec-websocket-accept: " + accept + b"\r\n\r\n"
        )

        def send(text: str) -> None:
            writer.write(frame(text))

        turn = 0
        while True:
            opcode, data = await read_frame(reader)
            if opcode == 8:
                break
            if opcode != 1:
                continue
            prompt = json.loads(data)["text"]
            turn += 1
            await asyncio.gather(
                upstream.stream("pace-A", prompt, "a", send), upstream.stream("pace-B", prompt, "b", send)
            )
            send(json.dumps({"type": "turn_done", "turn": turn, "votable": True}))
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int, upstream_port: int) -> None:
    upstream = Upstream(upstream_port)
    server = await asyncio.start_server(lambda r, w: serve(r, w, upstream), "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(int(sys.argv[1]), int(sys.argv[2])))
