"""The house's import rules (docs/design.md, "Import rules"), checked over the source with `ast`.

A later change cannot quietly make an app import the shell, the kernel import an app, a pure module
import Django, or two modules import each other: this test names the file and line that does.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("core", "portal", "arena", "evaluation", "ax_catalog")

# Who may import whom, app by app: portal -> {ax_catalog, evaluation} -> arena -> core.
APP_IMPORTS = {
    "core": set(),
    "arena": {"core"},
    "evaluation": {"arena", "core"},
    "ax_catalog": {"arena", "core"},
    "portal": {"ax_catalog", "evaluation", "arena", "core"},
}

# Inside arena: each context may import these other contexts (arena's top-level modules such as
# models, errors and validators are shared by all; the top-level wiring modules import any context).
ARENA_CONTEXTS = ("endpoints", "safety", "battles", "ratings", "integrity", "panel")
ARENA_SHARED = {"models", "errors", "validators", "consent", "energy", "model_cards"}
ARENA_CONTEXT_IMPORTS = {
    "endpoints": set(),
    "safety": {"endpoints"},
    "ratings": {"safety"},  # the open export redacts once more on the way out
    "integrity": {"ratings"},
    "panel": {"safety", "ratings"},  # a vote reason is redacted; a session's results are ratings' records
    "battles": {"safety", "endpoints", "integrity", "ratings", "panel"},
}

# Math and text processing: arrays or strings in, frozen dataclasses out, no Django.
PURE_MODULES = (
    "arena/ratings/bradley_terry.py",
    "arena/ratings/raking.py",
    "arena/ratings/rank_spread.py",
    "arena/ratings/rao_kupper.py",
    "arena/ratings/listing.py",
    "arena/endpoints/similarity.py",
    "arena/integrity/anomaly.py",
    "arena/integrity/likelihood.py",
    "arena/integrity/upset.py",
    "arena/integrity/trust.py",
    "arena/integrity/defences.py",
    "arena/integrity/redteam.py",
    "arena/safety/redaction.py",
    "arena/safety/textnorm.py",
    "arena/energy.py",
    "arena/battles/identity.py",
    "arena/battles/sampling.py",
    "arena/battles/text_features.py",
    "evaluation/agreement.py",
)
PROJECT_PACKAGES = {*APPS}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module that imports
    target: str  # dotted module imported (best effort: `from a import b` counts as a.b when a.b is a module)
    line: int
    in_function: bool
    comment: str


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found[_module_name(path)] = path
    return found


def _resolve(module: str, name: str | None) -> str:
    """`from a import b`: the module a.b when it exists, else a."""
    if name and f"{module}.{name}" in _sources():
        return f"{module}.{name}"
    return module


@cache
def _imports() -> tuple[Import, ...]:
    found = []
    for module, path in _sources().items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        inner = {id(sub) for f in functions for sub in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [_resolve(node.module, alias.name) for alias in node.names]
            else:
                continue
            near = " ".join(lines[max(0, node.lineno - 2) : node.end_lineno])
            comment = " ".join(re.findall(r"#(.*)", near))
            for target in targets:
                found.append(Import(module, target, node.lineno, id(node) in inner, comment))
    return tuple(found)


def _top(module: str) -> str:
    return module.split(".")[0]


def _arena_context(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "arena" and len(parts) > 2 and parts[1] in ARENA_CONTEXTS:
        return parts[1]
    if parts[0] == "arena" and len(parts) == 2 and parts[1] in ARENA_CONTEXTS:
        return parts[1]
    return None


def _where(imp: Import) -> str:
    return f"{_sources()[imp.source].relative_to(ROOT)}:{imp.line} imports {imp.target}"


def test_apps_import_in_one_direction():
    wrong = [
        _where(imp)
        for imp in _imports()
        if _top(imp.target) in PROJECT_PACKAGES
        and _top(imp.target) != _top(imp.source)
        and _top(imp.target) not in APP_IMPORTS[_top(imp.source)]
    ]
    assert wrong == [], "\n".join(wrong)


def test_arena_contexts_import_only_what_the_design_allows():
    wrong = []
    for imp in _imports():
        here, there = _arena_context(imp.source), _arena_context(imp.target)
        if here is None or there is None or here == there:
            continue
        if there not in ARENA_CONTEXT_IMPORTS[here]:
            wrong.append(_where(imp))
    assert wrong == [], "\n".join(wrong)


def test_arena_contexts_reach_shared_modules_only_below_them():
    """A context may use arena.models/errors/validators, never arena's wiring (urls, admin, commands)."""
    wrong = [
        _where(imp)
        for imp in _imports()
        if _arena_context(imp.source)
        and _top(imp.target) == "arena"
        and _arena_context(imp.target) is None
        and imp.target != "arena"
        and imp.target.split(".")[1] not in ARENA_SHARED
    ]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("path", PURE_MODULES)
def test_pure_modules_import_no_django(path):
    module = _module_name(ROOT / path)
    assert module in _sources(), f"{path} is listed as pure but does not exist"
    wrong = [
        _where(imp)
        for imp in _imports()
        if imp.source == module
        and (
            _top(imp.target) in {"django", "channels", "rest_framework", "celery"}
            or (_top(imp.target) in PROJECT_PACKAGES and imp.target not in _pure_names())
        )
    ]
    assert wrong == [], "\n".join(wrong)


def _pure_names() -> set[str]:
    """A pure module may build on another pure module (redaction reads textnorm's normal form)."""
    return {_module_name(ROOT / path) for path in PURE_MODULES}


def test_no_module_imports_portal():
    """The shell mounts the apps; nothing below it imports it (settings are read through django.conf)."""
    wrong = [
        _where(imp) for imp in _imports() if _top(imp.target) == "portal" and _top(imp.source) != "portal"
    ]
    assert wrong == [], "\n".join(wrong)


def test_no_import_cycle_between_modules():
    graph: dict[str, set[str]] = {}
    for imp in _imports():
        if not imp.in_function and imp.target in _sources() and imp.target != imp.source:
            graph.setdefault(imp.source, set()).add(imp.target)
    cycles = _strongly_connected(graph)
    assert cycles == [], "\n".join(" <-> ".join(c) for c in cycles)


def test_function_level_imports_name_the_cycle_they_avoid():
    """Project modules are imported at the top, except where a comment names the cycle avoided. An
    AppConfig.ready() importing its app's checks or signals is Django's own idiom and is allowed."""
    wrong = [
        _where(imp)
        for imp in _imports()
        if imp.in_function
        and _top(imp.target) in PROJECT_PACKAGES
        and "cycle" not in imp.comment.lower()
        and not imp.source.endswith(".apps")
    ]
    assert wrong == [], "\n".join(wrong)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; components of more than one module are import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components
