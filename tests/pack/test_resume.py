"""kill -9 of an espnet2 training (ASR through mmpt.bin.asr_train, ST through mmpt.bin.st_train) mid-epoch
and while ``checkpoint.pth`` is being written, then ``--resume true``: the final model equals an
uninterrupted run's. espnet2 resumes at epoch boundaries only: the interrupted epoch is redone (with the
same per-epoch seed and batch order), which gives the same result.

The kills are deterministic: the training runs under a small wrapper (``KILLER``) that sends SIGKILL to
itself at the N-th optimiser step, or halfway through writing the N-th ``checkpoint.pth``."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
import torch
import yaml

from mmpt.features.ark import ArkWriter

REPO = Path(__file__).resolve().parents[2]
TOKENS = ["<blank>", "<unk>", "a", "b", "c", "<sos/eos>"]
ENCODER = {"output_size": 16, "attention_heads": 2, "linear_units": 32, "num_blocks": 1, "cnn_module_kernel": 3,
           "input_layer": "conv2d", "dropout_rate": 0.1, "pos_enc_layer_type": "abs_pos",
           "selfattention_layer_type": "selfattn"}
DECODER = {"attention_heads": 2, "linear_units": 32, "num_blocks": 1, "dropout_rate": 0.1}
CONFIGS = {
    "asr": {"input_size": 80, "encoder": "conformer", "encoder_conf": ENCODER, "decoder": "none",
            "model_conf": {"ctc_weight": 1.0}},
    "st": {"input_size": 80, "encoder": "conformer", "encoder_conf": ENCODER, "decoder": "transformer",
           "decoder_conf": DECODER, "model_conf": {"asr_weight": 0.0, "mt_weight": 0.0, "mtlalpha": 0.0}},
}
MODULES = {"asr": "mmpt.bin.asr_train", "st": "mmpt.bin.st_train"}
STEPS_PER_EPOCH = 4  # 8 utterances, batch 2
# Runs MODULE with SIGKILL at optimiser step KILL_STEP, or halfway through the KILL_CKPT-th checkpoint.pth.
KILLER = r'''
import io, os, runpy, signal, sys
import torch
step, ckpt = int(os.environ.get("KILL_STEP", 0)), int(os.environ.get("KILL_CKPT", 0))
counts = {"step": 0, "ckpt": 0}
real_save, real_step = torch.save, torch.optim.Adam.step
def save(obj, f, *a, **k):
    if "checkpoint.pth" in os.path.basename(str(f)):
        counts["ckpt"] += 1
        if counts["ckpt"] == ckpt:
            buf = io.BytesIO(); real_save(obj, buf)
            with open(f, "wb") as out:
                out.write(buf.getvalue()[: len(buf.getvalue()) // 2]); out.flush(); os.fsync(out.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
    return real_save(obj, f, *a, **k)
def adam_step(self, *a, **k):
    counts["step"] += 1
    if counts["step"] == step:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_step(self, *a, **k)
torch.save, torch.optim.Adam.step = save, adam_step
sys.argv = [sys.argv[1]] + sys.argv[2:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
'''


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Dict[str, Path]:
    root = tmp_path_factory.mktemp("resume")
    rng = np.random.RandomState(0)
    lengths = [60, 75, 90, 66, 81, 70, 95, 58]
    with ArkWriter(root / "feats.ark", root / "feats.scp") as writer:
        for i, n in enumerate(lengths):
            writer.write(f"u{i}", rng.randn(n, 80).astype(np.float32))
    texts = {f"u{i}": " ".join("abc"[(i + j) % 3] for j in range(2 + i % 3)) for i in range(len(lengths))}
    (root / "text").write_text("".join(f"{u} {t}\n" for u, t in texts.items()))
    (root / "speech_shape").write_text("".join(f"u{i} {n},80\n" for i, n in enumerate(lengths)))
    (root / "tokens.txt").write_text("\n".join(TOKENS) + "\n")
    for task, conf in CONFIGS.items():
        (root / f"{task}.yaml").write_text(yaml.safe_dump(conf))
    return {"root": root}


def _cmd(task: str, data: Dict[str, Path], out: Path, *extra: str) -> List[str]:
    root = data["root"]
    args = ["--config", str(root / f"{task}.yaml"), "--output_dir", str(out), "--token_type", "char",
            "--token_list", str(root / "tokens.txt"), "--batch_type", "unsorted", "--batch_size", "2",
            "--max_epoch", "2", "--num_workers", "0", "--seed", "1", "--use_matplotlib", "false",
            "--use_tensorboard", "false", "--keep_nbest_models", "5", "--optim", "adam",
            "--optim_conf", "lr=0.01", "--resume", "true", "--log_interval", "1"]
    for split in ("train", "valid"):
        args += [f"--{split}_data_path_and_name_and_type", f"{root / 'feats.scp'},speech,kaldi_ark",
                 f"--{split}_data_path_and_name_and_type", f"{root / 'text'},text,text",
                 f"--{split}_shape_file", str(root / "speech_shape")]
    if task == "st":
        args += ["--src_token_type", "char", "--src_token_list", str(root / "tokens.txt")]
    return [sys.executable, "-c", KILLER, MODULES[task], *args, *extra]


def _run(cmd: List[str], log: Path, kill_step: int = 0, kill_ckpt: int = 0) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", KILL_STEP=str(kill_step),
               KILL_CKPT=str(kill_ckpt))
    with open(log, "w") as f:
        return subprocess.Popen(cmd, cwd=REPO, stdout=f, stderr=subprocess.STDOUT, env=env)


def _wait(proc: subprocess.Popen, log: Path, expect: int = 0) -> None:
    rc = proc.wait(timeout=300)
    assert rc == expect, f"exit {rc}, expected {expect}:\n" + "".join(log.read_text().splitlines(True)[-30:])


def _same_model(a: Path, b: Path) -> None:
    sa, sb = torch.load(a, map_location="cpu"), torch.load(b, map_location="cpu")
    assert sa.keys() == sb.keys()
    for k in sa:
        torch.testing.assert_close(sa[k], sb[k], rtol=1e-5, atol=1e-6, msg=k)


@pytest.mark.parametrize("task", ["asr", "st"])
def test_kill_mid_epoch_and_while_writing_checkpoint_then_resume(task, data, tmp_path):
    runs = {name: tmp_path / name for name in ("straight", "mid_epoch", "in_checkpoint")}
    procs = {
        "straight": _run(_cmd(task, data, runs["straight"]), tmp_path / "straight.log"),
        # step 2 of epoch 2, and halfway through writing the second checkpoint.pth (end of epoch 2)
        "mid_epoch": _run(_cmd(task, data, runs["mid_epoch"]), tmp_path / "mid_epoch.log",
                          kill_step=STEPS_PER_EPOCH + 2),
        "in_checkpoint": _run(_cmd(task, data, runs["in_checkpoint"]), tmp_path / "in_checkpoint.log",
                              kill_ckpt=2),
    }
    for name, proc in procs.items():
        _wait(proc, tmp_path / f"{name}.log", expect=0 if name == "straight" else -signal.SIGKILL)
    assert (runs["mid_epoch"] / "1epoch.pth").is_file() and not (runs["mid_epoch"] / "2epoch.pth").exists()
    assert not (runs["in_checkpoint"] / "2epoch.pth").exists()
    # the interrupted write left checkpoint.pth of epoch 1 intact (written atomically), not a torn file
    state = torch.load(runs["in_checkpoint"] / "checkpoint.pth", map_location="cpu", weights_only=False)
    assert sorted(state["reporter"]["stats"]) == [1]

    resumed = [_run(_cmd(task, data, runs[name]), tmp_path / f"{name}.resume.log")
               for name in ("mid_epoch", "in_checkpoint")]
    for name, proc in zip(("mid_epoch", "in_checkpoint"), resumed):
        _wait(proc, tmp_path / f"{name}.resume.log")
    for name in ("mid_epoch", "in_checkpoint"):
        _same_model(runs["straight"] / "2epoch.pth", runs[name] / "2epoch.pth")
