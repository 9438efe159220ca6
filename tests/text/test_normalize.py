"""mmpt.text.normalize: LRS3 / other transcripts in LibriSpeech's written form."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError
from mmpt.text.normalize import librispeech_form, normalize_data_dir


@pytest.mark.parametrize("text, expected", [
    ("Don't  stop—it's 5 o'clock!", "DON'T STOP IT'S 5 O'CLOCK"),
    ("THE FISHERMAN OFTEN WRITES", "THE FISHERMAN OFTEN WRITES"),
    ("'quoted' words, rock'n'roll", "QUOTED WORDS ROCK'N'ROLL"),
    ("l’été café", "L'ÉTÉ CAFÉ"),
    (" -- ... ", ""),
])
def test_librispeech_form(text: str, expected: str):
    assert librispeech_form(text) == expected


def test_normalize_data_dir(tmp_path: Path):
    d = tmp_path / "train"
    d.mkdir()
    (d / "wav.scp").write_text("a-1 /x/1.wav\na-2 /x/2.wav\nb-3 /x/3.wav\n")
    (d / "utt2spk").write_text("a-1 a\na-2 a\nb-3 b\n")
    (d / "text").write_text("a-1 Hello, world!\na-2 ...\nb-3 IT'S FINE\n")
    assert normalize_data_dir(d) == (2, ["a-2"])
    out = DataDir.load(d)
    assert out.text == {"a-1": "HELLO WORLD", "b-3": "IT'S FINE"} and set(out.wav_scp) == {"a-1", "b-3"}
    mtime = (d / "text").stat().st_mtime_ns
    assert normalize_data_dir(d) == (2, [])  # already normalised: nothing rewritten
    assert (d / "text").stat().st_mtime_ns == mtime
    (d / "text").unlink()
    with pytest.raises(DataError, match="no transcripts"):
        normalize_data_dir(d)
