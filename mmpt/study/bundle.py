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

Exporting is idempotent; a file of the bundle that differs from the workspace's is replaced.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

from mmpt.data.errors import DataError
from mmpt.data.files import write_if_changed

# Relative to a seed's workspace; what the report reads (keep in step with mmpt/report/study_report.py).
BUNDLE_GLOBS: Sequence[str] = (
    "timings.tsv",
    "runs.tsv",
    "egs2/librispeech/asr1/exp_*/asr_*/decode_*/*/score_wer/utt_errors.tsv",
    "egs2/must_c/st1/exp/st_*/decode_*/*/score_bleu/result.json",
    "egs2/must_c/st1/exp/st_*/decode_*/dev.en-*/text",
    "egs2/must_c/st1/dump/fbank/train.en-*/text",
    "egs2/must_c/st1/dump/fbank/dev.en-*/text",
    "egs2/superb/superb1/exp/*/*/evaluate_test/result.json",
    "egs2/*/*/exp*/*/images/loss.png",
)


def bundle_files(workspace: Path) -> List[Path]:
    """The files of ``workspace`` that belong to its bundle, relative to it, sorted."""
    found = {p.relative_to(workspace) for g in BUNDLE_GLOBS for p in workspace.glob(g) if p.is_file()}
    return sorted(found)


def export_bundle(workspace: Path, dest: Path) -> List[Path]:
    """Copy the bundle of ``workspace`` (a seed's workspace) to ``dest``; returns the copied relative paths.

    Raises DataError when the workspace holds no scored fine-tuning (nothing a report could use).
    """
    workspace, dest = Path(workspace), Path(dest)
    if not workspace.is_dir():
        raise DataError(workspace, "no such seed workspace")
    files = bundle_files(workspace)
    if not any(p.name == "utt_errors.tsv" for p in files):
        raise DataError(workspace, "holds no scored fine-tuning (no score_wer/utt_errors.tsv): nothing to export")
    if dest.resolve() == workspace.resolve():
        raise DataError(dest, "is the workspace itself")
    for rel in files:
        write_if_changed(dest / rel, (workspace / rel).read_bytes())
    return files
