"""Relay at the peer ratio: the CPU the portal spends per relayed token, beside LiteLLM and a raw relay.

One run, one process tree, the same paced upstream for everyone (tests/benchmarks/pacer.py: realistic
Korean answers in 1-4 character tokens, OpenAI-compatible chunked SSE). Relayed through:

- raw      a minimal battle relay in raw asyncio (tests/benchmarks/raw_relay.py): the lower bound;
- portal   the portal's battle websocket, one gunicorn + uvicorn worker (portal.workers.UvicornWorker);
- portal2  the same with two workers, channel layer and cache on Redis;
- litellm  LiteLLM's proxy relaying the same streams as SSE (two requests per battle), from its own
           pinned virtualenv (var/bench-litellm, tests/benchmarks/litellm-requirements.txt).

This process is the load generator: the pacer and every client run in it, pinned to their own core
(BENCH_LOAD_CPUS, default the last core) while the relay runs on the others (BENCH_RELAY_CPUS), and
its CPU is reported apart. Figures, per relay and shape (tokens per answer @ tokens/s per stream):

- cpu us/tok   CPU of the relay's processes per relayed token (the load generator's beside it; in
               the pages line it includes rendering the pages);
- delay        what the relay adds per token, received time minus the time the token became
               releasable: for the portal, masking and redaction hold back a word still being written
               until it can no longer become a name or a personal detail (a guarantee, not relay
               cost); that wait is computed by running the portal's own maskers over the same tokens
               and is shown apart ("hold"). p50/p99 in the start burst (tokens written while battles
               were still being admitted) and in the steady phase after it;
- admit ms     prompt sent to upstream request received (the per-battle work before streaming);
- frames/tok   websocket frames (SSE events for LiteLLM) per token;
- KB/battle    growth of the relay's resident memory per simultaneous battle;
- exact        sides whose text arrived exactly as written, every character once and in order.

Then a sweep of simultaneous battles (BENCH_LEVELS) finds the most each relay holds with p99 added
delay under 50 ms and every battle completed; the portal's pages (arena, leaderboard) are timed
while its battles stream. Ratios and the goals of issue 18 are printed beside the figures.

Knobs: BENCH_RELAYS, BENCH_SHAPES, BENCH_CPU_BATTLES, BENCH_REPEAT (median of so many runs per
shape), BENCH_LEVELS, BENCH_SWEEP_SHAPE,
BENCH_PAGES_BATTLES, BENCH_STAGGER, BENCH_RELAY_CPUS, BENCH_LOAD_CPUS, BENCH_REDIS_URL (needed for
portal2; never the suite's or another's database), BENCH_DATABASE_URL (a scratch PostgreSQL database
the bench empties; default SQLite in a temporary directory).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import uvloop

from arena.battles.identity import KNOWN_ALIASES, LeakMasker, aliases_for_turn
from arena.safety.redaction import StreamRedactor
from tests.benchmarks.pacer import Pacer, answer_for, answers

ROOT = Path(__file__).resolve().parents[2]
RUN = f"{os.getpid() % 10000}"


def _shape(text: str) -> tuple[int, float]:
    tokens, _, rate = text.partition("@")
    return int(tokens), float(rate)


def _cpus(name: str, default: set[int]) -> set[int]:
    raw = os.environ.get(name, "").strip()
    return {int(c) for c in raw.split(",")} if raw else default


ALL_CPUS = sorted(os.sched_getaffinity(0))
LOAD_CPUS = _cpus("BENCH_LOAD_CPUS", {ALL_CPUS[-1]})
RELAY_CPUS = _cpus("BENCH_RELAY_CPUS", set(ALL_CPUS[:-1]) or set(ALL_CPUS))
RELAYS = os.environ.get("BENCH_RELAYS", "raw,portal,portal2,litellm").split(",")
SHAPES = [_shape(s) for s in os.environ.get("BENCH_SHAPES", "40@20,300@20,40@80,300@80").split(",")]
CPU_BATTLES = int(os.environ.get("BENCH_CPU_BATTLES", "50"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "1"))
LEVELS = [int(x) for x in os.environ.get("BENCH_LEVELS", "25,50,100,150,200,300").split(",") if x]
SWEEP_SHAPE = _shape(os.environ.get("BENCH_SWEEP_SHAPE", "40@20"))
PAGES_BATTLES = int(os.environ.get("BENCH_PAGES_BATTLES", "300"))
STAGGER = float(os.environ.get("BENCH_STAGGER", "1.0"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "").strip()
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "").strip()
P99_LIMIT_MS = 50.0
LITELLM_VENV = ROOT / "var" / "bench-litellm"
LITELLM_KEY = "sk-bench-" + "0123456789abcdef" * 2

# The portal's own names for the two bench models: what its masker holds back for (Latin, so nothing
# in a Korean answer is held for them).
BENCH_NAMES = ("Bench Team A", "Bench Team B", "pace-A", "pace-B")


# --- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree(root: int) -> list[int]:
    """The process and all its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


def pinned(command: list[str], cpus: set[int]) -> list[str]:
    return ["taskset", "-c", ",".join(map(str, sorted(cpus))), *command]


async def wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status < 500:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


# --- what the clients saw ------------------------------------------------------------------------


@dataclass
class Battle:
    prompt: str
    sent: float = 0.0
    sides: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: {"a": [], "b": []})
    frames: int = 0
    ok: bool = False
    failure: str = ""


@dataclass
class Row:
    relay: str
    shape: str
    battles: int
    completed: int = 0
    died: int = 0
    tokens: int = 0
    cpu_us: float = float("nan")
    load_us: float = float("nan")
    burst_p50: float = float("nan")
    burst_p99: float = float("nan")
    steady_p50: float = float("nan")
    steady_p99: float = float("nan")
    p99: float = float("nan")
    admit_p50: float = float("nan")
    admit_p99: float = float("nan")
    hold_p50: float = float("nan")
    hold_p99: float = float("nan")
    frames: float = float("nan")
    kb_per_battle: float = float("nan")
    exact: str = ""
    pages_p95: float = float("nan")
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return self.completed == self.battles and self.p99 < P99_LIMIT_MS


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


_release_points: dict[tuple[str, int, int], list[int]] = {}


def release_points(model: str, count: int, index: int) -> list[int]:
    """For each token of an answer, the index of the token after which the portal's maskers (names,
    then personal details, as in the turn) release its last character (`count` = at the finish)."""
    key = (model, count, index)
    if key not in _release_points:
        tokens = answers(model, count)[index]
        names = aliases_for_turn(aliases=(*KNOWN_ALIASES, *BENCH_NAMES), own=BENCH_NAMES, prompts=())
        masker, redactor = LeakMasker(names.masked, echoed=names.echoed), StreamRedactor()
        ends = list(itertools.accumulate(len(t) for t in tokens))
        points, released, i = [], 0, 0
        for j, token in enumerate(tokens):
            released += len(redactor.feed(masker.feed(token)))
            while i < len(ends) and ends[i] <= released:
                points.append(j)
                i += 1
        points += [count] * (len(ends) - len(points))
        _release_points[key] = points
    return _release_points[key]


def analyse(row: Row, battles: list[Battle], pacer: Pacer, count: int, guarded: bool) -> None:
    """Delays, admission times and exactness from what the clients received and the pacer wrote."""
    logs = [pacer.log.get((m, b.prompt)) for b in battles for m in ("pace-A", "pace-B")]
    burst_end = max((log.arrived for log in logs if log is not None), default=0.0)
    burst, steady, admit, hold = [], [], [], []
    exact = sides = 0
    for battle in battles:
        for model in ("pace-A", "pace-B"):
            if (log := pacer.log.get((model, battle.prompt))) is not None:
                admit.append(log.arrived - battle.sent)
        for pieces in battle.sides.values():
            if not pieces:
                continue
            sides += 1
            text = "".join(piece for _, piece in pieces)
            expected = {
                m: answers(m, count)[answer_for(m, battle.prompt, count)] for m in ("pace-A", "pace-B")
            }
            model = max(expected, key=lambda m: len(os.path.commonprefix(["".join(expected[m]), text])))
            tokens = expected[model]
            log = pacer.log.get((model, battle.prompt))
            if text != "".join(tokens) or log is None:
                continue
            exact += 1
            index = answer_for(model, battle.prompt, count)
            due = release_points(model, count, index) if guarded else list(range(len(tokens)))
            ends = list(itertools.accumulate(len(t) for t in tokens))
            position, i = 0, 0
            for received, piece in pieces:
                position += len(piece)
                while i < len(ends) and ends[i] <= position:
                    releasable = log.written[min(due[i], len(log.written) - 1)]
                    (burst if log.written[i] < burst_end else steady).append(received - releasable)
                    if guarded:
                        hold.append(releasable - log.written[i])
                    i += 1
            row.tokens += i
    ms = 1000.0
    row.burst_p50, row.burst_p99 = quantile(burst, 0.5) * ms, quantile(burst, 0.99) * ms
    row.steady_p50, row.steady_p99 = quantile(steady, 0.5) * ms, quantile(steady, 0.99) * ms
    row.p99 = quantile(burst + steady, 0.99) * ms
    row.admit_p50, row.admit_p99 = quantile(admit, 0.5) * ms, quantile(admit, 0.99) * ms
    if guarded:
        row.hold_p50, row.hold_p99 = quantile(hold, 0.5) * ms, quantile(hold, 0.99) * ms
    row.exact = f"{exact}/{sides}"
    row.completed = sum(1 for b in battles if b.ok)
    row.frames = sum(b.frames for b in battles) / max(1, row.tokens)
    for battle in battles:
        if not battle.ok:
            row.failures[battle.failure or "unknown"] = row.failures.get(battle.failure or "unknown", 0) + 1
    row.died = sum(n for reason, n in row.failures.items() if reason.startswith("closed"))


# --- relays --------------------------------------------------------------------------------------


class Relay:
    name = ""
    guarded = False  # masks and redacts (the portal): delays are counted from the release point
    process: subprocess.Popen | None = None

    def __init__(self, pacer_port: int) -> None:
        self.pacer_port = pacer_port
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        raise NotImplementedError

    async def prepare(self, http: aiohttp.ClientSession, n: int) -> None:
        """Anything a battle needs before its socket opens (the portal: consented sessions)."""

    async def battle(
        self, http, index: int, battle: Battle, start: asyncio.Event, connected: Callable
    ) -> None:
        raise NotImplementedError

    def pids(self) -> list[int]:
        return tree(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class WebsocketRelay(Relay):
    ws_path = "/ws/"

    def headers(self, index: int) -> dict[str, str]:
        return {"Origin": self.base}

    async def battle(self, http, index, battle, start, connected) -> None:
        try:
            ws = await http.ws_connect(
                self.base.replace("http", "ws") + self.ws_path,
                headers=self.headers(index),
                max_msg_size=0,
                compress=0,
                timeout=aiohttp.ClientWSTimeout(ws_close=10),
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            battle.failure = f"connect {type(error).__name__}"
            connected()
            return
        async with ws:
            connected()
            await start.wait()
            # Citizens do not press "send" in the same millisecond: arrivals spread over STAGGER seconds.
            await asyncio.sleep(random.uniform(0, STAGGER))
            battle.sent = time.monotonic()
            await ws.send_str(json.dumps({"type": "prompt", "text": battle.prompt}, ensure_ascii=False))
            async for message in ws:
                now = time.monotonic()
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                event = json.loads(message.data)
                kind = event["type"]
                if kind == "delta":
                    battle.frames += 1
                    battle.sides[event["side"]].append((now, event["text"]))
                elif kind == "turn_done":
                    battle.ok = bool(event["votable"])
                    battle.failure = "" if battle.ok else "not votable"
                    return
                elif kind not in ("battle", "turn_started", "side_done", "identity_masked"):
                    battle.failure = f"{kind}: {event.get('code') or event.get('message', '')}"[:80]
            battle.failure = battle.failure or f"closed ({ws.close_code})"


class Raw(WebsocketRelay):
    name = "raw"

    async def start(self) -> None:
        self.process = subprocess.Popen(
            pinned(
                [sys.executable, "-m", "tests.benchmarks.raw_relay", str(self.port), str(self.pacer_port)],
                RELAY_CPUS,
            ),
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                await asyncio.sleep(0.2)
        raise RuntimeError("the raw relay did not come up")


class Portal(WebsocketRelay):
    name = "portal"
    guarded = True
    ws_path = "/ws/arena/"
    workers = 1
    redis = REDIS_URL
    static_ready = False

    def __init__(self, pacer_port: int) -> None:
        super().__init__(pacer_port)
        self.sessions: list[str] = []
        self.var = tempfile.mkdtemp(prefix="kai-bench18-")
        unlimited = "100000000"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_VAR_DIR": self.var,
            # Production settings, so no query is logged and no development shortcut is measured, but
            # served over plain HTTP on loopback (portal.routing, without the start-up refusals).
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",  # no access line per request, as LiteLLM runs with LITELLM_LOG=ERROR
            "ARENA_MAX_OUTPUT_TOKENS": "1000",
            # Every citizen of the bench comes from 127.0.0.1: the per-network limits would stop it.
            **dict.fromkeys(
                (
                    "ARENA_BATTLES_PER_HOUR",
                    "ARENA_BATTLES_PER_HOUR_PER_DEVICE",
                    "ARENA_BATTLES_PER_HOUR_PER_NETWORK",
                    "ARENA_CONSENTS_PER_DAY_PER_DEVICE",
                    "ARENA_CONSENTS_PER_DAY_PER_NETWORK",
                    "ARENA_CHARS_PER_2H_PER_VOTER",
                    "ARENA_CHARS_PER_2H_PER_NETWORK",
                    "ARENA_PROMPT_REPEATS_PER_DAY",
                ),
                unlimited,
            ),
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        if DATABASE_URL:
            self.env["DATABASE_URL"] = DATABASE_URL
        if self.redis:
            self.env["REDIS_URL"] = self.redis

    def manage(self, *args: str) -> None:
        subprocess.run(
            # The production checks want real secrets and providers, which a bench on loopback lacks.
            [sys.executable, "manage.py", *args, "--skip-checks"],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    async def start(self) -> None:
        # Pages need the collected static files with their manifest (DEBUG off): collected once into
        # var/bench-staticfiles, then only what changed.
        collected = ROOT / "var" / "bench-staticfiles"
        collected.mkdir(parents=True, exist_ok=True)
        os.symlink(collected, Path(self.var) / "staticfiles")
        if not Portal.static_ready:
            self.manage("collectstatic", "--noinput", "-v", "0")
            Portal.static_ready = True
        self.manage("migrate", "-v", "0")
        if DATABASE_URL:
            self.manage("flush", "--noinput", "-v", "0")
        for side in "AB":
            self.manage(
                "register_endpoint",
                *("--team", f"Bench Team {side}", "--model", f"pace-{side}", "--model-id", f"pace-{side}"),
                *("--base-url", f"http://127.0.0.1:{self.pacer_port}/v1", "--internal"),
                *("--checkpoint", f"sha256:pace-{side}", "--licence", "Apache-2.0"),
                *("--statement", "벤치마크용 모델입니다.", "--signed-by", "벤치마크"),
            )
        command = [sys.executable, "-m", "gunicorn", "portal.routing:application"]
        command += [
            "-k",
            "portal.workers.UvicornWorker",
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
        ]
        command += ["--backlog", "4096", "--timeout", "120", "--log-level", "warning"]
        self.process = subprocess.Popen(pinned(command, RELAY_CPUS), cwd=ROOT, env=self.env)
        await wait_for(self.base + "/healthz")

    async def prepare(self, http, n) -> None:
        missing = n - len(self.sessions)
        if missing <= 0:
            return
        async with http.get(self.base + "/arena/") as response:
            csrf = response.cookies["csrftoken"].value
        gate = asyncio.Semaphore(20)

        async def one() -> str:
            async with (
                gate,
                http.post(
                    self.base + "/arena/consent/",
                    headers={"X-CSRFToken": csrf, "Cookie": f"csrftoken={csrf}"},
                    allow_redirects=False,
                ) as response,
            ):
                return response.cookies["sessionid"].value

        self.sessions += await asyncio.gather(*(one() for _ in range(missing)))

    def headers(self, index: int) -> dict[str, str]:
        return {"Origin": self.base, "Cookie": f"sessionid={self.sessions[index]}"}

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.var, ignore_errors=True)


class Portal2(Portal):
    name = "portal2"
    workers = 2
    redis = REDIS_URL


class LiteLLM(Relay):
    name = "litellm"

    async def start(self) -> None:
        litellm = ensure_litellm()
        self.config = Path(tempfile.mkdtemp(prefix="kai-bench18-litellm-")) / "config.yaml"
        models = "".join(
            f"  - model_name: pace-{s}\n    litellm_params:\n      model: openai/pace-{s}\n"
            f"      api_base: http://127.0.0.1:{self.pacer_port}/v1\n      api_key: none\n"
            for s in "AB"
        )
        self.config.write_text(f"model_list:\n{models}litellm_settings:\n  telemetry: false\n")
        env = {
            **os.environ,
            "LITELLM_MASTER_KEY": LITELLM_KEY,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no download of the price list at start
            "LITELLM_LOG": "ERROR",
            "TIKTOKEN_CACHE_DIR": str(self.config.parent),
        }
        command = [
            str(litellm),
            "--config",
            str(self.config),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            pinned([*command, "--num_workers", "1"], RELAY_CPUS), env=env, stdout=subprocess.DEVNULL
        )
        await wait_for(self.base + "/health/liveliness")

    async def battle(self, http, index, battle, start, connected) -> None:
        connected()
        await start.wait()
        await asyncio.sleep(random.uniform(0, STAGGER))
        battle.sent = time.monotonic()

        async def side(label: str, model: str) -> bool:
            body = {"model": model, "messages": [{"role": "user", "content": battle.prompt}], "stream": True}
            async with http.post(
                self.base + "/v1/chat/completions",
                json=body,
                headers={"Authorization": f"Bearer {LITELLM_KEY}"},
            ) as response:
                if response.status != 200:
                    battle.failure = f"HTTP {response.status}"
                    return False
                buffer = b""
                async for data in response.content.iter_any():
                    now = time.monotonic()
                    *events, buffer = (buffer + data).split(b"\n\n")
                    for event in events:
                        payload = event.removeprefix(b"data: ")
                        if payload == b"[DONE]":
                            return True
                        for choice in json.loads(payload).get("choices") or ():
                            if text := (choice.get("delta") or {}).get("content"):
                                battle.frames += 1
                                battle.sides[label].append((now, text))
            battle.failure = "closed before [DONE]"
            return False

        try:
            results = await asyncio.gather(side("a", "pace-A"), side("b", "pace-B"))
            battle.ok = all(results)
        except (aiohttp.ClientError, TimeoutError) as error:
            battle.failure = f"closed ({type(error).__name__})"

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.config.parent, ignore_errors=True)


def ensure_litellm() -> Path:
    """LiteLLM's proxy pins packages the portal's lock pins otherwise (gunicorn, httpx, uvicorn,
    websockets): it gets its own virtualenv, installed once from its own pinned requirements."""
    binary = LITELLM_VENV / "bin" / "litellm"
    requirements = Path(__file__).with_name("litellm-requirements.txt")
    stamp = LITELLM_VENV / ".installed"
    if binary.exists() and stamp.exists() and stamp.read_text() == requirements.read_text():
        return binary
    print(f"installing LiteLLM's proxy into {LITELLM_VENV} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(LITELLM_VENV)], check=True)
    pip = [str(LITELLM_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--no-deps", "-r", str(requirements)], check=True)
    stamp.write_text(requirements.read_text())
    return binary


RELAY_CLASSES = {cls.name: cls for cls in (Raw, Portal, Portal2, LiteLLM)}


# --- levels --------------------------------------------------------------------------------------


async def pages(http: aiohttp.ClientSession, relay: Relay, stop: asyncio.Event, times: list[float]) -> None:
    """The arena and leaderboard pages, fetched over and over while battles stream."""
    cookie = {"Cookie": f"sessionid={relay.sessions[0]}"} if getattr(relay, "sessions", None) else {}

    async def loop_on(path: str) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                async with http.get(relay.base + path, headers=cookie) as response:
                    await response.read()
                    if response.status == 200:
                        times.append(time.monotonic() - started)
            except (aiohttp.ClientError, TimeoutError):
                times.append(float("inf"))
            await asyncio.sleep(0.1)

    await asyncio.gather(loop_on("/arena/"), loop_on("/leaderboard/"))


async def run_level(
    http, relay: Relay, pacer: Pacer, n: int, shape: tuple[int, float], *, time_pages: bool = False
) -> Row:
    count, rate = shape
    pacer.tokens, pacer.rate = count, rate
    await relay.prepare(http, n)
    row = Row(relay.name, f"{count}@{rate:g}", n)
    tag = f"{RUN}-{relay.name}-{count}-{rate:g}-{n}-{random.randrange(10**6)}"
    battles = [Battle(f"벤치마크 질문 {tag}-{i}번") for i in range(n)]
    start, ready = asyncio.Event(), asyncio.Event()
    opened = 0

    def connected() -> None:
        nonlocal opened
        opened += 1
        if opened == n:
            ready.set()

    tasks = [asyncio.create_task(relay.battle(http, i, b, start, connected)) for i, b in enumerate(battles)]
    with _suppress_timeout():
        await asyncio.wait_for(ready.wait(), 60)
    pids = relay.pids()
    rss_before = peak = rss_bytes(pids)
    stop = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, rss_bytes(pids))
            await asyncio.sleep(0.25)

    page_times: list[float] = []
    helpers = [asyncio.create_task(sample())]
    if time_pages:
        helpers.append(asyncio.create_task(pages(http, relay, stop, page_times)))
    cpu_before, load_before = cpu_seconds(pids), _own_cpu()
    start.set()
    budget = STAGGER + count / rate * 3 + 60
    done, pending = await asyncio.wait(tasks, timeout=budget)
    for task in pending:
        task.cancel()
    cpu, load = cpu_seconds(pids) - cpu_before, _own_cpu() - load_before
    stop.set()
    await asyncio.gather(*helpers, return_exceptions=True)
    for task, battle in zip(tasks, battles, strict=True):
        if task in pending:
            battle.failure = battle.failure or "timed out"
        elif task.exception() is not None:
            battle.failure = f"closed ({type(task.exception()).__name__})"
    analyse(row, battles, pacer, count, relay.guarded)
    row.cpu_us = cpu / max(1, row.tokens) * 1e6
    row.load_us = load / max(1, row.tokens) * 1e6
    row.kb_per_battle = (peak - rss_before) / 1024 / n
    if page_times:
        row.pages_p95 = quantile(page_times, 0.95) * 1000
    for battle in battles:
        for model in ("pace-A", "pace-B"):
            pacer.log.pop((model, battle.prompt), None)
    gc.collect()
    await asyncio.sleep(0.5)  # let the relay settle before the next level
    return row


class _suppress_timeout:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is TimeoutError


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- report --------------------------------------------------------------------------------------

COLUMNS = [
    ("relay", "relay", "s", 8),
    ("shape", "shape", "s", 7),
    ("battles", "battles", "d", 7),
    ("done", "completed", "d", 5),
    ("tokens", "tokens", "d", 7),
    ("cpu us/tok", "cpu_us", ".0f", 10),
    ("load us/tok", "load_us", ".0f", 11),
    ("burst p50", "burst_p50", ".1f", 9),
    ("burst p99", "burst_p99", ".1f", 9),
    ("steady p50", "steady_p50", ".1f", 10),
    ("steady p99", "steady_p99", ".1f", 10),
    ("admit p50", "admit_p50", ".0f", 9),
    ("admit p99", "admit_p99", ".0f", 9),
    ("hold p50", "hold_p50", ".0f", 8),
    ("hold p99", "hold_p99", ".0f", 8),
    ("frames/tok", "frames", ".2f", 10),
    ("KB/battle", "kb_per_battle", ".0f", 9),
    ("exact", "exact", "s", 9),
    ("pages p95", "pages_p95", ".0f", 9),
]


def header() -> str:
    return " ".join(title.rjust(width) for title, _, _, width in COLUMNS)


def line(row: Row) -> str:
    cells = []
    for _, key, spec, width in COLUMNS:
        value = getattr(row, key)
        text = "-" if isinstance(value, float) and value != value else format(value, spec)
        cells.append(text.rjust(width))
    failures = ", ".join(f"{n} {reason}" for reason, n in row.failures.items())
    return " ".join(cells) + (f"   failed: {failures}" if failures else "")


def ratio(a: float, b: float) -> float:
    return a / b if b and b == b and a == a else float("nan")


def report(cpu_rows: dict[tuple[str, str], Row], held: dict[str, int], pages_row: Row | None) -> None:
    print("\nratios in this run (goals of issue 18 beside them)")
    for count, rate in SHAPES:
        shape = f"{count}@{rate:g}"
        portal, raw, lite = (cpu_rows.get((name, shape)) for name in ("portal", "raw", "litellm"))
        if portal is None:
            continue
        text = f"  {shape:>7}  CPU per token  portal/raw {ratio(portal.cpu_us, raw.cpu_us if raw else 0):5.2f}x (goal <= 2)"
        text += f"   portal/LiteLLM {ratio(portal.cpu_us, lite.cpu_us if lite else 0):5.2f}x"
        if (two := cpu_rows.get(("portal2", shape))) is not None:
            text += f"   portal2/portal {ratio(two.cpu_us, portal.cpu_us):5.2f}x"
        print(text)
    print("  battles one core holds at full CPU (from CPU per token: a battle is two streams at the rate):")
    for count, rate in SHAPES:
        shape = f"{count}@{rate:g}"
        held_cpu = [
            f"{name} {1e6 / (row.cpu_us * 2 * rate):.0f}"
            for name in RELAY_CLASSES
            if (row := cpu_rows.get((name, shape))) is not None and row.cpu_us == row.cpu_us
        ]
        print(f"  {shape:>7}  " + "   ".join(held_cpu))
    count, rate = SWEEP_SHAPE
    if held:  # the sweep ran (BENCH_LEVELS)
        print(f"  most simultaneous battles with p99 added delay < {P99_LIMIT_MS:g} ms, {count}@{rate:g}:")
        print("   " + "   ".join(f"{name} {n}" for name, n in held.items()))
        if held.get("raw") == 0:
            print("   (the raw relay held none: the machine is too loaded for this figure; see BENCH_LEVELS)")
        if "portal" in held and "raw" in held:
            print(f"   portal/raw {ratio(held['portal'], held['raw']):.2f} (goal >= 0.5)")
        if "portal" in held and "portal2" in held:
            print(
                f"   portal2/portal {ratio(held['portal2'], held['portal']):.2f} (goal >= 1.8; two relay cores needed)"
            )
    if pages_row is not None:
        print(
            f"  pages while {pages_row.battles} battles stream on {pages_row.relay}: p95 {pages_row.pages_p95:.0f} ms "
            f"(goal < 300), battles died {pages_row.died} (goal 0)"
        )


async def bench() -> None:
    os.sched_setaffinity(0, LOAD_CPUS)
    gc.freeze()
    pacer = Pacer(40, 20)
    pacer_port = await pacer.start()
    print(
        f"relays on cpu {sorted(RELAY_CPUS)}, pacer and clients on cpu {sorted(LOAD_CPUS)} "
        f"(of {len(ALL_CPUS)}); database {'PostgreSQL' if DATABASE_URL else 'SQLite'}, "
        f"Redis {'yes' if REDIS_URL else 'no (portal2 skipped)'}; starts spread over {STAGGER:g} s",
        flush=True,
    )
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    cpu_rows: dict[tuple[str, str], Row] = {}
    held: dict[str, int] = {}
    pages_row = None
    print(header(), flush=True)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as http:
        for name in RELAYS:
            if name == "portal2" and not REDIS_URL:
                continue
            relay = RELAY_CLASSES[name](pacer_port)
            try:
                await relay.start()
                await run_level(http, relay, pacer, 5, (40, 20))  # warm-up, not reported
                for shape in SHAPES:
                    # On a shared machine one run's CPU figure is noisy: the median of BENCH_REPEAT.
                    rows = [await run_level(http, relay, pacer, CPU_BATTLES, shape) for _ in range(REPEAT)]
                    row = sorted(rows, key=lambda r: r.cpu_us)[len(rows) // 2]
                    cpu_rows[(name, row.shape)] = row
                    print(line(row), flush=True)
                best = None
                for n in LEVELS:
                    row = await run_level(http, relay, pacer, n, SWEEP_SHAPE)
                    print(line(row), flush=True)
                    if not row.holds:
                        break
                    best = n
                if LEVELS:
                    held[name] = best or 0
                if name == ("portal2" if REDIS_URL else "portal") and PAGES_BATTLES:
                    pages_row = await run_level(
                        http, relay, pacer, PAGES_BATTLES, SWEEP_SHAPE, time_pages=True
                    )
                    print(line(pages_row), flush=True)
            finally:
                relay.stop()
    await pacer.stop()
    report(cpu_rows, held, pages_row)


def main() -> None:
    uvloop.run(bench())


if __name__ == "__main__":
    main()
