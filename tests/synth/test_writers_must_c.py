"""Embedded MuST-C (tiny): parsed by mmpt.corpora.must_c; segments cut where the talk's sentences are,
texts aligned, directions sharing the talks, determinism."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import must_c
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.synth.presets import get_preset
from mmpt.synth.registry import get_writer
from mmpt.synth.writers.must_c import render_talk
from tests.synth.conftest_audio import SEED, generate, mtimes, tree_hashes

sf = pytest.importorskip("soundfile")
SPLITS = ("train", "dev", "tst-COMMON")
LANGS = ("de", "it", "nl")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, espeak):
    out = tmp_path_factory.mktemp("must_c")
    report = generate("must_c", out)
    data = tmp_path_factory.mktemp("must_c_data")
    dirs = {}
    for lang in LANGS:
        must_c.prepare(out / "must_c", lang, list(SPLITS), data)
        for s in SPLITS:
            dirs[(lang, s)] = DataDir.load(data / must_c.data_dir_name(s, lang))
    items = {it.params["talk"]: it for it in get_writer("must_c").plan(get_preset("tiny"), SEED)}
    return out, report, dirs, items


def test_parsed_back_and_aligned(corpus):
    _, _, dirs, items = corpus
    for (lang, split), d in dirs.items():
        assert d.validate() == [], (lang, split)
        talks = sorted((it for it in items.values() if it.params["split"] == split), key=lambda x: x.params["talk"])
        want_en = [t for it in talks for t in it.params["en"]]
        want_tgt = [t for it in talks for t in it.params[lang]]
        ids = d.utt_ids()  # sorted by talk (zero-padded) then start time: the order of the yaml
        assert [d.extra["text.tc.en"][u] for u in ids] == want_en
        assert [d.extra[f"text.tc.{lang}"][u] for u in ids] == want_tgt
        assert d.text == d.extra[f"text.tc.{lang}"]
        for u in ids:
            assert d.extra["text.lc.rm.en"][u] == must_c.lower_case_no_punct(d.extra["text.tc.en"][u])
            assert d.utt2spk[u] == d.segments[u].reco


def test_segments_cut_at_the_sentences(corpus):
    """The cut of every segment is exactly the writer's rendering of that sentence's window, and the
    stretches between segments are pauses (far quieter)."""
    _, _, dirs, items = corpus
    for split in SPLITS:
        d = dirs[("de", split)]
        by_reco = {}
        for u in d.utt_ids():
            by_reco.setdefault(d.segments[u].reco, []).append(u)
        for reco, utts in by_reco.items():
            talk = render_talk(items[int(reco[4:])])
            assert len(talk.segments) == len(utts)
            for u, (offset, duration) in zip(utts, talk.segments):
                seg = d.segments[u]
                assert seg.start == pytest.approx(offset, abs=1e-3)
                assert seg.end - seg.start == pytest.approx(duration, abs=2e-3)
                cut = load_audio(d.wav_scp[reco], start=seg.start, end=seg.end)
                s0 = int(round(seg.start * 16000))
                ref = talk.wav[s0:s0 + len(cut)]
                np.testing.assert_allclose(cut, ref, atol=1.5 / 32768)
            wav = load_audio(d.wav_scp[reco])
            for a, b in zip(utts, utts[1:]):
                gap = wav[int(d.segments[a].end * 16000):int(d.segments[b].start * 16000)]
                speech = load_audio(d.wav_scp[reco], start=d.segments[b].start, end=d.segments[b].end)
                assert np.mean(gap**2) < 1e-3 * np.mean(speech**2)


def test_talks_shared_speakers_disjoint_format(corpus):
    out, _, dirs, _ = corpus
    root = out / "must_c"
    for split in SPLITS:
        for wav in (root / "en-de" / "data" / split / "wav").glob("*.wav"):
            same = [root / f"en-{x}" / "data" / split / "wav" / wav.name for x in LANGS]
            assert all(os.path.samefile(wav, w) or w.read_bytes() == wav.read_bytes() for w in same)
            info = sf.info(str(wav))
            assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
    spk = {s: set(dirs[("de", s)].utt2spk.values()) for s in SPLITS}
    assert not spk["train"] & spk["dev"] and not spk["train"] & spk["tst-COMMON"]
    yaml_line = (root / "en-de/data/dev/txt/dev.yaml").read_text().splitlines()[0]
    assert yaml_line.startswith("- {duration: ") and ", offset: " in yaml_line and "speaker_id: spk." in yaml_line
    en = {t for s in ("dev", "tst-COMMON") for t in dirs[("de", s)].extra["text.tc.en"].values()}
    assert not en & set(dirs[("de", "train")].extra["text.tc.en"].values())


def test_deterministic_and_resumable(corpus, tmp_path: Path):
    out, _, _, _ = corpus
    root = out / "must_c"
    before, stamps = tree_hashes(root), mtimes(root)
    again = generate("must_c", out)
    assert again.rendered == 0 and tree_hashes(root) == before
    assert all(mtimes(root)[k] == v for k, v in stamps.items() if k.endswith(".wav"))
    generate("must_c", tmp_path, nj=2)
    assert tree_hashes(tmp_path / "must_c") == before
