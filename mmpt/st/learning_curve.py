"""The learning curve of one ST experiment: for several epoch counts E, the model the recipe would use after
E epochs, scored against the most-frequent-training-sentence baseline.

An espnet2 training whose every epoch snapshot was kept (``--keep_nbest_models`` >= its epochs) holds each
shorter training: the warm-up schedule depends on the update count only and an epoch's batch order on the
seed and the epoch. After E epochs the recipe decodes with the average of the ``nbest`` snapshots with the
best validation value among epochs 1..E (espnet2's ``average_nbest_models``); :func:`average_snapshots`
builds that model from the snapshots, :func:`best_epochs` picks them from the trainer's reporter.

:func:`compare_to_baseline` scores a system and the baseline with sacrebleu's paired bootstrap test
(Koehn 2004): corpus BLEU and chrF of both, and the p-value of the system's difference.
"""
from __future__ import annotations

import collections
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Sequence, Tuple, Union

from mmpt.pack.load import ModelFileError, _safe_load

PathLike = Union[str, Path]


def reporter_values(exp_dir: PathLike, phase: str = "valid", key: str = "acc") -> Dict[int, float]:
    """``{epoch: value}`` of ``phase``/``key`` from the trainer's ``checkpoint.pth`` (its reporter stats).

    Raises ModelFileError naming the checkpoint when it cannot be read or has no such value.
    """
    import numpy as np

    path = Path(exp_dir) / "checkpoint.pth"
    # espnet2's reporter keeps numpy scalars and epoch times: admitted as data, nothing else
    core = np._core if hasattr(np, "_core") else np.core
    allowed = (np.dtype, core.multiarray.scalar, type(np.dtype("float64")), type(np.dtype("float32")),
               datetime.timedelta)
    ckpt = _safe_load(path, "training checkpoint", allowed)
    stats = (ckpt.get("reporter") or {}).get("stats") if isinstance(ckpt, Mapping) else None
    if not isinstance(stats, Mapping):
        raise ModelFileError(path, "no reporter statistics (is it an espnet2 training checkpoint?)")
    out = {int(e): float(s[phase][key]) for e, s in stats.items()
           if isinstance(s, Mapping) and isinstance(s.get(phase), Mapping) and key in s[phase]}
    if not out:
        raise ModelFileError(path, f"no {phase}.{key} value in any epoch of the reporter")
    return out


def best_epochs(values: Mapping[int, float], upto: int, nbest: int, mode: str = "max") -> List[int]:
    """The ``nbest`` epochs <= ``upto`` with the best values, best first (ties: the earlier epoch, as
    espnet2's ``Reporter.sort_epochs_and_values``, a stable sort)."""
    if mode not in ("max", "min"):
        raise ValueError(f"mode must be max or min, got {mode!r}")
    if upto < 1 or nbest < 1:
        raise ValueError(f"upto and nbest must be >= 1, got {upto} and {nbest}")
    missing = [e for e in range(1, upto + 1) if e not in values]
    if missing:
        raise ValueError(f"the training has no value for epoch(s) {missing} (it ran {max(values, default=0)})")
    pairs = sorted(((e, values[e]) for e in range(1, upto + 1)), key=lambda p: p[1], reverse=mode == "max")
    return [e for e, _ in pairs[:nbest]]


def average_snapshots(exp_dir: PathLike, epochs: Sequence[int]):
    """The average of ``<exp_dir>/<e>epoch.pth`` over ``epochs`` as espnet2 averages: floating tensors
    averaged, integer ones (BatchNorm's ``num_batches_tracked``) summed. Returns the state dict."""
    from mmpt.pack.load import load_state_dict

    if not epochs:
        raise ValueError("no epochs to average")
    avg = None
    for e in epochs:
        path = Path(exp_dir) / f"{e}epoch.pth"
        if not path.is_file():
            raise ModelFileError(path, f"snapshot of epoch {e} not found: was the training run with "
                                 "--keep_nbest_models >= its epochs?")
        state = load_state_dict(path, what="epoch snapshot")
        if avg is None:
            avg = dict(state)
            continue
        if set(state) != set(avg):
            raise ModelFileError(path, "its parameters differ from the other snapshots'")
        for k in avg:
            avg[k] = avg[k] + state[k]
    for k, v in avg.items():
        if v.is_floating_point():
            avg[k] = v / len(epochs)
    return avg


def most_frequent(texts: Mapping[str, str]) -> str:
    """The most frequent text (the first seen on ties): the baseline system's one output."""
    if not texts:
        raise ValueError("no training texts for the baseline")
    return collections.Counter(texts.values()).most_common(1)[0][0]


@dataclass
class Comparison:
    """A system against the baseline on one set: corpus scores (percent) and paired-bootstrap p-values."""

    bleu: float
    chrf: float
    base_bleu: float
    base_chrf: float
    p_bleu: float
    p_chrf: float
    signature: str

    def passes(self, alpha: float = 0.05) -> bool:
        """Both scores above the baseline's, each with p < alpha."""
        return (self.bleu > self.base_bleu and self.p_bleu < alpha
                and self.chrf > self.base_chrf and self.p_chrf < alpha)


def compare_to_baseline(refs: Mapping[str, str], hyps: Mapping[str, str], baseline: str,
                        n_samples: int = 1000) -> Comparison:
    """sacrebleu's paired bootstrap (``test_type="bs"``; its fixed default seed unless SACREBLEU_SEED is set)
    of ``hyps`` against emitting ``baseline`` for every reference; utterances without hypothesis are empty."""
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    utts = list(refs)
    ref_list = [refs[u].strip() for u in utts]
    systems: List[Tuple[str, List[str]]] = [("baseline", [baseline.strip()] * len(utts)),
                                            ("system", [hyps.get(u, "").strip() for u in utts])]
    test = PairedTest(systems, {"BLEU": BLEU(), "chrF": CHRF()}, references=[ref_list], test_type="bs",
                      n_samples=n_samples, n_jobs=1)
    signatures, scores = test()
    (b_base, b_sys), (c_base, c_sys) = [scores[name] for name in scores if name != "System"]
    sig = " | ".join(str(s) for s in signatures.values())
    return Comparison(bleu=b_sys.score, chrf=c_sys.score, base_bleu=b_base.score, base_chrf=c_base.score,
                      p_bleu=float(b_sys.p_value), p_chrf=float(c_sys.p_value), signature=sig)
