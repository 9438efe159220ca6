"""Speaker-balanced subsets of a given total duration, nested across durations (Libri-light style).

For one seed, the utterances are put in one order: speakers in a seeded random order, each speaker's
utterances shuffled (seeded), then taken round-robin over speakers. A subset of duration D is the shortest
prefix of that order lasting at least D seconds. So for the same seed the 10 min subset is contained in the
1 h subset, and every subset spreads over as many speakers as it can.
"""
from __future__ import annotations

import random
from typing import Dict, List, Sequence

from mmpt.data.datadir import DataDir, sorted_ids
from mmpt.data.errors import DataError


def balanced_order(utt2spk: Dict[str, str], seed: int) -> List[str]:
    """Every utterance once, in the seeded speaker round-robin order described in the module docstring."""
    rng = random.Random(seed)
    by_spk: Dict[str, List[str]] = {}
    for utt in sorted_ids(utt2spk):
        by_spk.setdefault(utt2spk[utt], []).append(utt)
    speakers = sorted_ids(by_spk)
    rng.shuffle(speakers)
    for spk in speakers:
        rng.shuffle(by_spk[spk])
    order: List[str] = []
    for rank in range(max((len(v) for v in by_spk.values()), default=0)):
        order += [by_spk[spk][rank] for spk in speakers if rank < len(by_spk[spk])]
    return order


def duration_subset(data: DataDir, seconds: float, seed: int, where: str = "") -> List[str]:
    """Utterance ids of the ``seconds``-long subset of ``data`` for ``seed`` (sorted)."""
    if seconds <= 0:
        raise ValueError(f"a subset duration must be positive, got {seconds}")
    utt2dur = data.extra.get("utt2dur")
    if not utt2dur:
        raise DataError(where or "<data dir>", "utt2dur is missing: the subset is chosen by duration")
    utt2spk = data.utt2spk or {u: u for u in data.utt_ids()}
    missing = [u for u in utt2spk if u not in utt2dur]
    if missing:
        raise DataError(where or "<data dir>", f"{len(missing)} utterance(s) have no utt2dur entry, e.g. {missing[0]}")
    total = 0.0
    chosen: List[str] = []
    for utt in balanced_order(utt2spk, seed):
        if total >= seconds:
            break
        chosen.append(utt)
        total += float(utt2dur[utt].split()[0])
    if total < seconds:
        raise DataError(where or "<data dir>",
                        f"holds {total:.0f} s of speech, less than the {seconds:.0f} s subset asked for")
    return sorted_ids(chosen)


def parse_duration(text: str) -> float:
    """Seconds of ``600``, ``600s``, ``10min`` or ``1h``."""
    units = (("min", 60.0), ("h", 3600.0), ("s", 1.0))
    for suffix, scale in units:
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * scale
    return float(text)


def nested_subsets(data: DataDir, durations: Sequence[float], seed: int, where: str = "") -> Dict[float, List[str]]:
    """``duration -> utterance ids`` for several durations of one seed (each contains the shorter ones)."""
    return {d: duration_subset(data, d, seed, where) for d in durations}
