"""Training through ``python -m mmpt.bin.av_pretrain_train`` on a tiny corpus (subprocesses, CPU)."""
from __future__ import annotations

import math
import os
import signal
import time

import numpy as np
import pytest
import torch
import yaml

from mmpt.bin.av_pretrain_train import main as train_main
from mmpt.tasks.av_pretrain import AVPretrainTask
from tests.pack.test_resume import KILLER
from tests.tasks.conftest import CPU_CONF, MAX_AUDIO_FRAMES, PYTHON, start, wait

METHODS = ("mae", "clr", "mae_clr")


def _train_losses(exp) -> list:
    """Train loss of every epoch, from the reporter state that espnet2 keeps in checkpoint.pth."""
    reporter = torch.load(exp / "checkpoint.pth", map_location="cpu", weights_only=False)["reporter"]
    return [reporter["stats"][e]["train"]["loss"] for e in sorted(reporter["stats"])]


@pytest.fixture(scope="module")
def trained(av_corpus):
    """One run per method (mae_clr with a DataLoader worker, mae with the loss plots); CLR with Eq. 2
    at tau = 1 learns slowly: 6 epochs of 2 steps make its decrease clear."""
    exps, procs = {}, {}
    for method in METHODS:  # in parallel: most of each run is start-up
        exps[method] = av_corpus.root / f"exp_{method}"
        extra = {"mae": ["--max_epoch", "4", "--use_matplotlib", "true"], "clr": ["--max_epoch", "6"],
                 "mae_clr": ["--max_epoch", "4", "--num_workers", "1"]}[method]
        log = av_corpus.root / f"{method}.log"
        procs[method] = (start(av_corpus.train_args(method, exps[method], *extra), log), log)
    for proc, log in procs.values():
        wait(proc, log)
    return exps


def test_collect_stats_writes_shapes_and_global_mvn_stats(av_corpus):
    shapes = dict(line.split() for line in (av_corpus.stats / "train" / "speech_shape").read_text().splitlines())
    assert shapes["train_002"] == f"{MAX_AUDIO_FRAMES},80"  # 420 frames, truncated by the preprocessor
    assert shapes["train_004"] == "0,80"  # a clip without audio
    video = (av_corpus.stats / "valid" / "video_shape").read_text().split()
    assert video[1] == "16,64,64,3"  # cpu config: 16 frames of 64x64
    stats = np.load(av_corpus.stats / "train" / "feats_stats.npz")
    assert int(stats["count"]) == 150 + 97 + MAX_AUDIO_FRAMES + 163 + 0 + 130 + 180 + 120
    assert stats["sum"].shape == (80,)


@pytest.mark.parametrize("method", METHODS)
def test_training_run_lowers_the_loss(trained, method):
    exp = trained[method]
    losses = _train_losses(exp)
    assert len(losses) == (6 if method == "clr" else 4) and all(math.isfinite(x) for x in losses)
    assert losses[-1] < losses[0], losses
    config = yaml.safe_load((exp / "config.yaml").read_text())
    assert config["model_conf"]["pt_method"] == method
    assert (exp / "valid.loss.best.pth").is_file()
    if method == "mae":
        assert (exp / "images" / "loss_mae_audio.png").is_file()
    reporter = torch.load(exp / "checkpoint.pth", map_location="cpu", weights_only=False)["reporter"]
    valid = reporter["stats"][len(losses)]["valid"]
    expected = {"mae": ["loss_mae_audio", "loss_mae_video"], "clr": ["loss_clr", "clr_acc"],
                "mae_clr": ["loss_mae", "loss_clr", "clr_acc"]}[method]
    assert all(math.isfinite(valid[k]) for k in expected)


def test_resume_continues_exactly_where_the_last_finished_epoch_ended(av_corpus):
    """2 epochs, then --resume to 3, equals 3 epochs straight (in this process: same threads, same sums)."""

    def train(out, *extra):
        train_main(av_corpus.train_args("mae", out, "--max_epoch", "3", *extra)[3:])

    straight, resumed = av_corpus.root / "exp_straight", av_corpus.root / "exp_resumed"
    train(straight)
    train(resumed, "--max_epoch", "2")
    assert (resumed / "2epoch.pth").is_file() and not (resumed / "3epoch.pth").exists()
    train(resumed, "--resume", "true")
    a = torch.load(straight / "3epoch.pth", map_location="cpu")
    b = torch.load(resumed / "3epoch.pth", map_location="cpu")
    assert a.keys() == b.keys()
    for key in a:
        assert torch.allclose(a[key], b[key], rtol=1e-5, atol=1e-6), key
    assert _train_losses(resumed) == pytest.approx(_train_losses(straight), rel=1e-5)


def test_resume_after_a_kill_mid_epoch_gives_the_uninterrupted_checkpoint(av_corpus):
    """SIGKILL during epoch 3, or while checkpoint.pth of epoch 3 is being written, then ``--resume true``:
    espnet2 restarts epoch 3 from checkpoint.pth and the final model equals a run that was never
    interrupted (each run in its own process, one thread)."""
    args = lambda out, *extra: av_corpus.train_args("mae", out, "--max_epoch", "3", *extra)  # noqa: E731
    straight, killed = av_corpus.root / "exp_kill_straight", av_corpus.root / "exp_killed"
    torn = av_corpus.root / "exp_killed_in_checkpoint"
    # meanwhile: SIGKILL halfway through writing the third checkpoint.pth (see tests/pack/test_resume.py)
    torn_cmd = [PYTHON, "-c", KILLER, "mmpt.bin.av_pretrain_train", *args(torn)[3:]]
    torn_proc = start(torn_cmd, av_corpus.root / "torn.log", env={"KILL_CKPT": "3"})
    wait(*_started(args(straight), av_corpus.root / "straight.log"))

    proc, log = _started(args(killed), av_corpus.root / "killed.log")
    latest = killed / "latest.pth"
    deadline = time.monotonic() + 600
    while not (latest.is_symlink() and os.readlink(latest) == "2epoch.pth"):
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "epoch 2 never finished"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (killed / "3epoch.pth").exists(), "the kill came after epoch 3 had finished"

    wait(*_started(args(killed, "--resume", "true"), av_corpus.root / "resumed.log"))
    a = torch.load(straight / "3epoch.pth", map_location="cpu")
    b = torch.load(killed / "3epoch.pth", map_location="cpu")
    assert a.keys() == b.keys()
    for key in a:
        assert torch.allclose(a[key], b[key], rtol=1e-5, atol=1e-6), key
    assert _train_losses(killed) == pytest.approx(_train_losses(straight), rel=1e-5)

    # the torn write left epoch 2's checkpoint.pth intact (atomic): --resume redoes epoch 3, same model
    assert torn_proc.wait(timeout=600) == -signal.SIGKILL, (av_corpus.root / "torn.log").read_text()[-3000:]
    assert not (torn / "3epoch.pth").exists()
    wait(*_started(args(torn, "--resume", "true"), av_corpus.root / "torn_resumed.log"))
    c = torch.load(torn / "3epoch.pth", map_location="cpu")
    for key in a:
        assert torch.allclose(a[key], c[key], rtol=1e-5, atol=1e-6), key


def test_two_process_distributed_training(av_corpus):
    """espnet2's DistributedDataParallel over two processes (gloo on the CPU, as on GPUs with nccl): every
    part of the MAE+CLR model gets a gradient on every rank, so DDP neither hangs nor raises."""
    out = av_corpus.root / "exp_ddp"
    init = f"file://{av_corpus.root}/ddp_init"
    procs = [_started(av_corpus.train_args("mae_clr", out, "--max_epoch", "2", "--multiprocessing_distributed",
                                           "false", "--dist_world_size", "2", "--dist_rank", str(rank),
                                           "--dist_backend", "gloo", "--dist_init_method", init),
                      av_corpus.root / f"ddp_rank{rank}.log") for rank in range(2)]
    for proc, log in procs:
        wait(proc, log)
    assert (out / "2epoch.pth").is_file()
    stats = torch.load(out / "checkpoint.pth", map_location="cpu", weights_only=False)["reporter"]["stats"]
    assert all(math.isfinite(stats[e]["train"][k]) for e in (1, 2) for k in ("loss_mae", "loss_clr"))


def _started(cmd, log):
    return start(cmd, log), log


def _downstream_config(tmp_path, pretrain_config) -> tuple:
    conf = yaml.safe_load(pretrain_config.read_text())
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("\n".join(["<blank>", "<unk>", "a", "b", "c", "<sos/eos>"]) + "\n")
    base = {"input_size": 80, "normalize": None, "encoder": conf["encoder"], "encoder_conf": conf["encoder_conf"]}
    asr = tmp_path / "asr.yaml"
    asr.write_text(yaml.safe_dump({**base, "model_conf": {"ctc_weight": 1.0}}))
    st = tmp_path / "st.yaml"
    st.write_text(yaml.safe_dump({**base, "decoder": "transformer",
                                  "decoder_conf": {"num_blocks": 1, "linear_units": 32, "attention_heads": 2}}))
    return tokens, asr, st


def test_encoder_transfers_into_espnet_asr_and_st_models(tmp_path, trained):
    from espnet2.tasks.asr import ASRTask
    from espnet2.tasks.st import STTask
    from espnet2.torch_utils.load_pretrained_model import load_pretrained_model

    ckpt = trained["mae_clr"] / "valid.loss.best.pth"
    pretrained = {k[len("encoder."):]: v for k, v in torch.load(ckpt, map_location="cpu").items()
                  if k.startswith("encoder.")}
    tokens, asr_conf, st_conf = _downstream_config(tmp_path, CPU_CONF / "mae_clr.yaml")
    for task, conf in ((ASRTask, asr_conf), (STTask, st_conf)):
        cmd = ["--config", str(conf), "--token_list", str(tokens)]
        if task is STTask:
            cmd += ["--src_token_list", str(tokens)]
        args = task.get_parser().parse_args(cmd)
        model = task.build_model(args)
        assert set(model.encoder.state_dict()) == set(pretrained), task.__name__
        load_pretrained_model(f"{ckpt}:encoder:encoder", model, ignore_init_mismatch=False)
        for key, value in model.encoder.state_dict().items():
            assert torch.equal(value, pretrained[key]), (task.__name__, key)


def test_task_data_names_and_bad_options():
    assert AVPretrainTask.required_data_names() == ()
    assert set(AVPretrainTask.optional_data_names()) == {"speech", "video"}
    args = AVPretrainTask.get_parser().parse_args(
        ["--config", str(CPU_CONF / "mae.yaml"), "--model_conf", "mask_rate=0.5"])
    with pytest.raises(ValueError, match="mask_rate"):
        AVPretrainTask.build_model(args)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("audio_visible_only", [False, True])
def test_every_parameter_gets_a_gradient_from_a_full_batch(method, audio_visible_only):
    """DistributedDataParallel (find_unused_parameters false) needs a gradient on every parameter: a
    parameter the forward never uses (e.g. a mask token of an encoder that sees every token) makes the
    ranks disagree on the collectives and the run abort."""
    conf = ["--config", str(CPU_CONF / f"{method}.yaml"), "--video_encoder_conf", "image_size=32",
            "--model_conf", f"audio_visible_only={str(audio_visible_only).lower()}"]
    if audio_visible_only:  # needs absolute positions
        conf += ["--encoder_conf", "pos_enc_layer_type=abs_pos", "--encoder_conf", "selfattention_layer_type=selfattn"]
    model = AVPretrainTask.build_model(AVPretrainTask.get_parser().parse_args(conf))
    g = torch.Generator().manual_seed(0)
    loss, _, _ = model(speech=torch.randn(3, 120, 80, generator=g), speech_lengths=torch.tensor([120, 100, 90]),
                       video=torch.randint(0, 256, (3, 16, 32, 32, 3), generator=g, dtype=torch.uint8),
                       video_lengths=torch.tensor([16, 16, 12]))
    loss.backward()
    missing = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
    assert not missing


@pytest.mark.parametrize("modality", ["speech", "video"])
def test_single_modality_data(av_corpus, modality):
    """A set without video.scp (or without feats.scp) trains the other side only."""
    out = av_corpus.root / f"exp_only_{modality}"
    args = av_corpus.train_args("mae", out, "--max_epoch", "1")[3:]
    keep = {"speech": "kaldi_ark", "video": "npy"}[modality]
    data, i = [], 0
    while i < len(args):  # drop the other modality's data options
        if args[i].endswith("_data_path_and_name_and_type"):
            if args[i + 1].endswith(f",{modality},{keep}"):
                data += args[i : i + 2]
            i += 2
        else:
            data.append(args[i])
            i += 1
    data = [a.replace("speech_shape", "video_shape") if modality == "video" else a for a in data]
    train_main(data)
    reporter = torch.load(out / "checkpoint.pth", map_location="cpu", weights_only=False)["reporter"]
    train = reporter["stats"][1]["train"]
    present, absent = ("loss_mae_audio", "loss_mae_video")
    if modality == "video":
        present, absent = absent, present
    assert math.isfinite(train[present]) and math.isnan(train[absent])
