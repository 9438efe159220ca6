"""mmpt.data.signal: the waveform operations the audio and video readers share; no import cycle in mmpt.data."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

import numpy as np

from mmpt.data import audio, video
from mmpt.data.signal import resample, to_mono

DATA = Path(audio.__file__).resolve().parent


def test_to_mono_averages_the_channels():
    stereo = np.stack([np.ones(4, np.float32), np.zeros(4, np.float32)], axis=1)
    assert to_mono(stereo).tolist() == [0.5] * 4 and to_mono(stereo).dtype == np.float32
    assert to_mono(stereo[:, :1]).tolist() == [1.0] * 4
    mono = np.arange(3, dtype=np.float32)
    assert to_mono(mono) is mono


def test_resample_keeps_duration_and_pitch():
    t = np.arange(8000) / 8000.0
    sine = np.sin(2 * np.pi * 440.0 * t).astype(np.float32)
    out = resample(sine, 8000, 16000)
    assert out.dtype == np.float32 and out.shape == (16000,)
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) * 16000 / len(out) - 440.0) < 2.0
    assert resample(sine, 8000, 8000) is not None and np.array_equal(resample(sine, 8000, 8000), sine)


def test_the_readers_share_one_implementation():
    assert audio.resample is resample and audio.to_mono is to_mono and video.resample is resample


def _imports(path: Path, package: str, modules: Set[str]) -> Set[str]:
    """The modules of ``package`` that ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.update(n for n in names if n in modules)
    return found


def test_no_import_cycle_in_mmpt_data():
    modules = {f"mmpt.data.{p.stem}": p for p in DATA.glob("*.py") if p.stem != "__init__"}
    graph: Dict[str, Set[str]] = {m: _imports(p, "mmpt.data", set(modules)) - {m} for m, p in modules.items()}

    def cycle_from(start: str) -> List[str]:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return path + [start]
                if nxt not in path:
                    stack.append((nxt, path + [nxt]))
        return []

    cycles = [c for c in map(cycle_from, sorted(graph)) if c]
    assert not cycles, cycles
    assert "mmpt.data.audio" not in graph["mmpt.data.video"]  # the video reader stands alone
