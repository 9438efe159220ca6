"""egs2/librispeech/asr1 stages 1-3 on the real LibriSpeech samples, in a throw-away copy of the recipe."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.recipes.conftest import copy_recipe, run_script

RECIPE = "egs2/librispeech/asr1"
SETS = ["--train_set", "test_clean", "--valid_set", "dev_clean", "--test_sets", "test_clean"]


def _stamps(recipe: Path) -> dict:
    return {
        str(p.relative_to(recipe)): p.stat().st_mtime_ns
        for top in ("data", "dump", "exp")
        for p in (recipe / top).rglob("*")
        if p.is_file()
    }


@pytest.fixture
def recipe(checkout: Path) -> Path:
    return copy_recipe(checkout, RECIPE)


def test_stages_1_to_3_on_real_samples(recipe: Path, realdata: Path, venv: Path):
    env = {"LIBRISPEECH": str(realdata / "librispeech")}
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "3", "--nj", "2", *SETS], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "split test-other is absent" in res.stderr  # reported, skipped

    from mmpt.data.datadir import DataDir
    from mmpt.features.ark import load_scp
    from mmpt.features.cmvn import CmvnStats

    data = DataDir.load(recipe / "data" / "test_clean")
    assert len(data) == 8 and set(data.spk2utt()) == {"1089", "61", "1995"}
    assert data.validate() == []
    assert DataDir.load(recipe / "data" / "dev_clean").utt_ids() == ["2412-153948-0000"]

    dump = recipe / "dump" / "fbank" / "test_clean"
    feats = load_scp(dump / "feats.scp")
    assert sorted(feats) == data.utt_ids()
    frames = {utt: mat.shape[0] for utt, mat in feats.items()}
    assert all(mat.shape[1] == 80 for mat in feats.values())
    for utt, dur in data.extra["utt2dur"].items():  # 100 frames per second
        assert abs(frames[utt] - float(dur) * 100) <= 3
    assert (recipe / "dump" / "fbank" / "dev_clean" / "feats.scp").is_file()

    stats = CmvnStats.load(recipe / "exp" / "asr_stats_fbank" / "train" / "feats_stats.npz")
    assert stats.count == sum(frames.values())
    all_frames = np.concatenate([feats[u] for u in sorted(feats)]).astype(np.float64)
    np.testing.assert_allclose(stats.mean, all_frames.mean(axis=0), rtol=1e-5, atol=1e-5)

    # A second run is a no-op: every stage reports that it is up to date and no file is rewritten.
    before = _stamps(recipe)
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "3", "--nj", "2", *SETS], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "test-clean -> data/test_clean: 8 utterances" in res.stderr and "(unchanged)" in res.stderr
    assert res.stdout.count("up to date") == 2  # both fbank dumps
    assert "feats_stats.npz is up to date" in res.stderr
    assert _stamps(recipe) == before

    # Features changed (another fbank config) -> stage 2 redoes them and stage 3 recomputes the stats.
    conf = recipe / "conf" / "fbank.yaml"
    text = conf.read_text()
    conf.unlink()  # a link to mmpt/conf/fbank.yaml: the recipe's own file replaces it
    conf.write_text(text.replace("num_mel_bins: 80", "num_mel_bins: 40"))
    res = run_script(["run.sh", "--stage", "2", "--stop_stage", "3", "--nj", "2", *SETS], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert CmvnStats.load(recipe / "exp" / "asr_stats_fbank" / "train" / "feats_stats.npz").dim == 40

    # cmd_backend=slurm hands the Slurm settings of cmd.sh to the job runner (which is not on a cluster here).
    slurm_env = dict(env, cmd_backend="slurm", slurm_partition="cpu", slurm_qos="high", slurm_account="me")
    res = run_script(["run.sh", "--stage", "2", "--stop_stage", "2", "--dumpdir", "dump_slurm", *SETS],
                     cwd=recipe, env=slurm_env)
    assert res.returncode != 0
    assert "cannot submit to slurm" in res.stderr and "unrecognized arguments" not in res.stderr


def test_missing_sets_and_corpus(recipe: Path, realdata: Path, venv: Path):
    # The default sets (train_clean_100, ...) are not in the samples: stage 1 names what is missing.
    env = {"LIBRISPEECH": str(realdata / "librispeech")}
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1"], cwd=recipe, env=env)
    assert res.returncode != 0
    assert "data/train_clean_100" in res.stderr and "data/test_other" in res.stderr

    # No corpus at all: local/data.sh says where to get it and what to set.
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1", *SETS], cwd=recipe,
                     env={"LIBRISPEECH": str(recipe / "nowhere")})
    assert res.returncode != 0
    assert "openslr.org/12" in res.stderr and "LIBRISPEECH" in res.stderr

    # The corpus is there but none of the requested splits.
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1", "--local_data_opts", "--splits dev-other",
                      *SETS], cwd=recipe, env=env)
    assert res.returncode != 0 and "none of the requested splits" in res.stderr

    # Only some splits, chosen through local_data_opts (comma separated).
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1", "--local_data_opts",
                      "--splits test-clean,dev_clean", *SETS], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "is absent" not in res.stderr and "2 split(s) prepared, 0 absent" in res.stderr


def test_unknown_option(recipe: Path):
    res = run_script(["run.sh", "--stage", "1", "--no_such_option", "1"], cwd=recipe)
    assert res.returncode != 0 and "unknown option --no_such_option" in res.stderr
