"""A seed's workspace: ``<ws>/egs2/<corpus>/<task>/`` linking every file of the repository's recipe except its
outputs, so that each seed has its own ``data/``, ``dump/`` and ``exp*/`` and the recipes stay one copy.

Recipes find the mmpt checkout through ``MMPT_ROOT`` (``path.sh``), which :func:`recipe_env` sets.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterable

from mmpt.data.errors import DataError

# What a recipe writes: never linked, always the workspace's own.
OUTPUTS = ("data", "dump", "exp", "db", "downloads")


def _is_output(name: str) -> bool:
    return name in OUTPUTS or name.startswith("exp_") or name.startswith("dump_")


def make_workspace(main_root: Path, ws: Path, recipes: Iterable[str]) -> None:
    """Create (or refresh) the links of ``recipes`` (``egs2/<corpus>/<task>``) under ``ws``; idempotent."""
    for rel in recipes:
        src = (main_root / rel).resolve()
        if not (src / "run.sh").is_file():
            raise DataError(src, "is not a recipe directory (no run.sh)")
        dst = ws / rel
        dst.mkdir(parents=True, exist_ok=True)
        for entry in sorted(src.iterdir()):
            if _is_output(entry.name):
                continue
            link = dst / entry.name
            target = entry.resolve()
            if link.is_symlink():
                if Path(os.readlink(link)) == target:
                    continue
                link.unlink()
            elif link.exists():
                raise DataError(link, "exists and is not a link to the recipe: remove it or use another workspace")
            link.symlink_to(target)


def recipe_env(main_root: Path) -> Dict[str, str]:
    """The environment of a recipe run in a workspace."""
    env = dict(os.environ)
    env["MMPT_ROOT"] = str(main_root)
    env["PYTHONPATH"] = str(main_root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
