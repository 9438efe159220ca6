"""``mmpt-check-install``: print every component's version and whether it works.

Each check does a small real operation (synthesise a word, run a sox effect, write and read an ark, encode and
decode an H.264 clip, import s3prl's hub, ...). Exit status 1 if a required component fails; optional ones
(CUDA) only report.
"""
from __future__ import annotations

import argparse
import importlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional


@dataclass
class Check:
    name: str
    run: Callable[[], str]  # returns a one-line detail; raises on failure
    required: bool = True


def _version(module: str) -> str:
    mod = importlib.import_module(module)
    return getattr(mod, "__version__", "?")


def _check_espeak() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng not found: apt-get install espeak-ng")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout.split()[3]
    wav = subprocess.run([exe, "--stdout", "hello"], capture_output=True, check=True).stdout
    if len(wav) < 1000 or wav[:4] != b"RIFF":
        raise RuntimeError("espeak-ng produced no audio")
    return f"espeak-ng {version}, synthesised {len(wav)} bytes"


def _check_torch() -> str:
    import torch

    x = torch.randn(64, 64)
    torch.linalg.matmul(x, x)
    return f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def _check_torchaudio() -> str:
    import torch
    import torchaudio

    fb = torchaudio.compliance.kaldi.fbank(torch.randn(1, 16000), num_mel_bins=80)
    return f"torchaudio {torchaudio.__version__}, kaldi fbank {tuple(fb.shape)}"


def _check_sox() -> str:
    import torch
    import torchaudio

    if not hasattr(torchaudio, "sox_effects"):
        raise RuntimeError(f"torchaudio {torchaudio.__version__} has no sox_effects (removed in 2.9)")
    out, sr = torchaudio.sox_effects.apply_effects_tensor(torch.zeros(1, 16000), 16000, [["rate", "8000"]])
    return f"sox_effects ok (resampled to {sr} Hz, {out.shape[-1]} samples)"


def _check_ark() -> str:
    import numpy as np

    from mmpt.features import ark

    with tempfile.TemporaryDirectory() as tmp:
        mat = np.arange(12, dtype=np.float32).reshape(3, 4)
        with ark.ArkWriter(Path(tmp) / "a.ark", Path(tmp) / "a.scp") as w:
            w.write("utt", mat)
        back = ark.load_scp(Path(tmp) / "a.scp")["utt"]
        if not np.array_equal(back, mat):
            raise RuntimeError("ark round trip changed the matrix")
    return f"kaldiio {_version('kaldiio')}, ark round trip ok"


def _check_av() -> str:
    import av
    import numpy as np

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 40, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    buf.seek(0)
    with av.open(buf) as inp:
        n = sum(1 for _ in inp.decode(video=0))
    if n != 5:
        raise RuntimeError(f"decoded {n} of 5 frames")
    return f"PyAV {av.__version__}, H.264 encode/decode ok"


def _check_espnet() -> str:
    import espnet2.tasks.asr  # noqa: F401

    return f"espnet {_version('espnet')}"


def _check_s3prl() -> str:
    import s3prl.hub  # noqa: F401

    return f"s3prl {_version('s3prl')}"


def _check_cuda() -> str:
    import torch

    if not torch.cuda.is_available():
        return "no CUDA device (CPU only)"
    name = torch.cuda.get_device_name(0)
    x = torch.randn(256, 256, device="cuda")
    (x @ x).sum().item()
    return f"CUDA {torch.version.cuda}, {torch.cuda.device_count()} x {name}"


def checks() -> List[Check]:
    out = [
        Check("python", lambda: sys.version.split()[0]),
        Check("torch", _check_torch),
        Check("torchaudio", _check_torchaudio),
        Check("sox effects", _check_sox),
        Check("espeak-ng", _check_espeak),
        Check("kaldiio", _check_ark),
        Check("PyAV", _check_av),
        Check("espnet", _check_espnet),
        Check("s3prl", _check_s3prl),
    ]
    for mod in ("sentencepiece", "jiwer", "sacrebleu", "soundfile", "numpy", "submitit", "yaml", "matplotlib"):
        out.append(Check(mod, (lambda m=mod: f"{m} {_version(m)}")))
    out.append(Check("CUDA", _check_cuda, required=False))
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mmpt-check-install", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failures")
    args = parser.parse_args(argv)
    failed = 0
    for check in checks():
        t0 = time.perf_counter()
        try:
            detail, ok = check.run(), True
        except Exception as e:  # a check reports any failure, whatever its kind
            detail, ok = f"{type(e).__name__}: {e}", False
            if args.verbose:
                traceback.print_exc()
        status = "ok" if ok else ("FAIL" if check.required else "n/a")
        failed += (not ok) and check.required
        print(f"[{status:>4}] {check.name:<14} {detail}  ({time.perf_counter() - t0:.2f}s)")
    print("all required components work" if not failed else f"{failed} required component(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
