"""Real servers for tests and benchmarks: any ASGI app under uvicorn, in a background thread."""

from __future__ import annotations

import threading
import time

import uvicorn


class ServerThread:
    """Runs `app` on 127.0.0.1 with an ephemeral port. Use as a context manager or start()/stop()."""

    def __init__(self, app, *, lifespan: str = "off", server_class=uvicorn.Server, **config) -> None:
        self.config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan=lifespan,
            ws="websockets-sansio",
            # As in production (portal/workers.py): frames larger than a prompt needs are refused.
            ws_max_size=64 * 1024,
            **config,
        )
        self.server = server_class(self.config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
