"""Global cepstral mean and variance normalisation (CMVN) statistics.

Stats are the frame count and per-dimension sum and sum of squares (float64), saved in ESPnet's
``feats_stats.npz`` layout (keys ``count``, ``sum``, ``sum_square``) that ``espnet2.layers.global_mvn.
GlobalMVN`` reads. Sums add, so stats of N disjoint parts combine into the stats of the whole.
"""
from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from mmpt.data.datadir import read_feats_scp
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


@dataclass
class CmvnStats:
    """Running statistics of feature frames [*, dim]."""

    count: int = 0
    sum: Optional[np.ndarray] = None  # float64 [dim]
    sum_square: Optional[np.ndarray] = None  # float64 [dim]

    @property
    def dim(self) -> Optional[int]:
        return None if self.sum is None else int(self.sum.shape[0])

    def update(self, feats: np.ndarray, key: str = "<feats>") -> None:
        """Add the frames of one matrix [frames, dim]."""
        feats = np.asarray(feats)
        if feats.ndim != 2:
            raise DataError(key, f"expected a matrix [frames, dim], got shape {feats.shape}")
        if self.sum is None:
            self.sum = np.zeros(feats.shape[1], dtype=np.float64)
            self.sum_square = np.zeros(feats.shape[1], dtype=np.float64)
        elif feats.shape[1] != self.dim:
            raise DataError(key, f"feature dim {feats.shape[1]} differs from earlier ones ({self.dim})")
        x = feats.astype(np.float64, copy=False)
        self.count += int(x.shape[0])
        self.sum += x.sum(axis=0)
        self.sum_square += np.einsum("ij,ij->j", x, x)

    def __add__(self, other: "CmvnStats") -> "CmvnStats":
        if other.sum is None:
            return CmvnStats(self.count, _copy(self.sum), _copy(self.sum_square))
        if self.sum is None:
            return CmvnStats(other.count, _copy(other.sum), _copy(other.sum_square))
        if self.dim != other.dim:
            raise ValueError(f"cannot combine stats of dim {self.dim} and {other.dim}")
        return CmvnStats(self.count + other.count, self.sum + other.sum, self.sum_square + other.sum_square)

    @classmethod
    def combine(cls, parts: Iterable["CmvnStats"]) -> "CmvnStats":
        total = cls()
        for part in parts:
            total = total + part
        return total

    def _require(self) -> tuple[np.ndarray, np.ndarray]:
        if self.sum is None or self.sum_square is None or self.count == 0:
            raise ValueError("CMVN statistics are empty (no frames accumulated)")
        return self.sum, self.sum_square

    @property
    def mean(self) -> np.ndarray:
        """float64 [dim]"""
        s, _ = self._require()
        return s / self.count

    @property
    def var(self) -> np.ndarray:
        """Population variance, float64 [dim] (as GlobalMVN computes it)."""
        s, sq = self._require()
        mean = s / self.count
        return sq / self.count - mean * mean

    def std(self, eps: float = 1.0e-20) -> np.ndarray:
        """sqrt(max(var, eps)), float64 [dim] (GlobalMVN's floor)."""
        return np.sqrt(np.maximum(self.var, eps))

    def normalize(self, feats: np.ndarray, norm_means: bool = True, norm_vars: bool = True) -> np.ndarray:
        """Apply global MVN to [frames, dim]; returns the input dtype."""
        out = np.asarray(feats, dtype=np.float64)
        if norm_means:
            out = out - self.mean
        if norm_vars:
            out = out / self.std()
        return out.astype(np.asarray(feats).dtype, copy=False)

    def save(self, path: PathLike) -> None:
        """Write ESPnet's ``feats_stats.npz`` (count, sum, sum_square)."""
        s, sq = self._require()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:  # np.savez on a name would append ".npz" to other suffixes
            np.savez(f, count=np.asarray(self.count), sum=s, sum_square=sq)

    @classmethod
    def load(cls, path: PathLike) -> "CmvnStats":
        """Read a ``feats_stats.npz`` written by :meth:`save` or by ESPnet's collect_stats."""
        try:
            with np.load(path) as stats:
                return cls(
                    count=int(stats["count"]),
                    sum=np.asarray(stats["sum"], dtype=np.float64),
                    sum_square=np.asarray(stats["sum_square"], dtype=np.float64),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(path, f"not a CMVN stats file (count/sum/sum_square): {exc}") from None


def _copy(a: Optional[np.ndarray]) -> Optional[np.ndarray]:
    return None if a is None else a.copy()


def accumulate(feats: Mapping[str, np.ndarray], keys: Optional[Sequence[str]] = None) -> CmvnStats:
    """Stats over ``feats`` (e.g. ``ark.load_scp(...)``), or over ``keys`` of it only."""
    stats = CmvnStats()
    for key in feats if keys is None else keys:
        stats.update(feats[key], key=key)
    return stats


def _stats_of_entries(entries: list[tuple[str, str]]) -> CmvnStats:
    from mmpt.features.ark import read_mat

    stats = CmvnStats()
    for key, spec in entries:
        stats.update(read_mat(spec), key=key)
    return stats


def compute_cmvn_stats(scps: Union[PathLike, Sequence[PathLike]], nj: int = 1) -> CmvnStats:
    """Global stats over all matrices of one or more ``feats.scp`` files.

    ``nj > 1`` splits the entries into ``nj`` chunks read by as many local processes; the chunk stats are
    summed, which is the same computation as a single pass up to float64 rounding.
    """
    if isinstance(scps, (str, Path)):
        scps = [scps]
    entries = [entry for scp in scps for entry in read_feats_scp(scp)]
    if not entries:
        raise DataError(", ".join(map(str, scps)), "no features listed")
    nj = max(1, min(nj, len(entries)))
    if nj == 1:
        return _stats_of_entries(entries)
    size = -(-len(entries) // nj)
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
    ctx = multiprocessing.get_context("forkserver")  # fork-safe even if the caller runs threads
    with ProcessPoolExecutor(max_workers=nj, mp_context=ctx) as pool:
        return CmvnStats.combine(pool.map(_stats_of_entries, chunks))
