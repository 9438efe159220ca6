"""Word error rate with per-utterance alignments (``jiwer``), written sclite-style.

``score_wer(refs, hyps)`` aligns every reference utterance with its hypothesis; an utterance without a
hypothesis is scored as an empty hypothesis (all deletions) and counted in ``missing``; a hypothesis
without reference is left out and counted in ``extra``. Both are logged, never dropped silently.

``write_result(result, out_dir)`` writes ``out_dir/result.txt``: the totals, then for every utterance::

    id: (1089-134686-0000)
    Scores: (#C #S #D #I) 5 1 0 1
    REF:  a b c d *
    HYP:  a c c d e
    Eval:   S     I
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple, Union

import jiwer

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
_OP_CODE = {"equal": " ", "substitute": "S", "delete": "D", "insert": "I"}


@dataclass
class UttScore:
    """Alignment of one utterance: ``pairs`` are (ref word or None, hyp word or None, op code)."""

    utt: str
    pairs: List[Tuple[Optional[str], Optional[str], str]]
    hits: int
    substitutions: int
    deletions: int
    insertions: int

    @property
    def ref_words(self) -> int:
        return self.hits + self.substitutions + self.deletions

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions


@dataclass
class WerResult:
    """Totals over a set plus the per-utterance alignments (in reference order)."""

    utts: List[UttScore] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)  # references without hypothesis (scored as empty)
    extra: List[str] = field(default_factory=list)  # hypotheses without reference (not scored)

    def _sum(self, name: str) -> int:
        return sum(getattr(u, name) for u in self.utts)

    @property
    def hits(self) -> int:
        return self._sum("hits")

    @property
    def substitutions(self) -> int:
        return self._sum("substitutions")

    @property
    def deletions(self) -> int:
        return self._sum("deletions")

    @property
    def insertions(self) -> int:
        return self._sum("insertions")

    @property
    def ref_words(self) -> int:
        return self._sum("ref_words")

    @property
    def errors(self) -> int:
        return self._sum("errors")

    @property
    def wer(self) -> float:
        """Percent; insertions against an empty reference set count as 100 % each."""
        if self.ref_words == 0:
            return 100.0 * (self.errors > 0)
        return 100.0 * self.errors / self.ref_words

    @property
    def sentence_errors(self) -> int:
        return sum(1 for u in self.utts if u.errors)

    @property
    def ser(self) -> float:
        return 100.0 * self.sentence_errors / len(self.utts) if self.utts else 0.0

    def summary(self) -> str:
        return (
            f"%WER {self.wer:.2f} [ {self.errors} / {self.ref_words}, {self.insertions} ins, "
            f"{self.deletions} del, {self.substitutions} sub ]"
        )


def _words(text: str) -> List[str]:
    return text.split()


def score_wer(refs: Mapping[str, str], hyps: Mapping[str, str], *, where: str = "<hyp>") -> WerResult:
    """Align ``hyps`` (utt -> text) with ``refs`` (utt -> text); words are whitespace-separated tokens.

    ``where`` names the hypothesis file in the warnings about missing and extra utterances.
    """
    result = WerResult()
    utts = list(refs)
    result.missing = [u for u in utts if u not in hyps]
    result.extra = [u for u in hyps if u not in refs]
    if result.missing:
        logger.warning("%s: %d of %d reference utterances have no hypothesis (scored as empty), e.g. %s",
                       where, len(result.missing), len(utts), ", ".join(result.missing[:5]))
    if result.extra:
        logger.warning("%s: %d hypotheses have no reference and are not scored, e.g. %s",
                       where, len(result.extra), ", ".join(result.extra[:5]))
    if not utts:
        return result
    ref_words = [_words(refs[u]) for u in utts]
    hyp_words = [_words(hyps.get(u, "")) for u in utts]
    # jiwer wants strings; joined word lists keep our whitespace tokenisation.
    out = jiwer.process_words([" ".join(w) for w in ref_words], [" ".join(w) for w in hyp_words])
    for utt, ref, hyp, chunks in zip(utts, ref_words, hyp_words, out.alignments):
        pairs: List[Tuple[Optional[str], Optional[str], str]] = []
        counts = {"equal": 0, "substitute": 0, "delete": 0, "insert": 0}
        for c in chunks:
            n_ref, n_hyp = c.ref_end_idx - c.ref_start_idx, c.hyp_end_idx - c.hyp_start_idx
            n = max(n_ref, n_hyp)
            counts[c.type] += n
            for k in range(n):
                r = ref[c.ref_start_idx + k] if k < n_ref else None
                h = hyp[c.hyp_start_idx + k] if k < n_hyp else None
                pairs.append((r, h, _OP_CODE[c.type]))
        result.utts.append(UttScore(utt, pairs, counts["equal"], counts["substitute"], counts["delete"],
                                    counts["insert"]))
    return result


def format_alignment(u: UttScore) -> str:
    """The four sclite lines (Scores/REF/HYP/Eval) of one utterance, columns padded to the longest word."""
    refs, hyps, evals = [], [], []
    for r, h, op in u.pairs:
        r = r if r is not None else "*" * max(1, len(h or ""))
        h = h if h is not None else "*" * max(1, len(r))
        width = max(len(r), len(h), 1)
        refs.append(r.ljust(width))
        hyps.append(h.ljust(width))
        evals.append(op.ljust(width))
    return (
        f"id: ({u.utt})\n"
        f"Scores: (#C #S #D #I) {u.hits} {u.substitutions} {u.deletions} {u.insertions}\n"
        f"REF:  {' '.join(refs).rstrip()}\n"
        f"HYP:  {' '.join(hyps).rstrip()}\n"
        f"Eval: {' '.join(evals).rstrip()}\n"
    )


def write_result(result: WerResult, out_dir: PathLike, *, ref_file: str = "", hyp_file: str = "") -> Path:
    """Write ``out_dir/result.txt`` (totals, then every utterance's alignment); returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    if ref_file or hyp_file:
        lines.append(f"REF file: {ref_file}\nHYP file: {hyp_file}\n")
    lines.append(result.summary() + "\n")
    lines.append(f"%SER {result.ser:.2f} [ {result.sentence_errors} / {len(result.utts)} ]\n")
    lines.append(
        f"Scored {len(result.utts)} sentences, {result.ref_words} reference words; "
        f"{len(result.missing)} without hypothesis (scored as empty), {len(result.extra)} extra hypotheses\n"
    )
    if result.missing:
        lines.append("Missing hypotheses: " + " ".join(result.missing) + "\n")
    lines.append("\n")
    for u in result.utts:
        lines.append(format_alignment(u) + "\n")
    path = out_dir / "result.txt"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path


def char_errors(refs: Mapping[str, str], hyps: Mapping[str, str]) -> Dict[str, Tuple[int, int]]:
    """``utt -> (character errors, reference characters)``; a space is a character (ESPnet's CER).

    Words are re-joined with single spaces first, so the count does not depend on the files' spacing; an
    utterance without hypothesis is scored against an empty one.
    """
    utts = list(refs)
    ref_txt = [" ".join(_words(refs[u])) for u in utts]
    hyp_txt = [" ".join(_words(hyps.get(u, ""))) for u in utts]
    out: Dict[str, Tuple[int, int]] = {}
    scorable = [i for i, r in enumerate(ref_txt) if r]
    if scorable:
        proc = jiwer.process_characters([ref_txt[i] for i in scorable], [hyp_txt[i] or " " for i in scorable])
        for i, chunks in zip(scorable, proc.alignments):
            errs = 0
            for c in chunks:
                if c.type != "equal":
                    errs += max(c.ref_end_idx - c.ref_start_idx, c.hyp_end_idx - c.hyp_start_idx)
            # jiwer cannot take an empty hypothesis: one space stood in for it, which is not an error
            if not hyp_txt[i]:
                errs = len(ref_txt[i])
            out[utts[i]] = (errs, len(ref_txt[i]))
    for i, r in enumerate(ref_txt):
        if not r:
            out[utts[i]] = (len(hyp_txt[i]), 0)
    return out


def write_utt_errors(result: WerResult, chars: Mapping[str, Tuple[int, int]], out_dir: PathLike) -> Path:
    """``out_dir/utt_errors.tsv``: per utterance, reference words, word errors, reference chars, char errors.

    These are the paired per-utterance numbers the study's significance tests read.
    """
    path = Path(out_dir) / "utt_errors.tsv"
    lines = ["utt\tref_words\tword_errors\tref_chars\tchar_errors\n"]
    for u in result.utts:
        c_err, c_ref = chars.get(u.utt, (0, 0))
        lines.append(f"{u.utt}\t{u.ref_words}\t{u.errors}\t{c_ref}\t{c_err}\n")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path


def wer_table(result: WerResult) -> Dict[str, Union[int, float]]:
    """The numbers of a RESULTS.md row: sentences, words, corr/sub/del/ins/err (percent), S.Err."""
    n = max(result.ref_words, 1)
    return {
        "snt": len(result.utts),
        "wrd": result.ref_words,
        "corr": 100.0 * result.hits / n,
        "sub": 100.0 * result.substitutions / n,
        "del": 100.0 * result.deletions / n,
        "ins": 100.0 * result.insertions / n,
        "err": result.wer,
        "serr": result.ser,
    }
