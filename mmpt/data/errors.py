"""Errors raised on bad input: each names the file (or entry) and the problem."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union


class DataError(Exception):
    """Bad input data. ``str(err)`` reads ``<where>: <problem>``."""

    def __init__(self, where: Union[str, Path], problem: str, key: Optional[str] = None):
        self.where = str(where)
        self.problem = problem
        self.key = key
        prefix = f"{self.where}" + (f" [{key}]" if key else "")
        super().__init__(f"{prefix}: {problem}")


class AudioReadError(DataError):
    """Audio that cannot be read or is unusable (missing, corrupt, empty)."""


class VideoReadError(DataError):
    """Video that cannot be decoded."""


class NoAudioStreamError(VideoReadError):
    """A video clip without an audio track."""


class DataDirError(DataError):
    """A Kaldi-style data directory that is missing or inconsistent."""
