"""Shared fixtures: where the real sample data lives, and skipping when it (or a tool) is absent.

Locally, a test whose data or tool is missing is skipped. Under CI (``CI=true``, as ``.ci/run`` sets it)
every skip is a failure that names what is missing: a CI run cannot go green with parts untested.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CI_TRUE = ("1", "true", "yes", "on")


def in_ci() -> bool:
    """True when ``$CI`` says this is a CI run (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in CI_TRUE


def missing(what: str, reason: str) -> NoReturn:
    """Skip the test locally; fail it under CI, naming ``what`` (e.g. the fixture) and ``reason``."""
    if in_ci():
        pytest.fail(f"CI=true: {what} is missing, so the test cannot run (CI does not skip): {reason}",
                    pytrace=False)
    pytest.skip(f"{what}: {reason}")


def realdata_root() -> Path:
    """``$MMPT_REALDATA`` or ``../shared/realdata`` beside the checkout."""
    env = os.environ.get("MMPT_REALDATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Root of the small REAL samples; the test is skipped when they are absent (fails under CI)."""
    root = realdata_root()
    if not root.is_dir():
        missing("fixture 'realdata'", f"real sample data not found at {root} (set MMPT_REALDATA)")
    return root


@pytest.fixture(scope="session")
def espeak() -> str:
    """Path of espeak-ng; the test is skipped when it is not installed (fails under CI)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        missing("fixture 'espeak'", "espeak-ng is not installed (apt-get install espeak-ng)")
    return exe


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI, any other skip (``skipif``, ``importorskip``, ``pytest.skip``) fails with its reason."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true: {item.nodeid} would be skipped (CI does not skip): {reason}"
