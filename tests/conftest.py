"""Shared fixtures: where the real sample data lives, and skipping when it is absent."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def realdata_root() -> Path:
    """``$MMPT_REALDATA`` or ``../shared/realdata`` beside the checkout."""
    env = os.environ.get("MMPT_REALDATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Root of the small REAL samples; the test is skipped when they are absent."""
    root = realdata_root()
    if not root.is_dir():
        pytest.skip(f"real sample data not found at {root} (set MMPT_REALDATA)")
    return root


@pytest.fixture(scope="session")
def espeak() -> str:
    """Path of espeak-ng; the test is skipped when it is not installed."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return exe
