"""Layout of the grammar package: public names, small acyclic modules, one Germanic implementation."""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import mmpt.synth.grammar as grammar
from mmpt.synth.grammar.dutch import DUTCH, Dutch
from mmpt.synth.grammar.german import GERMAN, German
from mmpt.synth.grammar.germanic import Germanic
from mmpt.synth.grammar.render import RENDERERS

PACKAGE = Path(grammar.__file__).parent


def test_public_names_resolve():
    for name in grammar.__all__:
        assert getattr(grammar, name) is not None, name


def test_modules_are_small_and_import_without_cycles():
    graph = {}
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600, path.name
        deps = {node.module.rsplit(".", 1)[-1] for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mmpt.synth.grammar.")}
        graph[path.stem] = deps
    list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle


def test_german_and_dutch_share_the_germanic_renderer():
    assert isinstance(RENDERERS["de"], German) and isinstance(RENDERERS["nl"], Dutch)
    for cls in (German, Dutch):
        assert issubclass(cls, Germanic)
        assert "clause" not in vars(cls) and "verb_group" not in vars(cls)
    assert (GERMAN.lang, DUTCH.lang) == ("de", "nl")
    assert set(GERMAN.wh) == set(DUTCH.wh)
