#!/usr/bin/env python
"""Throughput of the feature dumps, on one core.

    tools/venv/bin/python tools/benchmarks/bench_features.py [--repeats 3] [--no-pin]

Sections (each the best of ``--repeats`` runs):

* fbank: ``torchaudio.compliance.kaldi.fbank`` alone on in-memory audio, audio decoding alone
  (``mmpt.data.audio.load_audio``), and the whole ``dump_fbank`` (decode + fbank + ark write + merge),
  as x real time, on the real LibriSpeech files of ``$MMPT_REALDATA`` (skipped when absent) and on
  generated 20 x 20 s speech-like noise.
* video: ``read_video`` alone (native size and rate) and the whole ``dump_video`` (25 fps, 224x224, one
  .npy per clip), as clips/s and frames/s, on the real clips of ``realdata/av`` and on generated clips.

Torch runs single-threaded and, unless ``--no-pin``, the process is pinned to one CPU so that FFmpeg's
decoder threads share that core too: the figures are per core.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402
from torchaudio.compliance import kaldi  # noqa: E402

from mmpt.data.audio import load_audio, write_wav  # noqa: E402
from mmpt.data.datadir import write_kv  # noqa: E402
from mmpt.data.video import probe_video, read_video  # noqa: E402
from mmpt.features.fbank import INT16_SCALE, FbankConfig  # noqa: E402
from mmpt.features.fbank_dump import dump_fbank  # noqa: E402
from mmpt.features.video_dump import dump_video  # noqa: E402

ROWS: List[Tuple[str, str, str, str, str]] = []


def realdata_root() -> Path:
    env = os.environ.get("MMPT_REALDATA")
    return Path(env) if env else REPO.parent / "shared" / "realdata"


def best_of(repeats: int, fn: Callable[[], None]) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def row(section: str, what: str, size: str, seconds: float, rate: str) -> None:
    ROWS.append((section, what, size, f"{seconds:.3f}", rate))
    print(f"  {section:<22} {what:<38} {size:<22} {seconds:>8.3f} s  {rate}", flush=True)


# --------------------------------------------------------------------------------------- fbank
def bench_fbank(name: str, wav_scp: Dict[str, str], work: Path, repeats: int) -> None:
    data = work / f"data_{name}"
    data.mkdir(parents=True)
    write_kv(data / "wav.scp", wav_scp)
    write_kv(data / "utt2spk", {u: u for u in wav_scp})
    wavs = {u: load_audio(p) for u, p in wav_scp.items()}
    audio_s = sum(len(w) for w in wavs.values()) / 16000.0
    size = f"{len(wavs)} utts, {audio_s:.1f} s"
    cfg = FbankConfig()
    opts = cfg.to_dict()
    tensors = [torch.from_numpy(w * INT16_SCALE).unsqueeze(0) for w in wavs.values()]

    t = best_of(repeats, lambda: [kaldi.fbank(x, **opts) for x in tensors])
    row(f"fbank/{name}", "torchaudio kaldi.fbank alone", size, t, f"{audio_s / t:8.0f} x RT")
    t = best_of(repeats, lambda: [load_audio(p) for p in wav_scp.values()])
    row(f"fbank/{name}", "decode alone (load_audio)", size, t, f"{audio_s / t:8.0f} x RT")

    def dump() -> None:
        out = work / f"dump_{name}"
        shutil.rmtree(out, ignore_errors=True)
        r = dump_fbank(data, out, nj=1, config=cfg, progress=False)
        assert r.num_done == len(wavs), r

    t = best_of(repeats, dump)
    row(f"fbank/{name}", "dump_fbank nj=1 (decode+fbank+ark)", size, t, f"{audio_s / t:8.0f} x RT")


def synth_wavs(work: Path, n: int, seconds: float) -> Dict[str, str]:
    rng = np.random.default_rng(0)
    out = {}
    (work / "synth_wav").mkdir()
    samples = int(seconds * 16000)
    env = 0.5 + 0.5 * np.sin(np.arange(samples) * 2 * np.pi * 3 / 16000.0)
    for i in range(n):
        path = work / "synth_wav" / f"utt{i:03d}.wav"
        write_wav(path, (0.2 * env * rng.standard_normal(samples)).astype(np.float32))
        out[f"utt{i:03d}"] = str(path)
    return out


# --------------------------------------------------------------------------------------- video
def bench_video(name: str, clips: Dict[str, str], work: Path, repeats: int, size: Tuple[int, int]) -> None:
    data = work / f"vdata_{name}"
    data.mkdir(parents=True)
    write_kv(data / "video.scp", clips)
    write_kv(data / "utt2spk", {u: u for u in clips})
    native = sum(probe_video(p).num_frames for p in clips.values())
    desc = f"{len(clips)} clips, {native} fr"

    def decode() -> None:
        for p in clips.values():
            read_video(p)

    t = best_of(repeats, decode)
    row(f"video/{name}", "read_video alone (native size/fps)", desc, t,
        f"{len(clips) / t:6.1f} clips/s {native / t:7.0f} fr/s")
    n_out = [0]

    def decode_resized() -> None:
        n_out[0] = sum(len(read_video(p, fps=25, size=size)) for p in clips.values())

    t = best_of(repeats, decode_resized)
    row(f"video/{name}", f"read_video alone (25 fps, {size[0]}x{size[1]})", desc, t,
        f"{len(clips) / t:6.1f} clips/s {n_out[0] / t:7.0f} fr/s")
    frames_out = [0]

    def dump() -> None:
        out = work / f"vdump_{name}"
        shutil.rmtree(out, ignore_errors=True)
        r = dump_video(data, out, nj=1, fps=25, size=size, progress=False)
        assert r.num_done == len(clips), r
        frames_out[0] = sum(int(v.split(",")[0]) for v in (out / "video_shape").read_text().split()[1::2])

    t = best_of(repeats, dump)
    row(f"video/{name}", f"dump_video nj=1 (25 fps, {size[0]}x{size[1]}, npy)", desc, t,
        f"{len(clips) / t:6.1f} clips/s {frames_out[0] / t:7.0f} fr/s")


def synth_clips(work: Path, n: int, seconds: float, hw: Tuple[int, int] = (224, 224)) -> Dict[str, str]:
    import av

    (work / "synth_mp4").mkdir()
    rng = np.random.default_rng(0)
    out = {}
    h, w = hw
    base = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
    for i in range(n):
        path = work / "synth_mp4" / f"clip{i:02d}.mp4"
        with av.open(str(path), "w") as c:
            s = c.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4", rate=25)
            s.width, s.height, s.pix_fmt = w, h, "yuv420p"
            for k in range(int(seconds * 25)):
                img = np.roll(base, 2 * k, axis=1)  # a moving texture, not a static frame
                for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    c.mux(p)
            for p in s.encode():
                c.mux(p)
        out[f"clip{i:02d}"] = str(path)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    parser.add_argument("--synth-utts", type=int, default=20)
    parser.add_argument("--synth-seconds", type=float, default=20.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    torch.set_num_threads(1)
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        cpu = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {cpu})
    print(f"torch {torch.__version__}, threads={torch.get_num_threads()}, "
          f"cpus={sorted(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}")
    real = realdata_root()
    with tempfile.TemporaryDirectory(prefix="bench_features_") as tmp:
        work = Path(tmp)
        libri = sorted((real / "librispeech" / "LibriSpeech").glob("*/*/*/*.flac"))
        if libri:
            bench_fbank("librispeech", {f.stem: str(f) for f in libri}, work, args.repeats)
        else:
            print(f"  (no LibriSpeech files under {real}: real-data fbank section skipped)")
        bench_fbank(f"synth_{args.synth_utts}x{args.synth_seconds:g}s",
                    synth_wavs(work, args.synth_utts, args.synth_seconds), work, args.repeats)

        groups = {
            "lrs3": sorted((real / "av" / "lrs3_test_spectre").glob("test/*/*.mp4")),
            "grid_mp4": sorted((real / "av" / "grid_lipnet" / "lrs3_style").glob("test/*/*.mp4")),
            "kinetics": sorted((real / "av" / "kinetics400_torchvision").glob("*.mp4")),
        }
        for name, files in groups.items():
            if files:
                bench_video(name, {f"{name}_{i:02d}": str(f) for i, f in enumerate(files)}, work,
                            args.repeats, (224, 224))
            else:
                print(f"  (no {name} clips under {real / 'av'}: skipped)")
        bench_video("synth_10x4s_224", synth_clips(work, 10, 4.0), work, args.repeats, (224, 224))

    print()
    print("| section | what | input | wall (best) | throughput per core |")
    print("|---|---|---|---|---|")
    for r in ROWS:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} s | {r[4].strip()} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
