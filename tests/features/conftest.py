"""Small generated inputs for the feature tests: a data dir of short wavs, and mp4 clips."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Sequence

import numpy as np
import pytest
import soundfile as sf

from mmpt.data.datadir import write_kv

# samples of each generated utterance (16 kHz); frames = 1 + (n - 400) // 160
LENGTHS = {"spk1-utt1": 4000, "spk1-utt2": 5123, "spk1-utt3": 16000, "spk2-utt1": 7777, "spk2-utt2": 401,
           "spk2-utt3": 12345}


def speech_like(n: int, seed: int) -> np.ndarray:
    """[n] float32: noise with a slow amplitude envelope (a crude stand-in for speech)."""
    rng = np.random.default_rng(seed)
    env = 0.5 + 0.5 * np.sin(np.arange(n) * 2 * np.pi * 3 / 16000.0)
    return (0.2 * env * rng.standard_normal(n)).astype(np.float32)


def write_wav_datadir(
    root: Path, lengths: Dict[str, int], extra: Optional[Dict[str, str]] = None
) -> Path:
    """wav/<utt>.wav (PCM16) plus data/{wav.scp,text,utt2spk}; ``extra`` adds wav.scp entries as they are."""
    (root / "wav").mkdir(parents=True, exist_ok=True)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    wav_scp = {}
    for i, (utt, n) in enumerate(sorted(lengths.items())):
        path = root / "wav" / f"{utt}.wav"
        sf.write(str(path), speech_like(n, i), 16000, subtype="PCM_16")
        wav_scp[utt] = str(path)
    wav_scp.update(extra or {})
    write_kv(data / "wav.scp", wav_scp)
    write_kv(data / "text", {u: f"WORDS OF {u.upper()}" for u in wav_scp})
    write_kv(data / "utt2spk", {u: u.split("-")[0] for u in wav_scp})
    return data


@pytest.fixture
def wav_datadir(tmp_path: Path) -> Path:
    """Six readable wavs (one shorter than a frame is not among them), one missing, one corrupt."""
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    lengths = {k: v for k, v in LENGTHS.items()}
    return write_wav_datadir(
        tmp_path, lengths, extra={"spk3-missing": str(tmp_path / "nope.wav"), "spk3-corrupt": str(corrupt)}
    )


def write_mp4(
    path: Path, num_frames: int, height: int = 48, width: int = 64, fps: int = 25, audio: bool = True,
    faststart: bool = False,
) -> Path:
    """An mpeg4 clip whose frame i is uniformly grey level 8*i (and a sine audio track if ``audio``);
    ``faststart`` puts the index (moov) before the data, as streaming sites do."""
    import av

    with av.open(str(path), "w", options={"movflags": "faststart"} if faststart else {}) as c:
        v = c.add_stream("mpeg4", rate=fps)
        v.width, v.height, v.pix_fmt = width, height, "yuv420p"
        a = None
        if audio:
            a = c.add_stream("aac", rate=16000)
            a.layout = "mono"
        for i in range(num_frames):
            img = np.full((height, width, 3), (8 * i) % 256, np.uint8)
            for packet in v.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(packet)
        for packet in v.encode():
            c.mux(packet)
        if a is not None:
            n = int(16000 * num_frames / fps)
            samples = (0.3 * np.sin(np.arange(n) * 0.05)).astype(np.float32)[None]
            frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
            frame.sample_rate = 16000
            for packet in a.encode(frame):
                c.mux(packet)
            for packet in a.encode():
                c.mux(packet)
    return path


def write_video_datadir(root: Path, clips: Dict[str, str]) -> Path:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    write_kv(data / "video.scp", clips)
    write_kv(data / "utt2spk", {u: u for u in clips})
    write_kv(data / "text", {u: "HELLO" for u in clips})
    return data


def mtimes(paths: Sequence[Path]) -> Dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in paths}
