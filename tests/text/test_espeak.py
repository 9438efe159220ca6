"""espeak-ng synthesis: format, phone timings, phonemize consistency, speakers, determinism, errors."""
from __future__ import annotations

import ctypes.util
import multiprocessing

import numpy as np
import pytest

from mmpt.synth.voices import ACCENTS, SEEN_VARIANTS, UNSEEN_VARIANTS, Speaker, speaker_pool
from mmpt.text import espeak
from mmpt.text.espeak import EspeakError, EspeakNotFoundError, phone_inventory, phonemize, synthesize

TEXT = "The quick brown fox jumps over the lazy dog, and then it runs away."


def make_speaker(voice="en-us", variant="m1", pitch=50, speed=175, gender="m") -> Speaker:
    return Speaker(id="spk99999", lang="en", split="train", voice=voice, variant=variant,
                   gender=gender, pitch=pitch, pitch_range=50, speed=speed)


def median_f0(wav: np.ndarray, sr: int) -> float:
    """Median autocorrelation pitch (60-400 Hz) over clearly voiced 40 ms frames."""
    frame, hop = int(0.04 * sr), int(0.01 * sr)
    frames = np.lib.stride_tricks.sliding_window_view(wav, frame)[::hop]
    rms = np.sqrt((frames ** 2).mean(axis=1))
    lo, hi = sr // 400, sr // 60
    f0 = []
    for x in frames[rms > 0.3 * rms.max()]:
        x = x - x.mean()
        r = np.correlate(x, x, "full")[frame - 1:]
        lag = lo + int(np.argmax(r[lo:hi]))
        if r[lag] > 0.5 * r[0]:
            f0.append(sr / lag)
    assert len(f0) > 10, "no voiced frames found"
    return float(np.median(f0))


@pytest.fixture(scope="module")
def utt(espeak):
    return synthesize(TEXT, speaker_pool("train")[0])


def test_format_and_duration(utt):
    assert utt.sample_rate == 16000 and utt.wav.dtype == np.float32 and utt.wav.ndim == 1
    assert np.all(np.isfinite(utt.wav)) and 0.05 < np.abs(utt.wav).max() <= 1.0
    words_per_s = utt.speaker.speed / 60
    speech_s = utt.duration - 0.3
    assert 0.5 < speech_s / (len(TEXT.split()) / words_per_s) < 2.0
    loud = np.flatnonzero(np.abs(utt.wav) > 1e-3) / utt.sample_rate
    assert 0.12 <= loud[0] <= 0.25  # ~0.15 s of leading silence kept, not espeak's own padding
    assert 0.12 <= utt.duration - loud[-1] <= 0.25


def test_phone_spans_ordered_and_inside(utt):
    assert len(utt.phones) > 30
    prev_end = 0.0
    for p in utt.phones:
        assert p.phone and p.start < p.end, p
        assert prev_end - 1e-9 <= p.start and 0.0 <= p.start and p.end <= utt.duration, p
        prev_end = p.end
    assert utt.phones[0].start == pytest.approx(0.15, abs=0.02)
    starts = [w.start for w in utt.words]
    assert starts == sorted(starts)
    assert [w.word for w in utt.words] == [w.strip(",.") for w in TEXT.split()]
    for w in utt.words:
        assert utt.phones[0].start <= w.start < w.end <= utt.phones[-1].end


def test_timings_follow_the_audio(utt):
    """Sound lies within the phone spans; the comma pause between 'dog' and 'and' is silent."""
    sr = utt.sample_rate
    loud = np.flatnonzero(np.abs(utt.wav) > 1e-3) / sr
    assert loud[0] >= utt.phones[0].start - 0.01 and loud[-1] <= utt.phones[-1].end + 0.03
    words = {w.word: w for w in utt.words}
    gap = utt.wav[int(words["dog"].end * sr) + 160:int(words["and"].start * sr) - 160]
    assert words["and"].start - words["dog"].end > 0.08
    assert np.sqrt(np.mean(gap ** 2)) < 1e-3
    vowels = [p for p in utt.phones if p.phone in {"V", "i:", "eI", "aU", "O:", "u:", "a"}]
    assert vowels
    for p in vowels:
        seg = utt.wav[int(p.start * sr):int(p.end * sr)]
        assert np.sqrt(np.mean(seg ** 2)) > 0.02, p


def test_phones_match_phonemize(utt, espeak):
    assert utt.phone_sequence == phonemize(TEXT, utt.speaker)
    assert utt.phone_sequence == phonemize(TEXT, "en")  # en-us accent: variant/prosody don't matter
    assert phonemize("hello world", "en") == ["h", "@", "l", "oU", "w", "3:", "l", "d"]
    assert phonemize(TEXT, "en-gb-scotland") != utt.phone_sequence  # the accent does


def test_phones_in_inventory_for_all_english_voices(espeak):
    inventory = set(phone_inventory("en"))
    assert {"@", "oU", "T", "D", "S", "tS", "dZ", "N"} <= inventory
    for voice in ACCENTS["en"][0] + ACCENTS["en"][1]:
        phones = phonemize("She thought the measure was vague, although butter is yellow.", voice)
        assert phones and set(phones) <= inventory, (voice, set(phones) - inventory)


def test_every_pool_voice_and_variant_synthesises(espeak):
    for lang, (seen, unseen) in ACCENTS.items():
        for voice in seen + unseen:
            u = synthesize("yes", Speaker("spk99999", lang, "train", voice, "m1", "m", 50, 50, 175))
            assert u.phones and set(u.phone_sequence) <= set(phone_inventory(lang)), voice
    for variant, gender in SEEN_VARIANTS + UNSEEN_VARIANTS:
        assert synthesize("yes", make_speaker(variant=variant, gender=gender)).phones, variant


def test_speakers_differ(espeak):
    low = synthesize(TEXT, make_speaker(variant="m3", pitch=25))
    high = synthesize(TEXT, make_speaker(variant="f2", pitch=75, gender="f"))
    assert median_f0(high.wav, 16000) > 1.4 * median_f0(low.wav, 16000)
    a, b = [s for s in speaker_pool("test") if s.voice == "en-us"][:2]  # same accent
    ua, ub = synthesize(TEXT, a), synthesize(TEXT, b)
    assert ua.phone_sequence == ub.phone_sequence
    assert len(ua.wav) != len(ub.wav) or not np.allclose(ua.wav, ub.wav)
    slow = synthesize(TEXT, make_speaker(speed=130))
    fast = synthesize(TEXT, make_speaker(speed=230))
    assert fast.duration < 0.8 * slow.duration


def test_deterministic_across_calls(utt, espeak):
    other = speaker_pool("dev")[1]
    synthesize("Something else entirely, to move espeak's internal state.", other)
    again = synthesize(TEXT, utt.speaker)
    assert np.array_equal(again.wav, utt.wav)
    assert again.phones == utt.phones and again.words == utt.words
    klatt = make_speaker(voice="en-029", variant="klatt")  # Klatt noise source draws from rand()
    assert np.array_equal(synthesize(TEXT, klatt).wav, synthesize(TEXT, klatt).wav)


def _synth_in_worker(args):
    text, spk = args
    return synthesize(text, spk).wav


def test_deterministic_across_processes(utt, espeak):
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        wavs = pool.map(_synth_in_worker, [("Unrelated warm-up text.", utt.speaker),
                                           (TEXT, utt.speaker), (TEXT, utt.speaker)])
    assert np.array_equal(wavs[1], utt.wav) and np.array_equal(wavs[2], utt.wav)


def test_other_languages(espeak):
    spk = speaker_pool("train", lang="de")[0]
    u = synthesize("Guten Morgen, wie geht es Ihnen heute?", spk)
    assert u.phones and set(u.phone_sequence) <= set(phone_inventory("de"))
    assert [w.word for w in u.words] == ["Guten", "Morgen", "wie", "geht", "es", "Ihnen", "heute"]
    assert u.phone_sequence == phonemize("Guten Morgen, wie geht es Ihnen heute?", "de")


def test_resample_rate_and_pad(espeak):
    spk = make_speaker()
    u22 = synthesize("hello world", spk, sample_rate=22050, pad=0.0)
    u16 = synthesize("hello world", spk)
    assert u22.sample_rate == 22050 and u22.duration == pytest.approx(u16.duration - 0.3, abs=2e-3)
    assert u22.phones[0].start == pytest.approx(0.0, abs=0.02)
    assert u16.phone_sequence == u22.phone_sequence


def test_bad_input(espeak):
    with pytest.raises(ValueError, match="empty"):
        synthesize("   ", make_speaker())
    with pytest.raises(EspeakError, match="no voice 'xx-nowhere'"):
        synthesize("hello", make_speaker(voice="xx-nowhere"))
    with pytest.raises(EspeakError, match="variant 'nonexistent'"):
        synthesize("hello", make_speaker(variant="nonexistent"))
    with pytest.raises(EspeakError, match="no phones"):
        synthesize("...", make_speaker())
    with pytest.raises(EspeakError, match="phoneme table"):
        phone_inventory("xx")


def test_missing_espeak_raises_clear_error(monkeypatch):
    monkeypatch.setattr(espeak, "_ENGINE", None)
    monkeypatch.setattr(espeak, "LIBRARY_NAMES", ("libespeak-ng-missing.so.9",))
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    with pytest.raises(EspeakNotFoundError, match="espeak-ng not found: apt-get install espeak-ng"):
        synthesize("hello", make_speaker())
    with pytest.raises(EspeakNotFoundError):
        phonemize("hello", "en")
    assert issubclass(EspeakNotFoundError, EspeakError)
