"""Scores of SUPERB downstream evaluations (what s3prl's ``-m evaluate`` wrote) and the recipe's RESULTS.md.

Each scorer reads one evaluation directory (s3prl's ``expdir`` of ``mmpt-superb -m evaluate -t test``):

* KS: ``test_predict.txt`` / ``test_truth.txt`` (``<file id> <class>``) -> accuracy;
* IC: ``test_predict.csv`` / ``test_truth.csv`` (``<file>,<action>,<object>,<location>``) -> accuracy
  (an utterance is right when all three slots are), plus the accuracy of each slot;
* PR: ``test-hyp.ark`` / ``test-ref.ark`` (``<file> <phones>``) -> PER = (S + D + I) / N over all phones
  (jiwer's word alignment on phone strings; s3prl's own ``per`` is the same edit distance);
* SD: ``scoring/predictions/<recording>.h5`` (``T_hat``: [frames, speakers] speaker activity
  probabilities at ``frame_shift`` samples per frame, as s3prl's diarization expert writes them) ->
  RTTMs and DER against the reference RTTM, as s3prl's ``score.sh``: every threshold in
  ``0.3 0.4 0.5 0.6 0.7`` and median filter in ``1 11`` frames is scored and the lowest DER is reported
  (SUPERB's protocol selects on the test set; the whole grid is kept in ``result.json``). DER =
  (missed speech + false alarm + speaker confusion) / reference speech, with the optimal one-to-one
  mapping of hypothesis to reference speakers per recording, overlapping speech scored, over
  ``[0, reco2dur]`` of each recording, computed with ``pyannote.metrics``. ``collar`` is md-eval's: that
  many seconds around each reference boundary, on each side, are not scored (s3prl's current score.sh
  scores with dscore's default, collar 0; older versions used md-eval ``-c 0.25``).

:func:`score_task` writes ``result.json`` and ``result.txt`` into the evaluation directory;
:func:`write_results` gathers every ``<expdir>/<upstream tag>/<task>/evaluate_test/result.json`` into one
``RESULTS.md`` with a table per upstream checkpoint.
"""
from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from mmpt.data.errors import DataError
from mmpt.report.environment import environment_block

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
TASKS = ("ks", "ic", "pr", "sd")
TASK_NAMES = {"ks": "KS (keyword spotting)", "ic": "IC (intent classification)",
              "pr": "PR (phone recognition)", "sd": "SD (speaker diarization)"}
METRICS = {"ks": "accuracy", "ic": "accuracy", "pr": "PER", "sd": "DER"}
SD_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
SD_MEDIANS = (1, 11)
SD_DEFAULT_FRAME_SHIFT = 160  # s3prl's score.sh fallback when <expdir>/frame_shift is missing
SAMPLE_RATE = 16000
RESULT_JSON = "result.json"
EVAL_DIR = "evaluate_test"


@dataclass
class TaskScore:
    """One task's test score. ``value`` is a fraction (accuracy, PER or DER); ``count`` the number of
    utterances (recordings for SD) scored; ``details`` the metric's parts."""

    task: str
    metric: str
    value: float
    count: int
    details: Dict[str, Any] = field(default_factory=dict)
    checkpoint: Optional[str] = None
    step: Optional[int] = None
    upstream: Optional[str] = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------------------------------------- readers
def _lines(path: Path) -> List[str]:
    if not path.is_file():
        raise DataError(path, "not found: run the evaluation (stage 3) first")
    return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _paired(pred: Path, truth: Path, split: str) -> List[Tuple[str, str, str]]:
    """(id, predicted, true) for the lines of two files written in the same order, split by ``split``."""
    p_lines, t_lines = _lines(pred), _lines(truth)
    if len(p_lines) != len(t_lines):
        raise DataError(pred, f"{len(p_lines)} predictions but {len(t_lines)} references in {truth}")
    if not p_lines:
        raise DataError(pred, "no predictions")
    out = []
    for n, (p, t) in enumerate(zip(p_lines, t_lines), 1):
        if split == " ":
            p_id, _, p_val = p.rpartition(" ")
            t_id, _, t_val = t.rpartition(" ")
        else:
            p_id, _, p_val = p.partition(split)
            t_id, _, t_val = t.partition(split)
        if p_id != t_id:
            raise DataError(pred, f"line {n}: id {p_id!r} but {truth.name} has {t_id!r} on that line")
        out.append((p_id, p_val.strip(), t_val.strip()))
    return out


def score_ks(eval_dir: PathLike) -> TaskScore:
    """Accuracy of s3prl's speech_commands test predictions (12 classes)."""
    eval_dir = Path(eval_dir)
    pairs = _paired(eval_dir / "test_predict.txt", eval_dir / "test_truth.txt", " ")
    correct = sum(p == t for _, p, t in pairs)
    classes = sorted({t for _, _, t in pairs})
    per_class = {c: sum(p == t for _, p, t in pairs if t == c) / sum(t == c for _, _, t in pairs) for c in classes}
    return TaskScore("ks", METRICS["ks"], correct / len(pairs), len(pairs),
                     {"correct": correct, "per_class_accuracy": per_class, **_logged(eval_dir)})


def score_ic(eval_dir: PathLike) -> TaskScore:
    """Accuracy of s3prl's fluent_commands test predictions (all of action, object, location right)."""
    eval_dir = Path(eval_dir)
    pairs = _paired(eval_dir / "test_predict.csv", eval_dir / "test_truth.csv", ",")
    slots = ("action", "object", "location")
    correct = 0
    slot_correct = dict.fromkeys(slots, 0)
    for uid, p, t in pairs:
        p_vals, t_vals = p.split(","), t.split(",")
        if len(p_vals) != 3 or len(t_vals) != 3:
            raise DataError(eval_dir / "test_predict.csv", f"expected <file>,<action>,<object>,<location> for {uid}")
        correct += p_vals == t_vals
        for slot, a, b in zip(slots, p_vals, t_vals):
            slot_correct[slot] += a == b
    return TaskScore("ic", METRICS["ic"], correct / len(pairs), len(pairs),
                     {"correct": correct, "slot_accuracy": {s: c / len(pairs) for s, c in slot_correct.items()},
                      **_logged(eval_dir)})


def _logged(eval_dir: Path) -> Dict[str, float]:
    """The test accuracy s3prl logged in ``log.log`` (a cross-check of the files read), when present."""
    log = eval_dir / "log.log"
    if not log.is_file():
        return {}
    found = re.findall(r"^test at step \d+: (\S+)$", log.read_text(encoding="utf-8"), re.M)
    return {"s3prl_logged": float(found[-1])} if found else {}


def score_pr(eval_dir: PathLike) -> TaskScore:
    """PER of s3prl's ctc (libriphone) test hypotheses."""
    import jiwer

    eval_dir = Path(eval_dir)
    hyp_lines, ref_lines = _lines(eval_dir / "test-hyp.ark"), _lines(eval_dir / "test-ref.ark")
    hyps = dict(_split_ark(line) for line in hyp_lines)
    refs = dict(_split_ark(line) for line in ref_lines)
    if len(refs) != len(ref_lines) or set(hyps) != set(refs):
        raise DataError(eval_dir / "test-hyp.ark", f"utterances differ from {eval_dir / 'test-ref.ark'} "
                        f"({len(hyps)} hypotheses, {len(refs)} references)")
    empty = [u for u, r in refs.items() if not r]
    if empty:
        raise DataError(eval_dir / "test-ref.ark", "empty reference", key=empty[0])
    ids = sorted(refs)
    out = jiwer.process_words([refs[u] for u in ids], [hyps[u] for u in ids])
    n = out.hits + out.substitutions + out.deletions
    details = {"phones": n, "substitutions": out.substitutions, "deletions": out.deletions,
               "insertions": out.insertions}
    return TaskScore("pr", METRICS["pr"], (out.substitutions + out.deletions + out.insertions) / n, len(ids), details)


def _split_ark(line: str) -> Tuple[str, str]:
    uid, _, text = line.partition(" ")
    return uid, " ".join(text.split())


# ------------------------------------------------------------------------------------------------- SD
Turns = List[Tuple[str, float, float]]  # (speaker, start, end) in seconds


def read_rttm(path: PathLike) -> Dict[str, Turns]:
    """recording -> its speaker turns, from ``SPEAKER <rec> <chan> <start> <dur> <NA> <NA> <spk> ...``."""
    path = Path(path)
    turns: Dict[str, Turns] = {}
    for n, line in enumerate(_lines(path), 1):
        parts = line.split()
        if parts[0].startswith(";"):
            continue
        try:
            if parts[0] != "SPEAKER" or len(parts) < 8:
                raise ValueError("expected 'SPEAKER <file> <chan> <start> <dur> <NA> <NA> <speaker> ...'")
            start, dur = float(parts[3]), float(parts[4])
            if not (math.isfinite(start) and math.isfinite(dur)) or start < 0 or dur < 0:
                raise ValueError(f"start {start} / duration {dur} out of range")
        except ValueError as exc:
            raise DataError(path, f"line {n}: {exc}") from None
        if dur > 0:
            turns.setdefault(parts[1], []).append((parts[7], start, start + dur))
    return turns


def write_rttm(turns: Mapping[str, Turns], path: PathLike) -> None:
    """RTTM lines, recordings in byte order, turns by start time."""
    with Path(path).open("w", encoding="utf-8") as f:
        for rec in sorted(turns):
            for spk, start, end in sorted(turns[rec], key=lambda t: (t[1], t[0])):
                f.write(f"SPEAKER {rec} 1 {start:.3f} {end - start:.3f} <NA> <NA> {spk} <NA> <NA>\n")


def activity_to_turns(active: np.ndarray, frame_seconds: float, name: str = "spk") -> Turns:
    """Turns of a binary activity matrix [frames, speakers] (speaker k is ``<name><k>``), as
    s3prl's make_rttm.py: frame i covers [i, i + 1) * frame_seconds."""
    turns: Turns = []
    for k in range(active.shape[1]):
        padded = np.concatenate([[0], active[:, k].astype(np.int8), [0]])
        changes = np.flatnonzero(np.diff(padded))
        for s, e in zip(changes[::2], changes[1::2]):
            turns.append((f"{name}{k}", s * frame_seconds, e * frame_seconds))
    return turns


def predictions_to_turns(probs: np.ndarray, threshold: float, median: int, frame_seconds: float) -> Turns:
    """Turns from speaker activity probabilities [frames, speakers]: ``> threshold``, then a median filter
    of ``median`` frames along time (as make_rttm.py; 1 = none)."""
    active = (probs > threshold).astype(np.float64)
    if median > 1:
        from scipy.signal import medfilt

        active = medfilt(active, (median, 1))
    return activity_to_turns(active > 0.5, frame_seconds)


def _clip(turns: Turns, end: float) -> Turns:
    return [(s, a, min(b, end)) for s, a, b in turns if a < end]


def der(reference: Mapping[str, Turns], hypothesis: Mapping[str, Turns], durations: Mapping[str, float],
        collar: float = 0.0) -> Dict[str, float]:
    """Diarization error rate over the recordings of ``durations`` (each scored over [0, duration]).

    Args:
        collar: seconds around each reference turn boundary, on each side, left out (md-eval's ``-c``).
    Returns:
        ``der``, and the totals in seconds: ``total`` (reference speech, overlap counted per speaker),
        ``missed``, ``false_alarm``, ``confusion``.
    """
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    # pyannote's collar is the whole width removed around a boundary, half on each side
    metric = DiarizationErrorRate(collar=2 * collar, skip_overlap=False)
    totals = dict.fromkeys(("total", "missed", "false_alarm", "confusion"), 0.0)
    for rec in sorted(durations):
        ref, hyp = Annotation(uri=rec), Annotation(uri=rec)
        for i, (spk, start, end) in enumerate(reference.get(rec, [])):
            ref[Segment(start, end), i] = spk
        for i, (spk, start, end) in enumerate(hypothesis.get(rec, [])):
            hyp[Segment(start, end), i] = spk
        parts = metric(ref, hyp, uem=Timeline([Segment(0.0, float(durations[rec]))]), detailed=True)
        totals["total"] += parts["total"]
        totals["missed"] += parts["missed detection"]
        totals["false_alarm"] += parts["false alarm"]
        totals["confusion"] += parts["confusion"]
    if totals["total"] <= 0:
        raise DataError("reference", "no reference speech in the scored recordings")
    totals["der"] = (totals["missed"] + totals["false_alarm"] + totals["confusion"]) / totals["total"]
    return totals


def _read_predictions(pred_dir: Path) -> Dict[str, np.ndarray]:
    import h5py

    out = {}
    for path in sorted(pred_dir.glob("*.h5")):
        try:
            with h5py.File(path, "r") as f:
                probs = np.asarray(f["T_hat"][:], dtype=np.float64)
        except (OSError, KeyError) as exc:
            raise DataError(path, f"cannot read T_hat: {exc}") from None
        if probs.ndim != 2:
            raise DataError(path, f"T_hat has shape {probs.shape}, expected [frames, speakers]")
        out[path.stem] = probs
    return out


def score_sd(eval_dir: PathLike, data_dir: PathLike, collar: float = 0.0,
             thresholds: Sequence[float] = SD_THRESHOLDS, medians: Sequence[int] = SD_MEDIANS,
             frame_shift: Optional[int] = None) -> TaskScore:
    """DER of s3prl's diarization test predictions against ``<data_dir>/rttm`` (see the module doc).

    Writes ``<eval_dir>/scoring/hyp_<threshold>_<median>.rttm`` for every grid point. Recordings of the
    test set without a prediction count as all missed (and are named in the log).
    """
    from mmpt.data.datadir import read_kv

    eval_dir, data_dir = Path(eval_dir), Path(data_dir)
    reference = read_rttm(data_dir / "rttm")
    reco2dur_file = data_dir / "reco2dur"
    if not reco2dur_file.is_file():
        raise DataError(reco2dur_file, "not found (mmpt.corpora.librimix writes it)")
    durations = {rec: float(d) for rec, d in read_kv(reco2dur_file).items()}
    if frame_shift is None:
        shift_file = eval_dir / "frame_shift"
        frame_shift = int(shift_file.read_text().split()[0]) if shift_file.is_file() else SD_DEFAULT_FRAME_SHIFT
    frame_seconds = frame_shift / SAMPLE_RATE
    predictions = _read_predictions(eval_dir / "scoring" / "predictions")
    if not predictions:
        raise DataError(eval_dir / "scoring" / "predictions", "no *.h5 predictions: run the evaluation (stage 3)")
    unknown = sorted(set(predictions) - set(durations))
    if unknown:
        raise DataError(eval_dir / "scoring" / "predictions", f"recordings not in {reco2dur_file}: {unknown[:5]}")
    missing = sorted(set(durations) - set(predictions))
    if missing:
        logger.warning("SD: %d test recording(s) have no prediction and count as missed: %s", len(missing),
                       " ".join(missing[:10]))
    grid = []
    for median in medians:
        for threshold in thresholds:
            # s3prl pads the last chunk of a recording: frames past its end are cut off here
            hyp = {rec: _clip(predictions_to_turns(p, threshold, median, frame_seconds), durations[rec])
                   for rec, p in predictions.items()}
            write_rttm(hyp, eval_dir / "scoring" / f"hyp_{threshold}_{median}.rttm")
            grid.append({"threshold": threshold, "median": median, **der(reference, hyp, durations, collar)})
    best = min(grid, key=lambda g: (g["der"], g["median"], g["threshold"]))
    details = {"collar": collar, "frame_shift": frame_shift, "best": best, "grid": grid,
               "recordings_without_prediction": missing}
    return TaskScore("sd", METRICS["sd"], best["der"], len(durations), details)


# -------------------------------------------------------------------------------------------- results
def checkpoint_step(ckpt: PathLike) -> Optional[int]:
    """The training step stored in an s3prl experiment checkpoint (``Step``), or None."""
    from mmpt.pack.load import ModelFileError, load_trusted_checkpoint

    try:
        state = load_trusted_checkpoint(ckpt)
    except ModelFileError as exc:  # unreadable or not an s3prl checkpoint: the table shows no step
        logger.warning("cannot read the step of %s: %s", ckpt, exc)
        return None
    step = state.get("Step") if isinstance(state, dict) else None
    return int(step) if step is not None else None


def score_task(task: str, eval_dir: PathLike, checkpoint: Optional[PathLike] = None,
               upstream: Optional[str] = None, data_dir: Optional[PathLike] = None, collar: float = 0.0
               ) -> TaskScore:
    """Score one evaluation directory and write ``result.json`` / ``result.txt`` into it."""
    eval_dir = Path(eval_dir)
    if task == "ks":
        score = score_ks(eval_dir)
    elif task == "ic":
        score = score_ic(eval_dir)
    elif task == "pr":
        score = score_pr(eval_dir)
    elif task == "sd":
        if data_dir is None:
            raise ValueError("SD scoring needs the test data directory (rttm, reco2dur)")
        score = score_sd(eval_dir, data_dir, collar=collar)
    else:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    if checkpoint is not None:
        score.checkpoint = str(checkpoint)
        score.step = checkpoint_step(checkpoint)
    score.upstream = upstream
    (eval_dir / RESULT_JSON).write_text(score.to_json(), encoding="utf-8")
    (eval_dir / "result.txt").write_text(_summary(score) + "\n", encoding="utf-8")
    logger.info("%s", _summary(score))
    return score


def _summary(score: TaskScore) -> str:
    text = f"{score.task.upper()} test {score.metric}: {100 * score.value:.2f} % ({score.count} " \
           f"{'recordings' if score.task == 'sd' else 'utterances'})"
    if score.task == "sd":
        best = score.details["best"]
        text += f", threshold {best['threshold']}, median {best['median']}, collar {score.details['collar']} s"
    if score.task == "pr":
        d = score.details
        text += f", {d['phones']} phones: {d['substitutions']} sub, {d['deletions']} del, {d['insertions']} ins"
    return text


def load_scores(expdir: PathLike) -> Dict[str, List[TaskScore]]:
    """upstream tag -> its task scores, from ``<expdir>/<tag>/<task>/evaluate_test/result.json``."""
    expdir = Path(expdir)
    out: Dict[str, List[TaskScore]] = {}
    for path in sorted(expdir.glob(f"*/*/{EVAL_DIR}/{RESULT_JSON}")):
        tag, task = path.parts[-4], path.parts[-3]
        if task not in TASKS:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            score = TaskScore(**data)
        except (ValueError, TypeError) as exc:
            raise DataError(path, f"not a score file: {exc}") from None
        out.setdefault(tag, []).append(score)
    for scores in out.values():
        scores.sort(key=lambda s: TASKS.index(s.task))
    return out


def _format_value(score: TaskScore) -> str:
    return f"{100 * score.value:.2f}"


def results_markdown(scores: Mapping[str, Sequence[TaskScore]], title: str = "SUPERB results") -> str:
    """RESULTS.md: a table per upstream checkpoint (task, metric, value in %, step, test size)."""
    lines = [f"# {title}", "",
             "Frozen mmpt encoder as s3prl upstream (`mmpt_upstream`), s3prl downstream heads; test-set scores "
             "in %. KS/IC: accuracy (higher is better); PR: phone error rate with an espeak-ng lexicon (not "
             "comparable with published SUPERB PER); SD: DER, best threshold / median filter "
             "(s3prl's protocol). Generated by `python -m mmpt.bin.superb_results table`.", "",
             environment_block(), ""]
    for tag in sorted(scores):
        rows = scores[tag]
        upstreams = sorted({s.upstream for s in rows if s.upstream})
        lines += [f"## {tag}", ""]
        if upstreams:
            lines += ["- upstream checkpoint: " + ", ".join(f"`{u}`" for u in upstreams), ""]
        lines += ["| task | metric | value | step | test size | evaluated checkpoint | notes |",
                  "|---|---|---|---|---|---|---|"]
        for s in rows:
            notes = ""
            if s.task == "sd":
                b = s.details.get("best", {})
                notes = f"threshold {b.get('threshold')}, median {b.get('median')}, collar {s.details.get('collar')} s"
            elif s.task == "pr":
                notes = f"{s.details.get('phones')} phones"
            elif s.task == "ic":
                acc = s.details.get("slot_accuracy", {})
                notes = ", ".join(f"{k} {100 * v:.1f}" for k, v in acc.items())
            ckpt = Path(s.checkpoint).name if s.checkpoint else "-"
            step = "-" if s.step is None else str(s.step)
            lines.append(f"| {TASK_NAMES[s.task]} | {s.metric} | {_format_value(s)} | {step} | {s.count} | "
                         f"{ckpt} | {notes} |")
        lines.append("")
    return "\n".join(lines)


def write_results(expdir: PathLike, out: Optional[PathLike] = None) -> Path:
    """Write ``RESULTS.md`` (default ``<expdir>/RESULTS.md``) from every scored task under ``expdir``."""
    expdir = Path(expdir)
    scores = load_scores(expdir)
    if not scores:
        raise DataError(expdir, f"no */*/{EVAL_DIR}/{RESULT_JSON}: run the scoring (stage 4) first")
    out = Path(out) if out else expdir / "RESULTS.md"
    out.write_text(results_markdown(scores), encoding="utf-8")
    return out
