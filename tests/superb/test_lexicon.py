"""The espeak-ng PR lexicon: batched pronunciation equals word-by-word pronunciation, file format, reuse."""
from __future__ import annotations

import pytest

from mmpt.data.errors import DataError
from mmpt.superb import lexicon as lex
from mmpt.superb.libriphone import read_lexicon, write_phone_vocab

# function words (reduced in context), an apostrophe, an abbreviation espeak-ng expands, homographs
WORDS = ["THE", "A", "AN", "OF", "HELLO", "WORLD", "DON'T", "O'ER", "MR", "READ", "LIVE", "NIGHTFALL", "I", "ST"]


def test_batch_equals_word_by_word(espeak):
    batched = lex.phonemize_batch(WORDS)
    single = [lex._phonemize_one(w, lex.DEFAULT_LANG) for w in WORDS]
    assert batched == single
    assert batched[WORDS.index("HELLO")] == ["h", "@", "l", "oU"]
    assert all(batched)


def test_g2p_batches_and_workers_agree(espeak):
    one = lex.g2p(WORDS, batch_size=5, nj=1)
    two = lex.g2p(WORDS, batch_size=4, nj=2)
    assert one == two
    assert list(one) == WORDS


def test_batch_rejects_white_space():
    with pytest.raises(ValueError):
        lex.phonemize_batch(["TWO WORDS"])


def test_transcript_words(tmp_path):
    (tmp_path / "a").write_text("u1 HELLO WORLD\nu2 THE WORLD\n\n")
    (tmp_path / "b").write_text("u3 ZEBRA A\nu4\n")
    assert lex.transcript_words([tmp_path / "a", tmp_path / "b"]) == ["A", "HELLO", "THE", "WORLD", "ZEBRA"]
    with pytest.raises(DataError, match="not found"):
        lex.transcript_words([tmp_path / "missing"])


def test_build_lexicon_file_and_reuse(espeak, tmp_path, monkeypatch):
    text = tmp_path / "text"
    text.write_text("u1 HELLO WORLD\nu2 THE WORLD DON'T\n")
    out = tmp_path / "lexicon.txt"
    res = lex.build_lexicon([text], out)
    assert (res.num_words, res.num_new) == (4, 4)
    lines = out.read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["DON'T", "HELLO", "THE", "WORLD"]  # byte order, words as written
    assert read_lexicon([out])["HELLO"] == ["h", "@", "l", "oU"]
    assert out.with_name("lexicon.txt.meta").read_text().startswith("espeak-ng ")
    phones = write_phone_vocab([out], tmp_path / "phones.txt")
    assert phones == res.phones

    # a second run phonemizes only what is new, and drops what is gone
    calls = []
    real = lex.g2p
    monkeypatch.setattr(lex, "g2p", lambda words, *a, **k: calls.append(list(words)) or real(words, *a, **k))
    mtime = out.stat().st_mtime_ns
    assert lex.build_lexicon([text], out).num_new == 0
    assert calls == [] and out.stat().st_mtime_ns == mtime
    text.write_text("u1 HELLO WORLD\nu2 GOODBYE\n")
    res = lex.build_lexicon([text], out)
    assert calls == [["GOODBYE"]] and res.num_words == 3
    assert sorted(read_lexicon([out])) == ["GOODBYE", "HELLO", "WORLD"]

    # another espeak-ng voice: everything again
    out.with_name("lexicon.txt.meta").write_text("espeak-ng 0.0 xx\n")
    assert lex.build_lexicon([text], out).num_new == 3


def test_empty_transcripts(tmp_path):
    (tmp_path / "text").write_text("u1\n")
    with pytest.raises(DataError, match="no words"):
        lex.build_lexicon([tmp_path / "text"], tmp_path / "lexicon.txt")
