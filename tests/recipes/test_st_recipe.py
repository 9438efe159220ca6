"""egs2/must_c/st1 stages 1-9 on the tiny embedded MuST-C: mid-training a pre-trained encoder on ST."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
import yaml

from tests.recipes.conftest import copy_recipe, run_script
from tests.recipes.packs import TINY_ENCODER, make_pack, small_head_config, synth

RECIPE = "egs2/must_c/st1"
TESTS = ["dev.en-de", "tst-COMMON.en-de"]
COMMON = ["--tgt_lang", "de", "--nj", "1", "--tgt_nbpe", "40", "--src_nbpe", "40"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth(tmp_path_factory.mktemp("synth"), "must_c")


def test_mid_training_from_pack(checkout: Path, venv: Path, corpus: Path):
    recipe = copy_recipe(checkout, RECIPE)
    env = {"MUSTC": str(corpus)}
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "3", *COMMON], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    from mmpt.data.datadir import DataDir

    for name in ("train", *TESTS):
        d = DataDir.load(recipe / "data" / (name if "." in name else f"{name}.en-de"))
        assert d.segments and set(d.extra["text.lc.rm.en"]) == set(d.text) == set(d.segments)
        dump = recipe / "dump/fbank" / d.path.name
        assert (dump / "text.lc.rm.en").is_file() and (dump / "feats_shape").is_file()

    pack = recipe / "pt_exp" / "packed"
    enc_state = make_pack(pack, recipe / "exp/st_stats_fbank/train/feats_stats.npz", recipe / "conf/fbank.yaml")
    small_head_config(recipe / "conf/train_st.yaml", recipe / "conf/train_test.yaml")
    args = ["run.sh", "--stage", "4", "--stop_stage", "9", *COMMON, "--st_config", "conf/train_test.yaml",
            "--pretrained_encoder", "pt_exp/packed", "--st_args", "--max_epoch 2 --keep_nbest_models 2",
            "--inference_args", "--beam_size 2 --maxlenratio 0.5"]
    res = run_script(args, cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]

    exp = recipe / "exp" / "st_train_test_en-de_bpe_unigram40_de_pt_exp"
    cfg = yaml.safe_load((exp / "config.yaml").read_text())
    assert cfg["encoder_conf"] == TINY_ENCODER and "encoder" not in (cfg.get("freeze_param") or [])
    assert cfg["init_param"] == [f"{(pack / 'model.pth').resolve()}:encoder:encoder"]
    assert cfg["token_list"][0] == "<blank>" and cfg["src_token_list"][-1] == "<sos/eos>"

    # Initialised from the pack, then trained (mid-training updates the encoder): two steps at a
    # warm-up learning rate move the weights a little, far less than a different initialisation would
    # (the batch-norm statistics move freely: the encoder is in training mode).
    trained = torch.load(exp / "1epoch.pth")
    diffs = {k: (trained[k] - v).abs().max().item() for k, v in enc_state.items()
             if v.is_floating_point() and ".running_" not in k}
    assert max(diffs.values()) < 1e-2 and any(d > 0 for d in diffs.values())
    assert any(k.startswith("decoder.") for k in trained)

    for dset in TESTS:
        out = exp / "decode_st_valid.acc.ave" / dset
        refs = (recipe / "dump/fbank" / dset / "text").read_text().splitlines()
        assert len((out / "text").read_text().splitlines()) == len(refs)
        result = (out / "score_bleu" / "result.txt").read_text()
        assert "\nBLEU = " in result and result.count("id: (") == len(refs)
    results = (exp / "RESULTS.md").read_text()
    assert "### BLEU" in results and "|decode_st_valid.acc.ave/tst-COMMON.en-de|" in results

    # The learning curve rebuilds the recipe's model after E epochs from the kept snapshots: after the last
    # epoch, the recipe's own average.
    from mmpt.bin import st_curve

    assert st_curve.main(["--exp_dir", str(exp), "--epochs", "1", "2", "--nbest", "2",
                          "--feats_dir", str(recipe / "dump/fbank"), "--train_set", "train.en-de",
                          "--set", "dev.en-de", "--n_samples", "100",
                          "--decode_config", str(recipe / "conf/decode_st.yaml"), "--beam_size", "2",
                          "--maxlenratio", "0.5"]) == 0
    ave = torch.load(exp / "valid.acc.ave_2best.pth")
    ep2 = torch.load(exp / "curve" / "ep2.pth")
    assert set(ep2) == set(ave) and all(torch.allclose(ep2[k].float(), ave[k].float()) for k in ave)
    ep1 = torch.load(exp / "curve" / "ep1.pth")
    assert all(torch.equal(ep1[k], trained[k]) for k in trained)  # one epoch: its own snapshot
    rows = (exp / "curve" / "curve.tsv").read_text().splitlines()
    assert rows[0].startswith("epochs\tset") and [r.split("\t")[:2] for r in rows[1:]] == [
        ["1", "dev.en-de"], ["2", "dev.en-de"]]
    assert len((exp / "curve" / "ep2" / "dev.en-de" / "text").read_text().splitlines()) == len(
        (recipe / "dump/fbank/dev.en-de/text").read_text().splitlines())

    # The packed mid-trained encoder is what the ASR recipe gets, and its config follows from it.
    from mmpt.asr.train_config import make_train_config
    from mmpt.pack.read import load_pretrained

    mid = load_pretrained(exp / "packed")
    # (the recipe packs its decoding model, valid.acc.ave.pth: here the average of the two epochs)
    assert all(torch.equal(mid.encoder_state_dict()[k[len("encoder."):]], ave[k]) for k in enc_state)
    asr_conf = Path(__file__).resolve().parents[2] / "egs2/librispeech/asr1/conf/train_asr_ctc_frozen.yaml"
    asr_cfg = make_train_config(asr_conf, pretrained=mid, freeze_encoder=True, fbank_conf=recipe / "conf/fbank.yaml")
    assert asr_cfg["encoder_conf"] == TINY_ENCODER and asr_cfg["freeze_param"] == ["encoder"]
    assert asr_cfg["normalize_conf"]["stats_file"] == str((exp / "packed" / "feats_stats.npz").resolve())

    # Source-language CTC as an auxiliary loss (--use_src_text true, asr_weight > 0): the source text is
    # read, the CTC loss is reported, and its gradient reaches the encoder.
    args = ["run.sh", "--stage", "5", "--stop_stage", "6", *COMMON, "--st_config", "conf/train_test.yaml",
            "--pretrained_encoder", "pt_exp/packed", "--use_src_text", "true", "--st_tag", "src_ctc",
            "--st_args", "--max_epoch 1 --model_conf asr_weight=0.3 --model_conf mtlalpha=1.0"]
    res = run_script(args, cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]
    ctc_exp = recipe / "exp" / "st_src_ctc"
    cfg = yaml.safe_load((ctc_exp / "config.yaml").read_text())
    assert cfg["model_conf"]["asr_weight"] == 0.3 and cfg["model_conf"]["mtlalpha"] == 1.0
    assert any(path.endswith("text.lc.rm.en") and name == "src_text"
               for path, name, _ in cfg["train_data_path_and_name_and_type"])
    losses = re.findall(r"loss_asr=([0-9.e+-]+)", (ctc_exp / "train.log").read_text())
    assert losses and all(float(x) > 0 for x in losses)
    with_ctc = torch.load(ctc_exp / "1epoch.pth")
    assert "ctc.ctc_lo.weight" in with_ctc and not any(k.startswith("ctc.") for k in trained)
    # Same seed, initialisation and batches as the pure-translation run: only the CTC loss can make the
    # encoders differ.
    assert any(not torch.equal(with_ctc[k], trained[k]) for k in enc_state if ".running_" not in k)


def test_run_sh_checks_the_language(checkout: Path):
    recipe = copy_recipe(checkout, RECIPE)
    res = run_script(["run.sh", "--tgt_lang", "fr", "--stage", "1"], cwd=recipe)
    assert res.returncode == 2 and "--tgt_lang must be de, it or nl" in res.stderr
    res = run_script(["run.sh", "--tgt_lang=nl", "--stage", "1", "--stop_stage", "1"], cwd=recipe,
                     env={"MUSTC": str(recipe / "nowhere")})
    assert res.returncode != 0 and "en-nl does not exist" in res.stderr and "ict.fbk.eu" in res.stderr


def test_st_setup_creates_a_recipe(checkout: Path, venv: Path):
    import os

    target = checkout / "egs2" / "mycorpus" / "st1"
    setup = checkout / "egs2/TEMPLATE/st1/setup.sh"
    res = run_script([str(setup), str(target)], cwd=checkout)
    assert res.returncode == 0, res.stderr
    assert os.readlink(target / "st.sh") == "../../TEMPLATE/st1/st.sh"
    assert os.readlink(target / "scripts") == "../../TEMPLATE/scripts"
    assert sorted(p.name for p in (target / "conf").iterdir()) == ["decode_st.yaml", "fbank.yaml", "train_st.yaml"]
    res = run_script(["run.sh", "--help"], cwd=target)
    assert res.returncode == 0 and "--pretrained_encoder" in res.stderr and "--tgt_nbpe" in res.stderr
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1"], cwd=target)
    assert res.returncode != 0 and "local/data.sh is still the template" in res.stderr
    assert run_script([str(setup), str(target)], cwd=checkout).returncode != 0  # never overwrites
