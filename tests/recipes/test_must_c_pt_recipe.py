"""egs2/must_c/pt1 on the tiny embedded MuST-C: MAE continued on the MuST-C audio alone (no labels, no
video) from a pre-training experiment, as many updates as the ST mid-training: the domain control."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from tests.recipes.conftest import REPO_ROOT, copy_recipe, run_script
from tests.recipes.packs import synth

RECIPE = "egs2/must_c/pt1"
COMMON = ["--tgt_lang", "de", "--nj", "1", "--num_workers", "0"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth(tmp_path_factory.mktemp("synth"), "must_c")


def make_pt_exp(exp: Path, config: Path, fbank: Path) -> dict:
    """A pre-training experiment of ``config`` (every module, random weights) as pt.sh stage 5 leaves it:
    config.yaml with its statistics, valid.loss.ave.pth, fbank.yaml. Returns its state dict."""
    from mmpt.tasks.av_pretrain import AVPretrainTask

    exp.mkdir(parents=True)
    with open(exp / "stats.npz", "wb") as f:  # statistics unlike any recipe's: their use shows
        np.savez(f, count=np.asarray(100), sum=np.full(80, 250.0), sum_square=np.full(80, 1000.0))
    torch.manual_seed(0)
    args = AVPretrainTask.get_parser().parse_args(["--config", str(config), "--output_dir", str(exp)])
    state = AVPretrainTask.build_model(args).state_dict()
    torch.save(state, exp / "valid.loss.ave.pth")
    cfg = yaml.safe_load(config.read_text())
    cfg.update(normalize="global_mvn", normalize_conf={"stats_file": str(exp / "stats.npz")})
    (exp / "config.yaml").write_text(yaml.safe_dump(cfg))
    (exp / "fbank.yaml").write_text(fbank.read_text())
    return state


def test_continued_mae_on_must_c_audio(checkout: Path, venv: Path, corpus: Path):
    recipe = copy_recipe(checkout, RECIPE)
    copy_recipe(checkout, "egs2/must_c/st1")  # run.sh reads the batching and epochs of ../st1/conf/train_st.yaml
    init = make_pt_exp(checkout / "pt_exp", recipe / "conf/cpu/mae.yaml", recipe / "conf/fbank.yaml")
    env = {"MUSTC": str(corpus)}
    args = ["run.sh", *COMMON, "--init_exp", str(checkout / "pt_exp"), "--pt_tag", "lrs3_de",
            "--pt_args", "--max_epoch 1"]
    res = run_script(args, cwd=recipe, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-5000:]

    # audio only: no labels in the data directories, no video dump, speech shapes only
    from mmpt.data.datadir import DataDir

    for name in ("train.en-de", "dev.en-de"):
        d = DataDir.load(recipe / "data" / name)
        assert d.segments and d.validate() == []
        assert not list((recipe / "data" / name).glob("text*"))
    assert not (recipe / "dump/video").exists()
    assert "Stage 3: skipped (--audio_only true: no video)" in res.stderr
    shapes = recipe / "exp/pt_stats_fbank/train"
    assert (shapes / "speech_shape").read_text() == (recipe / "dump/fbank/train.en-de/feats_shape").read_text()
    assert not (shapes / "video_shape").exists()

    exp = recipe / "exp/pt_mae_lrs3_de"
    cfg = yaml.safe_load((exp / "config.yaml").read_text())
    st = yaml.safe_load((REPO_ROOT / "egs2/must_c/st1/conf/train_st.yaml").read_text())
    # the ST mid-training's batching; the epochs given in --pt_args win over the ST config's
    assert cfg["batch_size"] == st["batch_size"] and cfg["batch_type"] == st["batch_type"]
    assert cfg["max_epoch"] == 1 != st["max_epoch"]
    # continued: every module from the pre-training, its statistics kept, the video parts frozen
    assert [Path(p).resolve() for p in cfg["init_param"]] == [(checkout / "pt_exp/valid.loss.ave.pth").resolve()]
    assert cfg["normalize_conf"]["stats_file"] == str((checkout / "pt_exp/stats.npz").resolve())
    assert "video_encoder" in cfg["freeze_param"]
    trained = torch.load(exp / "1epoch.pth", map_location="cpu")
    assert set(trained) - {"normalize.mean", "normalize.std"} == set(init)
    video = [k for k in init if k.startswith("video_encoder.") or ".video" in k]
    assert video and all(torch.equal(trained[k], init[k]) for k in video)
    moved = {k: (trained[k] - v).abs().max().item() for k, v in init.items()
             if k.startswith("encoder.") and v.is_floating_point() and ".running_" not in k}
    assert 0 < max(moved.values()) < 0.05  # trained from the init (a few small steps), not from scratch
    log = (exp / "train.log").read_text()
    assert "loss_mae_audio" in log

    # packed like every pre-training, batch-norm statistics re-estimated on the MuST-C training audio
    pack = exp / "packed"
    record = yaml.safe_load((pack / "packed_from.yaml").read_text())
    assert record["bn_stats"]["feats_scp"] == str((recipe / "dump/fbank/train.en-de/feats.scp").resolve())
    assert (pack / "feats_stats.npz").read_bytes() == (checkout / "pt_exp/stats.npz").read_bytes()

    # another architecture than the config's is refused before training
    bad = yaml.safe_load((checkout / "pt_exp/config.yaml").read_text())
    bad["encoder_conf"]["num_blocks"] = 1
    (checkout / "pt_exp/config.yaml").write_text(yaml.safe_dump(bad))
    res = run_script(["run.sh", *COMMON, "--stage", "5", "--init_exp", str(checkout / "pt_exp"),
                      "--pt_tag", "other"], cwd=recipe, env=env)
    assert res.returncode == 1 and "has another encoder_conf than conf/cpu/mae.yaml" in res.stderr
    res = run_script(["run.sh", *COMMON, "--stage", "5", "--pt_method", "clr"], cwd=recipe, env=env)
    assert res.returncode == 2 and "--audio_only true needs --pt_method mae" in res.stderr
