"""The code's shape: data flows corpus -> ingest -> assistant -> ui, with no import circles.

Every import is counted, the ones inside functions too: a lazy import still makes two modules
depend on each other. Built from the source with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "assistant", "ui")


def _graph() -> dict[str, set[str]]:
    modules = {
        f"{pkg}.{path.stem}": path
        for pkg in PACKAGES
        for path in (ROOT / pkg).glob("*.py")
        if path.stem != "__init__"
    }
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def test_lower_layers_never_import_higher_ones() -> None:
    rank = {"ingest": 0, "assistant": 1, "ui": 2}
    wrong = [
        f"{mod} imports {dep}"
        for mod, deps in _graph().items()
        for dep in deps
        if rank[dep.split(".")[0]] > rank[mod.split(".")[0]]
    ]
    assert wrong == []


def test_no_import_circles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                circles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_the_graph_sees_real_imports() -> None:
    graph = _graph()
    assert "assistant.extractive" in graph["assistant.api"]
    assert "ingest.embeddings" in graph["ingest.pipeline"]
