"""A dump directory: a data dir whose items were turned into arrays by N resumable jobs.

Shared by the fbank and video dumps. Layout of ``out_dir``::

    <list>.scp            merged index (feats.scp or video.scp), LC_ALL=C sorted
    <shape>               utt -> comma-separated array shape (feats_shape / video_shape)
    excluded.txt          utt -> why it was left out (one line each; empty file when none)
    text, utt2spk, ...    the input data dir's files restricted to the utterances that were dumped
    data/                 the arrays (ark files or .npy files) and each job's scp/shape/excluded parts
    split<nj>/<i>/        the data dir part of job i
    log/<name>.<i>.log    job logs; log/<name>.<i>.done markers (fingerprint of the job's inputs)
    .done                 fingerprint of the whole dump: a re-run with the same inputs does nothing
"""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from mmpt.data.datadir import DataDir, read_kv, sorted_ids, write_kv
from mmpt.data.errors import DataDirError
from mmpt.features import jobs as jobs_mod
from mmpt.features.jobs import Job, SlurmOptions

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
FORMAT_VERSION = 1


@dataclass
class DumpResult:
    """What a dump produced."""

    out_dir: Path
    num_utts: int  # in the input data dir
    num_done: int
    excluded: List[Tuple[str, str]] = field(default_factory=list)  # (utt, reason)
    up_to_date: bool = False  # nothing had to be done

    @property
    def num_excluded(self) -> int:
        return len(self.excluded)


@dataclass
class DumpSpec:
    """What differs between the dump kinds."""

    name: str  # job name in log/, e.g. "fbank"
    list_file: str  # merged scp name in out_dir, e.g. "feats.scp"
    shape_file: str  # e.g. "feats_shape"
    # (part_dir, source_dir, out_dir, index, **job_kwargs) -> summary; writes part_files(out_dir, ..., index)
    job_fn: Callable[..., Dict[str, Any]]
    job_kwargs: Dict[str, Any]
    config: Dict[str, Any]  # everything that changes the output (fingerprinted)
    inputs: Callable[[Any, str], Any]  # (DataDir, utt) -> the utterance's input (spec, times) for fingerprints
    extra_files: Callable[[Dict[str, str], Dict[str, str]], Dict[str, Dict[str, str]]] = lambda scp, shape: {}


def part_files(out_dir: PathLike, spec_name: str, list_file: str, shape_file: str, index: int) -> Dict[str, Path]:
    """Per-job outputs under ``out_dir/data``."""
    data = Path(out_dir) / "data"
    stem = list_file.rsplit(".", 1)[0]
    return {
        "scp": data / f"{stem}.{index}.scp",
        "shape": data / f"{shape_file}.{index}",
        "excluded": data / f"excluded.{index}.txt",
    }


def file_state(spec: str) -> Any:
    """(size, mtime_ns) of the file an input spec names, None for pipes, "missing" if absent."""
    spec = spec.strip()
    if spec.endswith("|"):
        return None
    try:
        st = os.stat(spec)
    except OSError:
        return "missing"
    return [st.st_size, st.st_mtime_ns]


def _hash_dir_files(path: Path) -> Dict[str, str]:
    out = {}
    for f in sorted(path.iterdir()):
        if f.is_file() and not f.name.startswith(".") and not f.name.endswith((".tmp", ".log")):
            out[f.name] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def clean_reason(reason: str) -> str:
    return " ".join(reason.split())


def run_dump(
    data_dir: PathLike,
    out_dir: PathLike,
    spec: DumpSpec,
    *,
    nj: int = 1,
    backend: str = "local",
    slurm: Optional[SlurmOptions] = None,
    cluster: Optional[str] = None,
    progress: bool = True,
    max_workers: Optional[int] = None,
) -> DumpResult:
    """Split ``data_dir`` into ``nj`` parts, run the jobs that are not done, merge their outputs
    (local jobs: at most ``max_workers`` processes at a time, default all; 1 runs them in this process)."""
    if nj < 1:
        raise ValueError(f"nj must be >= 1, got {nj}")
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    d = DataDir.load(data_dir)
    if not d.utt_ids():
        raise DataDirError(data_dir, "no utterances in this data directory")
    if out_dir.resolve() == data_dir.resolve():
        raise DataDirError(out_dir, "the output directory must differ from the input data directory")
    utts = d.all_utt_ids()  # every utterance some file names: each is dumped or excluded, none vanishes
    rejected = validation_exclusions(d, data_dir)
    if rejected:
        d = d.subset([u for u in d.utt_ids() if u not in rejected])
        d.path = data_dir
        if not d.utt_ids():
            raise DataDirError(data_dir, f"no consistent utterance: all {len(utts)} fail validation, e.g. "
                               f"{next(iter(rejected.values()))}")
    nj = min(nj, len(d.utt_ids()))

    inputs = {utt: spec.inputs(d, utt) for utt in d.utt_ids()}
    cache: Dict[str, Any] = {}  # segments share their recording: stat each file once
    states = {utt: _state(inp, cache) for utt, inp in inputs.items()}
    whole_fp = jobs_mod.fingerprint(
        FORMAT_VERSION, spec.name, spec.config, nj, _hash_dir_files(data_dir), inputs, states
    )
    marker = jobs_mod.read_marker(out_dir / ".done")
    outputs = [out_dir / spec.list_file, out_dir / spec.shape_file, out_dir / "excluded.txt"]
    if marker and marker.get("fingerprint") == whole_fp and all(p.exists() for p in outputs):
        result = marker["result"]
        logger.info("%s is up to date (%d utterances, %d excluded)", out_dir, result["done"], len(result["excluded"]))
        return DumpResult(out_dir, len(utts), result["done"], [tuple(x) for x in result["excluded"]], True)

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / ".done").unlink(missing_ok=True)
    (out_dir / "data").mkdir(exist_ok=True)
    if nj == 1 and not rejected:
        parts, part_dirs = [d], [data_dir]
    else:
        parts = d.split(nj, out_root=out_dir)
        part_dirs = [out_dir / f"split{nj}" / str(i) for i in range(1, nj + 1)]

    job_list = []
    for i, (part, part_dir) in enumerate(zip(parts, part_dirs), 1):
        part_utts = part.utt_ids()
        files = part_files(out_dir, spec.name, spec.list_file, spec.shape_file, i)
        fp = jobs_mod.fingerprint(
            FORMAT_VERSION, spec.name, spec.config, nj, i, part_utts,
            [inputs[u] for u in part_utts], [states[u] for u in part_utts],
        )
        kwargs = dict(
            part_dir=str(part_dir), source_dir=str(data_dir), out_dir=str(out_dir), index=i, **spec.job_kwargs
        )
        job_list.append(Job(i, spec.job_fn, kwargs, fp, list(files.values()), size=len(part_utts)))
    jobs_mod.run_jobs(job_list, out_dir, spec.name, backend=backend, slurm=slurm, cluster=cluster, progress=progress,
                      max_workers=max_workers)

    # merge
    scp: Dict[str, str] = {}
    shape: Dict[str, str] = {}
    excluded: Dict[str, str] = dict(rejected)
    for i in range(1, nj + 1):
        files = part_files(out_dir, spec.name, spec.list_file, spec.shape_file, i)
        scp.update(read_kv(files["scp"]))
        shape.update(read_kv(files["shape"]))
        excluded.update(read_kv(files["excluded"]))
    missing = set(utts) - set(scp) - set(excluded)
    if missing:  # a job lost utterances: a bug, not bad data
        raise RuntimeError(
            f"{out_dir}: {len(missing)} utterances neither dumped nor excluded, e.g. {sorted(missing)[0]}")
    _remove_stale_parts(out_dir, spec, nj, set(scp.values()))

    excluded_rows = [(u, excluded[u]) for u in sorted_ids(excluded)]
    write_kv(out_dir / "excluded.txt", excluded)
    if not scp:
        raise DataDirError(
            data_dir, f"all {len(utts)} utterances failed ({spec.name}); reasons in {out_dir / 'excluded.txt'}"
        )
    kept = d.subset(scp)
    tables = {spec.list_file: scp, **spec.extra_files(scp, shape)}
    _write_datadir(kept, out_dir, tables, keep=("excluded.txt", spec.shape_file))
    write_kv(out_dir / spec.shape_file, shape)

    if excluded_rows:
        logger.warning(
            "%s: excluded %d of %d utterances (reasons in %s)",
            spec.name, len(excluded_rows), len(utts), out_dir / "excluded.txt",
        )
    logger.info("%s: dumped %d utterances to %s", spec.name, len(scp), out_dir)
    summary = {"done": len(scp), "excluded": [list(r) for r in excluded_rows]}
    jobs_mod.write_marker(out_dir / ".done", whole_fp, summary)
    return DumpResult(out_dir, len(utts), len(scp), excluded_rows, False)


def validation_exclusions(d: DataDir, data_dir: Path) -> Dict[str, str]:
    """``{utt: reason}`` for the utterances that the data dir's validation names (in text but not in
    wav.scp, missing from utt2spk, empty transcript, unknown recording, bad segment times, ...), as the
    recipes' stage-1 validation would. File-level problems (unsorted, empty lines) raise DataDirError,
    as in the recipes: run ``mmpt-datadir fix``. Speaker-id conventions do not matter to a dump."""
    problems = d.validate(check_files=False, spk_sort=False)
    structural = [p for p in problems if p.key is None and p not in d.load_problems]
    if structural:
        raise DataDirError(data_dir, "inconsistent data directory: " + "; ".join(str(p) for p in structural[:5])
                           + f" (run 'mmpt-datadir fix {data_dir}')")
    known = set(d.all_utt_ids())
    rejected: Dict[str, str] = {}
    for p in problems:
        if p.key in known and p not in d.load_problems:
            rejected.setdefault(p.key, clean_reason(f"{data_dir}/{p}"))
    for utt, reason in sorted(rejected.items()):
        logger.warning("excluding utterance %s: %s", utt, reason)
    return rejected


def _state(inp: Any, cache: Dict[str, Any]) -> Any:
    """File state of the input path of an utterance (a spec, or a list whose first item is the spec)."""
    if isinstance(inp, (list, tuple)) and inp:
        inp = inp[0]
    if not isinstance(inp, str):
        return None
    if inp not in cache:
        cache[inp] = file_state(inp)
    return cache[inp]


def _write_datadir(kept: Any, out_dir: Path, tables: Dict[str, Dict[str, str]], keep: Tuple[str, ...]) -> None:
    """Write the kept data dir plus ``tables``; remove top-level files of an earlier dump not written now
    (except the names in ``keep``)."""
    for name, table in tables.items():
        if name == "video.scp":
            kept.video_scp = table
        else:
            kept.extra[name] = table
    before = {f.name for f in out_dir.iterdir() if f.is_file() and not f.name.startswith(".")}
    kept.write(out_dir)
    written = {name for name, table in kept._tables().items() if table is not None}
    if kept.utt2spk is not None:
        written.add("spk2utt")
    if kept.segments is not None:
        written.add("segments")
    for name in before - written - set(keep):
        (out_dir / name).unlink()


def _remove_stale_parts(out_dir: Path, spec: DumpSpec, nj: int, used: set) -> None:
    """Delete job outputs and markers of an earlier run with more jobs, and .npy / .mp4 files no scp line
    uses (also a re-encode's leftover temporary file)."""
    current = set()
    for i in range(1, nj + 1):
        current.update(p.name for p in part_files(out_dir, spec.name, spec.list_file, spec.shape_file, i).values())
        current.add(f"{spec.list_file.rsplit('.', 1)[0]}.{i}.ark")
    stem = spec.list_file.rsplit(".", 1)[0]
    for f in (out_dir / "data").iterdir():
        if f.name.endswith((".npy", ".mp4")):
            if str(f.resolve()) not in used and str(f) not in used:
                f.unlink()
            continue
        if f.name.startswith((f"{stem}.", f"{spec.shape_file}.", "excluded.")) and f.name not in current:
            f.unlink()
    log = out_dir / "log"
    for f in log.glob(f"{spec.name}.*.done"):
        idx = f.name[len(spec.name) + 1 : -len(".done")]
        if idx.isdigit() and int(idx) > nj:
            f.unlink()
