"""Simultaneous battles through one ASGI worker: the delay the portal adds per token.

Three processes on this machine: a pacing endpoint (tests/benchmarks/pacer.py) that writes each token
with its wall-clock time, one uvicorn worker running the portal, and this process, which opens N
websocket battles at once and measures, for every token, receive time minus the time the endpoint
wrote it. Each battle streams two upstream answers (A and B), so N battles = 2N upstream streams.
The delay includes parsing, relaying, websocket framing and loopback, and the client's own scheduling.
Battles start within BENCH_STAGGER seconds (default 1) of each other, then all stream at once.
Target (issue 3): 500 simultaneous battles with p99 added delay under 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import uvloop

ROOT = Path(__file__).resolve().parents[2]
LEVELS = [int(x) for x in os.environ.get("BENCH_BATTLES", "50,100,200,300,400,500").split(",")]
TOKENS = int(os.environ.get("BENCH_TOKENS", "40"))
RATE = float(os.environ.get("BENCH_RATE", "20"))  # tokens per second per upstream stream
STAGGER = float(os.environ.get("BENCH_STAGGER", "1.0"))
STAMP = re.compile(r"<(\d+\.\d+)>")


COLUMNS = [
    ("battles", "battles", "d"),
    ("streams", "streams", "d"),
    ("completed", "completed", "d"),
    ("tokens", "tokens", "d"),
    ("p50 ms", "p50_ms", ".2f"),
    ("p99 ms", "p99_ms", ".2f"),
    ("mean ms", "mean_ms", ".2f"),
    ("seconds", "seconds", ".1f"),
    ("cpu us/tok", "cpu_us_per_token", ".0f"),
    ("cpu share", "cpu_share", ".0%"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def open_sessions(base: str, n: int) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        csrf = (await client.get("/arena/")).cookies["csrftoken"]
        sem = asyncio.Semaphore(20)

        async def one() -> str:
            async with sem:
                response = await client.post(
                    "/arena/consent/",
                    headers={"X-CSRFToken": csrf, "Cookie": f"csrftoken={csrf}"},
                    follow_redirects=False,
                )
                return response.cookies["sessionid"]

        return await asyncio.gather(*(one() for _ in range(n)))


async def battle(
    ws_url: str, origin: str, session: str, delays: list[float], start: asyncio.Event, prompt: str
) -> bool:
    from websockets.asyncio.client import connect

    async with connect(
        ws_url,
        origin=origin,
        additional_headers={"Cookie": f"sessionid={session}"},
        max_size=None,
        open_timeout=60,
        compression=None,
    ) as ws:
        await start.wait()
        # Citizens do not press "send" in the same millisecond: arrivals spread over STAGGER seconds.
        await asyncio.sleep(random.uniform(0, STAGGER))
        await ws.send(json.dumps({"type": "prompt", "text": prompt}, ensure_ascii=False))
        while True:
            message = await ws.recv()
            now = time.time()
            if '"delta"' in message:
                delays.extend(now - float(t) for t in STAMP.findall(message))
            elif '"turn_done"' in message:
                return '"votable": true' in message
            elif '"error"' in message or '"side_error"' in message:
                return False


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_level(base: str, n: int, portal_pid: int) -> dict[str, float]:
    sessions = await open_sessions(base, n)
    ws_url = base.replace("http://", "ws://") + "/ws/arena/"
    delays: list[float] = []
    start = asyncio.Event()
    # Every citizen asks their own question: the arena limits how often one prompt may repeat.
    tasks = [
        asyncio.create_task(battle(ws_url, base, s, delays, start, f"벤치마크 질문 {n}-{i}번"))
        for i, s in enumerate(sessions)
    ]
    await asyncio.sleep(min(10, 0.5 + n * 0.01))  # let every socket open before the burst
    started, cpu_before = time.monotonic(), cpu_seconds(portal_pid)
    start.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(portal_pid) - cpu_before
    ok = sum(1 for r in results if r is True)
    delays.sort()
    pick = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] * 1000 if delays else float("nan")  # noqa: E731
    return {
        "battles": n,
        "streams": 2 * n,
        "completed": ok,
        "tokens": len(delays),
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "mean_ms": statistics.fmean(delays) * 1000 if delays else float("nan"),
        "seconds": elapsed,
        "cpu_us_per_token": cpu / max(1, len(delays)) * 1e6,
        "cpu_share": cpu / elapsed,
    }


def main() -> None:
    pacer_port, portal_port = free_port(), free_port()
    var = tempfile.mkdtemp(prefix="kai-bench-")
    env = {**os.environ, "PORTAL_VAR_DIR": var, "DJANGO_DEBUG": "1", "ARENA_MAX_OUTPUT_TOKENS": str(TOKENS)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    for name in ("A", "B"):
        subprocess.run(
            [
                py,
                "manage.py",
                "register_endpoint",
                "--team",
                f"bench {name}",
                "--model",
                f"pace-{name}",
                "--base-url",
                f"http://127.0.0.1:{pacer_port}/v1",
                "--model-id",
                f"pace-{name}",
                "--internal",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    # The in-memory channel layer and eager Celery stay (the relay does not pass through a channel
    # layer, and no vote is cast here), so the portal runs with DEBUG on: production refuses to start
    # with them. DEBUG's query log does not enter the figures: no query runs per token.
    pacer = subprocess.Popen(
        [py, "-m", "tests.benchmarks.pacer", str(pacer_port), str(TOKENS), str(RATE)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    portal = subprocess.Popen(
        [
            py,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            "--port",
            str(portal_port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--ws",
            "websockets-sansio",
            "--log-level",
            "warning",
            "--backlog",
            "4096",
            "--ws-per-message-deflate",
            "false",
            "--ws-max-size",
            "65536",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{portal_port}"
    try:
        wait_for(base + "/healthz")
        print(
            f"one uvicorn worker, {TOKENS} tokens per answer at {RATE:g} tokens/s per upstream stream, "
            f"starts spread over {STAGGER:g} s, {os.cpu_count()} cores"
        )
        print(" ".join(f"{title:>10}" for title, _, _ in COLUMNS))
        best = 0
        for n in LEVELS:
            row = uvloop.run(run_level(base, n, portal.pid))
            print(" ".join(format(row[key], spec).rjust(10) for _, key, spec in COLUMNS), flush=True)
            if row["p99_ms"] < 50 and row["completed"] == n:
                best = n
        print(
            f"most simultaneous battles with p99 added delay < 50 ms and every battle completed: {best} "
            f"(target 500, ratio {best / 500:.2f})"
        )
    finally:
        portal.terminate()
        pacer.terminate()
        portal.wait(10)
        pacer.wait(10)
