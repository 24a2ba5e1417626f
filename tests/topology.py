"""The production topology on one machine, as real processes: portal nodes (gunicorn with the portal's
uvicorn workers), a Celery worker and beat, one PostgreSQL database, one Redis, a paced model server.

Used by the multi-node tests (tests/portal/test_topology.py) and the load test
(tests/benchmarks/bench_topology.py). Where the machine allows it (root, iproute2), each node runs in
a network namespace of its own, joined to a bridge by a veth pair, so every request really crosses an
interface; the namespaces, links and bridge are removed afterwards. Otherwise the nodes get loopback
addresses of their own (127.x.y.2, 127.x.y.3). Addresses in namespaces are taken from 198.18.0.0/15,
the block set aside for benchmarking networks (RFC 2544): nothing outside this machine has them.

Services the nodes reach: Redis (a redis-server of the topology's own, appendonly, on a free port, so
a test may restart it without touching anyone else's), PostgreSQL (a database of the topology's own,
`kai_topo_<tag>`, on the server DATABASE_URL names, dropped afterwards; from inside a namespace
through a small TCP relay, since the server listens on loopback only) and the pacer
(tests/benchmarks/stamp_pacer.py). The Celery worker and beat run beside the test, on loopback.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SECRET_KEY = "topology-" + "k" * 30 + secrets.token_urlsafe(32)
VOTER_SALT = "topology-salt-" + secrets.token_urlsafe(32)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until(check, *, timeout: float, what: str, interval: float = 0.2, alive=None):
    """Poll `check` until it returns something truthy; generous deadlines, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"{what}: the process died")
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - not ready yet, whatever the reason
            result, last = None, exc
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


# --- hosts ----------------------------------------------------------------------------------------


@dataclass
class Host:
    address: str
    prefix: list[str] = field(default_factory=list)  # ["ip", "netns", "exec", NAME] or nothing
    namespace: str | None = None


class Network:
    """Hosts for the nodes, in namespaces on a bridge where possible, else on loopback addresses."""

    def __init__(self, tag: str, count: int, *, namespaces: bool = True) -> None:
        self.tag = tag
        self.links: list[str] = []
        self.namespaces: list[str] = []
        self.hosts: list[Host] = []
        self.kind = "loopback"
        if namespaces and os.geteuid() == 0 and shutil.which("ip"):
            try:
                self._namespaces(count)
                self.kind = "namespaces"
                return
            except (subprocess.CalledProcessError, OSError):
                self.close()
        block = int(tag[:2], 16)
        self.gateway = "127.0.0.1"
        self.hosts = [Host(f"127.{block}.{int(tag[2:4], 16)}.{2 + i}") for i in range(count)]

    def _ip(self, *args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True)

    def _namespaces(self, count: int) -> None:
        third = int(self.tag[:2], 16)
        base = f"198.{18 + int(self.tag[2], 16) % 2}.{third}"
        bridge = f"kbr{self.tag}"
        self._ip("link", "add", bridge, "type", "bridge")
        self.links.append(bridge)
        self._ip("addr", "add", f"{base}.1/24", "dev", bridge)
        self._ip("link", "set", bridge, "up")
        self.gateway = f"{base}.1"
        for i in range(count):
            ns, outer, inner = f"kai{self.tag}n{i}", f"kv{self.tag}h{i}", f"kv{self.tag}n{i}"
            self._ip("netns", "add", ns)
            self.namespaces.append(ns)
            self._ip("link", "add", outer, "type", "veth", "peer", "name", inner)
            self.links.append(outer)
            self._ip("link", "set", inner, "netns", ns)
            self._ip("link", "set", outer, "master", bridge)
            self._ip("link", "set", outer, "up")
            address = f"{base}.{10 + i}"
            self._ip("-n", ns, "addr", "add", f"{address}/24", "dev", inner)
            self._ip("-n", ns, "link", "set", inner, "up")
            self._ip("-n", ns, "link", "set", "lo", "up")
            self.hosts.append(Host(address, ["ip", "netns", "exec", ns], ns))

    def close(self) -> None:
        for link in reversed(self.links):
            subprocess.run(["ip", "link", "del", link], capture_output=True)
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.links, self.namespaces = [], []


# --- processes ------------------------------------------------------------------------------------


class Process:
    """A child process in its own session (so the whole group can be signalled), logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log = logdir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig: int, *, group: bool = False) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                if group:
                    os.killpg(self.popen.pid, sig)
                else:
                    self.popen.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        if self.popen is None:
            return None
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL, group=True)
            return self.popen.wait(10)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then SIGKILL for the whole group if it does not end in time."""
        if self.alive():
            self.signal(signal.SIGTERM)
            self.wait(timeout)
        if self.popen is not None:
            # Children a killed master left behind.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Node:
    name: str
    host: Host
    port: int
    process: Process
    tls: bool
    metrics_dir: Path

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host.address}:{self.port}"

    @property
    def ws_url(self) -> str:
        return self.url.replace("http", "ws", 1) + "/ws/arena/"


# --- the topology ---------------------------------------------------------------------------------


class Topology:
    """Start with `with Topology(...) as topo:`; everything it made is removed on exit."""

    def __init__(
        self,
        *,
        database_url: str,
        nodes: int = 2,
        workers: int = 2,
        tls: bool = True,
        namespaces: bool = True,
        env: dict[str, str] | None = None,
        pace: tuple[int, float] = (20, 20.0),
        worker_concurrency: int = 2,
    ) -> None:
        self.tag = secrets.token_hex(3)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"kai-topo-{self.tag}-"))
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.server_url = database_url
        self.database = f"kai_topo_{self.tag}"
        self.node_count, self.workers, self.tls = nodes, workers, tls
        self.namespaces, self.extra_env, self.pace = namespaces, env or {}, pace
        self.worker_concurrency = worker_concurrency
        self.nodes: list[Node] = []
        self.network: Network | None = None
        self._procs: list[Process] = []

    # -- lifecycle --

    def __enter__(self) -> Topology:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        self.network = Network(self.tag, self.node_count, namespaces=self.namespaces)
        gateway = self.network.gateway
        self._database_create()
        self.redis_port = free_port()
        self.redis = self._spawn("redis", self._redis_args())
        wait_until(self.redis_ping, timeout=30, what="redis", alive=self.redis.alive)
        if self.network.kind == "namespaces":
            parts = urlsplit(self.server_url)
            self.db_relay_port = free_port(gateway)
            self.db_relay = self._spawn(
                "db-relay",
                [
                    PY,
                    "-m",
                    "tests.tcp_relay",
                    gateway,
                    str(self.db_relay_port),
                    parts.hostname or "127.0.0.1",
                    str(parts.port or 5432),
                ],
            )
        self.pacer_port = free_port(gateway)
        self.pacer = self._spawn(
            "pacer",
            [
                PY,
                "-m",
                "tests.benchmarks.stamp_pacer",
                str(self.pacer_port),
                str(self.pace[0]),
                str(self.pace[1]),
                gateway,
            ],
        )
        self._prepare()
        if self.tls:
            self.cert, self.key = self._certificate()
        for i, host in enumerate(self.network.hosts):
            self.nodes.append(self._node(f"node{i + 1}", host))
        self.worker = Process("celery-worker", self._worker_args(), {}, self.logs)
        self._procs.append(self.worker)
        self.worker_start()
        self.beat = self._spawn(
            "celery-beat",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "portal",
                "--quiet",  # no banner: it prints the broker's address
                "beat",
                "-l",
                "INFO",
                "--schedule",
                str(self.tmp / "beat-schedule"),
            ],
            env=self.service_env(),
        )
        for node in self.nodes:
            self.node_wait(node)
        self.worker_wait()

    def close(self) -> None:
        for process in reversed(self._procs):
            with contextlib.suppress(Exception):
                process.stop(timeout=15)
        if self.network is not None:
            self.network.close()
        with contextlib.suppress(Exception):
            self._database_drop()
        if os.environ.get("KAI_TOPOLOGY_KEEP"):
            print(f"topology logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- environment --

    def database_url(self, *, via_relay: bool) -> str:
        parts = urlsplit(self.server_url)
        netloc = parts.netloc
        if via_relay and self.network.kind == "namespaces":
            userinfo = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
            netloc = f"{userinfo}{self.network.gateway}:{self.db_relay_port}"
        return urlunsplit((parts.scheme, netloc, "/" + self.database, "", ""))

    def redis_url(self, host: str | None = None) -> str:
        return f"redis://{host or '127.0.0.1'}:{self.redis_port}/0"

    def base_env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONUNBUFFERED": "1",
            "PORTAL_VAR_DIR": str(self.tmp / "var"),
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "ARENA_VOTER_SALT": VOTER_SALT,
            # Any non-development provider passes the production checks; nobody is verified here.
            "ARENA_VERIFICATION_PROVIDER": "tests.portal.conftest.StandInProvider",
            "DJANGO_ALLOWED_HOSTS": ",".join(
                ["127.0.0.1", "localhost", *(h.address for h in self.network.hosts)]
            ),
            "FORWARDED_ALLOW_IPS": "" if self.tls else self.network.gateway,
            "METRICS_NETWORKS": f"{self.network.gateway}/32,127.0.0.0/8",
            "HEALTHZ_DETAIL_NETWORKS": f"{self.network.gateway}/32,127.0.0.0/8",
            "ARENA_MIN_SECONDS_TO_VOTE": "0",
            "LEADERBOARD_MIN_VOTES": "1",
            "LEADERBOARD_BOOTSTRAP_ROUNDS": "20",
            # Beat's periodic refit (every 60 s by default) would land inside the tests that count the
            # refits votes ask for; here the board is refitted by votes only.
            "LEADERBOARD_REFRESH_SECONDS": "86400",
            "AX_SEARCH_WARM_UP": "0",
            **self.extra_env,
        }

    def service_env(self) -> dict[str, str]:
        """For processes beside the test (Celery, manage.py): loopback addresses, no pool (prefork)."""
        return {
            **self.base_env(),
            "DATABASE_URL": self.database_url(via_relay=False),
            "REDIS_URL": self.redis_url(),
            "DB_POOL_MAX_SIZE": "0",
            "DB_CONN_MAX_AGE": "0",
        }

    def node_env(self, node_name: str, host: Host, port: int) -> dict[str, str]:
        gateway = self.network.gateway
        return {
            **self.base_env(),
            "DATABASE_URL": self.database_url(via_relay=True),
            "REDIS_URL": self.redis_url(gateway),
            "DB_POOL_MAX_SIZE": self.extra_env.get("DB_POOL_MAX_SIZE", "4"),
            "PORTAL_BIND": f"{host.address}:{port}",
            "WEB_CONCURRENCY": str(self.workers),
            "PROMETHEUS_MULTIPROC_DIR": str(self.tmp / f"metrics-{node_name}"),
            "PORTAL_NODE": node_name,
        }

    # -- pieces --

    def _spawn(self, name: str, args: list[str], *, env: dict[str, str] | None = None) -> Process:
        process = Process(name, args, env or {**os.environ}, self.logs).start()
        self._procs.append(process)
        return process

    def _redis_args(self) -> list[str]:
        binds = ["127.0.0.1"] + ([self.network.gateway] if self.network.gateway != "127.0.0.1" else [])
        (self.tmp / "redis").mkdir(exist_ok=True)
        return [
            "redis-server",
            "--port",
            str(self.redis_port),
            "--bind",
            *binds,
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            str(self.tmp / "redis"),
            "--protected-mode",
            "no",
        ]

    def redis_ping(self) -> bool:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() == "PONG"

    def redis_key_exists(self, key: str) -> bool:
        """Is this key of the portal's cache (prefix `kai`, version 1) in Redis?"""
        out = subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "exists", f"kai:1:{key}"],
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() == "1"

    def redis_restart(self) -> None:
        """Shut the topology's Redis down (its append-only file kept) and start it again."""
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown"], capture_output=True, timeout=10)
        self.redis.wait(20)
        self.redis.start()
        wait_until(self.redis_ping, timeout=30, what="redis after restart", alive=self.redis.alive)

    def _database_create(self) -> None:
        with psycopg.connect(self._maintenance_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def _database_drop(self) -> None:
        with psycopg.connect(self._maintenance_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _maintenance_url(self) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme.replace("postgresql", "postgres"), parts.netloc, "/postgres", "", ""))

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url(via_relay=False).replace("postgresql", "postgres")) as conn:
            return conn.execute(query, params).fetchall()

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.service_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out

    def _prepare(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        for name in ("A", "B"):
            self.manage(
                "register_endpoint",
                "--team",
                f"토폴로지 {name}",
                "--model",
                f"pace-{name}",
                "--base-url",
                f"http://{self.network.gateway}:{self.pacer_port}/v1",
                "--model-id",
                f"pace-{name}",
                "--internal",
                *("--checkpoint", f"sha256:pace-{name}", "--licence", "Apache-2.0"),
                *("--statement", "시험용 모델입니다.", "--signed-by", "토폴로지 시험"),
            )

    def _certificate(self) -> tuple[Path, Path]:
        """A self-signed certificate for the node addresses (the test clients do not verify it)."""
        import datetime as dt
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kai-topology")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address(h.address)) for h in self.network.hosts]
                ),
                critical=False,
            )
            .sign(key, hashes.SHA256())
        )
        cert_path, key_path = self.tmp / "node.crt", self.tmp / "node.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path

    def _node_args(self, host: Host) -> list[str]:
        args = [*host.prefix, PY, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf"]
        if self.tls:
            args += ["--certfile", str(self.cert), "--keyfile", str(self.key)]
        return [*args, "portal.asgi:application"]

    def _node(self, name: str, host: Host) -> Node:
        port = free_port(host.address) if not host.namespace else 8000 + int(secrets.token_hex(1), 16)
        env = self.node_env(name, host, port)
        process = Process(name, self._node_args(host), env, self.logs).start()
        self._procs.append(process)
        return Node(name, host, port, process, self.tls, Path(env["PROMETHEUS_MULTIPROC_DIR"]))

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(verify=False, timeout=30, **kwargs)

    def node_ready(self, node: Node) -> bool:
        with self.client() as http:
            return http.get(node.url + "/healthz/ready", headers=self.proxy_headers()).status_code == 200

    def node_wait(self, node: Node, timeout: float = 240) -> None:
        wait_until(lambda: self.node_ready(node), timeout=timeout, what=node.name, alive=node.process.alive)

    def node_restart(self, node: Node) -> None:
        node.process.stop(timeout=5)
        node.process.start()
        self.node_wait(node)

    def proxy_headers(self) -> dict[str, str]:
        """Without TLS on the nodes the client stands in for the load balancer that terminates it."""
        return {} if self.tls else {"X-Forwarded-Proto": "https"}

    def _worker_args(self) -> list[str]:
        self.worker_metrics_port = free_port()
        return [
            PY,
            "-m",
            "celery",
            "-A",
            "portal",
            "--quiet",
            "worker",
            "-l",
            "INFO",
            "--concurrency",
            str(self.worker_concurrency),
            "-n",
            f"topo-{self.tag}@%h",
            "--without-mingle",
            "--without-gossip",
        ]

    def worker_start(self) -> None:
        env = {
            **self.service_env(),
            "CELERY_METRICS_PORT": str(self.worker_metrics_port),
            "CELERY_METRICS_ADDR": "127.0.0.1",
            "PROMETHEUS_MULTIPROC_DIR": str(self.tmp / f"metrics-worker-{secrets.token_hex(2)}"),
        }
        Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
        self.worker.env = env
        self.worker.start()

    def worker_metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.worker_metrics_port}/metrics", timeout=5).text

    def worker_wait(self, timeout: float = 180) -> None:
        wait_until(self.worker_metrics, timeout=timeout, what="celery worker", alive=self.worker.alive)

    def node_metrics(self, node: Node) -> str:
        with self.client() as http:
            return http.get(node.url + "/metrics", headers=self.proxy_headers()).text


def metric_value(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples in Prometheus text whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        metric, _, label_text = head.partition("{")
        if metric != name:
            continue
        found = dict(part.split("=", 1) for part in label_text.rstrip("}").split(",") if "=" in part)
        if all(found.get(k, "").strip('"') == v for k, v in labels.items()):
            total += float(value)
    return total


def log_lines(text: str) -> list[dict]:
    """The JSON log lines of a process's output (other lines, such as a traceback's, are skipped)."""
    lines = []
    for line in text.splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict):
                lines.append(record)
    return lines
