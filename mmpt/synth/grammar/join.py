"""Joining rendered tokens into sentence text (punctuation, Italian elision, capitalisation)."""
from __future__ import annotations

from typing import Iterable, List


def join_tokens(tokens: Iterable[str], lang: str, final: str, capitalize: bool = True) -> str:
    """Join tokens: commas attach left, Italian elisions (l', dell', un') attach right, capitalise, punctuate."""
    out: List[str] = []
    for tok in tokens:
        if not tok:
            continue
        if tok == ",":
            if out and not out[-1].endswith(","):
                out[-1] += ","
            continue
        if lang == "it" and out and out[-1].endswith("'"):
            out[-1] += tok
            continue
        if lang == "it" and out and out[-1].lower() == "dove" and tok.startswith("è"):
            out[-1] = out[-1][:3] + "'" + tok
            continue
        out.append(tok)
    if out and out[-1].endswith(","):
        out[-1] = out[-1][:-1]
    if not out:
        return ""
    if not capitalize:
        return " ".join(out) + final
    # Dutch "'s ochtends" capitalises the word after the clitic at the start of a sentence.
    i = 1 if (out[0] in ("'s", "'t") and len(out) > 1) else 0
    out[i] = out[i][0].upper() + out[i][1:]
    return " ".join(out) + final
