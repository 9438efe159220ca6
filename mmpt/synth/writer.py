"""The interface of one embedded-corpus writer, and the runner that drives writers in parallel.

A writer produces one corpus in its real on-disk layout in three steps:

1. ``plan(preset, seed)``: a cheap, deterministic list of :class:`Item` (which speaker says which sentence,
   which scene class a clip shows, ...). No randomness may depend on anything but ``seed`` and the preset.
2. ``render(item, root)``: the expensive part, in a worker process: synthesise and write the item's files.
   It writes each file atomically (:func:`atomic_path`), so an interrupted run leaves no half-written
   output, and an item whose ``outputs`` all exist is skipped on a re-run.
3. ``finalize(items, root)``: the corpus-level metadata files (transcripts, yaml, csv, lists), written in a
   deterministic order once every item exists.

Every random draw inside ``render`` comes from :func:`item_rng`, seeded by the item's own ``seed``, so the
bytes of an item do not depend on the number of workers or the order of execution.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence, Tuple

import numpy as np
from tqdm import tqdm

logger = logging.getLogger(__name__)


@dataclass
class Item:
    """One unit of generation: ``outputs`` are paths relative to the corpus root; ``params`` is picklable."""

    key: str
    outputs: Tuple[str, ...]
    seed: int
    params: Dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0  # seconds of audio(-visual) data the item holds, filled by render() for benchmarks


class CorpusWriter(ABC):
    """One real corpus layout. Subclasses set ``name`` and implement the three steps."""

    name: str = ""

    @abstractmethod
    def plan(self, preset: "Preset", seed: int) -> List[Item]:
        """Deterministic list of items to render."""

    @abstractmethod
    def render(self, item: Item, root: Path) -> float:
        """Write the item's files under ``root``; return the seconds of data written."""

    @abstractmethod
    def finalize(self, items: Sequence[Item], root: Path) -> None:
        """Write the corpus-level metadata files."""

    def root(self, out: Path) -> Path:
        """Where this corpus goes under the output directory (``<out>/<name>`` by default)."""
        return out / self.name


@dataclass(frozen=True)
class Preset:
    """Sizes of one preset: ``sizes[corpus][key]`` (counts, durations), read by each writer."""

    name: str
    sizes: Dict[str, Dict[str, Any]]

    def get(self, corpus: str, key: str, default: Any = None) -> Any:
        return self.sizes.get(corpus, {}).get(key, default)


def stable_seed(*parts: Any) -> int:
    """A 63-bit seed from any printable parts, stable across processes and Python runs."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def item_rng(item: Item) -> np.random.Generator:
    """The item's own random generator."""
    return np.random.default_rng(item.seed)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; it is renamed to ``path`` when the block succeeds.

    The temporary name keeps the suffix (``x.tmp.wav``) so that writers that look at it (soundfile, PyAV)
    pick the right format.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file atomically (UTF-8, ``\\n`` line ends)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _is_done(item: Item, root: Path) -> bool:
    return all((root / rel).exists() for rel in item.outputs)


# Worker state: the writer is sent once per process, not once per item.
_WORKER: Dict[str, Any] = {}


def _init_worker(writer: CorpusWriter, root: Path) -> None:
    import torch

    torch.set_num_threads(1)
    _WORKER["writer"], _WORKER["root"] = writer, root


def _render_one(item: Item) -> Tuple[str, float]:
    return item.key, _WORKER["writer"].render(item, _WORKER["root"])


@dataclass
class WriterReport:
    """What one writer did: items planned / rendered / skipped, seconds of data, wall time."""

    name: str
    planned: int
    rendered: int
    skipped: int
    seconds: float
    wall: float

    def __str__(self) -> str:
        rate = self.seconds / self.wall if self.wall > 0 and self.rendered else float("nan")
        return (f"{self.name}: {self.rendered} rendered, {self.skipped} already there, "
                f"{self.seconds:.1f} s of data in {self.wall:.1f} s ({rate:.1f} s/s)")


def run_writer(writer: CorpusWriter, out: Path, preset: Preset, seed: int, nj: int = 1,
               progress: bool = True) -> WriterReport:
    """Plan, render (in ``nj`` processes; finished items are skipped) and finalize one corpus."""
    root = writer.root(Path(out))
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    items = writer.plan(preset, seed)
    keys = [it.key for it in items]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{writer.name}: plan() returned duplicated item keys")
    todo = [it for it in items if not _is_done(it, root)]
    seconds = 0.0
    bar = tqdm(total=len(todo), desc=f"synth {writer.name}", unit="item", disable=not progress or not todo)
    if todo:
        if nj <= 1:
            _init_worker(writer, root)
            for it in todo:
                seconds += _render_one(it)[1]
                bar.update()
        else:
            ctx = multiprocessing.get_context("spawn" if os.environ.get("MMPT_SPAWN") else "fork")
            with ctx.Pool(nj, initializer=_init_worker, initargs=(writer, root)) as pool:
                for _, secs in pool.imap_unordered(_render_one, todo, chunksize=1):
                    seconds += secs
                    bar.update()
    bar.close()
    writer.finalize(items, root)
    report = WriterReport(writer.name, len(items), len(todo), len(items) - len(todo), seconds,
                          time.perf_counter() - t0)
    logger.info("%s", report)
    return report
