"""A tiny structured audio-visual corpus for training tests (written once per session).

Clip i of a set belongs to class c = i % 8 (no two clips of a set share a class): its fbank is a sinusoid
whose temporal frequency depends on c plus a band at a class-specific frequency, its video a moving bar
on a background whose colour depends on c. So MAE has structure to reconstruct and CLR something that the
two modalities share, even after a time average.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pytest

from mmpt.features.ark import ArkWriter
from mmpt.features.npy_scp import save_npy

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CPU_CONF = REPO / "mmpt" / "conf" / "pretrain" / "cpu"
MAX_AUDIO_FRAMES = 300  # instead of 1000, to keep the runs short
COLOURS = np.array([[220, 40, 40], [40, 200, 60], [40, 60, 220], [200, 200, 40], [200, 40, 200], [40, 200, 200],
                    [120, 120, 120], [250, 140, 20]], dtype=np.float32)


def fake_fbank(cls: int, length: int, rng: np.random.RandomState) -> np.ndarray:
    t = np.arange(length)[:, None]
    f = np.arange(80)[None, :]
    x = 2.0 * np.sin(2 * np.pi * (cls + 1) * t / 60.0 + f / 8.0) + 0.1 * rng.randn(length, 80)
    x += 3.0 * np.exp(-((f - 10 * cls - 5) ** 2) / 20.0)  # a class-specific band, visible in a time average
    return x.astype(np.float32)


def fake_clip(cls: int, frames: int, rng: np.random.RandomState, h: int = 40, w: int = 48) -> np.ndarray:
    clip = np.empty((frames, h, w, 3), dtype=np.float32)
    clip[:] = COLOURS[cls]
    for t in range(frames):
        x0 = (2 * t) % (w - 8)
        clip[t, :, x0 : x0 + 8] = 255.0
    clip += rng.randn(*clip.shape) * 5.0
    return np.clip(clip, 0, 255).astype(np.uint8)


def write_set(root: Path, name: str, num: int, seed: int, audio_lengths: List[int]) -> Dict[str, Path]:
    rng = np.random.RandomState(seed)
    d = root / name
    (d / "video").mkdir(parents=True)
    with ArkWriter(d / "feats.ark", d / "feats.scp") as writer:
        for i in range(num):
            writer.write(f"{name}_{i:03d}", fake_fbank(i % 8, audio_lengths[i % len(audio_lengths)], rng))
    lines = []
    for i in range(num):
        path = d / "video" / f"{name}_{i:03d}.npy"
        save_npy(path, fake_clip(i % 8, 40 + 7 * i, rng))
        lines.append(f"{name}_{i:03d} {path}\n")
    (d / "video.scp").write_text("".join(lines))
    return {"feats": d / "feats.scp", "video": d / "video.scp"}


@dataclass
class AVCorpus:
    root: Path
    train: Dict[str, Path]
    valid: Dict[str, Path]
    stats: Path  # collect_stats output dir

    def data_args(self) -> List[str]:
        args = []
        for split, files in (("train", self.train), ("valid", self.valid)):
            args += [f"--{split}_data_path_and_name_and_type", f"{files['feats']},speech,kaldi_ark",
                     f"--{split}_data_path_and_name_and_type", f"{files['video']},video,npy"]
        return args

    def train_args(self, method: str, out: Path, *extra: str) -> List[str]:
        """Command line of a short CPU training run of ``method``."""
        return [
            PYTHON, "-m", "mmpt.bin.av_pretrain_train", "--config", str(CPU_CONF / f"{method}.yaml"),
            "--output_dir", str(out), *self.data_args(),
            "--train_shape_file", str(self.stats / "train" / "speech_shape"),
            "--valid_shape_file", str(self.stats / "valid" / "speech_shape"),
            "--normalize", "global_mvn", "--normalize_conf", f"stats_file={self.stats / 'train' / 'feats_stats.npz'}",
            "--video_encoder_conf", "image_size=32", "--batch_size", "4", "--valid_batch_size", "4",
            "--num_workers", "0", "--keep_nbest_models", "10", "--seed", "3",
            "--optim_conf", "lr=0.003", "--scheduler_conf", "warmup_steps=4", "--log_interval", "1",
            "--model_conf", f"max_audio_frames={MAX_AUDIO_FRAMES}", "--use_matplotlib", "false",
            "--use_tensorboard", "false", *extra,
        ]


def start(cmd: List[str], log: Path, env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    """Start ``cmd`` from the repository root, output to ``log`` (one thread: the box is shared); ``env``
    adds variables."""
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", **(env or {}))
    with open(log, "w") as f:
        return subprocess.Popen(cmd, cwd=REPO, stdout=f, stderr=subprocess.STDOUT, env=env)


def wait(proc: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    """Wait for ``proc``; fail with the end of its log."""
    try:
        returncode = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        returncode = "a timeout"
    if returncode != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-40:])
        pytest.fail(f"{' '.join(map(str, proc.args[:4]))} ... exited with {returncode}:\n{tail}")


def run(cmd: List[str], log: Path) -> None:
    """Run ``cmd`` to the end (see :func:`start`)."""
    wait(start(cmd, log), log)


@pytest.fixture(scope="session")
def av_corpus(tmp_path_factory) -> AVCorpus:
    root = tmp_path_factory.mktemp("av_corpus")
    # one empty audio (a clip without sound), one longer than the kept frames
    train = write_set(root, "train", 8, 0, [150, 97, 420, 163, 0, 130, 180, 120])
    valid = write_set(root, "valid", 4, 1, [140, 110, 160, 125])
    corpus = AVCorpus(root, train, valid, root / "stats")
    run([PYTHON, "-m", "mmpt.bin.av_pretrain_train", "--collect_stats", "true",
         "--config", str(CPU_CONF / "mae.yaml"), "--output_dir", str(corpus.stats),
         "--batch_size", "4", "--num_workers", "0", "--model_conf", f"max_audio_frames={MAX_AUDIO_FRAMES}",
         *corpus.data_args()], root / "collect_stats.log")
    return corpus
