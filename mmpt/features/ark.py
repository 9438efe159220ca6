"""Kaldi ark/scp matrix I/O.

This is the only module of mmpt that imports ``kaldiio`` (its licence is for evaluation only): replacing
the backend means rewriting these three functions and nothing else.
"""
from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import Mapping, Optional, Union

import kaldiio
import numpy as np

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


class ArkWriter:
    """Write float matrices to ``ark_path`` and their ``utt ark_path:offset`` index to ``scp_path``.

    Usage::

        with ArkWriter("feats.1.ark", "feats.1.scp") as writer:
            writer.write("utt1", feats)   # np.float32 [frames, dim]

    The ark path in the scp is absolute, so the scp can be read from any working directory.
    """

    def __init__(self, ark_path: PathLike, scp_path: PathLike):
        self.ark_path = Path(ark_path).resolve()
        self.scp_path = Path(scp_path).resolve()
        self._helper: Optional[kaldiio.WriteHelper] = None
        self.count = 0

    def __enter__(self) -> "ArkWriter":
        self.ark_path.parent.mkdir(parents=True, exist_ok=True)
        self.scp_path.parent.mkdir(parents=True, exist_ok=True)
        self._helper = kaldiio.WriteHelper(f"ark,scp:{self.ark_path},{self.scp_path}")
        return self

    def write(self, key: str, matrix: np.ndarray) -> None:
        """Append one matrix [rows, cols] (float32 or float64) under ``key``."""
        if self._helper is None:
            raise RuntimeError("ArkWriter.write called outside its 'with' block")
        if not key or any(c.isspace() for c in key):
            raise DataError(self.scp_path, "keys must be non-empty and without whitespace", key=key)
        matrix = np.asarray(matrix)
        if matrix.ndim != 2 or matrix.dtype not in (np.float32, np.float64):
            raise DataError(
                self.ark_path,
                f"expected a float32/float64 matrix, got {matrix.dtype} {matrix.shape}",
                key=key,
            )
        self._helper[key] = matrix
        self.count += 1

    def close(self) -> None:
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


def load_scp(scp_path: PathLike) -> Mapping[str, np.ndarray]:
    """Lazy mapping ``utt -> matrix`` over an scp file (a matrix is read when indexed)."""
    scp_path = Path(scp_path)
    if not scp_path.is_file():
        raise DataError(scp_path, "scp file not found")
    return kaldiio.load_scp(str(scp_path))


def read_mat(spec: str) -> np.ndarray:
    """Read one matrix from an scp value such as ``/abs/feats.1.ark:1234``."""
    try:
        return kaldiio.load_mat(spec)
    except (OSError, ValueError, EOFError) as exc:
        raise DataError(spec, f"cannot read matrix: {exc}") from None
