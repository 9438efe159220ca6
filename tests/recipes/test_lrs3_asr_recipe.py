"""egs2/lrs3/asr1 on the tiny embedded LRS3: the positive control, the pre-training's encoder trained with
supervised CTC on the LRS3 transcripts and packed like a pre-trained encoder."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from tests.recipes.conftest import REPO_ROOT, copy_recipe, run_script
from tests.recipes.packs import synth

RECIPE = "egs2/lrs3/asr1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth(tmp_path_factory.mktemp("synth"), "lrs3")


@pytest.mark.parametrize("scale", ["cpu", "paper"])
def test_encoder_is_the_pre_training_one(scale: str):
    conf = REPO_ROOT / RECIPE / "conf" / ("" if scale == "cpu" else "paper") / "train_asr_ctc_encoder.yaml"
    ours = yaml.safe_load(conf.read_text())
    for method in ("mae", "clr", "mae_clr"):
        pt = yaml.safe_load((REPO_ROOT / "mmpt/conf/pretrain" / scale / f"{method}.yaml").read_text())
        assert {k: ours[k] for k in ("input_size", "encoder", "encoder_conf")} == {
            k: pt[k] for k in ("input_size", "encoder", "encoder_conf")}, method
    assert ours["postencoder"] is None and ours["model_conf"]["ctc_weight"] == 1.0
    assert (REPO_ROOT / RECIPE / "conf/fbank.yaml").read_text() == (REPO_ROOT / "mmpt/conf/fbank.yaml").read_text()


def test_positive_control_pack(checkout: Path, venv: Path, corpus: Path):
    recipe = copy_recipe(checkout, RECIPE)
    copy_recipe(checkout, "egs2/lrs3/pt1")  # local/lrs3_clips.sh is its local/data.sh
    env = {"LRS3": str(corpus)}
    args = ["run.sh", "--nj", "1", "--nbpe", "40", "--asr_args", "--max_epoch 1", "--asr_tag", "pc"]
    res = run_script([*args, "--stop_stage", "6"], cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]
    res = run_script([*args, "--stage", "9"], cwd=recipe, env=env)  # decoding (7-8) is not the point here
    assert res.returncode == 0, res.stderr[-5000:]

    # the pre-training's sets (pretrain + trainval without the held-out clips), transcripts in
    # LibriSpeech's form
    from mmpt.data.datadir import DataDir

    sets = {n: DataDir.load(recipe / "data" / n) for n in ("pretrain", "trainval", "train", "valid", "test")}
    assert set(sets["train"].utt_ids()) | set(sets["valid"].utt_ids()) == \
        set(sets["pretrain"].utt_ids()) | set(sets["trainval"].utt_ids())
    for name in ("train", "valid", "test"):
        assert sets[name].validate() == []
        assert all(re.fullmatch(r"[A-Z0-9']+( [A-Z0-9']+)*", t) for t in sets[name].text.values())

    exp = recipe / "exp/asr_pc"
    cfg = yaml.safe_load((exp / "config.yaml").read_text())
    pt = yaml.safe_load((REPO_ROOT / "mmpt/conf/pretrain/cpu/mae.yaml").read_text())
    assert cfg["encoder_conf"] == pt["encoder_conf"] and "encoder" not in (cfg.get("freeze_param") or [])
    assert cfg["postencoder"] is None and not cfg.get("init_param")

    # packed like a pre-training: encoder weights of the trained model, the training set's CMVN
    # statistics (the pre-training's: same clips, same fbank), batch-norm statistics re-estimated
    from mmpt.pack.read import load_pretrained

    pack = load_pretrained(exp / "packed")
    assert pack.encoder_conf == pt["encoder_conf"] and pack.normalize == "global_mvn"
    stats = np.load(pack.stats_file)
    frames = sum(int(line.split()[1].split(",")[0])
                 for line in (recipe / "dump/fbank/train/feats_shape").read_text().splitlines())
    assert int(stats["count"]) == frames
    trained = torch.load(exp / "valid.loss.ave.pth", map_location="cpu")
    enc = pack.encoder_state_dict()
    assert all(torch.equal(v, trained[f"encoder.{k}"]) for k, v in enc.items() if ".running_" not in k)
    record = yaml.safe_load((exp / "packed/packed_from.yaml").read_text())
    assert record["bn_stats"]["feats_scp"] == str((recipe / "dump/fbank/train/feats.scp").resolve())

    # the LibriSpeech fine-tuning takes it like any pack: its features, its statistics, frozen
    from mmpt.asr.train_config import make_train_config

    ft = make_train_config(REPO_ROOT / "egs2/librispeech/asr1/conf/train_asr_ctc_frozen.yaml", pretrained=pack,
                           freeze_encoder=True, fbank_conf=REPO_ROOT / "egs2/librispeech/asr1/conf/fbank.yaml")
    assert ft["encoder_conf"] == pt["encoder_conf"] and ft["freeze_param"] == ["encoder"]
    assert ft["normalize_conf"]["stats_file"] == str(pack.stats_file)
