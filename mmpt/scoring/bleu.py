"""Corpus BLEU and chrF of translations (``sacrebleu``), on detokenised, true-cased text.

``score_bleu(refs, hyps)`` pairs hypotheses with references by utterance id (a reference without
hypothesis is scored as an empty translation and counted in ``missing``; a hypothesis without reference is
counted in ``extra`` and left out). ``write_result`` writes ``result.txt``: the scores with sacrebleu's
signatures, then every utterance with its sentence BLEU.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Mapping, Tuple, Union

import sacrebleu

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


@dataclass
class BleuResult:
    """Corpus scores (percent) and the scored (utt, ref, hyp) triples, in reference order."""

    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    bleu_detail: str  # sacrebleu's one-line summary (n-gram precisions, brevity penalty, lengths)
    pairs: List[Tuple[str, str, str]] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    extra: List[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"BLEU {self.bleu:.2f} chrF {self.chrf:.2f} ({len(self.pairs)} sentences)"


def score_bleu(
    refs: Mapping[str, str], hyps: Mapping[str, str], *, tokenize: str = "13a", lowercase: bool = False,
    where: str = "<hyp>",
) -> BleuResult:
    """Corpus BLEU (sacrebleu ``tokenize``, case-sensitive unless ``lowercase``) and chrF."""
    utts = list(refs)
    missing = [u for u in utts if u not in hyps]
    extra = [u for u in hyps if u not in refs]
    if missing:
        logger.warning("%s: %d of %d references have no hypothesis (scored as empty), e.g. %s",
                       where, len(missing), len(utts), ", ".join(missing[:5]))
    if extra:
        logger.warning("%s: %d hypotheses have no reference and are not scored, e.g. %s",
                       where, len(extra), ", ".join(extra[:5]))
    ref_list = [refs[u].strip() for u in utts]
    hyp_list = [hyps.get(u, "").strip() for u in utts]
    bleu = sacrebleu.BLEU(tokenize=tokenize, lowercase=lowercase)
    chrf = sacrebleu.CHRF(lowercase=lowercase)
    b = bleu.corpus_score(hyp_list, [ref_list])
    c = chrf.corpus_score(hyp_list, [ref_list])
    return BleuResult(
        bleu=float(b.score),
        chrf=float(c.score),
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
        bleu_detail=str(b),
        pairs=list(zip(utts, ref_list, hyp_list)),
        missing=missing,
        extra=extra,
    )


def write_result(result: BleuResult, out_dir: PathLike, *, ref_file: str = "", hyp_file: str = "") -> Path:
    """Write ``out_dir/result.txt``; returns its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sent_bleu = sacrebleu.BLEU(effective_order=True)
    lines = []
    if ref_file or hyp_file:
        lines.append(f"REF file: {ref_file}\nHYP file: {hyp_file}\n")
    lines += [
        f"{result.bleu_detail}\n",
        f"BLEU signature: {result.bleu_signature}\n",
        f"chrF2 = {result.chrf:.2f}  (signature: {result.chrf_signature})\n",
        f"Scored {len(result.pairs)} sentences; {len(result.missing)} without hypothesis (scored as empty), "
        f"{len(result.extra)} extra hypotheses\n\n",
    ]
    for utt, ref, hyp in result.pairs:
        sb = sent_bleu.sentence_score(hyp, [ref]).score
        lines.append(f"id: ({utt})\nsentence BLEU: {sb:.2f}\nREF: {ref}\nHYP: {hyp}\n\n")
    path = out_dir / "result.txt"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path
