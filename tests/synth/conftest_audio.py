"""Helpers shared by the tests of the audio-only writers (LibriSpeech, MuST-C, Speech Commands, FSC, LibriMix).

Each test module generates its corpus once (tiny preset, nj=1) with :func:`generate`, then checks
determinism by generating it again with nj=2 elsewhere and comparing :func:`tree_hashes`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Dict, Optional

from mmpt.synth.presets import get_preset
from mmpt.synth.registry import get_writer
from mmpt.synth.writer import WriterReport, run_writer

SEED = 3


def generate(name: str, out: Path, nj: int = 1, seed: int = SEED) -> WriterReport:
    """Write corpus ``name`` (tiny preset) under ``out``."""
    return run_writer(get_writer(name), out, get_preset("tiny"), seed, nj=nj, progress=False)


def tree_hashes(root: Path, transform: Optional[Callable[[Path, bytes], bytes]] = None) -> Dict[str, str]:
    """sha256 of every file under ``root`` by relative path (``transform`` may rewrite a file's bytes)."""
    out = {}
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        data = f.read_bytes()
        if transform is not None:
            data = transform(f, data)
        out[str(f.relative_to(root))] = hashlib.sha256(data).hexdigest()
    return out


def mtimes(root: Path) -> Dict[str, int]:
    return {str(f.relative_to(root)): f.stat().st_mtime_ns for f in root.rglob("*") if f.is_file()}
