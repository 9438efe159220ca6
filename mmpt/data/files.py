"""Small files (configs, metadata, lists, copied results) written atomically, and only when their content
changed, so that a re-run leaves the file and its time stamp alone."""
from __future__ import annotations

from pathlib import Path
from typing import Union


def write_if_changed(path: Union[str, Path], data: Union[str, bytes]) -> bool:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` through a temporary file unless it already holds
    it; True when written."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(raw)
    tmp.replace(path)
    return True
