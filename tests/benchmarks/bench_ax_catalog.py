"""AX catalogue at 100,000 published records on PostgreSQL (issue 19): search + facet counts through the
API (p50/p95) against a plain icontains search over the same fields in the same run; an import of
10,000 rows of the US federal inventory's shape through the `us-federal-2025` mapping; the first search
after a restart with and without the start-up warm-up. Targets: search + facets p95 <= 50 ms; 10,000-row
import <= 15 s; the first search after a restart does not wait for the analyser. The records are
synthetic and marked so: a quarter recombine the sample cases' and the real federal records' texts, the
rest are words drawn from a made-up Zipf vocabulary (so a query word matches a few per cent of the
catalogue, as in a register of all of government). Scratch database `kai_bench_ax`;
BENCH_AX_RECORDS changes the catalogue's size.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kai_bench").rsplit("/", 1)[
        0
    ]
    try:
        import psycopg

        with psycopg.connect(url + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS kai_bench_ax")
            conn.execute("CREATE DATABASE kai_bench_ax")
    except Exception as error:  # noqa: BLE001 - report and skip, the bench is not a test
        print(f"skipped: PostgreSQL not reachable ({type(error).__name__})")
        return
    env = {**os.environ, "DATABASE_URL": url + "/kai_bench_ax", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-m", "tests.benchmarks.ax_catalog_run"], cwd=ROOT, env=env, check=True)
