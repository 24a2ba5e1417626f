"""The whole portal under load: two nodes, a Celery worker and beat, PostgreSQL, Redis (tests/topology.py).

Simulated citizens, at increasing concurrency, each: open the home page and the arena, consent, then
until the level ends: a battle over one node's websocket against the paced model server, a vote on
the other node, the leaderboard, a catalogue search. Per level it prints page p50/p95, the time to
first token the portal adds (receive time minus the time the model server wrote the token, first token
of each side), vote p50/p95, errors, each process's CPU share (1.00 = one core busy all the time),
and names the resource closest to saturation. The load comes from this process, on this machine.

Knobs: BENCH_TOPO_LEVELS (citizens per level, default 4,8,16), BENCH_TOPO_SECONDS (per level, 20),
BENCH_TOPO_TOKENS and BENCH_TOPO_RATE (answer length and tokens/s per side, 30 and 20),
BENCH_TOPO_WORKERS (uvicorn workers per node, 2). A scratch database kai_topo_<random> is made on the
server DATABASE_URL names (default postgres://postgres@127.0.0.1:5432/postgres) and dropped.
On a quiet machine: BENCH_TOPO_LEVELS=8,16,32,64,128 BENCH_TOPO_SECONDS=60 make bench (this module:
`.venv/bin/python -m tests.benchmarks bench_topology`).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvloop

from tests.topology import Topology

LEVELS = [int(x) for x in os.environ.get("BENCH_TOPO_LEVELS", "4,8,16").split(",")]
SECONDS = float(os.environ.get("BENCH_TOPO_SECONDS", "20"))
TOKENS = int(os.environ.get("BENCH_TOPO_TOKENS", "30"))
RATE = float(os.environ.get("BENCH_TOPO_RATE", "20"))
WORKERS = int(os.environ.get("BENCH_TOPO_WORKERS", "2"))
STAMP = re.compile(r"<(\d+\.\d+)>")
HZ = os.sysconf("SC_CLK_TCK")
LB = {"X-Forwarded-Proto": "https"}  # the client stands in for the TLS-terminating load balancer
# Nobody is refused for going too fast here: the limits are the topology test's subject.
UNLIMITED = dict.fromkeys(
    (
        "ARENA_BATTLES_PER_HOUR",
        "ARENA_BATTLES_PER_HOUR_PER_DEVICE",
        "ARENA_BATTLES_PER_HOUR_PER_NETWORK",
        "ARENA_VOTES_PER_DAY",
        "ARENA_VOTES_PER_DAY_PER_DEVICE",
        "ARENA_VOTES_PER_DAY_PER_NETWORK",
        "ARENA_CONSENTS_PER_DAY_PER_DEVICE",
        "ARENA_CONSENTS_PER_DAY_PER_NETWORK",
        "ARENA_CHARS_PER_2H_PER_VOTER",
        "ARENA_CHARS_PER_2H_PER_NETWORK",
        "ARENA_PROMPT_REPEATS_PER_DAY",
        "API_THROTTLE_ANON",
    ),
    "1000000",
)
UNLIMITED["API_THROTTLE_ANON"] = "1000000/min"


@dataclass
class Stats:
    pages: list[float] = field(default_factory=list)
    ttft: list[float] = field(default_factory=list)
    votes: list[float] = field(default_factory=list)
    battles: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def public(base: str) -> str:
    """The origin as the browser sees it: behind the load balancer, over HTTPS."""
    return base.replace("http://", "https://", 1)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Citizen:
    def __init__(self, http: httpx.AsyncClient, stats: Stats) -> None:
        self.http, self.stats, self.cookies = http, stats, {}

    def headers(self, base: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        origin = public(base)
        return {**LB, "Cookie": cookie, "Origin": origin, "Referer": origin + "/"}

    def remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    async def page(self, base: str, path: str) -> None:
        started = time.perf_counter()
        try:
            response = await self.http.get(base + path, headers=self.headers(base))
        except httpx.HTTPError as exc:
            self.stats.error(f"page {type(exc).__name__}")
            return
        self.stats.pages.append(time.perf_counter() - started)
        self.remember(response)
        if response.status_code >= 400:
            self.stats.error(f"page {response.status_code}")

    async def post(self, base: str, path: str, data: dict, **extra: str) -> httpx.Response:
        headers = {**self.headers(base), "X-CSRFToken": self.cookies.get("csrftoken", ""), **extra}
        response = await self.http.post(base + path, data=data, headers=headers)
        self.remember(response)
        return response

    async def battle(self, node, prompt: str) -> str | None:
        from websockets.asyncio.client import connect

        firsts: dict[str, float] = {}
        battle_id = None
        try:
            async with connect(
                node.ws_url,
                origin=public(node.url),
                additional_headers={**LB, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
                open_timeout=60,
                max_size=None,
                compression=None,
            ) as ws:
                await ws.send(json.dumps({"type": "prompt", "text": prompt}, ensure_ascii=False))
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 120))
                    now = time.time()
                    kind = message["type"]
                    if kind == "battle":
                        battle_id = message["battle_id"]
                    elif kind == "delta" and message["side"] not in firsts:
                        stamp = STAMP.search(message["text"])
                        if stamp:
                            firsts[message["side"]] = now - float(stamp.group(1))
                    elif kind == "turn_done":
                        if not message["votable"]:
                            self.stats.error("battle not votable")
                            return None
                        break
                    elif kind in ("error", "side_error", "blocked"):
                        self.stats.error(f"battle {message.get('code') or kind}")
                        return None
        except Exception as exc:  # noqa: BLE001 - counted, the citizen carries on
            self.stats.error(f"battle {type(exc).__name__}")
            return None
        self.stats.ttft.extend(firsts.values())
        self.stats.battles += 1
        return battle_id

    async def vote(self, base: str, battle_id: str) -> None:
        started = time.perf_counter()
        try:
            response = await self.post(
                base,
                "/arena/vote/",
                {"battle_id": battle_id, "choice": random.choice("ab")},
                **{"HX-Request": "true"},
            )
        except httpx.HTTPError as exc:
            self.stats.error(f"vote {type(exc).__name__}")
            return
        self.stats.votes.append(time.perf_counter() - started)
        if response.status_code != 200:
            self.stats.error(f"vote {response.status_code}")


async def citizen_run(i: int, nodes, http: httpx.AsyncClient, stats: Stats, deadline: float) -> None:
    near, far = nodes[i % 2], nodes[(i + 1) % 2]
    citizen = Citizen(http, stats)
    await asyncio.sleep(random.uniform(0, 2))  # arrivals spread, not a thundering herd
    await citizen.page(near.url, "/")
    await citizen.page(near.url, "/arena/")
    try:
        consented = await citizen.post(near.url, "/arena/consent/", {})
    except httpx.HTTPError:
        stats.error("consent")
        return
    if consented.status_code != 302:
        stats.error(f"consent {consented.status_code}")
        return
    turn = 0
    while time.monotonic() < deadline:
        turn += 1
        battle_id = await citizen.battle(near, f"부하 시험 {i}-{turn} 질문입니다")
        if battle_id:
            await citizen.vote(far.url, battle_id)
        await citizen.page(far.url, "/leaderboard/")
        await citizen.page(near.url, "/ax/?q=민원")
        near, far = far, near


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / HZ


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        path = task / "children"
        if path.exists():
            found += [int(p) for p in path.read_text().split()]
    return found


def machine_busy() -> tuple[float, float]:
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) / HZ, (sum(parts) - idle) / HZ


def processes(topo: Topology) -> dict[str, list[int]]:
    """Each process of the topology by role; a node's workers one by one (each is one event loop)."""
    found: dict[str, list[int]] = {}
    for node in topo.nodes:
        master = node.process.popen.pid
        found[f"{node.name} master"] = [master]
        for n, pid in enumerate(children(master), 1):
            found[f"{node.name} worker {n}"] = [pid]
    worker = topo.worker.popen.pid
    found["celery worker"] = [worker, *children(worker)]
    found["celery beat"] = [topo.beat.popen.pid]
    found["redis"] = [topo.redis.popen.pid]
    found["model server"] = [topo.pacer.popen.pid]
    if topo.network.kind == "namespaces":
        found["db relay"] = [topo.db_relay.popen.pid]
    found["postgres (this db)"] = [
        row[0] for row in topo.sql("SELECT pid FROM pg_stat_activity WHERE datname = %s", (topo.database,))
    ]
    found["load client"] = [os.getpid()]
    return found


async def run_level(topo: Topology, n: int) -> dict:
    stats = Stats()
    limits = httpx.Limits(max_connections=4 * n + 20, max_keepalive_connections=4 * n + 20)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        roles = processes(topo)
        before = {role: sum(cpu_seconds(p) for p in pids) for role, pids in roles.items()}
        total0, busy0 = machine_busy()
        started = time.monotonic()
        deadline = started + SECONDS
        await asyncio.gather(*(citizen_run(i, topo.nodes, http, stats, deadline) for i in range(n)))
        elapsed = time.monotonic() - started
        total1, busy1 = machine_busy()
        roles_after = processes(topo)
    cpu = {
        role: (sum(cpu_seconds(p) for p in pids) - before.get(role, 0.0)) / elapsed
        for role, pids in roles_after.items()
    }
    connections = topo.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (topo.database,))[0][0]
    max_connections = int(topo.sql("SHOW max_connections")[0][0])
    return {
        "n": n,
        "stats": stats,
        "seconds": elapsed,
        "cpu": cpu,
        "machine": (busy1 - busy0) / max(1e-9, total1 - total0),
        "pg_connections": (connections, max_connections),
    }


def saturation(row: dict) -> str:
    """The resource nearest its limit: the machine's cores, one single-threaded process (a uvicorn
    worker, Redis, the load client) at one core, or PostgreSQL's connection slots."""
    candidates = {
        f"{role} (one core)": share for role, share in row["cpu"].items() if not role.startswith("postgres")
    }
    candidates[f"machine CPU ({os.cpu_count()} cores, shared with everything else running)"] = row["machine"]
    used, limit = row["pg_connections"]
    candidates["PostgreSQL connection slots"] = used / limit
    name, value = max(candidates.items(), key=lambda kv: kv[1])
    return f"{name}: {value:.0%}"


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgres://postgres@127.0.0.1:5432/postgres"
    env = {
        **UNLIMITED,
        "ARENA_MAX_OUTPUT_TOKENS": str(TOKENS),
        "LEADERBOARD_BOOTSTRAP_ROUNDS": "200",
        "LEADERBOARD_MIN_VOTES": "1",
        "AX_SEARCH_WARM_UP": "1",
        "LOG_LEVEL": "WARNING",
    }
    print(
        f"two nodes x {WORKERS} uvicorn workers, Celery worker and beat, PostgreSQL, Redis; answers of "
        f"{TOKENS} tokens at {RATE:g}/s per side; {SECONDS:g} s per level; {os.cpu_count()} cores shared with "
        "everything else on this machine (figures from a loaded machine are noisy)",
        flush=True,
    )
    started = time.monotonic()
    with Topology(
        database_url=database_url, tls=False, env=env, workers=WORKERS, pace=(TOKENS, RATE)
    ) as topo:
        print(f"topology up in {time.monotonic() - started:.0f} s ({topo.network.kind})", flush=True)
        rows = [uvloop.run(run_level(topo, n)) for n in LEVELS]
    header = (
        f"{'citizens':>8} {'battles':>7} {'page p50':>9} {'page p95':>9} {'ttft+ p50':>9} {'ttft+ p95':>9} "
        f"{'vote p50':>9} {'vote p95':>9} {'errors':>6}"
    )
    print(header + "   (milliseconds)")
    for row in rows:
        s = row["stats"]
        print(
            f"{row['n']:>8} {s.battles:>7} {pct(s.pages, 0.5):>9.0f} {pct(s.pages, 0.95):>9.0f} "
            f"{pct(s.ttft, 0.5):>9.0f} {pct(s.ttft, 0.95):>9.0f} {pct(s.votes, 0.5):>9.0f} "
            f"{pct(s.votes, 0.95):>9.0f} {sum(s.errors.values()):>6}",
            flush=True,
        )
    roles = list(rows[-1]["cpu"])
    print("\nCPU share per process (1.00 = one core all the time)")
    print(f"{'process':<24}" + "".join(f"{row['n']:>8}" for row in rows))
    for role in roles:
        print(f"{role:<24}" + "".join(f"{row['cpu'].get(role, 0):>8.2f}" for row in rows))
    print(f"{'machine (all cores)':<24}" + "".join(f"{row['machine']:>8.0%}" for row in rows))
    print(
        f"{'postgres connections':<24}"
        + "".join(f"{row['pg_connections'][0]:>5}/{row['pg_connections'][1]:<3}" for row in rows)
    )
    light = rows[0]["stats"]
    for row in rows:
        s = row["stats"]
        portal = sum(share for role, share in row["cpu"].items() if " worker " in role) * row["seconds"]
        print(
            f"at {row['n']} citizens: page p95 x{pct(s.pages, 0.95) / pct(light.pages, 0.95):.1f}, "
            f"added first-token p95 x{pct(s.ttft, 0.95) / pct(light.ttft, 0.95):.1f}, vote p95 "
            f"x{pct(s.votes, 0.95) / pct(light.votes, 0.95):.1f} of the lightest level's; node workers' CPU per "
            f"citizen round (battle, vote, two pages) {portal / max(1, s.battles) * 1000:.0f} ms"
        )
    for row in rows:
        if row["stats"].errors:
            print(f"errors at {row['n']} citizens: {row['stats'].errors}")
        print(f"nearest to saturation at {row['n']} citizens: {saturation(row)}")


if __name__ == "__main__":
    main()
