"""Sentencepiece units: model training, espnet2 token list, shape files, the CLI's up-to-date check."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmpt.bin import tokens as tokens_cli
from mmpt.data.errors import DataError
from mmpt.text.tokens import read_text, read_token_list, text_shapes, token_list_from_model, train_sentencepiece

TEXT = "\n".join(
    f"utt{i:02d} {s}" for i, s in enumerate(
        ["the cat sat on the mat", "a dog ran in the park", "the cat ran", "dogs and cats sat",
         "on the mat the dog sat", "in the park a cat", "THE END", "mat park cat dog"] * 3)
) + "\n"


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    p = tmp_path / "text"
    p.write_text(TEXT)
    return p


def test_train_list_and_shapes(tmp_path: Path, text_file: Path):
    import sentencepiece as spm

    model = train_sentencepiece(list(read_text(text_file).values()), tmp_path / "bpe", 30, "unigram")
    tokens = token_list_from_model(model)
    assert tokens[0] == "<blank>" and tokens[1] == "<unk>" and tokens[-1] == "<sos/eos>"
    assert len(tokens) == len(set(tokens))
    sp = spm.SentencePieceProcessor(model_file=str(model))
    assert len(tokens) == sp.get_piece_size() + 2  # <unk> kept once, <blank> and <sos/eos> added
    shapes = text_shapes({"x": "the cat sat", "y": ""}, model, len(tokens))
    assert shapes["x"] == f"{len(sp.encode('the cat sat', out_type=str))},{len(tokens)}"
    assert shapes["y"] == f"0,{len(tokens)}"


def test_vocab_size_is_a_soft_limit(tmp_path: Path, text_file: Path, caplog):
    model = train_sentencepiece(list(read_text(text_file).values()), tmp_path / "big", 5000, "bpe")
    assert 2 < len(token_list_from_model(model)) < 5000
    assert "fewer than the 5000 asked for" in caplog.text


def test_errors(tmp_path: Path):
    with pytest.raises(DataError, match="no non-empty sentence"):
        train_sentencepiece(["", "  "], tmp_path / "m", 10)
    bad = tmp_path / "dup"
    bad.write_text("u1 a\nu1 b\n")
    with pytest.raises(DataError, match="duplicated utterance id"):
        read_text(bad)


def test_cli_train_is_resumable_and_shapes(tmp_path: Path, text_file: Path, capsys):
    out = tmp_path / "bpe_unigram30"
    args = ["train", "--text", str(text_file), "--nbpe", "30", "--out_dir", str(out)]
    assert tokens_cli.main(args) == 0
    assert (out / "bpe.model").is_file() and read_token_list(out / "tokens.txt")[0] == "<blank>"
    mtime = (out / "bpe.model").stat().st_mtime_ns
    capsys.readouterr()
    assert tokens_cli.main(args) == 0
    assert "up to date" in capsys.readouterr().out and (out / "bpe.model").stat().st_mtime_ns == mtime
    text_file.write_text(TEXT + "utt99 new words here\n")  # changed text -> retrained
    assert tokens_cli.main(args) == 0 and "up to date" not in capsys.readouterr().out

    shape = tmp_path / "stats" / "text_shape.bpe"
    assert tokens_cli.main(["shapes", "--bpemodel", str(out / "bpe.model"), "--token_list",
                            str(out / "tokens.txt"), "--pair", f"{text_file}={shape}"]) == 0
    lines = shape.read_text().splitlines()
    assert len(lines) == 25 and lines[0].startswith("utt00 ")
    assert tokens_cli.main(["train", "--text", str(tmp_path / "none"), "--nbpe", "3", "--out_dir", str(out)]) == 1
    assert "text file not found" in capsys.readouterr().err
