"""Transcript normalisation to LibriSpeech's written form: upper case, words of letters and digits,
apostrophes inside words (``DON'T``), no other punctuation, single spaces.

The positive control trains CTC on LRS3 transcripts and the fine-tuning on LibriSpeech: both must spell
alike. ``normalize_data_dir`` rewrites the ``text`` of a Kaldi data directory in that form; utterances
whose text is empty afterwards are removed from every file of the directory, counted and logged.
"""
from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import List, Tuple, Union

from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


def librispeech_form(text: str) -> str:
    """``"Don't  stop—it's 5 o'clock!"`` -> ``"DON'T STOP IT'S 5 O'CLOCK"``."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'").upper()
    out = []
    for i, ch in enumerate(text):
        if ch.isalnum():
            out.append(ch)
        elif ch == "'" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(ch)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def normalize_data_dir(path: PathLike) -> Tuple[int, List[str]]:
    """Rewrite ``<path>/text`` in LibriSpeech's form (only when it changes); returns the number of
    utterances kept and the ids removed because their text became empty. DataError without a text file."""
    d = DataDir.load(path)
    if d.text is None:
        raise DataError(Path(path) / "text", "no transcripts: this data directory has no text file")
    text = {u: librispeech_form(t) for u, t in d.text.items()}
    empty = sorted(u for u, t in text.items() if not t)
    if empty:
        logger.warning("%s: %d utterance(s) with no word left after normalisation removed, e.g. %s",
                       path, len(empty), empty[0])
    if text != d.text:
        d.text = text
        d = d.subset([u for u in d.utt_ids() if u not in set(empty)]) if empty else d
        d.write(path)
    return len(d.text), empty
