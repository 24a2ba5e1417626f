"""The search analyser loads when a serving process starts, not on its first search (the first search
after a restart took 16 s and froze live battle streams on that worker). Real processes: the ASGI
application under uvicorn, and Celery workers (a prefork child and a solo worker)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOADED = "AX search analyser loaded"


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    return env | {"DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONPATH": str(ROOT)} | extra


def _python(code: str, **env) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


CHECK = "import {module}; from ax_catalog import search; print(search.is_warm())"


def test_importing_the_asgi_application_loads_the_analyser():
    assert _python(CHECK.format(module="portal.asgi")) == "True"
    # the control: without the start-up hook the analyser is not loaded (the check can fail)
    assert _python(CHECK.format(module="portal.asgi"), AX_SEARCH_WARM_UP="0") == "False"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_first_search_after_a_restart_does_not_wait_for_the_analyser(tmp_path):
    env = _env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", LOG_LEVEL="INFO")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = _free_port()
    log = (tmp_path / "server.log").open("w+")
    command = [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--port", str(port)]
    server = subprocess.Popen(
        command + ["--log-level", "info"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        while "Uvicorn running" not in Path(log.name).read_text():
            assert server.poll() is None and time.monotonic() < deadline, Path(log.name).read_text()[-2000:]
            time.sleep(0.1)
        text = Path(log.name).read_text()
        assert LOADED in text.split("Uvicorn running")[0]  # loaded before the server took a request
        response = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/ax/use-cases/", params={"q": "민원 상담 챗봇"}, timeout=30
        )
        assert response.status_code == 200 and response.json()["count"] == 0
        # Not loaded again by the search: it found the analyser ready (how long the first search takes
        # with and without the warm-up is a figure `make bench` prints, never a timed assertion here).
        assert LOADED not in Path(log.name).read_text().split("Uvicorn running")[1]
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.mark.parametrize("pool", ["prefork", "solo"])
def test_celery_worker_processes_load_the_analyser_when_they_start(tmp_path, pool):
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-P",
            pool,
            "-c",
            "1",
            "-l",
            "info",
        ]
        quiet = ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        env = _env(CELERY_BROKER_URL="memory://")
        worker = subprocess.Popen(command + quiet, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while LOADED not in log.read_text():
                assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.2)
            who = next(line for line in log.read_text().splitlines() if LOADED in line)
            assert ("ForkPoolWorker" in who) == (pool == "prefork"), who  # the child itself, for prefork
        finally:
            worker.terminate()
            worker.wait(timeout=30)
