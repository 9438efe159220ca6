"""One ``.npy`` file per item, indexed by an scp (``utt /abs/path/utt.npy``).

Used for video clips (uint8 [T, H, W, 3]), which Kaldi ark files cannot hold. Arrays are memory-mapped
on load, so a data loader reads only the frames it uses.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Mapping, Union
from urllib.parse import quote

import numpy as np

from mmpt.data.datadir import read_path_scp
from mmpt.data.errors import DataError

PathLike = Union[str, Path]


def npy_name(key: str) -> str:
    """File name for ``key`` (characters unsafe in a file name are %-escaped)."""
    return quote(key, safe="-_.+=@,") + ".npy"


def save_npy(path: PathLike, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` atomically (a partial file is never left under the final name)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(array), allow_pickle=False)
    os.replace(tmp, path)


def load_npy(path: PathLike, mmap: bool = True) -> np.ndarray:
    """Load one array (memory-mapped read-only by default)."""
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DataError(path, f"cannot read array: {exc}") from None


class NpyScp(Mapping[str, np.ndarray]):
    """Lazy mapping ``key -> array`` over an scp of ``key path.npy`` lines."""

    def __init__(self, scp_path: PathLike, mmap: bool = True):
        self.scp_path = Path(scp_path)
        self.mmap = mmap
        self.paths: dict[str, str] = read_path_scp(self.scp_path)

    def __getitem__(self, key: str) -> np.ndarray:
        return load_npy(self.paths[key], mmap=self.mmap)

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)
