#!/usr/bin/env python
"""Pre-training throughput: forward + backward + AdamW step per method, with the real preprocessing.

    tools/venv/bin/python tools/benchmarks/bench_pretrain.py [--conf cpu|paper] [--device cpu|cuda]
        [--batch_size 8] [--steps 5] [--warmup 2] [--threads 1] [--amp]

For each of mae, clr and mae_clr (the ``mmpt/conf/pretrain/<conf>/<method>.yaml`` model, built by
``AVPretrainTask.build_model``), a batch of in-memory random samples (fbank of 1000+ frames, uint8 clips
of ``--clip_frames`` frames of ``--clip_size``) goes through ``AVPreprocessor`` (train mode: window and
crop parameters; the crop/resize/flip runs in the model on the device) and the task's collate function,
then the model trains on it. Prints:

* clips/s and audio-seconds/s of the whole step (data preparation + training step), and the share of
  the data preparation (which runs in DataLoader workers in real training, so this is a lower bound);
* the model FLOPs of one training step (forward + backward): ``torch.utils.flop_counter`` for matmuls and
  convolutions, attention counted analytically from the shapes of every ``scaled_dot_product_attention``
  call (:class:`AttentionFlops`: the counter misses the CPU fused kernel), the achieved TFLOP/s and, given
  the accelerator's peak
  (``--peak_tflops``; with ``--amp``, known for H100/H200: 989 dense bf16), the model FLOP utilisation;
* on CUDA, the peak GPU memory;
* MAE with visible-only encoding vs zero-masking (all tokens encoded): training step time and ratio.

Figures are the median over ``--steps`` timed steps after ``--warmup`` untimed ones. CPU figures use
``--threads`` torch threads (1 by default: figures per core).
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402

from mmpt.tasks.av_pretrain import AVPretrainTask  # noqa: E402

METHODS = ("mae", "clr", "mae_clr")


def build(conf: str, method: str, overrides: List[str], device: str):
    """Model, preprocessor (train mode) and AdamW optimizer for one config."""
    args = AVPretrainTask.get_parser().parse_args(
        ["--config", str(REPO / "mmpt" / "conf" / "pretrain" / conf / f"{method}.yaml"), *overrides]
    )
    model = AVPretrainTask.build_model(args).to(device).train()
    pre = AVPretrainTask.build_preprocess_fn(args, train=True)
    optim = torch.optim.AdamW(model.parameters(), **args.optim_conf)
    return model, pre, optim


def make_samples(n: int, audio_frames: int, clip_frames: int, clip_hw: Tuple[int, int], seed: int = 0):
    """Random (fbank [L, 80] float32, uint8 clip [T, H, W, 3]) pairs; L varies around ``audio_frames``."""
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        length = int(audio_frames * rng.uniform(0.6, 1.2))
        fbank = rng.randn(length, 80).astype(np.float32)
        clip = rng.randint(0, 256, (clip_frames, *clip_hw, 3), dtype=np.uint8)
        out.append((fbank, clip))
    return out


def prepare(pre, collate, samples) -> Tuple[Dict[str, torch.Tensor], float]:
    """Preprocess + collate a batch; returns the batch and the audio seconds it holds."""
    items = [(f"utt{i}", pre(f"utt{i}", {"speech": a.copy(), "video": v})) for i, (a, v) in enumerate(samples)]
    _, batch = collate(items)
    return batch, float(batch["speech_lengths"].sum()) / 100.0


PEAK_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0}  # dense, no sparsity


def peak_tflops(device: str, amp: bool) -> Optional[float]:
    """The dense bf16 peak of a known CUDA device when the step runs in bf16 (``--amp``), else None."""
    if not (amp and device.startswith("cuda")):
        return None
    name = torch.cuda.get_device_name(torch.device(device))
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


def attention_flops(q_shape, k_shape, v_shape, backward: bool) -> int:
    """FLOPs of softmax(q k^T) v for q [..., Lq, d], k [..., Lk, d], v [..., Lk, dv]: two matmuls,
    2 * Lq * Lk * (d + dv) per batch-head; the backward pass costs two matmuls per forward one (x3 in all)."""
    batch_heads = int(np.prod(q_shape[:-2]))
    fwd = 2 * batch_heads * q_shape[-2] * k_shape[-2] * (q_shape[-1] + v_shape[-1])
    return 3 * fwd if backward else fwd


class AttentionFlops:
    """Within ``with``: every ``torch.nn.functional.scaled_dot_product_attention`` call adds its analytic
    FLOPs (:func:`attention_flops`) to ``self.flops``. The video ViT, the MAE decoder and the SDPA path of
    espnet's attention all call it through the module attribute, so patching it sees every call."""

    def __init__(self):
        self.flops = 0
        self._orig = None

    def __enter__(self):
        self._orig = torch.nn.functional.scaled_dot_product_attention

        def counted(q, k, v, *args, **kwargs):
            self.flops += attention_flops(q.shape, k.shape, v.shape, torch.is_grad_enabled() and q.requires_grad)
            return self._orig(q, k, v, *args, **kwargs)

        torch.nn.functional.scaled_dot_product_attention = counted
        return self

    def __exit__(self, *exc):
        torch.nn.functional.scaled_dot_product_attention = self._orig


def step_flops(model, pre, collate, samples, device: str, amp: bool) -> Tuple[int, int]:
    """(model FLOPs, of which attention) of one training step (forward + backward) on ``samples``.

    The counter's own entries for the fused attention ops (where it has any, e.g. on CUDA) are replaced by
    the analytic count, so that CPU and GPU figures count the same thing."""
    from torch.utils.flop_counter import FlopCounterMode

    batch, _ = prepare(pre, collate, samples)
    batch = {k: v.to(device) for k, v in batch.items()}
    counter = FlopCounterMode(display=False)
    with counter, AttentionFlops() as attention:
        with torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=amp):
            loss, _, _ = model(**batch)
        loss.backward()
    model.zero_grad(set_to_none=True)
    counted_attention = sum(v for op, v in counter.get_flop_counts().get("Global", {}).items()
                            if "scaled_dot_product" in str(op))
    return counter.get_total_flops() - counted_attention + attention.flops, attention.flops


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def time_steps(model, optim, pre, collate, samples, device, steps, warmup, amp) -> Tuple[float, float, float]:
    """Median (data seconds, train-step seconds, audio seconds) per batch."""
    data_t, step_t, audio_s = [], [], 0.0
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        batch, audio_s = prepare(pre, collate, samples)
        batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
        sync(device)
        t1 = time.perf_counter()
        with torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=amp):
            loss, _, _ = model(**batch)
        loss.backward()
        optim.step()
        optim.zero_grad(set_to_none=True)
        sync(device)
        t2 = time.perf_counter()
        if i >= warmup:
            data_t.append(t1 - t0)
            step_t.append(t2 - t1)
    return statistics.median(data_t), statistics.median(step_t), audio_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conf", choices=["cpu", "paper"], default="cpu")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch_size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--amp", action="store_true", help="bfloat16 autocast")
    parser.add_argument("--audio_frames", type=int, default=1000, help="typical fbank length (varied 0.6-1.2x)")
    parser.add_argument("--clip_frames", type=int, default=100, help="frames of each source clip")
    parser.add_argument("--clip_size", default=None, help="HxW of the source clips (cpu: 96x128, paper: 256x340)")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--peak_tflops", type=float, default=None,
                        help="the device's peak TFLOP/s for the MFU column "
                             "(default with --amp: known CUDA devices' bf16 peak)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    np.random.seed(0)
    clip_hw = tuple(int(x) for x in (args.clip_size or ("96x128" if args.conf == "cpu" else "256x340")).split("x"))
    samples = make_samples(args.batch_size, args.audio_frames, args.clip_frames, clip_hw)
    collate = AVPretrainTask.build_collate_fn(None, train=True)
    device = args.device
    name = torch.cuda.get_device_name(0) if device.startswith("cuda") else f"CPU, {args.threads} thread(s)"
    print(f"# bench_pretrain: conf={args.conf} device={device} ({name}) batch={args.batch_size} "
          f"amp={args.amp} steps={args.steps} (median) source clips {args.clip_frames}x{clip_hw[0]}x{clip_hw[1]}")

    peak = args.peak_tflops if args.peak_tflops is not None else peak_tflops(device, args.amp)
    rows = []
    for method in args.methods:
        model, pre, optim = build(args.conf, method, [], device)
        params = sum(p.numel() for p in model.parameters()) / 1e6
        flops, attn = step_flops(model, pre, collate, samples, device, args.amp)
        data_s, step_s, audio_s = time_steps(model, optim, pre, collate, samples, device, args.steps, args.warmup,
                                             args.amp)
        total = data_s + step_s
        tflops = flops / step_s / 1e12
        cells = [method, f"{params:.1f}", f"{args.batch_size / total:.2f}", f"{audio_s / total:.1f}",
                 f"{args.batch_size / step_s:.2f}", f"{audio_s / step_s:.1f}", f"{100 * data_s / total:.0f} %",
                 f"{flops / 1e12:.3f}", f"{100 * attn / flops:.0f} %", f"{tflops:.3f}"]
        if peak is not None:
            cells.append(f"{100 * tflops / peak:.1f} %")
        if device.startswith("cuda"):
            cells.append(f"{torch.cuda.max_memory_allocated() / 2**30:.1f}")
            torch.cuda.reset_peak_memory_stats()
        rows.append(cells)
        del model, optim
    print()
    head = ("| method | params (M) | clips/s | audio s/s | clips/s (train step only) | audio s/s (train step only) "
            "| data prep share | TFLOP per step | attention share | TFLOP/s |")
    if peak is not None:
        head += f" MFU (peak {peak:g} TFLOP/s) |"
    if device.startswith("cuda"):
        head += " peak GPU mem (GiB) |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")

    if "mae" in args.methods:
        print()
        print("| MAE encoding | train step (s) | clips/s (train step only) |")
        print("|---|---|---|")
        times = {}
        for visible_only in (True, False):
            flag = str(visible_only).lower()
            model, pre, optim = build(args.conf, "mae", ["--model_conf", f"audio_visible_only={flag}",
                                                         "--model_conf", f"video_visible_only={flag}"], device)
            _, step_s, _ = time_steps(model, optim, pre, collate, samples, device, args.steps, args.warmup, args.amp)
            times[visible_only] = step_s
            label = "visible tokens only" if visible_only else "all tokens, masked ones zeroed"
            print(f"| {label} | {step_s:.3f} | {args.batch_size / step_s:.2f} |")
            del model, optim
        print(f"\nvisible-only speed-up over zero-masking: x{times[False] / times[True]:.2f}")


if __name__ == "__main__":
    main()
