"""Embedded LibriSpeech (tiny): parsed by mmpt.corpora.librispeech unchanged; speakers, text, audio, determinism."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import librispeech
from mmpt.data.datadir import DataDir
from mmpt.synth.presets import get_preset
from tests.synth.conftest_audio import generate, mtimes, tree_hashes

sf = pytest.importorskip("soundfile")
SPLITS = ("train-clean-100", "dev-clean", "dev-other", "test-clean", "test-other")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, espeak):
    out = tmp_path_factory.mktemp("librispeech")
    report = generate("librispeech", out)
    data = tmp_path_factory.mktemp("librispeech_data")
    librispeech.prepare(out / "librispeech" / "LibriSpeech", list(SPLITS), data)
    return out, report, {s: DataDir.load(data / librispeech.split_dir_name(s)) for s in SPLITS}


def test_parsed_back(corpus):
    _, report, dirs = corpus
    sizes = get_preset("tiny").sizes["librispeech"]
    for split, d in dirs.items():
        assert d.validate() == [], split
        assert len(d) == sizes[split]
        assert not (d.path / "excluded.txt").exists()
        for text in d.text.values():
            assert text == text.upper() and text.replace("'", "").replace(" ", "").isalpha()
    assert report.planned == sum(sizes[s] for s in SPLITS)


def test_speakers_disjoint_and_tables(corpus):
    out, _, dirs = corpus
    spk = {s: set(d.utt2spk.values()) for s, d in dirs.items()}
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1:]:
            assert not spk[a] & spk[b], (a, b)
    rows = [ln.split("|") for ln in (out / "librispeech/LibriSpeech/SPEAKERS.TXT").read_text().splitlines()
            if not ln.startswith(";")]
    table = {r[0].strip(): (r[1].strip(), r[2].strip(), float(r[3])) for r in rows}
    for split, readers in spk.items():
        for r in readers:
            sex, subset, minutes = table[r]
            assert sex in ("M", "F") and subset == split and minutes > 0
    chapters = [ln for ln in (out / "librispeech/LibriSpeech/CHAPTERS.TXT").read_text().splitlines()
                if not ln.startswith(";")]
    used = {u.rsplit("-", 1)[0].split("-")[1] for d in dirs.values() for u in d.utt_ids()}
    assert {c.split("|")[0].strip() for c in chapters} == used


def test_test_sentences_not_in_train(corpus):
    _, _, dirs = corpus
    train = " | ".join(dirs["train-clean-100"].text.values())
    held_out = [t for s in SPLITS[1:] for t in dirs[s].text.values()]
    assert len(set(held_out)) == len(held_out)
    for text in held_out:
        assert text not in train


def _noise_floor_db(path: str) -> float:
    """10th percentile of 20 ms frame energies relative to the loudest frame (dB)."""
    x, _ = sf.read(path, dtype="float32")
    frames = x[: len(x) // 320 * 320].reshape(-1, 320)
    e = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    return float(np.percentile(e, 10) - e.max())


def test_audio_format_and_other_condition(corpus):
    _, _, dirs = corpus
    floors = {}
    for split, d in dirs.items():
        for utt, path in d.wav_scp.items():
            info = sf.info(path)
            assert (info.samplerate, info.channels, info.format, info.subtype) == (16000, 1, "FLAC", "PCM_16")
            assert float(d.extra["utt2dur"][utt]) == pytest.approx(info.frames / 16000, abs=1e-3)
            assert 1.0 < info.frames / 16000 < 20.0
        floors[split] = np.median([_noise_floor_db(p) for p in d.wav_scp.values()])
    # Clean: pauses near silence (35-50 dB SNR floor); other: noise at 5-15 dB SNR fills them.
    assert floors["test-other"] > floors["test-clean"] + 15
    assert floors["dev-other"] > floors["dev-clean"] + 15


def test_deterministic_and_resumable(corpus, tmp_path: Path):
    out, _, _ = corpus
    root = out / "librispeech"
    before, stamps = tree_hashes(root), mtimes(root)
    again = generate("librispeech", out)
    assert again.rendered == 0 and again.skipped == again.planned
    assert tree_hashes(root) == before
    assert {k: v for k, v in mtimes(root).items() if k.endswith(".flac")} == {
        k: v for k, v in stamps.items() if k.endswith(".flac")}
    generate("librispeech", tmp_path, nj=2)
    assert tree_hashes(tmp_path / "librispeech") == before
