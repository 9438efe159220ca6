"""Dump the outputs of a frozen pre-trained encoder for every utterance of an fbank dump.

The encoder of a fine-tuning run with a frozen encoder and no SpecAugment computes the same outputs for
an utterance at every epoch, so they are computed once (mmpt.asr.encoder_outputs) and the head trains on
them. ``dump_encoded(pack, dump/fbank/train, dump/encoded/<fp>_last/train)`` writes, like the fbank dump
(mmpt.features.dumpdir): ``feats.scp`` (float32 [T', L * D] per utterance in ark files under ``data/``),
``feats_shape`` (``utt T',L*D``), ``utt2num_frames``, ``excluded.txt`` (utterance and reason: unreadable
features, more than ``max_frames`` input frames, too short for the encoder's input layer, non-finite
outputs) and the fbank dump's data files (``text``, ``utt2spk``, ...) for the dumped utterances.
N parallel jobs, resumable; a re-run with the same pack, options and features does nothing.

``encoded_root(pack, layers, out_root)`` is where the sets of one pack go: ``<out_root>/<fingerprint>_<layers>``
(the fingerprint of the weights, statistics and configuration: mmpt.pack.read.pack_fingerprint),
beside an ``encoded.yaml`` that says what is inside (pack, layers, L, D) for the training config.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np
import yaml

from mmpt.data.errors import DataError
from mmpt.data.files import write_if_changed
from mmpt.features import jobs
from mmpt.features.dumpdir import DumpResult, DumpSpec, clean_reason, part_files, run_dump
from mmpt.features.jobs import SlurmOptions

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
NAME = "encoded"
LIST_FILE = "feats.scp"
SHAPE_FILE = "feats_shape"
META_FILE = "encoded.yaml"
FORMAT_VERSION = 1


def encoded_job(
    part_dir: str, source_dir: str, out_dir: str, index: int, pack: str, layers: str, max_frames: int
) -> Dict[str, Any]:
    """Job ``index``: encoder outputs of every utterance of ``part_dir`` (an fbank dump part) ->
    ``out_dir/data/feats.<index>.{ark,scp}``; exclusions with their reasons in ``data/excluded.<index>.txt``."""
    import torch
    from espnet.nets.pytorch_backend.transformer.subsampling import TooShortUttError

    from mmpt.asr.encoder_outputs import FrozenEncoder
    from mmpt.data.datadir import DataDir
    from mmpt.features.ark import ArkWriter, read_mat
    from mmpt.pack.read import load_pretrained

    encoder = FrozenEncoder.from_pretrained(load_pretrained(pack))
    part = DataDir.load(part_dir)
    scp = part.extra.get(LIST_FILE, {})
    files = part_files(out_dir, NAME, LIST_FILE, SHAPE_FILE, index)
    failures: List[Tuple[str, str]] = []
    shapes: List[str] = []
    with ArkWriter(files["scp"].with_suffix(".ark"), files["scp"]) as writer, torch.inference_mode():
        for utt in part.utt_ids():
            jobs.tick()
            if utt not in scp:
                failures.append((utt, f"no features in {Path(source_dir) / LIST_FILE}"))
                continue
            try:
                feats = read_mat(scp[utt])
                if max_frames and feats.shape[0] > max_frames:
                    raise DataError(scp[utt], f"{feats.shape[0]} frames > max_frames {max_frames}")
                out = encoder.encode(feats, layers)
                if not np.isfinite(out).all():
                    raise DataError(scp[utt], "the encoder output is not finite")
            except (DataError, TooShortUttError) as exc:
                logger.warning("skipping utterance %s: %s", utt, exc)
                failures.append((utt, str(exc) if isinstance(exc, DataError) else f"too short: {exc}"))
                continue
            writer.write(utt, out)
            shapes.append(f"{utt} {out.shape[0]},{out.shape[1]}\n")
    _write_lines(files["shape"], shapes)
    _write_lines(files["excluded"], [f"{utt} {clean_reason(reason)}\n" for utt, reason in failures])
    return {"done": len(shapes), "excluded": len(failures)}


def _write_lines(path: Path, lines: List[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)


def _feats_input(d: Any, utt: str) -> Any:
    """``[ark path, scp value]`` of an utterance's fbank (the ark file's state is fingerprinted)."""
    spec = d.extra.get(LIST_FILE, {}).get(utt)
    if spec is None:
        return None
    return [spec.rsplit(":", 1)[0], spec]


def _num_frames(scp: Mapping[str, str], shape: Mapping[str, str]) -> Dict[str, Dict[str, str]]:
    return {"utt2num_frames": {utt: shape[utt].split(",")[0] for utt in scp}}


def encoded_meta(pack: PathLike, layers: str) -> Dict[str, Any]:
    """What the dump of ``pack`` with ``layers`` holds: ``{pretrained_encoder, fingerprint, layers,
    num_layers (L), dim (D), input_size (L * D), encoder}``; builds the encoder to know L and D."""
    from mmpt.asr.encoder_outputs import LAYERS, FrozenEncoder
    from mmpt.pack.read import load_pretrained, pack_fingerprint

    if layers not in LAYERS:
        raise DataError("--layers", f"expected one of {', '.join(LAYERS)}, got {layers!r}")
    p = load_pretrained(pack)
    enc = FrozenEncoder.from_pretrained(p)
    n = enc.num_states(layers)
    return {
        "pretrained_encoder": str(Path(pack).resolve()),
        "fingerprint": pack_fingerprint(p),
        "layers": layers,
        "num_layers": n,
        "dim": enc.output_size,
        "input_size": n * enc.output_size,
        "encoder": p.encoder,
    }


def encoded_root(meta: Mapping[str, Any], out_root: PathLike) -> Path:
    """``<out_root>/<fingerprint>_<layers>``: the directory of the sets of one pack and layer choice."""
    return Path(out_root) / f"{meta['fingerprint']}_{meta['layers']}"


def write_meta(meta: Mapping[str, Any], root: PathLike) -> None:
    """``<root>/encoded.yaml`` (rewritten only when it changed)."""
    write_if_changed(Path(root) / META_FILE, yaml.safe_dump(dict(meta), sort_keys=False))


def read_meta(root: PathLike) -> Dict[str, Any]:
    """``<root>/encoded.yaml``; DataError when it is missing or incomplete."""
    path = Path(root) / META_FILE
    if not path.is_file():
        raise DataError(path, "not a dump of encoder outputs (run python -m mmpt.bin.dump_encoded)")
    meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [k for k in ("pretrained_encoder", "layers", "num_layers", "dim", "input_size") if k not in meta]
    if missing:
        raise DataError(path, f"missing keys: {', '.join(missing)}")
    return meta


def dump_encoded(
    pack: PathLike,
    feats_dir: PathLike,
    out_dir: PathLike,
    *,
    layers: str = "last",
    max_frames: int = 0,
    nj: int = 1,
    backend: str = "local",
    slurm: Optional[SlurmOptions] = None,
    cluster: Optional[str] = None,
    progress: bool = True,
    fingerprint: Optional[str] = None,
    max_workers: Optional[int] = None,
) -> DumpResult:
    """Encoder outputs of every utterance of the fbank dump ``feats_dir`` into ``out_dir``.

    Args:
        pack: pre-trained encoder (a pack, an espnet2 experiment dir, a .pth beside its config.yaml).
        layers: ``last`` (encoder output) or ``all`` (every hidden state, concatenated).
        max_frames: utterances with more fbank frames are excluded (0: no limit).
        fingerprint: the pack's (mmpt.pack.read.pack_fingerprint), if already known.
        max_workers: local jobs at a time (default: all; 1: one after the other in this process).
    Raises:
        DataError / DataDirError for a bad pack or an fbank dump without feats.scp or without any
        utterance left; JobFailedError when a job crashed (see its log).
    """
    from mmpt.asr.encoder_outputs import LAYERS
    from mmpt.pack.read import load_pretrained, pack_fingerprint

    if layers not in LAYERS:
        raise DataError("layers", f"expected one of {', '.join(LAYERS)}, got {layers!r}")
    if not (Path(feats_dir) / LIST_FILE).is_file():
        raise DataError(Path(feats_dir) / LIST_FILE, "fbank features not found (run the fbank stage first)")
    pack = str(Path(pack).resolve())
    if fingerprint is None:
        fingerprint = pack_fingerprint(load_pretrained(pack))
    config = {"version": FORMAT_VERSION, "pack": fingerprint, "layers": layers, "max_frames": int(max_frames)}
    spec = DumpSpec(
        name=NAME,
        list_file=LIST_FILE,
        shape_file=SHAPE_FILE,
        job_fn=encoded_job,
        job_kwargs={"pack": pack, "layers": layers, "max_frames": int(max_frames)},
        config=config,
        inputs=_feats_input,
        extra_files=_num_frames,
    )
    return run_dump(feats_dir, out_dir, spec, nj=nj, backend=backend, slurm=slurm, cluster=cluster,
                    progress=progress, max_workers=max_workers)
