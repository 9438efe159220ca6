"""Small text files (configs, metadata, lists) written atomically, and only when their text changed, so
that a re-run leaves the file and its time stamp alone."""
from __future__ import annotations

from pathlib import Path
from typing import Union


def write_if_changed(path: Union[str, Path], text: str) -> bool:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file unless it already holds it; True when
    written."""
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True
