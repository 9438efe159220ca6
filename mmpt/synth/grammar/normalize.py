"""English transcripts in the LibriSpeech style: upper case, numbers as words, no punctuation."""
from __future__ import annotations

import re

from mmpt.synth.lexicon import number_word


def _en_int(n: int) -> str:
    if n < 0:
        return "minus " + _en_int(-n)
    if n < 100:
        return number_word(n, "en").replace("-", " ")
    for size, word in ((10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            head, rest = divmod(n, size)
            return f"{_en_int(head)} {word}" + (f" {_en_int(rest)}" if rest else "")
    raise AssertionError(n)


def normalize_en(text: str) -> str:
    """LibriSpeech style: upper case, numbers as words, no punctuation except in-word apostrophes."""
    text = re.sub(r"\d{1,3}(?:,\d{3})+|\d+", lambda m: f" {_en_int(int(m.group().replace(',', '')))} ", text)
    text = re.sub(r"[^\w\s']", " ", text.replace("’", "'"))
    words = [w.strip("'") for w in text.split()]
    return " ".join(w.upper() for w in words if w)
