"""The study's statistics against hand-computed cases (egs2/librispeech/asr1/STUDY.md, section 7)."""
import math

import numpy as np
import pytest

from mmpt.report.significance import (
    SeedErrors,
    compare,
    holm,
    mean_errors,
    pair_by_utterance,
    paired_bootstrap_ci,
    paired_permutation_pvalue,
    relative_improvement,
    verdict,
)


def test_holm_hand_computed():
    # sorted: 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04 -> monotone: 0.06
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])  # capped at 1
    out = holm([0.02, float("nan"), 0.01])  # NaN neither counts nor changes
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.02)


def test_sign_flip_test_is_exact_for_small_samples():
    # d = [1, 2, 3]: 8 sign patterns, sums 6 4 2 0 0 -2 -4 -6; |S| >= 6 in 2 of 8
    assert paired_permutation_pvalue(np.array([1, 2, 3])) == pytest.approx(0.25)
    # five equal differences: 2 of 32 patterns as extreme
    assert paired_permutation_pvalue(np.ones(5)) == pytest.approx(2 / 32)
    assert paired_permutation_pvalue(np.zeros(4)) == 1.0
    assert paired_permutation_pvalue(np.array([3.0])) == 1.0


def test_sign_flip_test_detects_a_consistent_difference():
    rng = np.random.default_rng(0)
    a = rng.integers(2, 8, size=400)
    b = a - rng.integers(0, 2, size=400)  # B never worse, often better
    assert paired_permutation_pvalue(a - b) < 1e-3
    assert paired_permutation_pvalue(rng.integers(-2, 3, size=400) * 0) == 1.0


def test_relative_improvement_and_pooled_comparison():
    assert relative_improvement(5, 2) == pytest.approx(60.0)
    assert math.isnan(relative_improvement(0, 1))
    # one utterance per seed: every bootstrap resample is the data itself -> CI is the point
    seeds = [SeedErrors("1", [4], [2], [10]), SeedErrors("2", [6], [3], [10])]
    assert paired_bootstrap_ci(seeds, n_resamples=200) == pytest.approx((50.0, 50.0))
    comp = compare(seeds, n_resamples=200)
    assert comp.rel_impr == pytest.approx(50.0)
    assert comp.rate_a == pytest.approx(50.0) and comp.rate_b == pytest.approx(25.0)
    assert comp.seed_rates_a == pytest.approx([40.0, 60.0]) and comp.seeds_b_better == 2
    assert comp.n_utts == 2


def test_seed_level_t_test_hand_computed():
    # per-seed WER A 10 20 30, B 9 18 28: differences 1 2 2, t = 5.0 with 2 df -> p = 0.03775
    seeds = [SeedErrors(str(i), [a], [b], [100]) for i, (a, b) in enumerate([(10, 9), (20, 18), (30, 28)])]
    comp = compare(seeds, n_resamples=100)
    assert comp.seed_ttest_p == pytest.approx(2 * (0.5 - 5 / (2 * math.sqrt(27))), rel=1e-6)


def test_bootstrap_ci_covers_the_point_and_is_stratified():
    rng = np.random.default_rng(1)
    seeds = []
    for s in range(3):
        a = rng.integers(0, 6, size=200)
        seeds.append(SeedErrors(str(s), a, np.maximum(a - rng.integers(0, 2, size=200), 0), np.full(200, 10)))
    comp = compare(seeds, n_resamples=2000)
    assert comp.ci_low < comp.rel_impr < comp.ci_high
    assert comp.ci_low > 0  # B is better by construction


def test_pairing_and_pooling_check_their_inputs():
    a = {"u1": (1, 5), "u2": (0, 3)}
    s = pair_by_utterance(a, {"u2": (1, 3), "u1": (2, 5)}, seed="1")
    assert s.errors_a.tolist() == [1, 0] and s.errors_b.tolist() == [2, 1] and s.ref.tolist() == [5, 3]
    with pytest.raises(ValueError, match="different utterances"):
        pair_by_utterance(a, {"u1": (1, 5)}, seed="1")
    with pytest.raises(ValueError, match="not the same reference"):
        pair_by_utterance(a, {"u1": (1, 6), "u2": (0, 3)}, seed="1")
    assert mean_errors([{"u": (2, 4)}, {"u": (1, 4)}]) == {"u": (1.5, 4)}
    with pytest.raises(ValueError):
        mean_errors([{"u": (2, 4)}, {"v": (1, 4)}])


def test_verdict():
    seeds = [SeedErrors("1", [4], [2], [10])]
    comp = compare(seeds, n_resamples=10)
    assert verdict(comp, 0.01) == "holds"
    assert verdict(comp, 0.2) == "not detected"
    comp.rel_impr = -10.0
    assert verdict(comp, 0.01) == "contradicted"
