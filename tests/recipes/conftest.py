"""Fixtures for recipe tests: a throw-away checkout whose recipes write nothing into the repository."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Optional, Sequence

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "egs2" / "TEMPLATE"
VENV_PYTHON = REPO_ROOT / "tools" / "venv" / "bin" / "python"


@pytest.fixture
def venv() -> Path:
    """tools/venv with the packages the recipes need; the test is skipped when it is not installed."""
    if not VENV_PYTHON.exists():
        pytest.skip(f"{VENV_PYTHON} is missing (bash tools/install.sh)")
    probe = subprocess.run(
        [str(VENV_PYTHON), "-c", "import torch, torchaudio, kaldiio, soundfile, numpy"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("tools/venv is incomplete (bash tools/install.sh)")
    return VENV_PYTHON.parent.parent


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """``tmp/repo`` laid out like the checkout: egs2/TEMPLATE, mmpt and tools link to the real ones, so a
    recipe copied to ``tmp/repo/egs2/<corpus>/<task>`` finds its machinery exactly as in the repository
    while its data/, dump/ and exp/ stay in tmp."""
    root = tmp_path / "repo"
    (root / "egs2").mkdir(parents=True)
    (root / "egs2" / "TEMPLATE").symlink_to(TEMPLATE)
    (root / "mmpt").symlink_to(REPO_ROOT / "mmpt")
    (root / "tools").symlink_to(REPO_ROOT / "tools")
    return root


def copy_recipe(checkout: Path, rel: str) -> Path:
    """Copy ``egs2/<corpus>/<task>`` of the repository (symlinks kept) without its outputs."""
    dst = checkout / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        REPO_ROOT / rel, dst, symlinks=True, ignore=shutil.ignore_patterns("data", "dump", "exp", "downloads")
    )
    return dst


def run_script(
    args: Sequence[str], cwd: Path, env: Optional[Dict[str, str]] = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run a recipe command with a clean environment (no venv of the caller, no corpus roots)."""
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MMPT_ROOT")}
    for name in ("LIBRISPEECH", "cmd_backend", "MMPT_BACKEND"):
        base.pop(name, None)
    base.update(env or {})
    return subprocess.run(
        ["bash", *args], cwd=cwd, env=base, capture_output=True, text=True, timeout=timeout
    )
