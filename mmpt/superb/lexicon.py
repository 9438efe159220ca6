"""Word -> phone lexicon for SUPERB PR (phone recognition), from espeak-ng's grapheme-to-phoneme rules.

SUPERB's PR task maps LibriSpeech transcripts to phones with s3prl's lexicons (the LibriSpeech lexicon,
CMUdict-style ARPAbet, completed with a g2p model: ``librispeech-lexicon-200k-g2p.txt`` and
``librispeech-lexicon-allothers-g2p.txt``). They cannot be downloaded here, so mmpt builds a lexicon with
espeak-ng, for the real LibriSpeech and for the embedded corpus alike (whose audio espeak-ng spoke, so its
phones are the ones actually produced): every transcript word, lower-cased, is pronounced by espeak-ng on
its own (as a one-word sentence) and its phones are espeak-ng's ASCII phoneme mnemonics
(:func:`mmpt.text.espeak.phonemize`: ``hello`` -> ``h @ l oU``). The phone set is therefore espeak-ng's
(about 50 English phones, vowel reductions such as ``@2``/``I2`` kept distinct), **not** the CMU/ARPAbet set
SUPERB uses: PER numbers from this lexicon are not comparable with published SUPERB PER.

The file format is what :func:`mmpt.superb.libriphone.read_lexicon` reads: ``WORD PH1 PH2 ...`` per line,
``LC_ALL=C`` order, the word exactly as it appears in the transcripts. A sidecar ``<lexicon>.meta`` records
the espeak-ng version and voice, so that re-running keeps the existing entries (only new words are
phonemized) unless either changed.

Speed: one espeak-ng call per word costs ~45 ms (a forked synthesis). Words are therefore pronounced in
batches (``batch_size`` words, each followed by `` .`` and a line break, which makes each an independent
sentence), and the phones of each word are those espeak-ng timed inside that word's span. A batch whose
word spans do not match its words one to one (espeak-ng split or merged a word) is redone word by word.

Command line::

    python -m mmpt.superb.lexicon --text data/pr/train_clean_100/text --text data/pr/dev_clean/text \\
        --out data/pr/lexicon.txt [--lang en] [--nj 2]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import logging
import multiprocessing
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
DEFAULT_LANG = "en"  # mmpt.text.espeak: a language code means its first accent (en -> en-us)
DEFAULT_BATCH = 100
# Each word of a batch is its own sentence (the period is detached from the word, so that espeak-ng
# does not read "st." as "saint"); with ". " between words espeak-ng links and reduces across them.
WORD_SEPARATOR = " .\n"


@dataclass
class LexiconResult:
    """What :func:`build_lexicon` wrote."""

    path: Path
    num_words: int
    num_new: int  # words phonemized in this run (the others were kept from the existing lexicon)
    phones: List[str] = field(default_factory=list)


def transcript_words(text_files: Iterable[PathLike]) -> List[str]:
    """The distinct words of Kaldi ``text`` files (``<utt-id> <words>``), in byte order."""
    words = set()
    for path in text_files:
        path = Path(path)
        if not path.is_file():
            raise DataError(path, "transcript file not found")
        with path.open(encoding="utf-8") as f:
            for line in f:
                words.update(line.split()[1:])
    return sorted(words, key=lambda w: w.encode("utf-8"))


def _phonemize_one(word: str, lang: str) -> List[str]:
    from mmpt.text.espeak import EspeakError, phonemize

    try:
        return phonemize(word.lower(), lang)
    except (EspeakError, ValueError) as exc:
        raise DataError("espeak-ng", f"cannot phonemize {word!r}: {exc}", key=word) from None


def phonemize_batch(words: Sequence[str], lang: str = DEFAULT_LANG) -> List[List[str]]:
    """espeak-ng phones of each word, pronounced in isolation (one espeak-ng call for the whole batch).

    Returns:
        one phone list per word, in order. Raises DataError naming a word espeak-ng gives no phones for.
    """
    from mmpt.text.espeak import EspeakError, synthesize

    if not words:
        return []
    if any(not w or any(c.isspace() for c in w) for w in words):
        raise ValueError("words must be non-empty and contain no white space")
    text = WORD_SEPARATOR.join(w.lower() for w in words) + WORD_SEPARATOR.rstrip()
    try:
        utt = synthesize(text, lang, pad=0.0)
    except (EspeakError, ValueError):
        utt = None
    if utt is not None and len(utt.words) == len(words):
        out: List[List[str]] = []
        for span in utt.words:
            # a phone belongs to the word whose span holds its middle (spans are built from the phones)
            out.append([p.phone for p in utt.phones if span.start <= (p.start + p.end) / 2 <= span.end])
        if all(out):
            return out
    logger.debug("batch of %d words starting with %r: spans do not match, phonemizing word by word",
                 len(words), words[0])
    return [_phonemize_one(w, lang) for w in words]


def _batch_job(args: Tuple[List[str], str]) -> List[List[str]]:
    words, lang = args
    return phonemize_batch(words, lang)


def g2p(words: Sequence[str], lang: str = DEFAULT_LANG, batch_size: int = DEFAULT_BATCH, nj: int = 1
        ) -> Dict[str, List[str]]:
    """word -> espeak-ng phones for every word (``nj`` worker processes, ``batch_size`` words per call)."""
    words = list(dict.fromkeys(words))
    batches = [words[i:i + batch_size] for i in range(0, len(words), max(1, batch_size))]
    results: List[List[List[str]]] = []
    if nj <= 1 or len(batches) <= 1:
        for i, batch in enumerate(batches):
            results.append(phonemize_batch(batch, lang))
            if (i + 1) % 50 == 0:
                logger.info("espeak-ng: %d / %d words", min(len(words), (i + 1) * batch_size), len(words))
    else:
        # spawn: the workers initialise their own espeak-ng (it keeps state in C statics)
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=nj, mp_context=ctx) as pool:
            results = list(pool.map(_batch_job, [(b, lang) for b in batches]))
    return {w: phones for batch, res in zip(batches, results) for w, phones in zip(batch, res)}


def espeak_voice_tag(lang: str) -> str:
    """``espeak-ng <version> <lang>``: what the lexicon's pronunciations depend on."""
    from mmpt.text.espeak import espeak_version

    return f"espeak-ng {espeak_version()} {lang}"


def write_lexicon(lexicon: Dict[str, List[str]], out: PathLike) -> None:
    """Write ``WORD PH1 PH2 ...`` lines in byte order of the words (atomically)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for word in sorted(lexicon, key=lambda w: w.encode("utf-8")):
            f.write(f"{word} {' '.join(lexicon[word])}\n")
    tmp.replace(out)


def build_lexicon(text_files: Sequence[PathLike], out: PathLike, lang: str = DEFAULT_LANG, nj: int = 1,
                  batch_size: int = DEFAULT_BATCH) -> LexiconResult:
    """The espeak-ng lexicon of every word of ``text_files`` in ``out`` (and ``out.meta``).

    Entries of an existing ``out`` made with the same espeak-ng version and voice are kept; only the new
    words are phonemized, and words no longer in the transcripts are dropped.
    """
    from mmpt.superb.libriphone import read_lexicon

    out = Path(out)
    meta = out.with_name(out.name + ".meta")
    words = transcript_words(text_files)
    if not words:
        raise DataError(", ".join(map(str, text_files)), "no words in the transcripts")
    tag = espeak_voice_tag(lang)
    known: Dict[str, List[str]] = {}
    if out.is_file() and meta.is_file() and meta.read_text(encoding="utf-8").strip() == tag:
        known = read_lexicon([out])
    missing = [w for w in words if w not in known]
    if missing:
        logger.info("%s: phonemizing %d words with %s (%d kept from the existing lexicon)", out, len(missing),
                    tag, len(words) - len(missing))
        known.update(g2p(missing, lang, batch_size, nj))
    lexicon = {w: known[w] for w in words}
    if missing or len(known) != len(lexicon) or not out.is_file():  # else: the file holds exactly these
        write_lexicon(lexicon, out)
    if not meta.is_file() or meta.read_text(encoding="utf-8").strip() != tag:
        meta.write_text(tag + "\n", encoding="utf-8")
    phones = sorted({p for pron in lexicon.values() for p in pron}, key=lambda p: p.encode())
    logger.info("%s: %d words, %d phones (%s)", out, len(lexicon), len(phones), " ".join(phones))
    return LexiconResult(out, len(lexicon), len(missing), phones)


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.superb.lexicon",
                                description="espeak-ng phone lexicon of the words of Kaldi text files (SUPERB PR).")
    p.add_argument("--text", action="append", required=True, type=Path, help="a Kaldi text file (repeatable)")
    p.add_argument("--out", required=True, type=Path, help="the lexicon to write")
    p.add_argument("--lang", default=DEFAULT_LANG, help="espeak-ng language or voice (default: %(default)s)")
    p.add_argument("--nj", type=int, default=1, help="worker processes")
    p.add_argument("--batch_size", type=int, default=DEFAULT_BATCH, help="words per espeak-ng call")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s (%(module)s:%(lineno)d) %(levelname)s: %(message)s")
    from mmpt.text.espeak import EspeakNotFoundError

    try:
        build_lexicon(args.text, args.out, args.lang, args.nj, args.batch_size)
    except (DataError, EspeakNotFoundError) as exc:
        logger.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
