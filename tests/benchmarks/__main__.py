"""`make bench`: run every benchmark and print its figures. Nothing here asserts a time."""

import importlib
import sys

BENCHMARKS = [
    "tests.benchmarks.bench_redaction",
    "tests.benchmarks.bench_ratings",
    "tests.benchmarks.bench_brigade",
    "tests.benchmarks.bench_redteam",
    "tests.benchmarks.bench_active_sampling",
    "tests.benchmarks.bench_ax_catalog",
    "tests.benchmarks.bench_relay",
    "tests.benchmarks.bench_topology",
    "tests.benchmarks.bench_canaries",
]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        module = importlib.import_module(name if name.startswith("tests.") else f"tests.benchmarks.{name}")
        print(f"\n=== {module.__name__} ===\n{(module.__doc__ or '').strip()}\n", flush=True)
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
