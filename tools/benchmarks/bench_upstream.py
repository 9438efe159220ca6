#!/usr/bin/env python
"""Speed of the s3prl upstream ``mmpt_upstream``: features + frozen encoder, as x real time.

    tools/venv/bin/python tools/benchmarks/bench_upstream.py [--ckpt exp/.../valid.loss.ave.pth]
        [--config mmpt/conf/pretrain/paper/mae.yaml] [--device cpu|cuda] [--repeats 3]

Without ``--ckpt`` the encoder of ``--config`` (default: the paper's pre-training config, Conformer 16 x 256)
gets random weights, saved as an espnet2-style checkpoint in a temporary directory. Batches mimic SUPERB:
KS (32 x 1 s), IC (32 x 3 s), PR (16 x 12 s), SD (8 x 20 s chunks). For each, the best of ``--repeats``
forward passes under ``torch.no_grad`` (as s3prl runs a frozen upstream) is reported as seconds per batch and
x real time (audio seconds per second of compute), with the share spent in Kaldi fbank (per utterance, CPU).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import List

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402
import yaml  # noqa: E402

from mmpt.superb.expert import UpstreamExpert  # noqa: E402

BATCHES = {"KS": (32, 1.0), "IC": (32, 3.0), "PR": (16, 12.0), "SD": (8, 20.0)}


def random_checkpoint(config_path: Path, out: Path) -> Path:
    """An espnet2-style ``model.pth`` + ``config.yaml`` with the config's encoder at random weights."""
    from espnet2.tasks.asr import encoder_choices

    config = yaml.safe_load(config_path.read_text())
    input_size = int(config.get("input_size") or 80)
    torch.manual_seed(0)
    encoder = encoder_choices.get_class(config["encoder"])(input_size=input_size, **config["encoder_conf"])
    state = {f"encoder.{k}": v for k, v in encoder.state_dict().items()}
    stats = out / "feats_stats.npz"
    # mean 10, std 2 per dimension
    np.savez(stats, count=np.array(1000.0), sum=np.full(input_size, 1.0e4), sum_square=np.full(input_size, 1.04e5))
    config.update(input_size=input_size, frontend=None, normalize="global_mvn")
    config["normalize_conf"] = {"stats_file": str(stats)}
    (out / "config.yaml").write_text(yaml.safe_dump(config))
    torch.save(state, out / "model.pth")
    return out / "model.pth"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ckpt", type=Path, help="an espnet2 checkpoint (config.yaml beside it)")
    parser.add_argument("--config", type=Path, default=REPO / "mmpt/conf/pretrain/paper/mae.yaml")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tasks", nargs="+", default=list(BATCHES), choices=list(BATCHES))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ckpt = args.ckpt or random_checkpoint(args.config, Path(tmp))
        upstream = UpstreamExpert(ckpt).to(args.device).eval()
    layers, dim = upstream.num_layers, upstream.encoder.output_size()
    print(f"upstream: {layers} layers x {dim}, device {args.device}, torch threads {torch.get_num_threads()}")
    print(f"{'task':4} {'batch':>14} {'s/batch':>9} {'x real time':>12} {'fbank share':>12}")
    rng = np.random.default_rng(0)
    for task in args.tasks:
        size, seconds = BATCHES[task]
        wavs = [torch.from_numpy((0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32)).to(args.device)
                for _ in range(size)]
        fbank_time: List[float] = []
        real_features = upstream._features

        def timed_features(wav, index, _acc=fbank_time):
            t0 = time.perf_counter()
            out = real_features(wav, index)  # noqa: B023 (called within this iteration)
            _acc.append(time.perf_counter() - t0)
            return out

        upstream._features = timed_features
        best, share = float("inf"), 0.0
        with torch.no_grad():
            upstream(wavs[:2])  # warm-up
            for _ in range(args.repeats):
                fbank_time.clear()
                if args.device.startswith("cuda"):
                    torch.cuda.synchronize()
                t0 = time.perf_counter()
                upstream(wavs)
                if args.device.startswith("cuda"):
                    torch.cuda.synchronize()
                elapsed = time.perf_counter() - t0
                if elapsed < best:
                    best, share = elapsed, sum(fbank_time) / elapsed
        upstream._features = real_features
        audio = size * seconds
        print(f"{task:4} {f'{size} x {seconds:g} s':>14} {best:9.3f} {audio / best:12.1f} {share:12.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
