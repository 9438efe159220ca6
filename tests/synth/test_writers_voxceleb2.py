"""Embedded VoxCeleb2 (tiny): layout and meta file, parse-back, languages, noise, lip sync, determinism."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import voxceleb2 as parser
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.data.video import probe_video, read_video
from mmpt.synth.presets import get_preset
from mmpt.synth.registry import get_writer
from mmpt.synth.writer import run_writer
from tests.synth.conftest_av import file_hashes, mouth_opening

PRESET = get_preset("tiny")
SIZES = PRESET.sizes["voxceleb2"]
SEED = 2


@pytest.fixture(scope="session")
def vox2_tiny(espeak, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("vox2_tiny")
    report = run_writer(get_writer("voxceleb2"), out, PRESET, seed=SEED, nj=1, progress=False)
    assert report.rendered == report.planned == SIZES["dev"] + SIZES["test"]
    return out


@pytest.fixture(scope="session")
def vox2_data(vox2_tiny: Path, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("vox2_data")
    results = parser.prepare(vox2_tiny / "voxceleb2", parser.SPLITS, data)
    assert all(r.exclusions == [] for r in results)
    return data


def test_layout_and_meta(vox2_tiny: Path):
    root = vox2_tiny / "voxceleb2"
    header = (root / parser.META_FILE).read_text().splitlines()[0]
    assert header == "VoxCeleb2 ID ,VGGFace2 ID ,Gender ,Set "
    meta = parser.read_meta(root / parser.META_FILE)
    for split in parser.SPLITS:
        mp4s = sorted((root / split / "mp4").glob("*/*/*.mp4"))
        assert len(mp4s) == SIZES[split]
        for mp4 in mp4s:
            spk = mp4.parent.parent.name
            assert parser.SPEAKER_RE.match(spk) and meta[spk].split == split
            assert meta[spk].gender in ("m", "f") and len(mp4.parent.name) == 11 and len(mp4.stem) == 5


def test_parse_back_and_speakers(vox2_data: Path):
    dev, test = (DataDir.load(vox2_data / s) for s in parser.SPLITS)
    for split, d in (("dev", dev), ("test", test)):
        assert d.validate() == []
        assert len(d) == SIZES[split] and d.text is None
        assert all(u.startswith(f"{s}_") for u, s in d.utt2spk.items())
    assert not set(dev.utt2spk.values()) & set(test.utt2spk.values())


def test_voices_languages_and_noise(vox2_tiny: Path):
    items = get_writer("voxceleb2").plan(PRESET, SEED)
    dev_voices = {it.params["voice"].params for it in items if it.params["split"] == "dev"}
    test_voices = {it.params["voice"].params for it in items if it.params["split"] == "test"}
    assert not dev_voices & test_voices
    assert len({it.params["lang"] for it in items}) >= 3  # multilingual even in tiny
    for it in items:
        assert 5.0 <= it.params["snr"] <= 15.0
        wav = load_audio(str(vox2_tiny / "voxceleb2" / it.outputs[0]))
        # the clean speech starts after 0.15 s of silence: the noise fills it (5-15 dB SNR)
        lead = np.sqrt(np.mean(wav[:1600] ** 2))
        assert lead > 0.05 * np.sqrt(np.mean(wav ** 2)), it.key


def test_clip_format_and_lip_sync(vox2_data: Path):
    from mmpt.synth.face_animation import frame_rms
    from mmpt.synth.writers.voxceleb2 import voxceleb2_appearance

    d = DataDir.load(vox2_data / "dev")
    r0, shifted = [], []
    for utt in d.utt_ids():
        info = probe_video(d.video_scp[utt])
        assert (info.fps, info.width, info.height) == (25.0, SIZES["size"], SIZES["size"])
        assert (info.audio_codec, info.audio_sample_rate, info.audio_channels) == ("aac", 16000, 1)
        spk, vid = utt[:7], utt[8:19]  # id<NNNNN>_<11-char video id>_<NNNNN>
        frames = read_video(d.video_scp[utt])
        opening = mouth_opening(frames, voxceleb2_appearance(spk, vid, SEED))
        # the lips follow the clean speech; the energy of the noisy track still follows it at 5-15 dB
        energy = frame_rms(load_audio(d.wav_scp[utt]), 16000, 25, len(frames))
        r0.append(np.corrcoef(opening, energy)[0, 1])
        shifted.append(abs(np.corrcoef(opening[8:], energy[:-8])[0, 1]))
    assert np.mean(r0) > 0.3 and np.mean(r0) > np.mean(shifted) + 0.15, (r0, shifted)


def test_deterministic_whatever_nj_and_rerun_skips(vox2_tiny: Path, tmp_path: Path):
    report = run_writer(get_writer("voxceleb2"), tmp_path, PRESET, seed=SEED, nj=2, progress=False)
    assert report.rendered == report.planned
    assert file_hashes(tmp_path / "voxceleb2") == file_hashes(vox2_tiny / "voxceleb2")
    again = run_writer(get_writer("voxceleb2"), tmp_path, PRESET, seed=SEED, nj=2, progress=False)
    assert again.rendered == 0 and again.skipped == again.planned
