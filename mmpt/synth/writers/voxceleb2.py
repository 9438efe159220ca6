"""Embedded VoxCeleb2: multilingual talking faces "in the wild" with background noise, in the VoxCeleb2 layout.

Layout (read back by :mod:`mmpt.corpora.voxceleb2`)::

    voxceleb2/{dev,test}/mp4/id<NNNNN>/<video_id>/<NNNNN>.mp4    # 25 fps face, H.264 + AAC 16 kHz mono
    voxceleb2/vox2_meta.csv                                       # VoxCeleb2 ID ,VGGFace2 ID ,Gender ,Set

Each identity ``id<NNNNN>`` (5 digits, drawn without repetition from 00010-09999) is one espeak-ng voice:
dev identities come from the ``train`` voice pools, test identities from the ``test`` pools, so they are
disjoint. Identities speak several languages (``langs`` weights, default en 40%, de/it/nl 15% each,
fr 10%, es 5%): de/it/nl speakers say the grammar's German/Italian/Dutch sentences, en/fr/es speakers its
English sentences (fr/es voices thus speak English with their own letter-to-sound rules, a strong accent).
A clip holds ``sentences`` [lo, hi] sentences. Background noise is added at an SNR drawn in ``snr``
(default 5-15 dB): babble (3-6 talkers cut from a fixed bank of utterances by ``dev``-pool voices, which no
identity uses), cafe (pink ambience, babble, clinks) or street-like (rumbling brown noise that swells as
vehicles pass); the lips follow the clean speech. Each identity has one
face (:class:`~mmpt.synth.face.FaceAppearance`); each of its ``videos_per_speaker`` YouTube videos has its
own bright, patterned background, unlike LRS3's dark stage. VoxCeleb2 has no transcripts and this writer
writes none. The meta file follows the real one's spacing (a space before every comma and after the last
field); the VGGFace2 ids are made up as ``n`` + the identity's 6-digit number.

Preset keys: ``dev``, ``test`` (clips), ``clips_per_video``, ``videos_per_speaker``, ``sentences``,
``max_words``, ``langs``, ``snr``, ``fps``, ``size``, ``crf``, ``x264_preset``.
"""
from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from mmpt.corpora.voxceleb2 import META_FILE, META_HEADER
from mmpt.synth.writer import CorpusWriter, Item, Preset, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.av_common import (
    SR,
    encoder_options,
    normalize_peak,
    pad_to_frames,
    render_talking_clip,
    unique_youtube_ids,
)

SPLITS = ("dev", "test")
VOICE_POOL = {"dev": "train", "test": "test"}
DEFAULT_LANGS = {"en": 0.4, "de": 0.15, "it": 0.15, "nl": 0.15, "fr": 0.1, "es": 0.05}
GRAMMAR_LANGS = ("en", "de", "it", "nl")
NOISE_KINDS = ("babble", "cafe", "street")


def assign_languages(n: int, weights: Dict[str, float]) -> List[str]:
    """Languages of ``n`` speakers: the next speaker takes the language furthest below its share
    (count / weight, ties to the heavier language), so the mix converges to ``weights`` and the first
    speakers cover every language once, even in a tiny corpus."""
    langs = sorted(weights, key=lambda lang: (-weights[lang], lang))
    total = float(sum(weights.values()))
    counts = {lang: 0 for lang in langs}
    out = []
    for _ in range(n):
        lang = min(langs, key=lambda g: (counts[g] / (weights[g] / total), langs.index(g)))
        counts[lang] += 1
        out.append(lang)
    return out


def voxceleb2_appearance(speaker: str, video_id: str, seed: int):
    """The identity's face (same in all its videos) in front of the video's own background."""
    from mmpt.synth.face import FaceAppearance

    base = FaceAppearance.from_speaker(f"voxceleb2:{speaker}", seed)
    rng = np.random.default_rng(stable_seed("voxceleb2-scene", seed, speaker, video_id))
    bg = tuple(float(c) for c in rng.uniform(0.35, 0.92, size=3))
    bg2 = tuple(float(c) for c in rng.uniform(0.15, 0.95, size=3))
    return dataclasses.replace(base, background=bg, background2=bg2, pattern_seed=int(rng.integers(2 ** 31)),
                               pattern=("panels", "stripes", "bokeh")[int(rng.integers(3))])


def _street_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Traffic-like rumble: brown noise plus pink noise, swelling when a vehicle passes. float32 [n]."""
    from mmpt.synth import degrade

    t = np.arange(n) / SR
    swell = np.ones(n)
    for _ in range(int(rng.integers(1, 4))):
        at, width = rng.uniform(0, max(t[-1], 1e-3)), rng.uniform(0.5, 2.0)
        swell += rng.uniform(1.0, 3.0) * np.exp(-0.5 * ((t - at) / width) ** 2)
    x = (degrade.brown_noise(n, rng) + 0.4 * degrade.pink_noise(n, rng)) * swell
    return x.astype(np.float32)


def background_noise(kind: str, n: int, rng: np.random.Generator, talkers: Sequence[np.ndarray]) -> np.ndarray:
    """A noise of ``kind`` (babble / cafe / street), float32 [n]; ``talkers`` feed babble and cafe."""
    from mmpt.synth import degrade

    if kind == "babble":
        return degrade.babble_noise(n, list(talkers), rng, n_talkers=int(rng.integers(3, 7)))
    if kind == "cafe":
        return degrade.cafe_noise(n, rng, SR, sources=list(talkers))
    if kind == "street":
        return _street_noise(n, rng)
    raise ValueError(f"unknown noise kind {kind!r}; known: {', '.join(NOISE_KINDS)}")


@functools.lru_cache(maxsize=4)
def babble_bank(seed: int, n: int = 8) -> Tuple[np.ndarray, ...]:
    """``n`` utterances of background talkers (float32 [T] each), the same in every process for a seed:
    voices of the ``dev`` pools, which no dev or test identity uses. Built once per process; each clip
    mixes random stretches of them (babble, cafe)."""
    from mmpt.synth.grammar import SentenceGenerator
    from mmpt.synth.voices import speaker_pool
    from mmpt.text.espeak import synthesize

    gen = SentenceGenerator(stable_seed("voxceleb2-babble", seed))
    voices = [v for lang in ("en", "de", "fr") for v in speaker_pool("dev", None, lang=lang)]
    rng = np.random.default_rng(stable_seed("voxceleb2-babble-voices", seed))
    out = []
    for _ in range(n):
        voice = voices[int(rng.integers(len(voices)))]
        s = gen.sample()
        out.append(synthesize(s.text(voice.lang) if voice.lang in GRAMMAR_LANGS else s.en, voice).wav)
    return tuple(out)


class VoxCeleb2Writer(CorpusWriter):
    name = "voxceleb2"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.grammar import SentenceGenerator
        from mmpt.synth.voices import speaker_pool

        get = lambda key, default=None: preset.get(self.name, key, default)  # noqa: E731
        per_video = max(1, int(get("clips_per_video", 4)))
        videos = max(1, int(get("videos_per_speaker", 2)))
        lo, hi = (int(x) for x in get("sentences", (1, 2)))
        max_words = int(get("max_words", 15))
        weights = dict(get("langs", DEFAULT_LANGS))
        snr_lo, snr_hi = (float(x) for x in get("snr", (5.0, 15.0)))
        common = {"fps": float(get("fps", 25)), "size": int(get("size", 224)),
                  "encoder": encoder_options(preset, self.name), "seed": seed}
        rng = np.random.default_rng(stable_seed("voxceleb2-plan", seed))
        gen = SentenceGenerator(stable_seed("voxceleb2-text", seed))
        numbers = iter(rng.permutation(np.arange(10, 10000)))
        items: List[Item] = []
        for split in SPLITS:
            n_clips = int(get(split, 0))
            n_speakers = math.ceil(n_clips / (per_video * videos))
            langs = assign_languages(n_speakers, weights)
            voices = {lang: iter(speaker_pool(VOICE_POOL[split], langs.count(lang), lang=lang)) for lang in set(langs)}
            speakers = [(f"id{int(next(numbers)):05d}", lang, next(voices[lang])) for lang in langs]
            vids = iter(unique_youtube_ids(n_speakers * videos, "voxceleb2", seed, split))
            speaker_videos = {spk: [next(vids) for _ in range(videos)] for spk, _, _ in speakers}
            for i in range(n_clips):
                spk, lang, voice = speakers[i % n_speakers]
                k = i // n_speakers  # the speaker's k-th clip
                vid = speaker_videos[spk][(k // per_video) % videos]
                clip = k % per_video + 1 + per_video * (k // (per_video * videos))
                sentences: List[str] = []
                n_sentences = int(rng.integers(lo, hi + 1))
                while len(sentences) < n_sentences:
                    s = gen.sample()
                    if len(s.words_en) <= max_words:
                        sentences.append(s.text(lang if lang in GRAMMAR_LANGS else "en"))
                rel = f"{split}/mp4/{spk}/{vid}/{clip:05d}.mp4"
                items.append(Item(key=rel, outputs=(rel,), seed=stable_seed("voxceleb2", seed, rel),
                                  params={**common, "split": split, "speaker_id": spk, "video_id": vid,
                                          "lang": lang, "voice": voice, "text": " ".join(sentences),
                                          "noise": NOISE_KINDS[int(rng.integers(len(NOISE_KINDS)))],
                                          "snr": float(rng.uniform(snr_lo, snr_hi))}))
        return items

    def render(self, item: Item, root: Path) -> float:
        from mmpt.synth import degrade
        from mmpt.text.espeak import synthesize

        p = item.params
        rng = item_rng(item)
        utt = synthesize(p["text"], p["voice"])
        clean = pad_to_frames(normalize_peak(utt.wav, float(rng.uniform(0.3, 0.7))), p["fps"])
        talkers = babble_bank(p["seed"]) if p["noise"] in ("babble", "cafe") else ()
        noise = background_noise(p["noise"], len(clean), rng, talkers)
        noisy = degrade.add_noise(clean, noise, p["snr"], rng)
        render_talking_clip(root / item.outputs[0], clean, utt.phones,
                            voxceleb2_appearance(p["speaker_id"], p["video_id"], p["seed"]),
                            fps=p["fps"], size=p["size"], rng=rng, encoder=p["encoder"], audio=noisy)
        return len(clean) / SR

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        rows = {}
        for it in items:
            p = it.params
            rows[p["speaker_id"]] = (f"n{int(p['speaker_id'][2:]):06d}", p["voice"].gender, p["split"])
        lines = [" ,".join(META_HEADER) + " "]
        lines += [f"{spk} ,{vgg} ,{gender} ,{split} " for spk, (vgg, gender, split) in sorted(rows.items())]
        write_text_atomic(root / META_FILE, "\n".join(lines) + "\n")
