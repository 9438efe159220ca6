from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.features.ark import ArkWriter
from mmpt.features.cmvn import CmvnStats, accumulate, compute_cmvn_stats


@pytest.fixture
def feats() -> dict:
    rng = np.random.default_rng(0)
    return {f"u{i}": (3.0 + 2.0 * rng.standard_normal((20 + 7 * i, 5))).astype(np.float32) for i in range(6)}


def test_stats_equal_numpy_mean_and_var(feats):
    stats = accumulate(feats)
    allf = np.concatenate(list(feats.values())).astype(np.float64)
    assert stats.count == allf.shape[0] and stats.dim == 5
    np.testing.assert_allclose(stats.mean, allf.mean(0), rtol=1e-12)
    np.testing.assert_allclose(stats.var, allf.var(0), rtol=1e-10)
    np.testing.assert_allclose(stats.std(), allf.std(0), rtol=1e-10)
    normed = stats.normalize(allf.astype(np.float32))
    assert normed.dtype == np.float32
    np.testing.assert_allclose(normed.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(normed.std(0), 1.0, atol=1e-5)


def test_split_stats_combine_into_the_whole(feats):
    keys = list(feats)
    whole = accumulate(feats)
    parts = CmvnStats.combine([accumulate(feats, keys[:2]), accumulate(feats, keys[2:5]), accumulate(feats, keys[5:])])
    assert parts.count == whole.count
    np.testing.assert_allclose(parts.sum, whole.sum, rtol=1e-13)
    np.testing.assert_allclose(parts.sum_square, whole.sum_square, rtol=1e-13)
    assert (CmvnStats() + whole).count == whole.count


def test_dim_mismatch_and_empty_stats(feats):
    stats = accumulate(feats)
    with pytest.raises(Exception, match="dim"):
        stats.update(np.zeros((3, 4), np.float32), key="odd")
    with pytest.raises(ValueError, match="empty"):
        _ = CmvnStats().mean


def test_npz_is_readable_by_espnet_global_mvn(tmp_path: Path, feats):
    torch = pytest.importorskip("torch")
    global_mvn = pytest.importorskip("espnet2.layers.global_mvn")
    stats = accumulate(feats)
    path = tmp_path / "feats_stats.npz"
    stats.save(path)
    with np.load(path) as z:
        assert sorted(z.files) == ["count", "sum", "sum_square"]
    again = CmvnStats.load(path)
    assert again.count == stats.count
    np.testing.assert_array_equal(again.sum, stats.sum)
    mvn = global_mvn.GlobalMVN(str(path))
    x = feats["u3"]
    y, _ = mvn(torch.from_numpy(x.copy())[None], torch.tensor([x.shape[0]]))  # GlobalMVN works in place
    np.testing.assert_allclose(y[0].numpy(), stats.normalize(x), rtol=1e-5, atol=1e-5)


def test_compute_from_scp_parallel_equals_serial(tmp_path: Path, feats):
    keys = list(feats)
    for part, sel in ((1, keys[:3]), (2, keys[3:])):
        with ArkWriter(tmp_path / f"feats.{part}.ark", tmp_path / f"feats.{part}.scp") as w:
            for k in sel:
                w.write(k, feats[k])
    scps = [tmp_path / "feats.1.scp", tmp_path / "feats.2.scp"]
    serial = compute_cmvn_stats(scps)
    parallel = compute_cmvn_stats(scps, nj=2)
    whole = accumulate(feats)
    for s in (serial, parallel):
        assert s.count == whole.count
        np.testing.assert_allclose(s.sum, whole.sum, rtol=1e-13)
        np.testing.assert_allclose(s.sum_square, whole.sum_square, rtol=1e-13)
