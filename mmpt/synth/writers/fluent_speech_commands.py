"""Embedded Fluent Speech Commands: spoken smart-home commands with intent slots, in the real layout.

Layout (under ``<out>/fluent_speech_commands``), as in the Fluent Speech Commands dataset::

    fluent_speech_commands_dataset/wavs/speakers/<speakerId>/<uuid>.wav    # 16 kHz mono PCM16
    fluent_speech_commands_dataset/data/{train,valid,test}_data.csv
        ,path,speakerId,transcription,action,object,location               # first column: row index

The 31 intents (action, object, location) are those of the real dataset; each has several phrasings
(:func:`phrasings`: "Turn on the lights in the kitchen", "Kitchen lights on", "Bring me my shoes", ...).
Speakers: train from the ``train`` pool, valid from ``dev``, test from ``test`` (disjoint, as the real
splits are by speaker); ids look like the real ones (16 letters and digits). Every intent occurs in train
once train has at least 31 utterances, and valid/test only use intents that train has: s3prl's IC reads its
label set from train_data.csv. Audio: the phrase with 0.2-0.8 s of silence around it, noise at 15-35 dB SNR,
light reverberation for 30 % of the clips.

Preset keys (section ``fluent_speech_commands``): ``train``, ``valid``, ``test`` (utterances), ``speakers``
({train, valid, test}).
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import random
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from mmpt.synth.writer import CorpusWriter, Item, Preset, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.librispeech import SAMPLE_RATE, noise_of, set_peak, write_audio

logger = logging.getLogger(__name__)

DATASET = "fluent_speech_commands_dataset"
SPLITS = ("train", "valid", "test")
_POOL = {"train": "train", "valid": "dev", "test": "test"}
LOCATIONS = ("kitchen", "bedroom", "washroom")
LANGUAGES = ("Chinese", "Korean", "English", "German")

# The 31 (action, object, location) intents of the real dataset.
INTENTS: Tuple[Tuple[str, str, str], ...] = (
    tuple(("change language", lang, "none") for lang in ("none",) + LANGUAGES)
    + tuple((a, o, loc) for a in ("activate", "deactivate")
            for o, loc in [("lamp", "none"), ("music", "none"), ("lights", "none")]
            + [("lights", x) for x in LOCATIONS])
    + tuple((a, o, loc) for a in ("increase", "decrease")
            for o, loc in [("volume", "none"), ("heat", "none")] + [("heat", x) for x in LOCATIONS])
    + tuple(("bring", o, "none") for o in ("newspaper", "juice", "socks", "shoes"))
)
_BRING_NP = {"newspaper": ("the newspaper", "my newspaper"), "juice": ("some juice", "juice", "the juice"),
             "socks": ("my socks", "the socks", "some socks"), "shoes": ("my shoes", "the shoes")}


def phrasings(action: str, obj: str, location: str) -> List[str]:
    """The ways of saying one intent (sentence case, no final punctuation, as in the real csv)."""
    where = "" if location == "none" else location
    out: List[str] = []
    if obj in ("lights", "lamp"):
        on = "on" if action == "activate" else "off"
        noun = "lights" if obj == "lights" else "lamp"
        for verb in ("Turn", "Switch"):
            if where:
                out += [f"{verb} {on} the {noun} in the {where}", f"{verb} {on} the {where} {noun}",
                        f"{verb} the {where} {noun} {on}"]
            else:
                out += [f"{verb} {on} the {noun}", f"{verb} the {noun} {on}"]
        out += [f"{where.capitalize()} {noun} {on}" if where else f"{noun.capitalize()} {on}"]
        if where:
            out.append(f"{noun.capitalize()} {on} in the {where}")
    elif obj == "music":
        out = (["Play the music", "Play music", "Start the music", "Put on some music", "Music on",
                "Turn the music on", "Resume the music"] if action == "activate" else
               ["Stop the music", "Pause the music", "Music off", "Turn off the music", "Stop music", "Pause music"])
    elif obj == "volume":
        out = (["Increase the volume", "Turn up the volume", "Turn the volume up", "Louder", "Volume up",
                "Make it louder", "Turn it up", "I can't hear that"] if action == "increase" else
               ["Decrease the volume", "Turn down the volume", "Turn the volume down", "Quieter", "Volume down",
                "Make it quieter", "Turn it down", "That's too loud"])
    elif obj == "heat":
        up = action == "increase"
        verb, adv = ("Increase", "up") if up else ("Decrease", "down")
        if where:
            out = [f"{verb} the heating in the {where}", f"{verb} the temperature in the {where}",
                   f"Turn {adv} the heat in the {where}", f"Turn the heat {adv} in the {where}",
                   f"Make the {where} {'warmer' if up else 'cooler'}",
                   f"The {where} is too {'cold' if up else 'hot'}"]
        else:
            out = [f"{verb} the heating", f"{verb} the temperature", f"Turn {adv} the heat", f"Turn the heat {adv}",
                   f"Make it {'warmer' if up else 'cooler'}", f"It's too {'cold' if up else 'hot'} in here",
                   "Heat up" if up else "Cool down"]
    elif action == "change language":
        if obj == "none":
            out = ["Change language", "Switch language", "Change the language", "Language settings",
                   "Use a different language", "Switch to another language"]
        else:
            out = [f"Change language to {obj}", f"Switch the language to {obj}", f"Set the language to {obj}",
                   f"Use {obj}", f"{obj} please", f"I want to use {obj}"]
    elif action == "bring":
        for np_ in _BRING_NP[obj]:
            out += [f"Bring me {np_}", f"Get me {np_}", f"Fetch {np_}", f"Go get {np_}"]
        out.append(f"I need {_BRING_NP[obj][0]}")
    if not out:
        raise ValueError(f"no phrasing for intent ({action}, {obj}, {location})")
    return out


def speaker_code(speaker) -> str:
    """A 16-character id in the style of the real speakerIds (``2BqVo8kVB2Skwgyb``), fixed per speaker."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    x = int.from_bytes(hashlib.sha256(f"mmpt-fsc:{speaker.id}".encode()).digest(), "big")
    chars = []
    for _ in range(16):
        x, r = divmod(x, 62)
        chars.append(alphabet[r])
    return "".join(chars)


class FluentSpeechCommandsWriter(CorpusWriter):
    """One item per utterance; the three csv files in finalize."""

    name = "fluent_speech_commands"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.voices import speaker_pool

        n_spk = preset.get(self.name, "speakers", {})
        rng = random.Random(stable_seed(self.name, "plan", seed))
        items: List[Item] = []
        covered: List[Tuple[str, str, str]] = []
        for split in SPLITS:
            speakers = speaker_pool(_POOL[split], int(n_spk.get(split, 2)))
            rng.shuffle(speakers)
            n = int(preset.get(self.name, split, 0))
            intents: List[Tuple[str, str, str]] = []
            if split == "train":
                while len(intents) < n:  # every intent once per round, in a new order each round
                    intents += rng.sample(list(INTENTS), len(INTENTS))
                intents = intents[:n]
                covered = sorted(set(intents))
            else:
                intents = [rng.choice(covered) for _ in range(n)]
            for i, intent in enumerate(intents):
                spk = speakers[i % len(speakers)]
                code = speaker_code(spk)
                b = rng.getrandbits(128)
                uuid = f"{b >> 96:08x}-{(b >> 80) & 0xFFFF:04x}-11e9-{(b >> 64) & 0xFFFF:04x}-{b & (2**48 - 1):012x}"
                rel = f"{DATASET}/wavs/speakers/{code}/{uuid}.wav"
                items.append(Item(key=rel, outputs=(rel,), seed=stable_seed(self.name, seed, rel),
                                  params={"split": split, "speaker": spk, "speaker_code": code,
                                          "text": rng.choice(phrasings(*intent)), "intent": intent}))
        return items

    def render(self, item: Item, root: Path) -> float:
        from mmpt.synth import degrade
        from mmpt.text.espeak import synthesize

        rng = item_rng(item)
        utt = synthesize(item.params["text"], item.params["speaker"], pad=0.0)
        wav = np.concatenate([np.zeros(int(rng.uniform(0.2, 0.8) * SAMPLE_RATE), np.float32), utt.wav,
                              np.zeros(int(rng.uniform(0.2, 0.8) * SAMPLE_RATE), np.float32)])
        if rng.random() < 0.3:
            wav = degrade.reverberate(wav, float(rng.uniform(0.2, 0.5)), rng)
        kind = str(rng.choice(["white", "pink", "brown", "cafe"]))
        wav = degrade.add_noise(wav, noise_of(kind, len(wav), rng), float(rng.uniform(15.0, 35.0)), rng)
        wav = set_peak(wav, rng, 0.2, 0.9)
        write_audio(root / item.outputs[0], wav)
        return len(wav) / SAMPLE_RATE

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        rows: Dict[str, List[Item]] = {s: [] for s in SPLITS}
        for it in items:
            rows[it.params["split"]].append(it)
        for split, its in rows.items():
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(["", "path", "speakerId", "transcription", "action", "object", "location"])
            for i, it in enumerate(sorted(its, key=lambda x: x.outputs[0])):
                p = it.params
                w.writerow([i, it.outputs[0][len(DATASET) + 1:], p["speaker_code"], p["text"], *p["intent"]])
            write_text_atomic(root / DATASET / "data" / f"{split}_data.csv", buf.getvalue())
        write_text_atomic(root / DATASET / "readme.md",
                          "# Embedded Fluent Speech Commands (synthetic)\n\nIn the layout of the Fluent Speech "
                          "Commands dataset: espeak-ng voices, the 31 intents of the real dataset, phrasings of "
                          "mmpt.synth.writers.fluent_speech_commands. Written by mmpt-synth.\n")
