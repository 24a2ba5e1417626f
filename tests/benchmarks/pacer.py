"""A model endpoint that only paces tokens: each token carries the wall-clock time it was written.

Run as `python -m tests.benchmarks.pacer PORT TOKENS RATE`. Deliberately minimal (raw asyncio, no
framework) so that nearly all measured delay is the portal's.
"""

import asyncio
import json
import sys
import time


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


async def main(port: int, tokens: int, rate: float) -> None:
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, tokens, rate), "127.0.0.1", port, backlog=4096
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
