"""Dump the video clips of a data dir (``video.scp``) for pre-training, with N resumable jobs.

``dump_video(data/train, dump/video/train, nj=4, fps=25, size=224)`` writes ``video.scp``,
``video_shape`` (``utt T,H,W,3``), ``excluded.txt`` (``utt reason``) and the data dir's own files
restricted to the clips that were written. Two formats:

- ``h264`` (default): the compressed store of :mod:`mmpt.data.video_store`: one short-GOP H.264 MP4 per
  clip (``utt /abs/dump/video/train/data/<utt>.mp4``), the first ``max_seconds`` only; training decodes
  the window it draws (espnet2 data type ``video_clip``). Bad sources (unreadable, corrupt, truncated) are
  excluded here, with the reason, never at training time. A job that was interrupted resumes at the clip
  it had reached (``data/video.<i>.journal`` lists the clips it finished).
- ``npy``: every frame as raw uint8 ``.npy`` [T, H, W, 3] (espnet2 data type ``npy``; load with
  :class:`mmpt.features.npy_scp.NpyScp`). ~50-400x larger; kept for sampling experiments that need
  arbitrary frames (``num_frames``/``stride``) and for comparisons.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from mmpt.data.errors import DataDirError, DataError
from mmpt.data.video_store import SUFFIX, StoreOptions
from mmpt.features import jobs
from mmpt.features.dumpdir import DumpResult, DumpSpec, clean_reason, file_state, part_files, run_dump
from mmpt.features.jobs import SlurmOptions
from mmpt.features.npy_scp import npy_name, save_npy

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
NAME = "video"
LIST_FILE = "video.scp"
SHAPE_FILE = "video_shape"
Size = Union[int, Tuple[int, int], None]
FORMATS = ("h264", "npy")


def _write_atomic(path: Path, lines: List[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, path)


def store_job(
    part_dir: str, source_dir: str, out_dir: str, index: int, options: Dict[str, Any], fingerprint: str
) -> Dict[str, Any]:
    """Job ``index``: re-encode every clip of ``part_dir``'s video.scp to ``out_dir/data/<utt>.mp4``.

    Each finished clip (written or excluded) is appended to ``data/video.<index>.journal`` with
    ``fingerprint`` (the store options); a re-run of an interrupted job skips the clips journaled with the
    same fingerprint whose file still exists.
    """
    import json

    from mmpt.data.datadir import DataDir
    from mmpt.data.video_store import encode_clip

    opts = StoreOptions(**{**options, "size": tuple(options["size"]) if isinstance(options.get("size"), list)
                           else options.get("size")})
    part = DataDir.load(part_dir)
    files = part_files(out_dir, NAME, LIST_FILE, SHAPE_FILE, index)
    data = Path(out_dir).resolve() / "data"
    journal = data / f"{NAME}.{index}.journal"
    done: Dict[str, Dict[str, Any]] = {}
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:  # a line cut by the interruption
                continue
            if entry.get("fp") == fingerprint and (entry.get("path") is None or Path(entry["path"]).is_file()):
                done[entry["utt"]] = entry
    video_scp = part.video_scp or {}

    def source(utt: str) -> Any:
        return [video_scp.get(utt), file_state(video_scp[utt]) if utt in video_scp else None]

    done = {u: e for u, e in done.items() if e.get("src") == json.loads(json.dumps(source(u)))}
    scp: List[str] = []
    shapes: List[str] = []
    failures: List[Tuple[str, str]] = []
    resumed = 0
    with open(journal, "a", encoding="utf-8") as log:
        for utt in part.utt_ids():
            jobs.tick()
            entry = done.get(utt)
            if entry is not None:
                resumed += 1
            elif utt not in video_scp:
                entry = {"utt": utt, "reason": f"{source_dir}/video.scp [{utt}]: no entry for this utterance"}
                entry["fp"], entry["src"] = fingerprint, source(utt)
                log.write(json.dumps(entry) + "\n")
            else:
                target = data / (npy_name(utt)[: -len(".npy")] + SUFFIX)
                try:
                    clip = encode_clip(video_scp[utt], target, opts)
                    entry = {"utt": utt, "path": clip.path, "shape": list(clip.shape)}
                except DataError as exc:
                    entry = {"utt": utt, "reason": str(exc)}
                entry["fp"], entry["src"] = fingerprint, source(utt)
                log.write(json.dumps(entry) + "\n")
                log.flush()
            if "reason" in entry:
                logger.warning("skipping utterance %s: %s", utt, entry["reason"])
                failures.append((utt, entry["reason"]))
            else:
                scp.append(f"{utt} {entry['path']}\n")
                shapes.append(f"{utt} {','.join(str(n) for n in entry['shape'])}\n")
    _write_atomic(files["scp"], scp)
    _write_atomic(files["shape"], shapes)
    _write_atomic(files["excluded"], [f"{u} {clean_reason(r)}\n" for u, r in failures])
    if resumed:
        logger.info("job %d: resumed: %d clips were done before", index, resumed)
    if failures:
        logger.warning("job %d: excluded %d of %d clips", index, len(failures), len(part.utt_ids()))
    return {"done": len(scp), "excluded": len(failures), "resumed": resumed}


def video_job(
    part_dir: str,
    source_dir: str,
    out_dir: str,
    index: int,
    fps: Optional[float],
    size: Size,
    num_frames: Optional[int],
    stride: int,
) -> Dict[str, Any]:
    """Job ``index``: decode every clip of ``part_dir``'s video.scp to ``out_dir/data/<utt>.npy``."""
    from mmpt.data.datadir import DataDir
    from mmpt.data.video import read_video

    part = DataDir.load(part_dir)
    files = part_files(out_dir, NAME, LIST_FILE, SHAPE_FILE, index)
    data = Path(out_dir).resolve() / "data"
    video_scp = part.video_scp or {}
    scp: List[str] = []
    shapes: List[str] = []
    failures: List[Tuple[str, str]] = []
    for utt in part.utt_ids():
        jobs.tick()
        if utt not in video_scp:
            failures.append((utt, f"{source_dir}/video.scp [{utt}]: no entry for this utterance"))
            logger.warning("skipping utterance %s: not in video.scp", utt)
            continue
        try:
            frames = read_video(video_scp[utt], fps=fps, size=size, num_frames=num_frames, stride=stride)
        except DataError as exc:
            logger.warning("skipping utterance %s: %s", utt, exc)
            failures.append((utt, str(exc)))
            continue
        target = data / npy_name(utt)
        save_npy(target, frames)
        scp.append(f"{utt} {target}\n")
        shapes.append(f"{utt} {','.join(str(n) for n in frames.shape)}\n")
    _write_atomic(files["scp"], scp)
    _write_atomic(files["shape"], shapes)
    _write_atomic(files["excluded"], [f"{u} {clean_reason(r)}\n" for u, r in failures])
    if failures:
        logger.warning("job %d: excluded %d of %d clips", index, len(failures), len(part.utt_ids()))
    return {"done": len(scp), "excluded": len(failures)}


def _video_input(d: Any, utt: str) -> Any:
    return (d.video_scp or {}).get(utt)


def dump_video(
    data_dir: PathLike,
    out_dir: PathLike,
    *,
    nj: int = 1,
    fps: Optional[float] = 25.0,
    size: Size = None,
    num_frames: Optional[int] = None,
    stride: int = 1,
    format: str = "h264",
    max_seconds: Optional[float] = 10.0,
    crf: int = 23,
    gop_seconds: float = 1.0,
    preset: str = "medium",
    backend: str = "local",
    slurm: Optional[SlurmOptions] = None,
    cluster: Optional[str] = None,
    progress: bool = True,
) -> DumpResult:
    """Decode the clips of ``data_dir/video.scp`` into ``out_dir`` (see the module docstring).

    Args:
        fps: re-time clips to this frame rate (None keeps the native rate).
        size: an int sets the shorter side (aspect kept), (H, W) is exact, None keeps the size.
        num_frames, stride: keep frames ``j * stride`` for ``j < num_frames`` (all when None; npy only).
        format: ``h264`` (the compressed store) or ``npy`` (raw frames).
        max_seconds, crf, gop_seconds, preset: the store's options (h264 only, see
            :class:`~mmpt.data.video_store.StoreOptions`).
    Raises:
        DataDirError when the data dir or its video.scp is missing, or every clip failed;
        JobFailedError when a job crashed (see its log).
    """
    data_dir = Path(data_dir)
    if data_dir.is_dir() and not (data_dir / "video.scp").is_file():
        raise DataDirError(data_dir, "no video.scp in this data directory")
    if isinstance(size, Sequence) and not isinstance(size, str):
        if len(size) != 2:
            raise ValueError(f"size must be an int or (H, W), got {size!r}")
        size = (int(size[0]), int(size[1]))
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}")
    if format == "npy":
        options: Dict[str, Any] = {"fps": fps, "size": size, "num_frames": num_frames, "stride": stride}
        job_fn, job_kwargs = video_job, options
    else:
        if num_frames is not None or stride != 1:
            raise ValueError("num_frames/stride select frames of the raw npy dump; the h264 store keeps every "
                             "frame of the first max_seconds (the preprocessor samples the window)")
        if fps is None:
            raise ValueError("the h264 store needs a frame rate (fps)")
        options = {"format": format, **StoreOptions(fps=fps, size=size, max_seconds=max_seconds, crf=crf,
                                                     gop_seconds=gop_seconds, preset=preset).__dict__}
        store_opts = {k: v for k, v in options.items() if k != "format"}
        job_fn = store_job
        job_kwargs = {"options": store_opts, "fingerprint": jobs.fingerprint(store_opts)}
    spec = DumpSpec(
        name=NAME,
        list_file=LIST_FILE,
        shape_file=SHAPE_FILE,
        job_fn=job_fn,
        job_kwargs=job_kwargs,
        config=options,
        inputs=_video_input,
    )
    return run_dump(
        data_dir, out_dir, spec, nj=nj, backend=backend, slurm=slurm, cluster=cluster, progress=progress
    )
