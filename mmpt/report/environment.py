"""The environment block of every ``RESULTS.md`` (ESPnet's ``## Environments``): when, with what, from where.

    ## Environments
    - date: `Sat Dec  5 19:40:02 UTC 2026`
    - python version: `3.11.7 (main, ...) [GCC 11.4.0]`
    - torch version: `2.8.0+cu128`
    - espnet version: `espnet 202511`
    - s3prl version: `0.4.18`
    - mmpt version: `0.1.0`
    - Git hash: `7ebbac5...` (with uncommitted changes)
      - Commit date: `Sat Dec 5 18:58:11 2026 +0000`
    - command: `./run.sh --upstream_ckpt ...`

Versions are read from the installed distributions' metadata (nothing is imported); the git hash is the
mmpt checkout's. The command is ``command`` when given, else ``$MMPT_RUN_COMMAND`` (which the recipes'
stage scripts set to their own command line), else this process's command line.
"""
from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND_ENV = "MMPT_RUN_COMMAND"
DISTRIBUTIONS = ("torch", "torchaudio", "espnet", "s3prl", "mmpt")


def package_versions(names: Sequence[str] = DISTRIBUTIONS) -> Dict[str, Optional[str]]:
    """Installed version of each distribution (None when it is not installed)."""
    versions: Dict[str, Optional[str]] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    if versions.get("mmpt") is None and "mmpt" in names:  # a source tree that was not installed
        from mmpt import __version__

        versions["mmpt"] = f"{__version__} (not installed)"
    return versions


def _git(*args: str, cwd: Path = REPO_ROOT) -> Optional[str]:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_info(root: Union[str, Path] = REPO_ROOT) -> Dict[str, Optional[str]]:
    """``hash``, ``date`` (commit date) and ``dirty`` ("yes"/"no") of the checkout at ``root``; Nones outside git."""
    root = Path(root)
    commit = _git("rev-parse", "HEAD", cwd=root)
    if commit is None:
        return {"hash": None, "date": None, "dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no", cwd=root)
    return {
        "hash": commit,
        "date": _git("log", "-1", "--format=%cd", cwd=root),
        "dirty": None if status is None else ("yes" if status else "no"),
    }


def run_command(command: Union[str, Sequence[str], None] = None) -> str:
    """The command to report: ``command``, else ``$MMPT_RUN_COMMAND``, else this process's command line."""
    if command is None:
        command = os.environ.get(COMMAND_ENV) or [Path(sys.argv[0]).name or "python", *sys.argv[1:]]
    if not isinstance(command, str):
        command = " ".join(shlex.quote(str(c)) for c in command)
    return command


def environment_block(
    command: Union[str, Sequence[str], None] = None,
    *,
    title: str = "## Environments",
    now: Optional[datetime.datetime] = None,
    root: Union[str, Path] = REPO_ROOT,
) -> str:
    """ESPnet's ``## Environments`` block (markdown, ending without a newline) for a ``RESULTS.md``.

    Args:
        command: the command that produced the results (default: see :func:`run_command`).
        title: the heading line ("" for none).
        now: the date to print (default: now, local time zone).
        root: the checkout whose git hash is reported.
    """
    now = now or datetime.datetime.now().astimezone()
    versions = package_versions()
    lines: List[str] = [title] if title else []
    lines.append(f"- date: `{now.strftime('%a %b %d %H:%M:%S %Z %Y')}`")
    lines.append(f"- python version: `{sys.version.splitlines()[0]}` ({platform.platform()})")
    for name, version in versions.items():
        label = f"espnet {version}" if name == "espnet" and version else version
        lines.append(f"- {name} version: `{label or 'not installed'}`")
    git = git_info(root)
    if git["hash"]:
        dirty = " (with uncommitted changes)" if git["dirty"] == "yes" else ""
        lines.append(f"- Git hash: `{git['hash']}`{dirty}")
        lines.append(f"  - Commit date: `{git['date']}`")
    else:
        lines.append("- Git hash: `unknown` (not a git checkout)")
    lines.append(f"- command: `{run_command(command)}`")
    return "\n".join(lines)
