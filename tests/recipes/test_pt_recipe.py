"""egs2/{lrs3,kinetics600,voxceleb2}/pt1 on the tiny embedded corpus: the audio-visual pre-training stages
(data, fbank, video, statistics, training, packing), their resumability and their errors."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from tests.recipes.conftest import REPO_ROOT, TEMPLATE, VENV_PYTHON, copy_recipe, run_script

LRS3 = "egs2/lrs3/pt1"
KINETICS = "egs2/kinetics600/pt1"
RECIPES = (LRS3, KINETICS, "egs2/voxceleb2/pt1")
METHODS = ("mae", "clr", "mae_clr")
# One epoch of small batches keeps the training to seconds; no DataLoader worker processes.
TRAIN = ["--nj", "1", "--num_workers", "0"]


def _kv(path: Path) -> dict:
    return dict(line.split(" ", 1) for line in path.read_text().splitlines())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, espeak) -> Path:
    """The tiny embedded LRS3 and Kinetics-600 (``python -m mmpt.bin.synth``), written once per module."""
    if not VENV_PYTHON.exists():
        pytest.skip(f"{VENV_PYTHON} is missing (bash tools/install.sh)")
    out = tmp_path_factory.mktemp("synth")
    res = subprocess.run([str(VENV_PYTHON), "-m", "mmpt.bin.synth", "--out", str(out), "--preset", "tiny",
                          "--only", "lrs3", "kinetics600"], cwd=REPO_ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return out


def test_lrs3_mae_stages_1_to_6(checkout: Path, venv: Path, corpus: Path):
    recipe = copy_recipe(checkout, LRS3)
    env = {"LRS3": str(corpus / "lrs3")}
    args = ["run.sh", *TRAIN, "--pt_args", "--max_epoch 1 --batch_size 4"]
    res = run_script(args, cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]

    # Stage 1: train = pretrain + trainval without the held-out validation clips.
    from mmpt.data.datadir import DataDir

    sets = {name: DataDir.load(recipe / "data" / name) for name in ("pretrain", "trainval", "train", "valid")}
    for d in sets.values():
        assert d.validate() == [] and d.video_scp == d.wav_scp
    valid, train = set(sets["valid"].utt_ids()), set(sets["train"].utt_ids())
    assert len(valid) == 1 and valid <= set(sets["trainval"].utt_ids()) and not valid & train
    assert train | valid == set(sets["pretrain"].utt_ids()) | set(sets["trainval"].utt_ids())

    # Stages 2-3: fbank of the audio tracks and 25 fps frames whose shorter side is the config's image size.
    for name in ("train", "valid"):
        feats = _kv(recipe / "dump/fbank" / name / "feats_shape")
        video = _kv(recipe / "dump/video" / name / "video_shape")
        assert set(feats) == set(video) == set(sets[name].utt_ids())
        for utt, shape in video.items():
            t, h, w, c = map(int, shape.split(","))
            assert min(h, w) == 64 and c == 3
            # 100 fbank frames/s and 25 video frames/s: the same clip duration (within a frame or two)
            assert abs(int(feats[utt].split(",")[0]) / 100 - t / 25) < 0.1, (utt, feats[utt], shape)
    # The compressed store: one short-GOP H.264 clip per utterance, decoded on the fly in training.
    from mmpt.data.video_store import read_stored_clip

    clip = _kv(recipe / "dump/video/train/video.scp")
    first = sorted(clip)[0]
    assert clip[first].endswith(".mp4")
    frames = read_stored_clip(clip[first])
    assert frames.dtype == np.uint8 and list(frames.shape) == list(map(int, _kv(
        recipe / "dump/video/train/video_shape")[first].split(",")))

    # Stage 4: statistics of the training fbank, shape files of the clips with both modalities.
    stats_dir = recipe / "exp/pt_stats_fbank"
    stats = np.load(stats_dir / "train/feats_stats.npz")
    frames = sum(int(s.split(",")[0]) for s in _kv(recipe / "dump/fbank/train/feats_shape").values())
    assert int(stats["count"]) == frames and stats["sum"].shape == (80,)
    for split, name in (("train", "train"), ("valid", "valid")):
        assert _kv(stats_dir / split / "speech_shape") == _kv(recipe / "dump/fbank" / name / "feats_shape")
        assert _kv(stats_dir / split / "video_shape") == _kv(recipe / "dump/video" / name / "video_shape")

    # Stage 5: espnet2 training with the recipe's config, normalised with the stage-4 statistics.
    exp = recipe / "exp/pt_mae_cpu"
    config = yaml.safe_load((exp / "config.yaml").read_text())
    assert config["model_conf"]["pt_method"] == "mae" and config["max_epoch"] == 1
    assert config["normalize"] == "global_mvn"
    assert config["normalize_conf"]["stats_file"] == "exp/pt_stats_fbank/train/feats_stats.npz"
    assert config["preprocessor_conf"]["video_fps"] == 25
    assert config["video_encoder_conf"]["image_size"] == 64
    assert (exp / "1epoch.pth").is_file() and (exp / "valid.loss.ave.pth").exists()
    log = (exp / "train.log").read_text()
    assert "loss_mae_audio" in log and "loss_mae_video" in log

    # Stage 6: the pack holds the trained audio encoder and what the downstream recipes check.
    pack = exp / "packed"
    assert {p.name for p in pack.iterdir()} >= {"model.pth", "config.yaml", "feats_stats.npz", "fbank.yaml"}
    assert (pack / "fbank.yaml").read_text() == (recipe / "conf/fbank.yaml").read_text()
    from mmpt.pack.read import load_pretrained

    packed = load_pretrained(pack)
    assert packed.encoder == "conformer" and packed.encoder_conf == config["encoder_conf"]
    trained = torch.load(exp / "valid.loss.ave.pth", map_location="cpu")
    enc = packed.encoder_state_dict()
    # the trained weights; the batch-norm statistics re-estimated on unmasked training audio (by default)
    bn = {k for k in enc if k.endswith(("running_mean", "running_var"))}
    assert bn and all(torch.equal(v, trained[f"encoder.{k}"]) for k, v in enc.items() if k not in bn)
    assert not all(torch.allclose(enc[k], trained[f"encoder.{k}"]) for k in bn)
    record = yaml.safe_load((pack / "packed_from.yaml").read_text())
    assert record["bn_stats"]["feats_scp"] == str((recipe / "dump/fbank/train/feats.scp").resolve())
    assert record["bn_stats_summary"]["utts"] == len(sets["train"].utt_ids())

    # Re-running is a no-op: dumps, statistics, training and pack are up to date.
    mtime = (exp / "1epoch.pth").stat().st_mtime_ns
    res = run_script(args, cwd=recipe, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.count(": up to date:") == 4  # fbank and video of train and valid
    assert "feats_stats.npz is up to date" in res.stderr
    assert "is trained (up to date" in res.stderr
    assert "packed: up to date" in res.stdout
    assert (exp / "1epoch.pth").stat().st_mtime_ns == mtime and not (exp / "2epoch.pth").exists()


def test_kinetics_stages_1_to_5_clr(checkout: Path, venv: Path, corpus: Path):
    recipe = copy_recipe(checkout, KINETICS)
    env = {"KINETICS600": str(corpus / "kinetics600")}
    res = run_script(["run.sh", *TRAIN, "--stop_stage", "5", "--pt_method", "clr",
                      "--pt_args", "--max_epoch 1 --batch_size 4"], cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]
    from mmpt.data.datadir import DataDir

    # Clips missing from disk are excluded with a count; clips without audio go to video_only/, not training.
    for name in ("train", "validate"):
        d = DataDir.load(recipe / "data" / name)
        video_only = DataDir.load(recipe / "data" / name / "video_only")
        assert d.validate() == [] and set(d.utt_ids()).isdisjoint(video_only.utt_ids())
        excluded = (recipe / "data" / name / "excluded.txt").read_text()
        assert "missing_clip" in excluded and "no_audio" in excluded
        assert set(_kv(recipe / "dump/video" / name / "video_shape")) == set(d.utt_ids())
    split = {"train": "train", "validate": "valid"}
    for name, stats_split in split.items():
        shapes = recipe / "exp/pt_stats_fbank" / stats_split
        assert set(_kv(shapes / "speech_shape")) == set(_kv(shapes / "video_shape")) == set(
            DataDir.load(recipe / "data" / name).utt_ids())
    exp = recipe / "exp/pt_clr_cpu"
    assert yaml.safe_load((exp / "config.yaml").read_text())["model_conf"]["pt_method"] == "clr"
    assert (exp / "1epoch.pth").is_file() and not (exp / "packed").exists()
    assert "loss_clr" in (exp / "train.log").read_text()

    # A clip that one dump excluded is left out of both shape files (espnet2 reads every data file for
    # every key), with a message naming the files.
    video_shape = recipe / "dump/video/train/video_shape"
    kept = video_shape.read_text().splitlines()
    video_shape.write_text("\n".join(kept[1:]) + "\n")
    res = run_script(["run.sh", "--nj", "1", "--stage", "4", "--stop_stage", "4"], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "1 clip(s) of dump/fbank/train/feats_shape are not in dump/video/train/video_shape" in res.stderr
    for name in ("speech_shape", "video_shape"):
        ids = set(_kv(recipe / "exp/pt_stats_fbank/train" / name))
        assert kept[0].split()[0] not in ids and len(ids) == len(kept) - 1


def test_errors_name_the_problem(checkout: Path, venv: Path):
    recipe = copy_recipe(checkout, LRS3)
    res = run_script(["run.sh", "--pt_method", "byol"], cwd=recipe)
    assert res.returncode == 2 and ("--pt_method must name an objective with a config conf/cpu/<pt_method>.yaml "
                                    "(here: clr mae mae_clr), got 'byol'") in res.stderr
    res = run_script(["run.sh", "--conf_scale", "huge"], cwd=recipe)
    assert res.returncode == 2 and "--conf_scale must be cpu or paper" in res.stderr
    res = run_script(["run.sh", "--stage", "5", "--pt_method", "mae", "--pt_config", "conf/cpu/clr.yaml"], cwd=recipe)
    assert res.returncode == 2 and "conf/cpu/clr.yaml trains the objective clr, not --pt_method mae" in res.stderr
    res = run_script(["run.sh", "--stage", "5", "--stop_stage", "5"], cwd=recipe)
    assert res.returncode == 1 and "feats_stats.npz does not exist; run stage 4 first" in res.stderr
    res = run_script(["run.sh", "--stage", "6"], cwd=recipe)
    assert res.returncode == 1 and "exp/pt_mae_cpu/config.yaml does not exist; run stage 5 first" in res.stderr
    # experiment names: pt_<method>_<scale>, also for an explicit conf/<scale>/<method>.yaml
    res = run_script(["run.sh", "--stage", "6", "--pt_method", "clr", "--pt_config", "conf/paper/clr.yaml"], cwd=recipe)
    assert res.returncode == 1 and "exp/pt_clr_paper/config.yaml does not exist" in res.stderr
    res = run_script(["run.sh", "--stage", "2", "--stop_stage", "2"], cwd=recipe)
    assert res.returncode == 1 and "missing data directories: data/train data/valid" in res.stderr
    res = run_script(["run.sh", "--stop_stage", "1"], cwd=recipe, env={"LRS3": str(recipe / "nowhere")})
    assert res.returncode == 1 and "nowhere does not exist" in res.stderr


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipe_configs_follow_the_shared_ones(recipe: str):
    """The recipes' copies of mmpt/conf/pretrain/cpu differ from them in the number of epochs at most; the
    paper's sizes and the fbank options are links to the toolkit's (one owner)."""
    conf = REPO_ROOT / recipe / "conf"
    shared = REPO_ROOT / "mmpt/conf"
    assert (conf / "fbank.yaml").is_symlink() and (conf / "fbank.yaml").resolve() == (shared / "fbank.yaml").resolve()
    for paper in (conf / "paper").iterdir():
        assert paper.is_symlink(), paper
        assert paper.resolve() == (shared / "pretrain/paper" / paper.name).resolve(), paper
    for method in METHODS:
        cpu = yaml.safe_load((conf / "cpu" / f"{method}.yaml").read_text())
        ref = yaml.safe_load((shared / "pretrain/cpu" / f"{method}.yaml").read_text())
        assert {k: v for k, v in cpu.items() if k != "max_epoch"} == {
            k: v for k, v in ref.items() if k != "max_epoch"}, method
        assert cpu["model_conf"]["pt_method"] == method


def test_setup_creates_a_recipe(checkout: Path, venv: Path):
    setup = checkout / "egs2/TEMPLATE/pt1/setup.sh"
    res = subprocess.run(["bash", str(setup), "egs2/mycorpus/pt1"], cwd=checkout, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    new = checkout / "egs2/mycorpus/pt1"
    assert (new / "pt.sh").resolve() == (TEMPLATE / "pt1/pt.sh").resolve()
    assert (new / "path.sh").is_symlink() and (new / "scripts").is_symlink()
    assert (new / "db.sh").resolve() == (TEMPLATE / "common/db.sh").resolve() and not (new / "cmd.sh").is_symlink()
    assert all((p.is_symlink() and p.resolve().is_file()) for p in (new / "conf/paper").iterdir())
    assert sorted(p.name for p in (new / "conf/paper").iterdir()) == ["clr.yaml", "mae.yaml", "mae_clr.yaml"]
    res = run_script(["run.sh", "--stop_stage", "1"], cwd=new)
    assert res.returncode != 0 and "local/data.sh is still the template" in res.stderr
    res = subprocess.run(["bash", str(setup), "egs2/mycorpus/pt1"], cwd=checkout, capture_output=True, text=True)
    assert res.returncode == 1 and "already exists" in res.stderr
