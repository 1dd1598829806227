"""The layers the paths promise: one service knows flows and storage, adapters only call it."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "flows", "storage")
ADAPTERS = ("bot.telegram", "bot.terminal", "bot.render")
# What opens a transaction or reads the database: only the service may use these.
DATABASE = ("storage.repository", "sqlmodel", "sqlalchemy")


@cache
def modules() -> dict[str, Path]:
    """Returns every module of the three packages by dotted name (migrations excluded)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _in_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


@cache
def imports(name: str) -> frozenset[str]:
    """Returns the project modules (and third-party roots) ``name`` imports, anywhere in it."""
    tree = ast.parse(modules()[name].read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _in_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules() else node.module)
    return frozenset(found)


def _uses(name: str, prefix: str) -> bool:
    return any(i == prefix or i.startswith(f"{prefix}.") for i in imports(name))


def test_only_the_service_imports_both_flows_and_storage() -> None:
    both = sorted(n for n in modules() if _uses(n, "flows") and _uses(n, "storage"))
    assert both, "the service must import both"
    assert [n for n in both if not n.startswith("bot.service")] == []


def test_adapters_never_touch_the_database_themselves() -> None:
    reaching = {
        n: sorted(d for d in DATABASE if _uses(n, d)) for n in modules() if n.startswith(ADAPTERS)
    }
    assert {n: d for n, d in reaching.items() if d} == {}


def test_the_service_knows_no_adapter() -> None:
    knowing = [n for n in modules() if n.startswith("bot.service") and _uses(n, "telegram")]
    knowing += [
        n for n in modules() if n.startswith("bot.service") and any(_uses(n, a) for a in ADAPTERS)
    ]
    assert knowing == []


def test_there_is_no_import_cycle() -> None:
    graph = {n: {i for i in imports(n) if i in modules() and i != n} for n in modules()}
    # A package's __init__ re-exports are edges too; a cycle is a path back to where it began.
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for nxt in sorted(graph[node]):
            cycle = visit(nxt)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    cycles = [c for n in sorted(graph) if (c := visit(n))]
    assert cycles == []


def test_every_module_outside_the_flow_data_stays_short() -> None:
    long = {
        n: lines
        for n, path in modules().items()
        if not n.startswith("flows.missing_from_care")
        and (lines := len(path.read_text().splitlines())) > 300
    }
    assert long == {}
