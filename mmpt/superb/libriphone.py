"""SUPERB PR (phone recognition) corpus for s3prl's ``ctc`` downstream: what the PyPI s3prl lacks.

s3prl 0.4.18's ``downstream/ctc/data.py`` imports ``.corpus.libriphone.LibriPhoneDataset`` for
``corpus.name: libriphone``, but the PyPI wheel ships neither the ``corpus`` package nor the lexicon and
phone vocabulary files. :func:`mmpt.superb.compat.install_ctc_corpus` registers this module under that
name; the recipe writes the files with the helpers here:

* ``<csv_dir>/{train,dev,test}.csv``: columns ``wav_path,transcription`` (:func:`write_split_csv` from a
  Kaldi data dir; relative ``wav_path`` values are taken relative to ``csv_dir``);
* lexicon files (``corpus.lexicon``): ``WORD PH1 PH2 ...`` per line (tab or spaces), e.g. the LibriSpeech
  ARPAbet lexicon, or one written with espeak-ng for the embedded corpus; the first pronunciation of a
  word is used, as in s3prl;
* the phone vocabulary (``text.vocab_file``, ``text.mode: word``): one phone per line
  (:func:`write_phone_vocab`, the sorted phones of the lexicons).

Unlike s3prl's original, bad input fails with the file and the problem: a phone missing from the
vocabulary, a transcript word missing from the lexicon (all of them listed), a csv without its columns.
"""
from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple, Union

from torch.utils.data import Dataset

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
CSV_COLUMNS = ("wav_path", "transcription")
SPECIAL_TOKENS = ("<pad>", "<eos>", "<unk>")  # s3prl's text encoders add these in front of the vocab


def read_lexicon(paths: Iterable[PathLike]) -> Dict[str, List[str]]:
    """word -> its first pronunciation (list of phones) over all lexicon files, in order."""
    lexicon: Dict[str, List[str]] = {}
    variants = 0
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise DataError(path, "lexicon file not found")
        with path.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) < 2:
                    raise DataError(path, f"line {lineno}: expected 'WORD PHONE ...', got {line.strip()!r}")
                word, phones = fields[0], fields[1:]
                if word in lexicon:
                    variants += 1
                    continue
                lexicon[word] = phones
    if variants:
        logger.info("lexicon: %d alternative pronunciations ignored (the first one is used)", variants)
    return lexicon


def write_phone_vocab(lexicons: Iterable[PathLike], out: PathLike) -> List[str]:
    """Write the phones of the lexicons, one per line (byte order), as s3prl's ``vocab_file``."""
    phones = sorted({p for pron in read_lexicon(lexicons).values() for p in pron}, key=lambda p: p.encode())
    clash = [p for p in phones if p in SPECIAL_TOKENS]
    if clash:
        raise DataError(out, f"phones {clash} clash with s3prl's special tokens {list(SPECIAL_TOKENS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{p}\n" for p in phones), encoding="utf-8")
    return phones


def write_split_csv(data_dir: PathLike, out: PathLike) -> int:
    """Write ``wav_path,transcription`` for a Kaldi data dir (``wav.scp`` of plain files, ``text``).

    Returns:
        the number of rows. Raises DataError for segments, piped wav.scp entries or missing transcripts.
    """
    from mmpt.data.datadir import DataDir

    d = DataDir.load(data_dir)
    if d.segments:
        raise DataError(Path(data_dir) / "segments", "PR needs one file per utterance; segments are not supported")
    if not d.wav_scp or not d.text:
        raise DataError(data_dir, "needs wav.scp and text")
    rows: List[Tuple[str, str]] = []
    for utt in d.utt_ids():
        wav = d.wav_scp.get(utt)
        if wav is None or wav.rstrip().endswith("|"):
            raise DataError(Path(data_dir) / "wav.scp", "missing or piped entry; PR reads plain audio files", key=utt)
        if utt not in d.text:
            raise DataError(Path(data_dir) / "text", "no transcript", key=utt)
        rows.append((str(Path(wav).resolve()), d.text[utt]))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
    return len(rows)


def _read_split_csv(path: Path) -> List[Tuple[str, str]]:
    if not path.is_file():
        raise DataError(path, "split csv not found")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(path, f"missing column(s) {missing}; expected {list(CSV_COLUMNS)}")
        rows = []
        for lineno, row in enumerate(reader, 2):
            wav = (row["wav_path"] or "").strip()
            if not wav:
                raise DataError(path, f"line {lineno}: empty wav_path")
            wav_path = Path(wav) if Path(wav).is_absolute() else path.parent / wav
            rows.append((str(wav_path), row["transcription"] or ""))
    if not rows:
        raise DataError(path, "no utterances")
    return rows


class LibriPhoneDataset(Dataset):
    """Utterances with their phone ids, sorted by length and served in buckets (s3prl's contract).

    Args:
        split_csv: csv file name inside ``csv_dir`` (``corpus.train`` / ``dev`` / ``test``).
        tokenizer: s3prl ``WordTextEncoder`` over the phone vocabulary.
        bucket_size: utterances per item (the batch size when bucketing; 1 otherwise).
        lexicon: lexicon files.
        csv_dir: directory of the split csvs.
        ascending: sort by increasing target length (default: decreasing, as s3prl).
    """

    def __init__(
        self,
        split_csv: str,
        tokenizer: Any,
        bucket_size: int,
        lexicon: Sequence[PathLike],
        csv_dir: PathLike,
        ascending: bool = False,
        **kwargs: Any,
    ):
        self.bucket_size = max(1, int(bucket_size))
        if isinstance(lexicon, (str, Path)):
            lexicon = [lexicon]
        word2phones = read_lexicon(lexicon)
        unknown_phones = sorted(
            {p for pron in word2phones.values() for p in pron if tokenizer.vocab_to_idx(p) == tokenizer.unk_idx}
        )
        if unknown_phones:
            raise DataError(
                ", ".join(map(str, lexicon)), f"phones missing from the vocabulary: {' '.join(unknown_phones)}"
            )
        csv_path = Path(csv_dir) / split_csv
        rows = _read_split_csv(csv_path)
        oov = sorted({w for _, text in rows for w in text.split() if w not in word2phones})
        if oov:
            shown = " ".join(oov[:20]) + (f" (+{len(oov) - 20} more)" if len(oov) > 20 else "")
            raise DataError(csv_path, f"{len(oov)} transcript word(s) missing from the lexicon: {shown}")
        items = []
        for wav, text in rows:
            phones = [p for w in text.split() for p in word2phones[w]]
            items.append((wav, tokenizer.encode(" ".join(phones))))
        items.sort(key=lambda item: len(item[1]), reverse=not ascending)
        self.file_list = [wav for wav, _ in items]
        self.text = [ids for _, ids in items]
        logger.info("%s: %d utterances", csv_path, len(self.file_list))

    def __getitem__(self, index: int):
        if self.bucket_size > 1:
            start = max(0, min(len(self.file_list) - self.bucket_size, index))
            end = start + self.bucket_size
            return list(zip(self.file_list[start:end], self.text[start:end]))
        return self.file_list[index], self.text[index]

    def __len__(self) -> int:
        return len(self.file_list)
