"""Dump decoded video clips of a data dir (``video.scp``) to one ``.npy`` per clip, with N resumable jobs.

``dump_video(data/train, dump/video/train, nj=4, fps=25, size=224)`` writes ``video.scp``
(``utt /abs/dump/video/train/data/<utt>.npy``, uint8 [T, H, W, 3]), ``video_shape`` (``utt T,H,W,3``),
``excluded.txt`` and the data dir's own files restricted to the clips that were written. Load the arrays
with :class:`mmpt.features.npy_scp.NpyScp` (memory-mapped).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from mmpt.data.errors import DataDirError, DataError
from mmpt.features import jobs
from mmpt.features.dumpdir import DumpResult, DumpSpec, clean_reason, part_files, run_dump
from mmpt.features.jobs import SlurmOptions
from mmpt.features.npy_scp import npy_name, save_npy

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
NAME = "video"
LIST_FILE = "video.scp"
SHAPE_FILE = "video_shape"
Size = Union[int, Tuple[int, int], None]


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
    for path, lines in (
        (files["scp"], scp),
        (files["shape"], shapes),
        (files["excluded"], [f"{u} {clean_reason(r)}\n" for u, r in failures]),
    ):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, path)
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
    backend: str = "local",
    slurm: Optional[SlurmOptions] = None,
    cluster: Optional[str] = None,
    progress: bool = True,
) -> DumpResult:
    """Decode the clips of ``data_dir/video.scp`` into ``out_dir`` (see the module docstring).

    Args:
        fps: re-time clips to this frame rate (None keeps the native rate).
        size: an int sets the shorter side (aspect kept), (H, W) is exact, None keeps the size.
        num_frames, stride: keep frames ``j * stride`` for ``j < num_frames`` (all when None).
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
    options = {"fps": fps, "size": size, "num_frames": num_frames, "stride": stride}
    spec = DumpSpec(
        name=NAME,
        list_file=LIST_FILE,
        shape_file=SHAPE_FILE,
        job_fn=video_job,
        job_kwargs=options,
        config=options,
        inputs=_video_input,
    )
    return run_dump(
        data_dir, out_dir, spec, nj=nj, backend=backend, slurm=slurm, cluster=cluster, progress=progress
    )
