"""No import cycles between the modules of mmpt, function-level imports included.

Every ``import`` / ``from ... import`` of a module under ``mmpt/`` (at any depth of its syntax tree, except
under ``if TYPE_CHECKING:``) is an edge to the mmpt module it names: ``import mmpt.a.b`` goes to ``mmpt.a.b``;
``from mmpt.a import b`` goes to ``mmpt.a`` (whose names it reads) and to ``mmpt.a.b`` when that is a module.
A package's ``__init__`` is the package's module. That ``import mmpt.a.b`` runs ``mmpt/a/__init__.py`` first
is no edge here: a package that imports its own submodules is no cycle, unless one of them reads names
from the package.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Collection, Dict, Iterator, List, Optional, Set

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "mmpt"


def module_files(root: Path = ROOT, package: str = PACKAGE) -> Dict[str, Path]:
    """``{dotted module name: file}`` of every module of ``package``."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> Iterator[ast.AST]:
    """The import statements of ``tree`` at any depth, outside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = list(node.orelse)
        stack.extend(children)


def _known(name: str, modules: Collection[str]) -> Optional[str]:
    """``name`` or its longest prefix that is a module of the package; None outside it."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def module_edges(name: str, is_package: bool, source: str, modules: Collection[str]) -> Set[str]:
    """The package modules that the module ``name`` (source text ``source``) imports."""
    targets: Set[str] = set()
    for node in _imports(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            targets.update(filter(None, (_known(alias.name, modules) for alias in node.names)))
            continue
        base = node.module or ""
        if node.level:
            anchor = name.split(".") if is_package else name.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        package = _known(base, modules)
        if package:  # the names are read from it, so its code has run: an edge even when they are modules
            targets.add(package)
        targets.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules)
    targets.discard(name)
    return targets


def import_graph(modules: Dict[str, Path]) -> Dict[str, Set[str]]:
    """``{module: the package modules it imports}``."""
    return {name: module_edges(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), modules)
            for name, path in modules.items()}


def find_cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component of more than one module."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    components: List[List[str]] = []

    def visit(v: str) -> None:  # Tarjan; the graph is small enough for recursion
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, set(c)) for c in components]


def _cycle_in(graph: Dict[str, Set[str]], component: Set[str]) -> List[str]:
    """A shortest cycle through the first module of a strongly connected component (breadth first)."""
    start = min(component)
    parents: Dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [start, *reversed(path[:-1]), start] if v != start else [start, start]
                if w not in parents:
                    parents[w] = v
                    nxt.append(w)
        frontier = nxt
    return sorted(component)


def test_the_graph_sees_function_level_and_relative_imports():
    modules = {"p", "p.a", "p.b"}
    graph = {
        "p": module_edges("p", True, "from p.a import f\n", modules),
        "p.a": module_edges("p.a", False, "def f():\n    from . import b\n", modules),
        "p.b": module_edges("p.b", False, "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import p.a\n"
                            "import os\nimport p\n", modules),
    }
    assert graph == {"p": {"p.a"}, "p.a": {"p", "p.b"}, "p.b": {"p"}}
    assert find_cycles(graph) == [["p", "p.a", "p"]]


def test_no_import_cycles():
    cycles = find_cycles(import_graph(module_files()))
    assert not cycles, "import cycles in mmpt:\n" + "\n".join(" -> ".join(c) for c in cycles)
