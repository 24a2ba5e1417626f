"""A model endpoint that only paces tokens: each token carries the wall-clock time it was written, so a
client on another host or process reads the delay a whole portal added from the text itself (the
topology tests and `bench_topology`; `pacer.py` is the in-process Korean one of the relay bench).

Run as `python -m tests.benchmarks.stamp_pacer PORT TOKENS RATE [HOST]` (PORT 0: any free port, printed on
the first line of stdout). Deliberately minimal (raw asyncio, no framework) so that nearly all
measured delay is the portal's. A prompt containing `pace:TOKENS:RATE` overrides the pace of its
answer (the topology tests make one battle long and another short that way).
"""

import asyncio
import json
import re
import sys
import time

PACE = re.compile(rb"pace:(\d+):(\d+(?:\.\d+)?)")


async def handle(reader, writer, tokens: int, rate: float) -> None:
    try:
        headers = b""
        while b"\r\n\r\n" not in headers:
            data = await reader.read(65536)
            if not data:
                return
            headers += data
        head, _, body = headers.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        while len(body) < length:
            body += await reader.read(65536)
        if head.startswith(b"GET"):
            payload = b'{"object":"list","data":[]}'
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
                % len(payload)
            )
            writer.write(payload)
            await writer.drain()
            return
        if match := PACE.search(body):
            tokens, rate = int(match.group(1)), float(match.group(2))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
        interval = 1.0 / rate
        for _ in range(tokens):
            await asyncio.sleep(interval)
            chunk = {
                "choices": [{"index": 0, "delta": {"content": f"<{time.time():.6f}>"}, "finish_reason": None}]
            }
            writer.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            await writer.drain()
        writer.write(b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
        await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(port: int, tokens: int, rate: float, host: str = "127.0.0.1") -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, tokens, rate), host, port, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), *sys.argv[4:5]))
