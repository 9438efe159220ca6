"""Dump Kaldi fbank features of a data dir to ark/scp with N parallel, resumable jobs.

``dump_fbank(data/train, dump/fbank/train, nj=4)`` writes ``feats.scp`` (ark files under ``data/``),
``feats_shape`` (``utt frames,dim``), ``utt2num_frames``, ``excluded.txt`` and the data dir's own files
(``text``, ``utt2spk``, ...) restricted to the utterances whose features were written.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from mmpt.data.errors import DataError
from mmpt.features import jobs
from mmpt.features.dumpdir import DumpResult, DumpSpec, clean_reason, part_files, run_dump
from mmpt.features.fbank import FbankConfig, compute_fbank
from mmpt.features.jobs import SlurmOptions

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
NAME = "fbank"
LIST_FILE = "feats.scp"
SHAPE_FILE = "feats_shape"


def fbank_job(
    part_dir: str, source_dir: str, out_dir: str, index: int, config: Dict[str, Any]
) -> Dict[str, Any]:
    """Job ``index``: fbank of every utterance of ``part_dir`` -> ``out_dir/data/feats.<index>.{ark,scp}``.

    ``source_dir`` (the data dir that was split) is the name used in error messages.

    Unreadable or too-short utterances are listed in ``data/excluded.<index>.txt``.
    """
    from mmpt.data.audio import iter_utterances
    from mmpt.data.datadir import DataDir
    from mmpt.features.ark import ArkWriter

    cfg = FbankConfig.from_dict(config)
    part = DataDir.load(part_dir)
    part.path = Path(source_dir)  # errors name the user's data dir, not the split
    files = part_files(out_dir, NAME, LIST_FILE, SHAPE_FILE, index)
    ark = files["scp"].with_suffix(".ark")
    failures: List[Tuple[str, str]] = []
    shapes: List[str] = []
    yielded = 0
    with ArkWriter(ark, files["scp"]) as writer:
        for utt, wav in iter_utterances(
            part, target_sr=int(cfg.sample_frequency), on_error="skip", failures=failures
        ):
            yielded += 1
            jobs.tick()
            try:
                feats = compute_fbank(wav, cfg, utt=utt)
            except DataError as exc:
                logger.warning("skipping utterance %s: %s", utt, exc)
                failures.append((utt, str(exc)))
                continue
            writer.write(utt, feats)
            shapes.append(f"{utt} {feats.shape[0]},{feats.shape[1]}\n")
    jobs.tick(len(part.utt_ids()) - yielded)  # unreadable ones, for the progress bar
    _write_lines(files["shape"], shapes)
    _write_lines(files["excluded"], [f"{utt} {clean_reason(reason)}\n" for utt, reason in failures])
    return {"done": len(shapes), "excluded": len(failures)}


def _write_lines(path: Path, lines: List[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.replace(tmp, path)


def _audio_input(d: Any, utt: str) -> Any:
    try:
        return list(d.audio_spec(utt))
    except (KeyError, DataError):  # reported by the job as an exclusion
        return None


def _num_frames(scp: Mapping[str, str], shape: Mapping[str, str]) -> Dict[str, Dict[str, str]]:
    return {"utt2num_frames": {utt: shape[utt].split(",")[0] for utt in scp}}


def dump_fbank(
    data_dir: PathLike,
    out_dir: PathLike,
    *,
    nj: int = 1,
    config: Union[FbankConfig, PathLike, Mapping[str, Any], None] = None,
    backend: str = "local",
    slurm: Optional[SlurmOptions] = None,
    cluster: Optional[str] = None,
    progress: bool = True,
) -> DumpResult:
    """Fbank features of every utterance of ``data_dir`` into ``out_dir`` (see the module docstring).

    Args:
        nj: number of jobs (the data dir is split into ``nj`` parts).
        config: FbankConfig, a yaml/Kaldi .conf path, a mapping, or None for ``mmpt/conf/fbank.yaml``.
        backend: "local" (processes) or "slurm" (submitit; ``slurm`` gives partition, time, memory).
    Raises:
        DataDirError when the data dir is missing or empty or every utterance failed;
        JobFailedError when a job crashed (see its log).
    """
    cfg = FbankConfig.load(config)
    spec = DumpSpec(
        name=NAME,
        list_file=LIST_FILE,
        shape_file=SHAPE_FILE,
        job_fn=fbank_job,
        job_kwargs={"config": cfg.to_dict()},
        config=cfg.to_dict(),
        inputs=_audio_input,
        extra_files=_num_frames,
    )
    return run_dump(
        data_dir, out_dir, spec, nj=nj, backend=backend, slurm=slurm, cluster=cluster, progress=progress
    )
