"""A seed's results bundle: the small files the study report reads, copied out of the seed's workspace.

A seed of the study takes hours; its workspace (``exp/run_all/seed<N>``, corpora, dumps, checkpoints) is
gigabytes and does not outlive the machine. The bundle keeps what :mod:`mmpt.report.study_report` needs, at
the same relative paths, so that ``study_report --exp_root <bundle root>`` reports over seeds that were run
on different machines or days, and ESPnet-style the scored results can be committed next to the recipe
(``egs2/librispeech/asr1/results/study/seed<N>/``):

* per-utterance word and character errors of every fine-tuning (``score_wer/utt_errors.tsv``),
* the mid-trainings' dev/test BLEU, their dev translations and the MuST-C train/dev target text of the ST
  learning check,
* SUPERB scores, espnet2's loss curves, the step timings and ``runs.tsv`` (which commit ran which stages).

Exporting is idempotent; a result file of the bundle that differs from the workspace's is replaced. The
logs (``runs.tsv``, ``timings.tsv``) are merged line by line instead, so that a later session that re-runs
part of a seed on a new machine adds its history to the bundle's. ``parts`` limits an export to some kinds
of result, e.g. only ``superb`` when a session re-trained a seed's encoders for SUPERB alone and must not
replace that seed's committed WERs, BLEU and curves with those of its new draws.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

from mmpt.data.errors import DataError
from mmpt.data.files import write_if_changed

# Relative to a seed's workspace; what the report reads (keep in step with mmpt/report/study_report.py).
LOGS: Sequence[str] = ("timings.tsv", "runs.tsv")
PARTS: Dict[str, Sequence[str]] = {
    "asr": ("egs2/librispeech/asr1/exp_*/asr_*/decode_*/*/score_wer/utt_errors.tsv",),
    "st": (
        "egs2/must_c/st1/exp/st_*/decode_*/*/score_bleu/result.json",
        "egs2/must_c/st1/exp/st_*/decode_*/dev.en-*/text",
        "egs2/must_c/st1/dump/fbank/train.en-*/text",
        "egs2/must_c/st1/dump/fbank/dev.en-*/text",
    ),
    "superb": ("egs2/superb/superb1/exp/*/*/evaluate_test/result.json",),
    "curves": ("egs2/*/*/exp*/*/images/loss.png",),
}
# the scores a bundle exists for: without one of these there is nothing to report
SCORES: Sequence[str] = (PARTS["asr"][0], PARTS["superb"][0])


def bundle_files(workspace: Path, parts: Sequence[str] = tuple(PARTS)) -> List[Path]:
    """The files of ``workspace`` that belong to its bundle (the logs and the ``parts``), relative to it,
    sorted."""
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(f"unknown bundle part(s) {unknown}; known: {', '.join(PARTS)}")
    globs = [*LOGS, *(g for part in parts for g in PARTS[part])]
    found = {p.relative_to(workspace) for g in globs for p in workspace.glob(g) if p.is_file()}
    return sorted(found)


def merge_lines(old: str, new: str) -> str:
    """``old``'s lines, then those of ``new`` that ``old`` lacks, in their order (a log that only grows)."""
    lines = old.splitlines()
    seen = set(lines)
    for line in new.splitlines():
        if line not in seen:
            lines.append(line)
            seen.add(line)
    return "".join(line + "\n" for line in lines)


def export_bundle(workspace: Path, dest: Path, parts: Sequence[str] = tuple(PARTS)) -> List[Path]:
    """Copy the bundle of ``workspace`` (a seed's workspace) to ``dest``; returns the copied relative paths.

    Raises DataError when the workspace holds no score among ``parts`` (nothing a report could use), and
    ValueError for an unknown part.
    """
    workspace, dest = Path(workspace), Path(dest)
    if not workspace.is_dir():
        raise DataError(workspace, "no such seed workspace")
    files = bundle_files(workspace, parts)
    scores = {p for g in SCORES for p in workspace.glob(g)}
    if not any(workspace / rel in scores for rel in files):
        raise DataError(workspace, f"holds no scored fine-tuning (no score_wer/utt_errors.tsv) and no SUPERB score "
                                   f"among the parts {', '.join(parts)}: nothing to export")
    if dest.resolve() == workspace.resolve():
        raise DataError(dest, "is the workspace itself")
    for rel in files:
        if rel.name in LOGS and (dest / rel).is_file():
            write_if_changed(dest / rel, merge_lines((dest / rel).read_text(), (workspace / rel).read_text()))
        else:
            write_if_changed(dest / rel, (workspace / rel).read_bytes())
    return files
