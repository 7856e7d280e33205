"""Reads a package's import graph from its source, so tests can hold it to its layers."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    line: int


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` (found under `root`) by dotted name; packages by their own name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(module: str, path: Path, modules: Mapping[str, Path]) -> Iterator[Edge]:
    """What `module` imports, at any depth of its code (function bodies and TYPE_CHECKING included).

    `from pkg import name` counts as importing `pkg.name` when that is a module, not the package:
    that is what Python loads, and counting the package would invent circles that do not exist.
    """
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, is_package, node)
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                yield Edge(module, candidate if candidate in modules else source, node.lineno)


def import_graph(root: Path, package: str) -> list[Edge]:
    """The edges between modules of `package`, plus its imports of anything outside it."""
    modules = module_names(root, package)
    return [edge for name, path in modules.items() for edge in imports_of(name, path, modules)]


def circles(edges: list[Edge], package: str) -> list[list[str]]:
    """Strongly connected groups of more than one module inside `package` (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if edge.imported.startswith(package + ".") or edge.imported == package:
            graph.setdefault(edge.importer, set()).add(edge.imported)
            graph.setdefault(edge.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str, package: str, layers: Mapping[str, object]) -> str | None:
    """The layer a module belongs to: the longest dotted prefix under `package` that names a layer."""
    parts = module.split(".")
    if parts[0] != package:
        return None
    for end in range(len(parts), 1, -1):
        name = ".".join(parts[1:end])
        if name in layers:
            return name
    return None


def forbidden(edges: list[Edge], package: str, allowed: Mapping[str, set[str]]) -> list[str]:
    """One line per import that leaves its layer for one it may not use, naming both modules."""
    problems = []
    for edge in edges:
        source = layer_of(edge.importer, package, allowed)
        target = layer_of(edge.imported, package, allowed)
        if source is None or target is None or source == target:
            continue
        if target not in allowed[source]:
            problems.append(
                f"{edge.importer} (layer {source}) imports {edge.imported} (layer {target}) "
                f"at line {edge.line}; {source} may import: {', '.join(sorted(allowed[source])) or 'nothing'}"
            )
    return problems
