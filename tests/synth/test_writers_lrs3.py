"""Embedded LRS3 (tiny): layout and txt format, parse-back, clip format, lip sync, determinism, resumption."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import lrs3 as parser
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.data.video import probe_video, read_video
from mmpt.synth.presets import get_preset
from mmpt.synth.registry import get_writer
from mmpt.synth.writer import run_writer
from tests.synth.conftest_av import file_hashes, mouth_opening

PRESET = get_preset("tiny")
SIZES = PRESET.sizes["lrs3"]
SEED = 5


@pytest.fixture(scope="session")
def lrs3_tiny(espeak, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lrs3_tiny")
    report = run_writer(get_writer("lrs3"), out, PRESET, seed=SEED, nj=1, progress=False)
    assert report.rendered == report.planned == sum(SIZES[s] for s in parser.SPLITS)
    return out


@pytest.fixture(scope="session")
def lrs3_data(lrs3_tiny: Path, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("lrs3_data")
    results = parser.prepare(lrs3_tiny, parser.SPLITS, data)  # finds lrs3/ inside
    assert all(r.exclusions == [] for r in results)
    return data


def test_layout_and_txt(lrs3_tiny: Path):
    root = lrs3_tiny / "lrs3"
    for split in parser.SPLITS:
        mp4s = sorted(root.glob(f"{split}/*/*.mp4"))
        assert len(mp4s) == SIZES[split]
        for mp4 in mp4s:
            assert parser.VIDEO_ID_RE.match(mp4.parent.name) and parser.CLIP_RE.match(mp4.stem)
            assert (int(mp4.stem) >= 50001) == (split == "trainval")
            txt = mp4.with_suffix(".txt")
            content = txt.read_text()
            assert re.match(r"Text:  [A-Z' ]+\nConf:  \d+\n\nWORD START END ASDSCORE\n", content)
            tr = parser.read_transcript(txt)
            assert [w.word for w in tr.words] == tr.text.split()
            duration = probe_video(mp4).duration
            times = [t for w in tr.words for t in (w.start, w.end)]
            assert times == sorted(times) and 0 <= times[0] and times[-1] <= duration + 0.01
            assert all(0 <= w.score <= 10 for w in tr.words)


def test_parse_back(lrs3_data: Path):
    dirs = {s: DataDir.load(lrs3_data / s) for s in parser.SPLITS}
    for split, d in dirs.items():
        assert d.validate() == [], split
        assert len(d) == SIZES[split]
        assert all(t == t.upper() and t.strip() for t in d.text.values())
        for utt in d.utt_ids():
            assert 1.0 <= float(d.extra["utt2dur"][utt]) <= 3.5  # tiny: short clips
    train_spk = set(dirs["pretrain"].utt2spk.values()) | set(dirs["trainval"].utt2spk.values())
    assert not train_spk & set(dirs["test"].utt2spk.values())
    both = DataDir.combine([dirs["pretrain"], dirs["trainval"]])  # shared talks, distinct utterance ids
    assert len(both) == SIZES["pretrain"] + SIZES["trainval"]
    texts = [t for d in dirs.values() for t in d.text.values()]
    assert len(set(texts)) == len(texts)  # distinct sentences within and across sets


def test_clip_format(lrs3_data: Path):
    d = DataDir.load(lrs3_data / "test")
    for utt in d.utt_ids():
        info = probe_video(d.video_scp[utt])
        assert (info.fps, info.width, info.height) == (25.0, SIZES["size"], SIZES["size"])
        assert (info.video_codec, info.audio_codec, info.audio_sample_rate, info.audio_channels) == (
            "h264", "aac", 16000, 1)
        wav = load_audio(d.wav_scp[utt])
        assert abs(len(wav) / 16000 - info.num_frames / 25) < 0.07  # audio and video end together
        lead = np.sqrt(np.mean(wav[:1600] ** 2))
        assert lead < 0.02 * np.sqrt(np.mean(wav ** 2))  # clean speech: silence before the first word


def test_lips_follow_the_audio(lrs3_data: Path):
    """The mouth opening measured on the decoded frames correlates with the decoded audio's energy, and
    much less so when the two are shifted by 8 frames (0.32 s)."""
    from mmpt.synth.face_animation import frame_rms
    from mmpt.synth.writers.lrs3 import lrs3_appearance

    r0, shifted = [], []
    for split in parser.SPLITS:
        d = DataDir.load(lrs3_data / split)
        for utt in d.utt_ids():
            frames = read_video(d.video_scp[utt])
            opening = mouth_opening(frames, lrs3_appearance(d.utt2spk[utt], SEED))
            energy = frame_rms(load_audio(d.wav_scp[utt]), 16000, 25, len(frames))
            r0.append(np.corrcoef(opening, energy)[0, 1])
            shifted += [abs(np.corrcoef(opening[8:], energy[:-8])[0, 1]),
                        abs(np.corrcoef(opening[:-8], energy[8:])[0, 1])]
    assert np.mean(r0) > 0.45, r0
    assert np.mean(r0) > np.mean(shifted) + 0.25, (r0, shifted)


def test_deterministic_whatever_nj_and_rerun_skips(lrs3_tiny: Path, tmp_path: Path):
    report = run_writer(get_writer("lrs3"), tmp_path, PRESET, seed=SEED, nj=2, progress=False)
    assert report.rendered == report.planned
    assert file_hashes(tmp_path / "lrs3") == file_hashes(lrs3_tiny / "lrs3")
    again = run_writer(get_writer("lrs3"), tmp_path, PRESET, seed=SEED, nj=2, progress=False)
    assert again.rendered == 0 and again.skipped == again.planned
    assert file_hashes(tmp_path / "lrs3") == file_hashes(lrs3_tiny / "lrs3")


def test_word_times_from_spans_and_fallback():
    from types import SimpleNamespace as Span

    from mmpt.synth.writers.av_common import word_times, youtube_id

    spans = [Span(word="Anna", start=0.1, end=0.5), Span(word="has", start=0.5, end=0.7),
             Span(word="21", start=0.7, end=1.5), Span(word="cats.", start=1.5, end=2.0)]
    words, exact = word_times("ANNA HAS TWENTY ONE CATS", spans, [])
    assert exact and [w for w, _, _ in words] == ["ANNA", "HAS", "TWENTY", "ONE", "CATS"]
    assert words[2][1] == 0.7 and words[3][2] == 1.5 and words[2][2] == words[3][1]  # the number's span shared
    phones = [Span(phone="a", start=0.2, end=0.3), Span(phone="t", start=1.0, end=1.2)]
    words, exact = word_times("HELLO THERE", spans[:1], phones)  # spans do not spell the text
    assert not exact and words[0][1] == 0.2 and words[-1][2] == 1.2 and words[0][2] == words[1][1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{11}", youtube_id("x", 1)) and youtube_id("x", 1) != youtube_id("x", 2)
