"""Decode sets of fbank features with a :class:`~mmpt.asr.recognizer.Recognizer` or a
:class:`~mmpt.st.translator.Translator`, ESPnet output layout, timed.

For each ``(feats.scp, out_dir)``: ``out_dir/text`` (``utt hypothesis``), ``out_dir/token``
(``utt piece piece ...``), ``out_dir/score`` (beam search only) and ``out_dir/decode_stats.yaml``
(utterances, audio seconds, decoding seconds, real-time factor, threads, device). A set whose
``.done`` marker matches the model, the options and the features is skipped.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple, Union

import torch
import yaml

from mmpt.data.datadir import write_kv
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


@dataclass
class DecodeStats:
    utterances: int
    audio_seconds: float
    decode_seconds: float
    rtf: float  # decode_seconds / audio_seconds
    threads: int
    device: str
    decoding: str
    up_to_date: bool = False


def _file_state(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"


def fingerprint(model_files: Sequence[PathLike], options: Dict[str, Any], feats_scp: PathLike) -> str:
    h = hashlib.sha256(yaml.safe_dump(options, sort_keys=True).encode())
    for f in model_files:
        h.update(_file_state(Path(f)).encode())
    h.update(Path(feats_scp).read_bytes())
    return h.hexdigest()


def decode_set(
    decoder: Any,
    feats_scp: PathLike,
    out_dir: PathLike,
    *,
    batch_size: int = 16,
    frame_shift_s: float = 0.01,
    stamp: str = "",
) -> DecodeStats:
    """Decode every utterance of ``feats_scp`` into ``out_dir`` (see the module docstring)."""
    from mmpt.features.ark import load_scp

    feats_scp, out = Path(feats_scp), Path(out_dir)
    done = out / ".done"
    if stamp and done.is_file() and done.read_text().strip() == stamp and (out / "decode_stats.yaml").is_file():
        stats = yaml.safe_load((out / "decode_stats.yaml").read_text())
        return DecodeStats(**{**stats, "up_to_date": True})
    done.unlink(missing_ok=True)
    feats = load_scp(feats_scp)
    utts = list(feats.keys())
    if not utts:
        raise DataError(feats_scp, "no utterance to decode")
    mats = {u: feats[u] for u in utts}
    order = sorted(utts, key=lambda u: -mats[u].shape[0])  # similar lengths per batch
    results: Dict[str, Any] = {}
    start = time.perf_counter()
    for i in range(0, len(order), max(1, batch_size)):
        chunk = order[i: i + batch_size]
        for u, r in zip(chunk, decoder.recognize([mats[u] for u in chunk])):
            results[u] = r
    elapsed = time.perf_counter() - start
    audio = sum(m.shape[0] for m in mats.values()) * frame_shift_s
    out.mkdir(parents=True, exist_ok=True)
    write_kv(out / "text", {u: r.text for u, r in results.items()})
    write_kv(out / "token", {u: " ".join(r.tokens) for u, r in results.items()})
    if any(r.score is not None for r in results.values()):
        write_kv(out / "score", {u: f"{r.score:.4f}" for u, r in results.items() if r.score is not None})
    stats = DecodeStats(
        utterances=len(results), audio_seconds=round(audio, 3), decode_seconds=round(elapsed, 3),
        rtf=round(elapsed / audio, 5) if audio > 0 else 0.0, threads=torch.get_num_threads(),
        device=str(getattr(decoder, "device", "cpu")), decoding=str(getattr(decoder, "decoding", "")),
    )
    d = asdict(stats)
    d.pop("up_to_date")
    (out / "decode_stats.yaml").write_text(yaml.safe_dump(d, sort_keys=False))
    if stamp:
        done.write_text(stamp + "\n")
    return stats


def parse_pairs(pairs: Sequence[str]) -> List[Tuple[Path, Path]]:
    """``feats.scp=out_dir`` strings -> path pairs."""
    out = []
    for p in pairs:
        if "=" not in p:
            raise DataError(p, "expected <feats.scp>=<output dir>")
        a, b = p.split("=", 1)
        if not Path(a).is_file():
            raise DataError(a, "feature list not found (run the feature dump stage)")
        out.append((Path(a), Path(b)))
    return out
