#!/usr/bin/env python
"""Video loading for pre-training: the raw .npy dump (old) against the compressed clip store (new).

    tools/venv/bin/python tools/benchmarks/bench_loader.py [--clips 4] [--seconds 12] [--iters 40]
        [--real DIR] [--flops none|measure] [--threads 1]

Clips: ``--clips`` synthetic 224 x 224 clips of ``--seconds`` at 25 fps (a textured background drifting
under moving shapes, with sensor noise: a camera-like signal, written as a high-quality H.264 source), and
with ``--real`` the real clips under DIR (``*.mp4``, e.g. ../shared/realdata/av), dumped at 224 px.

For each path, per clip: the bytes stored (and per hour of video: every frame for the old dump, the first
10 s for the store), and the end-to-end clips/s on one core (torch and codec threads = ``--threads``):
read + decode + window (16 frames at stride 4, random start) + augmentation (random resized crop 0.5-1,
flip, resize to 224) to the float tensor [16, 224, 224, 3] the model takes. Old: espnet2's ``npy`` type
(``np.load`` of the whole clip) and the preprocessor's CPU augmentation; new: the ``video_clip`` type
(keyframe seek, decode of the window only) and the device augmentation run on the CPU (on a GPU it runs
there, so the "worker only" column is what a DataLoader core does).

``--flops measure``: the model FLOPs per clip of the paper configs (one training step of 2 clips,
bench_pretrain's count: matmuls by torch's counter, attention analytically) -> clips/s one H100 consumes at
40 % MFU (989 dense bf16 TFLOP/s), hence the cores per GPU each path needs.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import av  # noqa: E402
import torch  # noqa: E402

from mmpt.data.video import probe_video, read_video  # noqa: E402
from mmpt.data.video_store import StoreOptions, encode_clip  # noqa: E402
from mmpt.features.npy_scp import save_npy  # noqa: E402
from mmpt.pretrain.av_preprocessor import AVPreprocessor  # noqa: E402
from mmpt.pretrain.video_augment import crop_resize_flip  # noqa: E402

FPS = 25.0
SIZE = 224
H100_BF16_TFLOPS = 989.0
MFU = 0.40


def synthetic_clip(path: Path, seconds: float, seed: int, hw=(SIZE, SIZE)) -> Path:
    """A camera-like 224 px clip: drifting texture, moving shapes, noise; H.264 crf 18 (a good source)."""
    rng = np.random.default_rng(seed)
    h, w = hw
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(60, 200, 3)
    freqs = rng.uniform(0.02, 0.12, (3, 2))
    n = int(seconds * FPS)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=int(FPS))
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"crf": "18", "preset": "veryfast"}
        for t in range(n):
            f = np.empty((h, w, 3), np.float32)
            for ch in range(3):
                f[..., ch] = base[ch] + 40 * np.sin(freqs[ch, 0] * (xx + 1.5 * t) + freqs[ch, 1] * (yy - 0.7 * t))
            for k in range(3):  # moving discs
                cy = h / 2 + h / 3 * np.sin(0.05 * t + k)
                cx = w / 2 + w / 3 * np.cos(0.04 * t + 2 * k)
                f[(yy - cy) ** 2 + (xx - cx) ** 2 < (12 + 6 * k) ** 2] = 255 * (k % 2)
            f += rng.normal(0, 3, f.shape)
            frame = av.VideoFrame.from_ndarray(np.clip(f, 0, 255).astype(np.uint8), format="rgb24")
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def clips_per_second(fn, n: int) -> float:
    fn()  # warm-up (page cache, codec init)
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - t)


def bench_clip(src: Path, work: Path, iters: int) -> Dict[str, float]:
    info = probe_video(src)
    old_path = work / f"{src.stem}.npy"
    save_npy(old_path, read_video(src, fps=FPS, size=SIZE))
    new = encode_clip(src, work / f"{src.stem}.store.mp4", StoreOptions(fps=FPS, size=SIZE))
    old_bytes, new_bytes = old_path.stat().st_size, Path(new.path).stat().st_size
    old_seconds = np.load(old_path, mmap_mode="r").shape[0] / FPS
    new_seconds = new.num_frames / FPS

    kw = dict(train=True, image_size=SIZE, num_frames=16, frame_stride=4, max_audio_frames=1000, video_fps=FPS)
    old_pre, new_pre = AVPreprocessor(augment_on_device=False, **kw), AVPreprocessor(augment_on_device=True, **kw)

    def old():  # espnet2's "npy" type reads the whole array, then the CPU augmentation
        return old_pre("u", {"video": np.load(old_path)})["video"]

    def new_worker():  # what a DataLoader worker does: seek + decode the window
        return new_pre("u", {"video": new.path})

    def new_full():  # ... and the augmentation the device does, here on the CPU
        d = new_worker()
        return crop_resize_flip(torch.from_numpy(d["video"])[None], torch.from_numpy(d["video_crop"])[None], SIZE)

    np.random.seed(0)
    return {
        "clip": src.name, "source": f"{info.width}x{info.height} {info.fps:.0f} fps {info.duration:.1f} s",
        "frames": f"{new.height}x{new.width}",
        "old_bytes": old_bytes, "new_bytes": new_bytes,
        "old_gb_per_hour": old_bytes / old_seconds * 3600 / 1e9,
        # per hour of source video with clips of this length: the store keeps the first 10 s of each
        "new_gb_per_hour": new_bytes / info.duration * 3600 / 1e9,
        "new_gb_per_stored_hour": new_bytes / new_seconds * 3600 / 1e9,
        "old_cps": clips_per_second(old, iters),
        "new_worker_cps": clips_per_second(new_worker, iters),
        "new_cps": clips_per_second(new_full, iters),
    }


def paper_flops_per_clip() -> Dict[str, float]:
    """Model FLOPs per clip of one training step of each paper config (batch of 2, CPU, fp32 shapes)."""
    sys.path.insert(0, str(REPO / "tools" / "benchmarks"))
    from bench_pretrain import build, make_samples, prepare, step_flops  # noqa: F401

    from mmpt.tasks.av_pretrain import AVPretrainTask

    samples = make_samples(2, 1000, 100, (256, 340))
    collate = AVPretrainTask.build_collate_fn(None, train=True)
    out = {}
    for method in ("mae", "clr", "mae_clr"):
        model, pre, _ = build("paper", method, [], "cpu")
        flops, _ = step_flops(model, pre, collate, samples, "cpu", False)
        out[method] = flops / 2
        del model
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clips", type=int, default=3, help="synthetic clips")
    p.add_argument("--seconds", type=float, default=12.0, help="length of each synthetic clip")
    p.add_argument("--iters", type=int, default=40, help="timed loads per clip and path")
    p.add_argument("--real", type=Path, default=None, help="also every *.mp4 under this directory")
    p.add_argument("--max_real", type=int, default=4)
    p.add_argument("--flops", choices=("none", "measure"), default="measure")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    rows: List[Dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        srcs = [synthetic_clip(work / f"synthetic{i}.mp4", args.seconds, i) for i in range(args.clips)]
        if args.real:
            srcs += sorted(args.real.rglob("*.mp4"))[: args.max_real]
        for src in srcs:
            rows.append(bench_clip(src, work, args.iters))

    print(f"# bench_loader: {len(rows)} clips, {args.iters} loads each, {args.threads} thread(s); warm page cache")
    print()
    print("| clip | source | stored frames | old .npy (MB) | store (KB) | ratio | old GB/h | store GB/h "
          "| old clips/s/core | store clips/s/core (worker only) | store clips/s/core (+ augmentation on CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['clip']} | {r['source']} | {r['frames']} | {r['old_bytes'] / 1e6:.1f} "
              f"| {r['new_bytes'] / 1e3:.0f} | {r['old_bytes'] / r['new_bytes']:.0f}x | {r['old_gb_per_hour']:.2f} "
              f"| {r['new_gb_per_hour']:.3f} "
              f"| {r['old_cps']:.1f} | {r['new_worker_cps']:.1f} | {r['new_cps']:.1f} |")
    syn = [r for r in rows if r["clip"].startswith("synthetic")] or rows
    med = {k: statistics.median(r[k] for r in syn) for k in ("old_cps", "new_worker_cps", "new_cps")}
    ratio = statistics.median(r["old_bytes"] / r["new_bytes"] for r in syn)
    print()
    print(f"synthetic 224 px clips (median): storage 1/{ratio:.0f} of the raw dump (target <= 1/50); "
          f"clips/s per core: old {med['old_cps']:.1f}, store {med['new_worker_cps']:.1f} (worker only), "
          f"{med['new_cps']:.1f} with the augmentation on the CPU (target >= 100)")

    if args.flops == "measure":
        flops = paper_flops_per_clip()
        print()
        print(f"| paper config | TFLOP per clip (fwd+bwd) | clips/s per H100 at {MFU:.0%} MFU | cores/GPU old "
              f"| cores/GPU store (worker only) |")
        print("|---|---|---|---|---|")
        for method, f in flops.items():
            need = MFU * H100_BF16_TFLOPS * 1e12 / f
            print(f"| {method} | {f / 1e12:.3f} | {need:.0f} | {need / med['old_cps']:.1f} "
                  f"| {need / med['new_worker_cps']:.1f} |")


if __name__ == "__main__":
    main()
