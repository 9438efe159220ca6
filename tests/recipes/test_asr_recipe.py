"""egs2/librispeech/asr1 stages 1-9 on the tiny embedded LibriSpeech: CTC on a frozen pre-trained encoder,
run at every step (--cache_encoder false) or on its outputs cached once per utterance (the default)."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml

from tests.recipes.conftest import copy_recipe, run_script
from tests.recipes.packs import TINY_ENCODER, make_pack, small_head_config, synth

RECIPE = "egs2/librispeech/asr1"
TESTS = ["test_clean", "test_other"]
SETS = ["--train_set", "train_clean_100", "--valid_set", "dev_clean", "--test_sets", " ".join(TESTS),
        "--nj", "1", "--nbpe", "40"]
DECODE = ["--inference_configs", "conf/decode_asr_greedy.yaml conf/decode_asr_beam.yaml",
          "--inference_args", "--beam_size 2"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth(tmp_path_factory.mktemp("synth"), "librispeech")


def test_ctc_on_frozen_pack(checkout: Path, venv: Path, corpus: Path):
    recipe = copy_recipe(checkout, RECIPE)
    env = {"LIBRISPEECH": str(corpus)}
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "3", *SETS], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]

    # A "pre-trained" pack, its statistics those of the recipe's training set.
    pack = recipe / "pt_exp" / "packed"
    enc_state = make_pack(pack, recipe / "exp/asr_stats_fbank/train/feats_stats.npz", recipe / "conf/fbank.yaml")
    small_head_config(recipe / "conf/train_asr_ctc_frozen.yaml", recipe / "conf/train_test.yaml")
    args = ["run.sh", "--stage", "4", "--stop_stage", "9", *SETS, "--asr_config", "conf/train_test.yaml",
            "--pretrained_encoder", "pt_exp/packed", "--freeze_encoder", "true", "--cache_encoder", "false",
            "--asr_args", "--max_epoch 2", *DECODE]
    res = run_script(args, cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]

    exp = recipe / "exp" / "asr_train_test_bpe_unigram40_pt_exp"
    train_cfg = yaml.safe_load((exp / "train.yaml").read_text())
    assert train_cfg["encoder_conf"] == TINY_ENCODER  # from the pack's own config, not the recipe's
    assert train_cfg["init_param"] == [f"{(pack / 'model.pth').resolve()}:encoder:encoder"]
    assert train_cfg["freeze_param"] == ["encoder"]
    assert train_cfg["normalize_conf"]["stats_file"] == str((pack / "feats_stats.npz").resolve())
    assert "frozen modules kept in eval mode during training: encoder" in (exp / "train.log").read_text()

    # Initialised from the pack and frozen: weights AND batch-norm statistics (eval mode) are the pack's.
    epochs = [torch.load(exp / f"{n}epoch.pth") for n in (1, 2)]
    for state in epochs:
        for k, v in enc_state.items():
            assert torch.equal(state[k], v), k
    assert any(not torch.equal(epochs[0][k], epochs[1][k]) for k in epochs[0] if k.startswith("postencoder."))
    assert set(epochs[1]) - set(enc_state) >= {"ctc.ctc_lo.weight", "normalize.mean"}

    # Decoding: ESPnet layout, every test utterance, for both decode configs; then WER files.
    for tag in ("asr_greedy", "asr_beam"):
        for dset in TESTS:
            out = exp / f"decode_{tag}_valid.loss.ave" / dset
            refs = dict(line.split(" ", 1) for line in (recipe / "dump/fbank" / dset / "text").read_text().splitlines())
            hyps = [line.split(" ", 1)[0] for line in (out / "text").read_text().splitlines()]
            assert hyps == sorted(refs) and (out / "token").is_file()
            stats = yaml.safe_load((out / "decode_stats.yaml").read_text())
            assert stats["utterances"] == len(refs) and stats["rtf"] > 0 and stats["decoding"] == tag[4:]
            result = (out / "score_wer" / "result.txt").read_text()
            assert result.count("id: (") == len(refs) and "%WER" in result
    results = (exp / "RESULTS.md").read_text()
    assert "|decode_asr_beam_valid.loss.ave/test_other|" in results and "frozen: `encoder`" in results

    # The trained model's encoder packed for later stages is still the pack's.
    from mmpt.pack.read import load_pretrained

    repacked = load_pretrained(exp / "packed")
    assert repacked.encoder_conf == TINY_ENCODER
    assert all(torch.equal(repacked.encoder_state_dict()[k[len("encoder."):]], v) for k, v in enc_state.items())

    # mmpt-transcribe: raw audio -> the same features as the dump -> the same greedy transcript as
    # stage 7; the audio track of a video is read too; an unreadable file is reported, the rest still done.
    import numpy as np

    from mmpt.data.audio import load_audio
    from mmpt.synth.mux import write_av_mp4

    dset = TESTS[-1]
    utt, wav = (recipe / "data" / dset / "wav.scp").read_text().splitlines()[0].split(" ", 1)
    greedy = dict((line.split(" ", 1) + [""])[:2] for line in
                  (exp / "decode_asr_greedy_valid.loss.ave" / dset / "text").read_text().splitlines())
    video = recipe / "talk.mp4"
    audio = load_audio(wav)
    write_av_mp4(video, np.zeros((int(len(audio) / 16000 * 5) + 1, 32, 32, 3), np.uint8), fps=5, audio=audio,
                 sr=16000)
    res = run_script(["-c", f". ./path.sh && python -m mmpt.bin.transcribe --model_dir {exp} {wav} {video} "
                            "missing.wav"], cwd=recipe)
    assert res.returncode == 1 and "missing.wav" in res.stderr and "1 of 3 file(s)" in res.stderr
    lines = dict(line.split("\t", 1) for line in res.stdout.splitlines())
    assert lines[wav] == greedy[utt].strip() and str(video) in lines

    # Re-running is a no-op: nothing is retrained or decoded again.
    res = run_script(args, cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "is trained (up to date" in res.stderr and res.stdout.count(": up to date:") == 4
    assert not (exp / "3epoch.pth").exists()

    # The pack rewritten in place (other weights, same path): the training starts over from the new one.
    state = torch.load(pack / "model.pth")
    torch.save({k: v + 1.0 if v.is_floating_point() else v for k, v in state.items()}, pack / "model.pth")
    res = run_script([*args[:2], "6", "--stop_stage", "6", *args[5:]], cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "holds a training with other inputs" in res.stderr
    retrained = torch.load(exp / "2epoch.pth")
    assert all(torch.equal(retrained[k], v + 1.0) for k, v in enc_state.items() if v.is_floating_point())


def test_ctc_on_cached_frozen_pack(checkout: Path, venv: Path, corpus: Path):
    """The default for a frozen pack: its outputs dumped once, the head trained and decoding on them."""
    recipe = copy_recipe(checkout, RECIPE)
    env = {"LIBRISPEECH": str(corpus)}
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "3", *SETS], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    pack = recipe / "pt_exp" / "packed"
    make_pack(pack, recipe / "exp/asr_stats_fbank/train/feats_stats.npz", recipe / "conf/fbank.yaml")
    small_head_config(recipe / "conf/train_asr_ctc_frozen.yaml", recipe / "conf/train_test.yaml")
    args = ["run.sh", "--stage", "4", "--stop_stage", "9", *SETS, "--asr_config", "conf/train_test.yaml",
            "--pretrained_encoder", "pt_exp/packed", "--asr_args", "--max_epoch 1",
            "--inference_configs", "conf/decode_asr_greedy.yaml"]
    res = run_script(args, cwd=recipe, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]

    roots = list((recipe / "dump" / "encoded").iterdir())
    assert len(roots) == 1 and roots[0].name.endswith("_last")
    for dset in ["train_clean_100", "dev_clean", *TESTS]:
        shapes = (roots[0] / dset / "feats_shape").read_text().splitlines()
        fbank = (recipe / "dump/fbank" / dset / "feats_shape").read_text().splitlines()
        assert len(shapes) == len(fbank) and all(line.endswith(",32") for line in shapes)
    exp = recipe / "exp" / "asr_train_test_bpe_unigram40_pt_exp"
    cfg = yaml.safe_load((exp / "config.yaml").read_text())
    assert (cfg["encoder"], cfg["input_size"], cfg["normalize"], cfg["frontend"]) == ("layer_sum", 32, None, None)
    model = torch.load(exp / "1epoch.pth")
    assert {k.split(".")[0] for k in model} == {"postencoder", "ctc"}
    assert (exp / "encoded_root").read_text().strip() == str(roots[0].relative_to(recipe))
    for dset in TESTS:
        out = exp / "decode_asr_greedy_valid.loss.ave" / dset
        refs = (recipe / "dump/fbank" / dset / "text").read_text().splitlines()
        assert len((out / "text").read_text().splitlines()) == len(refs)
        assert (out / "score_wer" / "result.txt").is_file()
    results = (exp / "RESULTS.md").read_text()
    assert "|decode_asr_greedy_valid.loss.ave/test_other|" in results
    assert f"frozen encoder: `{pack.resolve()}`" in results and "outputs cached once per utterance" in results
    assert "Stage 9: nothing to pack" in res.stderr

    # mmpt-transcribe runs the frozen encoder of encoded.yaml before the head: the stage-7 transcript.
    dset = TESTS[-1]
    utt, wav = (recipe / "data" / dset / "wav.scp").read_text().splitlines()[0].split(" ", 1)
    greedy = dict((line.split(" ", 1) + [""])[:2] for line in
                  (exp / "decode_asr_greedy_valid.loss.ave" / dset / "text").read_text().splitlines())
    res = run_script(["-c", f". ./path.sh && python -m mmpt.bin.transcribe --model_dir {exp} {wav}"], cwd=recipe)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.splitlines()[-1] == greedy[utt].strip()  # one file: its text alone

    # The secondary head: a learnable weighted sum of all layers (input layer + 1 block): its own dump and
    # experiment.
    res = run_script([*args[:2], "6", "--stop_stage", "8", *args[5:], "--encoder_layers", "all"], cwd=recipe,
                     env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]
    assert len(list((recipe / "dump" / "encoded").iterdir())) == 2
    exp_all = recipe / "exp" / "asr_train_test_bpe_unigram40_pt_exp_all_layers"
    cfg = yaml.safe_load((exp_all / "config.yaml").read_text())
    assert (cfg["input_size"], cfg["encoder_conf"]) == (64, {"num_layers": 2})
    assert "encoder.weights" in torch.load(exp_all / "1epoch.pth")
    assert (exp_all / "RESULTS.md").is_file()

    # An encoder that trains cannot be cached.
    res = run_script([*args[:2], "6", "--stop_stage", "6", *args[5:], "--freeze_encoder", "false",
                      "--cache_encoder", "true"], cwd=recipe, env=env)
    assert res.returncode == 2 and "--cache_encoder true needs --freeze_encoder true" in res.stderr


def test_errors_name_the_missing_piece(checkout: Path, venv: Path):
    recipe = copy_recipe(checkout, RECIPE)
    res = run_script(["run.sh", "--stage", "6", "--stop_stage", "6", *SETS], cwd=recipe)
    assert res.returncode != 0 and "tokens.txt does not exist; run stage 4 first" in res.stderr
    res = run_script(["run.sh", "--stage", "7", "--stop_stage", "7", *SETS], cwd=recipe)
    assert res.returncode != 0 and "config.yaml does not exist; run stage 6 first" in res.stderr
