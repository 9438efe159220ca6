"""Paired comparisons of two ASR systems over seeds: relative improvement, CI, p-values, Holm correction.

The design is fixed in ``egs2/librispeech/asr1/STUDY.md`` (section 7). For systems A (control) and
B (treatment), each seed ``s`` gives, per test utterance, the errors of A and of B on the same reference:

- effect: relative improvement ``RI = (sum e_A - sum e_B) / sum e_A x 100`` over all seeds and utterances;
- 95 % CI: paired bootstrap with utterances resampled within each seed (stratified);
- p-value: two-sided paired randomisation (sign-flip) test of ``d = e_A - e_B`` over all utterances of all
  seeds (``scipy.stats.permutation_test``; exact when there are at most ``n_resamples`` sign patterns);
- robustness: per-seed error rates, seeds in B's favour, and a paired t-test over the seeds' error rates;
- :func:`holm`: Holm's step-down adjustment of a family of p-values.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
from scipy import stats


@dataclass
class SeedErrors:
    """Paired per-utterance errors of one seed: ``errors_a``, ``errors_b``, ``ref`` are [U] arrays."""

    seed: str
    errors_a: np.ndarray
    errors_b: np.ndarray
    ref: np.ndarray

    def __post_init__(self) -> None:
        self.errors_a = np.asarray(self.errors_a, dtype=float)
        self.errors_b = np.asarray(self.errors_b, dtype=float)
        self.ref = np.asarray(self.ref, dtype=float)
        if not (self.errors_a.shape == self.errors_b.shape == self.ref.shape) or self.ref.ndim != 1:
            raise ValueError(f"seed {self.seed}: errors of A, B and reference lengths must be [U] arrays "
                             f"of one length, got {self.errors_a.shape}, {self.errors_b.shape}, {self.ref.shape}")


@dataclass
class Comparison:
    """The outcome of B vs A (see the module docstring); rates are percentages."""

    rel_impr: float
    ci_low: float
    ci_high: float
    p_value: float
    rate_a: float
    rate_b: float
    seed_rates_a: List[float]
    seed_rates_b: List[float]
    seeds_b_better: int
    seed_ttest_p: float
    n_utts: int


def pair_by_utterance(
    a: Mapping[str, Tuple[float, float]], b: Mapping[str, Tuple[float, float]], seed: str, where: str = ""
) -> SeedErrors:
    """Pair two ``utt -> (errors, reference length)`` maps of one seed; the utterance sets must be equal."""
    if set(a) != set(b):
        only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        raise ValueError(f"{where or 'seed ' + seed}: the two systems were scored on different utterances "
                         f"({len(only_a)} only in A, e.g. {only_a[:3]}; {len(only_b)} only in B, e.g. {only_b[:3]})")
    utts = sorted(a)
    for u in utts:
        if a[u][1] != b[u][1]:
            raise ValueError(f"{where or 'seed ' + seed}: utterance {u} has {a[u][1]} reference units for A "
                             f"and {b[u][1]} for B: not the same reference")
    return SeedErrors(seed, [a[u][0] for u in utts], [b[u][0] for u in utts], [a[u][1] for u in utts])


def relative_improvement(errors_a: float, errors_b: float) -> float:
    """``(errors_a - errors_b) / errors_a x 100``; NaN when A makes no error."""
    return (errors_a - errors_b) / errors_a * 100.0 if errors_a > 0 else math.nan


def paired_bootstrap_ci(
    seeds: Sequence[SeedErrors], n_resamples: int = 10000, confidence: float = 0.95, rng_seed: int = 0
) -> Tuple[float, float]:
    """Percentile CI of the pooled relative improvement, utterances resampled within each seed."""
    rng = np.random.default_rng(rng_seed)
    tot_a = np.zeros(n_resamples)
    tot_b = np.zeros(n_resamples)
    for s in seeds:
        n = len(s.ref)
        if n == 0:
            continue
        idx = rng.integers(0, n, size=(n_resamples, n))
        tot_a += s.errors_a[idx].sum(axis=1)
        tot_b += s.errors_b[idx].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ri = np.where(tot_a > 0, (tot_a - tot_b) / tot_a * 100.0, np.nan)
    ri = ri[~np.isnan(ri)]
    if ri.size == 0:
        return math.nan, math.nan
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(ri, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def paired_permutation_pvalue(diff: np.ndarray, n_resamples: int = 10000, rng_seed: int = 0) -> float:
    """Two-sided sign-flip test of ``sum(diff) = 0`` for paired differences ``diff`` [N]."""
    diff = np.asarray(diff, dtype=float)
    if diff.size < 2 or not np.any(diff):
        return 1.0  # one pair: both sign patterns are as extreme as the data
    res = stats.permutation_test(
        (diff,), lambda d, axis: np.sum(d, axis=axis), permutation_type="samples", vectorized=True,
        n_resamples=n_resamples, alternative="two-sided", random_state=rng_seed,
    )
    return float(res.pvalue)


def holm(p_values: Sequence[float]) -> List[float]:
    """Holm's step-down adjusted p-values, in the order given (NaNs stay NaN and do not count)."""
    p = np.asarray(p_values, dtype=float)
    valid = np.flatnonzero(~np.isnan(p))
    out = np.full(p.shape, np.nan)
    m = valid.size
    running = 0.0
    for rank, i in enumerate(valid[np.argsort(p[valid], kind="stable")]):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out.tolist()


def compare(seeds: Sequence[SeedErrors], n_resamples: int = 10000, rng_seed: int = 0) -> Comparison:
    """B vs A over ``seeds`` (see the module docstring)."""
    if not seeds:
        raise ValueError("no seeds to compare")
    sum_a = sum(float(s.errors_a.sum()) for s in seeds)
    sum_b = sum(float(s.errors_b.sum()) for s in seeds)
    ref = sum(float(s.ref.sum()) for s in seeds)
    rates_a = [100.0 * s.errors_a.sum() / max(s.ref.sum(), 1) for s in seeds]
    rates_b = [100.0 * s.errors_b.sum() / max(s.ref.sum(), 1) for s in seeds]
    lo, hi = paired_bootstrap_ci(seeds, n_resamples=n_resamples, rng_seed=rng_seed)
    diff = np.concatenate([s.errors_a - s.errors_b for s in seeds])
    if len(seeds) >= 2 and np.any(np.subtract(rates_a, rates_b)):
        t_p = float(stats.ttest_rel(rates_a, rates_b).pvalue)
    else:
        t_p = math.nan
    return Comparison(
        rel_impr=relative_improvement(sum_a, sum_b), ci_low=lo, ci_high=hi,
        p_value=paired_permutation_pvalue(diff, n_resamples=n_resamples, rng_seed=rng_seed),
        rate_a=100.0 * sum_a / max(ref, 1), rate_b=100.0 * sum_b / max(ref, 1),
        seed_rates_a=[float(r) for r in rates_a], seed_rates_b=[float(r) for r in rates_b],
        seeds_b_better=int(sum(rb < ra for ra, rb in zip(rates_a, rates_b))), seed_ttest_p=t_p,
        n_utts=int(diff.size),
    )


def verdict(comp: Comparison, adjusted_p: Optional[float], alpha: float = 0.05) -> str:
    """``holds`` (B better, adjusted p < alpha), ``contradicted`` (B worse, significant) or ``not detected``."""
    p = comp.p_value if adjusted_p is None else adjusted_p
    if math.isnan(p) or p >= alpha or math.isnan(comp.rel_impr) or comp.rel_impr == 0:
        return "not detected"
    return "holds" if comp.rel_impr > 0 else "contradicted"


def mean_errors(per_arm: Sequence[Mapping[str, Tuple[float, float]]]) -> Dict[str, Tuple[float, float]]:
    """Per-utterance mean errors of several arms scored on the same utterances (H1b pools MAE and CLR)."""
    if not per_arm:
        raise ValueError("no arms to pool")
    utts = set(per_arm[0])
    for arm in per_arm[1:]:
        if set(arm) != utts:
            raise ValueError("the pooled arms were scored on different utterances")
    return {u: (float(np.mean([arm[u][0] for arm in per_arm])), per_arm[0][u][1]) for u in sorted(utts)}
