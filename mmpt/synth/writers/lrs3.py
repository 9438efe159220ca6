"""Embedded LRS3: TED-like talking faces with clean English speech, in the LRS3 layout.

Layout (read back by :mod:`mmpt.corpora.lrs3`)::

    lrs3/{pretrain,trainval,test}/<video_id>/<NNNNN>.mp4    # 25 fps face, H.264 + AAC 16 kHz mono
    lrs3/{pretrain,trainval,test}/<video_id>/<NNNNN>.txt    # Text / Conf / WORD START END ASDSCORE

``<video_id>`` is an 11-character YouTube-like id standing for one talk, i.e. one speaker (an espeak-ng
voice of :func:`mmpt.synth.voices.speaker_pool`): pretrain and trainval share the talks of the ``train``
voices, test uses the ``test`` voices, so test speakers are unseen. Clip numbers run from 00001 in
pretrain and test and from 50001 in trainval, so that pretrain and trainval utterance ids never collide
when the two sets are combined (same talks). Sentences come from :mod:`mmpt.synth.grammar`, distinct
within and across the three sets; a pretrain clip holds ``pretrain_sentences`` [lo, hi] sentences
(longer clips, as in the real pretrain set), trainval and test clips one.

The face (:mod:`mmpt.synth.face`) is animated from the clip's own waveform and phone alignment, so the lips
follow the speech; talks are filmed on a dark stage (plain or spot-lit background). The txt holds the
LibriSpeech-normalised text (upper case), ``Conf`` (the clip's mean sync score, rounded) and one line per
word: start/end from espeak-ng's word boundaries on the clip's timeline (2 decimals), or, when the words
espeak-ng reports do not spell the normalised text, the speech span shared among the words in proportion
to their length; ASDSCORE is the sync score of the word (see :func:`~mmpt.synth.writers.av_common.sync_scores`).

Preset keys: ``pretrain``, ``trainval``, ``test`` (clips), ``clips_per_video``, ``pretrain_sentences``,
``max_words`` (longest sentence, in words), ``fps``, ``size``, ``crf``, ``x264_preset``.
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Dict, List, Sequence, Set

import numpy as np

from mmpt.synth.writer import CorpusWriter, Item, Preset, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.av_common import (
    encoder_options,
    normalize_peak,
    pad_to_frames,
    render_talking_clip,
    sync_scores,
    unique_youtube_ids,
    word_times,
)

SPLITS = ("pretrain", "trainval", "test")
FIRST_CLIP = {"pretrain": 1, "trainval": 50001, "test": 1}


def sample_sentences(seed: int, sizes: Dict[str, List[int]], max_words: int, exclude: Set[str] = frozenset()
                     ) -> Dict[str, List[List[str]]]:
    """Display-text sentences per set: ``sizes[set]`` lists how many sentences each clip holds. Sentences
    are distinct within and across sets (and not in ``exclude``), with at most ``max_words`` words."""
    from mmpt.synth.grammar import SentenceGenerator

    gen = SentenceGenerator(seed)
    seen = set(exclude)
    out: Dict[str, List[List[str]]] = {}
    for name, counts in sizes.items():
        need = sum(counts)
        flat: List[str] = []
        for _ in range(200 * need + 1000):
            if len(flat) == need:
                break
            s = gen.sample()
            if len(s.words_en) <= max_words and s.en_norm not in seen:
                seen.add(s.en_norm)
                flat.append(s.en)
        if len(flat) < need:
            raise RuntimeError(f"only {len(flat)} of {need} distinct sentences of <= {max_words} words")
        it = iter(flat)
        out[name] = [[next(it) for _ in range(k)] for k in counts]
    return out


def lrs3_appearance(video_id: str, seed: int):
    """The speaker of talk ``video_id``: a face from :class:`FaceAppearance` on a dark TED-like stage."""
    from mmpt.synth.face import FaceAppearance

    base = FaceAppearance.from_speaker(f"lrs3:{video_id}", seed)
    rng = np.random.default_rng(stable_seed("lrs3-stage", seed, video_id))
    dark = tuple(float(c) for c in rng.uniform(0.02, 0.22, size=3))
    light = tuple(float(c) for c in np.clip(np.array(dark) + rng.uniform(0.1, 0.35, size=3), 0, 1))
    return dataclasses.replace(base, background=dark, background2=light,
                               pattern=("plain", "bokeh")[int(rng.integers(2))])


class LRS3Writer(CorpusWriter):
    name = "lrs3"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.voices import speaker_pool

        get = lambda key, default=None: preset.get(self.name, key, default)  # noqa: E731
        counts = {s: int(get(s, 0)) for s in SPLITS}
        per_video = max(1, int(get("clips_per_video", 10)))
        lo, hi = (int(x) for x in get("pretrain_sentences", (1, 1)))
        rng = np.random.default_rng(stable_seed("lrs3-plan", seed))
        sizes = {s: [int(rng.integers(lo, hi + 1)) if s == "pretrain" else 1 for _ in range(counts[s])]
                 for s in SPLITS}
        texts = sample_sentences(stable_seed("lrs3-text", seed), sizes, int(get("max_words", 15)))
        n_train_videos = math.ceil((counts["pretrain"] + counts["trainval"]) / per_video)
        n_test_videos = math.ceil(counts["test"] / per_video)
        train_voices = speaker_pool("train", n_train_videos, lang="en")
        test_voices = speaker_pool("test", n_test_videos, lang="en")
        video_ids = unique_youtube_ids(n_train_videos + n_test_videos, "lrs3", seed)
        talks = {"train": list(zip(video_ids[:n_train_videos], train_voices)),
                 "test": list(zip(video_ids[n_train_videos:], test_voices))}
        common = {"fps": float(get("fps", 25)), "size": int(get("size", 224)),
                  "encoder": encoder_options(preset, self.name), "seed": seed}
        items: List[Item] = []
        for split in SPLITS:
            pool = talks["test" if split == "test" else "train"]
            next_clip: Dict[str, int] = {}
            for i, sentences in enumerate(texts[split]):
                vid, speaker = pool[i % len(pool)]
                clip = next_clip.get(vid, FIRST_CLIP[split])
                next_clip[vid] = clip + 1
                rel = f"{split}/{vid}/{clip:05d}"
                items.append(Item(key=rel, outputs=(f"{rel}.mp4", f"{rel}.txt"),
                                  seed=stable_seed("lrs3", seed, rel),
                                  params={**common, "text": " ".join(sentences), "speaker": speaker,
                                          "video_id": vid}))
        return items

    def render(self, item: Item, root: Path) -> float:
        from mmpt.corpora.lrs3 import Transcript, Word
        from mmpt.synth.grammar import normalize_en
        from mmpt.text.espeak import synthesize

        p = item.params
        rng = item_rng(item)
        utt = synthesize(p["text"], p["speaker"])
        wav = pad_to_frames(normalize_peak(utt.wav, float(rng.uniform(0.4, 0.9))), p["fps"])
        track = render_talking_clip(root / item.outputs[0], wav, utt.phones,
                                    lrs3_appearance(p["video_id"], p["seed"]), fps=p["fps"], size=p["size"],
                                    rng=rng, encoder=p["encoder"])
        norm = normalize_en(p["text"])
        words, _ = word_times(norm, utt.words, utt.phones)
        scores = sync_scores(track, [(s, e) for _, s, e in words])
        conf = int(round(float(np.mean(scores)))) if scores else 0
        table = [Word(w, round(s, 2), round(e, 2), sc) for (w, s, e), sc in zip(words, scores)]
        write_text_atomic(root / item.outputs[1], Transcript(norm, str(conf), table).format())
        return len(wav) / 16000.0

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        """Nothing beyond the clips: LRS3 has no corpus-level metadata file."""
