"""PR corpus: lexicon, phone vocabulary, split csvs, and s3prl's ctc data path through them."""
from __future__ import annotations

import csv

import numpy as np
import pytest
import soundfile as sf

from mmpt.data.datadir import write_kv
from mmpt.data.errors import DataError
from mmpt.superb import compat, libriphone

LEXICON = "HELLO HH AH0 L OW1\nWORLD W ER1 L D\nHELLO HH EH0 L OW1\nA AH0\n"
TEXTS = {"u1": "HELLO WORLD", "u2": "A WORLD", "u3": "HELLO", "u4": "A"}


@pytest.fixture
def corpus(tmp_path):
    """csv_dir with train/dev/test csvs of 4 wavs, a lexicon and the phone vocabulary."""
    (tmp_path / "lexicon.txt").write_text(LEXICON)
    libriphone.write_phone_vocab([tmp_path / "lexicon.txt"], tmp_path / "phones.txt")
    data = tmp_path / "data"
    data.mkdir()
    wav_scp = {}
    for i, utt in enumerate(TEXTS):
        path = tmp_path / f"{utt}.wav"
        sf.write(path, np.full(1600 * (i + 1), 0.1, dtype=np.float32), 16000, subtype="PCM_16")
        wav_scp[utt] = str(path)
    write_kv(data / "wav.scp", wav_scp)
    write_kv(data / "text", TEXTS)
    write_kv(data / "utt2spk", {u: "spk" for u in TEXTS})
    csv_dir = tmp_path / "csv"
    for split in ("train", "dev", "test"):
        assert libriphone.write_split_csv(data, csv_dir / f"{split}.csv") == 4
    return tmp_path


def _tokenizer(path):
    from s3prl.downstream.ctc.text import load_text_encoder

    return load_text_encoder("word", str(path))


def test_vocab_and_lexicon(corpus):
    assert (corpus / "phones.txt").read_text().split("\n")[:-1] == ["AH0", "D", "ER1", "HH", "L", "OW1", "W"]
    lexicon = libriphone.read_lexicon([corpus / "lexicon.txt"])
    assert lexicon["HELLO"] == ["HH", "AH0", "L", "OW1"]  # the first pronunciation wins


def test_split_csv(corpus):
    with open(corpus / "csv" / "train.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["transcription"] for r in rows] == list(TEXTS.values())
    assert rows[0]["wav_path"] == str((corpus / "u1.wav").resolve())


def test_dataset_buckets_by_length(corpus):
    tokenizer = _tokenizer(corpus / "phones.txt")
    ds = libriphone.LibriPhoneDataset("train.csv", tokenizer, 3, [str(corpus / "lexicon.txt")], corpus / "csv")
    assert len(ds) == 4
    assert tokenizer.decode(ds.text[0]) == "HH AH0 L OW1 W ER1 L D"  # longest first
    assert [len(b) for b in (ds[0], ds[3])] == [3, 3]  # the last items still give a full bucket
    small = libriphone.LibriPhoneDataset("train.csv", tokenizer, 16, [corpus / "lexicon.txt"], corpus / "csv")
    assert len(small[0]) == 4  # fewer utterances than a bucket: all of them, not an empty slice
    single = libriphone.LibriPhoneDataset("dev.csv", tokenizer, 1, [corpus / "lexicon.txt"], corpus / "csv")
    wav, ids = single[0]
    assert wav.endswith(".wav") and ids[-1] == tokenizer.eos_idx


def test_errors(corpus, tmp_path):
    tokenizer = _tokenizer(corpus / "phones.txt")
    (tmp_path / "small.txt").write_text("HELLO HH AH0 L OW1\n")
    with pytest.raises(DataError, match="train.csv: 2 transcript word.*A WORLD"):
        libriphone.LibriPhoneDataset("train.csv", tokenizer, 1, [tmp_path / "small.txt"], corpus / "csv")
    (tmp_path / "odd.txt").write_text("HELLO HH AH0 L OW9\n")
    with pytest.raises(DataError, match="phones missing from the vocabulary: OW9"):
        libriphone.LibriPhoneDataset("train.csv", tokenizer, 1, [tmp_path / "odd.txt"], corpus / "csv")
    (corpus / "csv" / "bad.csv").write_text("path,text\nx,y\n")
    with pytest.raises(DataError, match=r"bad.csv: missing column\(s\) \['wav_path', 'transcription'\]"):
        libriphone.LibriPhoneDataset("bad.csv", tokenizer, 1, [corpus / "lexicon.txt"], corpus / "csv")
    (tmp_path / "broken.txt").write_text("HELLO\n")
    with pytest.raises(DataError, match="line 1"):
        libriphone.read_lexicon([tmp_path / "broken.txt"])


def test_s3prl_ctc_data_uses_it(corpus):
    """s3prl's own ctc/data.py finds the corpus where it imports it, and batches through it."""
    compat.install_ctc_corpus()
    from s3prl.downstream.ctc.corpus.libriphone import LibriPhoneDataset
    from s3prl.downstream.ctc.data import load_dataset

    assert LibriPhoneDataset is libriphone.LibriPhoneDataset
    tokenizer = _tokenizer(corpus / "phones.txt")
    conf = {
        "name": "libriphone",
        "csv_dir": str(corpus / "csv"),
        "lexicon": [str(corpus / "lexicon.txt")],
        "train": "train.csv",
        "dev": "dev.csv",
        "test": "test.csv",
        "bucketing": True,
        "batch_size": 2,
        "num_workers": 0,
    }
    loader = load_dataset("train", tokenizer, dict(conf))
    wavs, texts, files = next(iter(loader))
    assert len(wavs) == 2 and len(texts) == 2 and all(w.ndim == 1 for w in wavs)
    dev = load_dataset("dev", tokenizer, dict(conf))
    assert sum(len(batch[0]) for batch in dev) == 4
