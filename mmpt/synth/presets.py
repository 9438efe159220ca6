"""Size presets of the embedded corpus.

``tiny`` is for unit tests (seconds to generate, a few MB); ``mini`` is the pipeline demonstration on a 2-core
CPU; ``study`` is the controlled study's (egs2/librispeech/asr1/STUDY.md, the default of run_all.sh);
``small`` is for GPU runs (tens of hours). Each writer reads its own section; the sizes actually
chosen are listed in README.md ("The embedded corpus").
"""
from __future__ import annotations

from typing import Dict

from mmpt.synth.writer import Preset

# Per corpus: numbers of items per split and their durations. Writers document their keys.
_PRESETS: Dict[str, Dict[str, Dict]] = {
    "tiny": {
        "librispeech": {"train-clean-100": 8, "dev-clean": 3, "dev-other": 3, "test-clean": 3, "test-other": 3,
                        "speakers": {"train-clean-100": 4, "dev-clean": 2, "dev-other": 2, "test-clean": 2,
                                     "test-other": 2},
                        "sentences_per_utt": [1, 2], "chapters_per_speaker": 2},
        "must_c": {"talks": {"train": 2, "dev": 1, "tst-COMMON": 1}, "segments_per_talk": [3, 4]},
        "lrs3": {"pretrain": 4, "trainval": 4, "test": 2, "clips_per_video": 2, "pretrain_sentences": (1, 1),
                 "max_words": 6, "fps": 25, "size": 96},
        "voxceleb2": {"dev": 4, "test": 2, "clips_per_video": 1, "videos_per_speaker": 1, "sentences": (1, 1),
                      "max_words": 6, "fps": 25, "size": 96},
        "kinetics600": {"per_class": {"train": 1, "validate": 1, "test": 1}, "duration": 2, "fps": 25,
                        "size": 96, "classes": 6, "missing": 1, "no_audio": 1},
        "speech_commands": {"per_word": 2, "per_unknown_word": 1, "unknown_words": 5, "test_per_word": 1,
                            "test_unknown": 3, "test_silence": 2, "background_seconds": 5.0,
                            "speakers": {"train": 6, "dev": 2, "test": 2}},
        "fluent_speech_commands": {"train": 12, "valid": 4, "test": 4,
                                   "speakers": {"train": 4, "valid": 2, "test": 2}},
        "librimix": {"train": 4, "dev": 2, "test": 2, "speakers": {"train": 4, "dev": 2, "test": 2},
                     "sentences_per_source": [1, 2]},
    },
    "mini": {
        "librispeech": {"train-clean-100": 300, "dev-clean": 40, "dev-other": 40, "test-clean": 60,
                        "test-other": 60,
                        "speakers": {"train-clean-100": 24, "dev-clean": 4, "dev-other": 4, "test-clean": 8,
                                     "test-other": 8},
                        "sentences_per_utt": [1, 3], "chapters_per_speaker": 2},
        "must_c": {"talks": {"train": 30, "dev": 3, "tst-COMMON": 4}, "segments_per_talk": [12, 18]},
        "lrs3": {"pretrain": 320, "trainval": 400, "test": 100, "clips_per_video": 10, "pretrain_sentences": (2, 4),
                 "max_words": 15, "fps": 25, "size": 96},
        "voxceleb2": {"dev": 400, "test": 40, "clips_per_video": 4, "videos_per_speaker": 3, "sentences": (1, 2),
                      "max_words": 15, "fps": 25, "size": 96},
        "kinetics600": {"per_class": {"train": 15, "validate": 2, "test": 2}, "duration": 10, "fps": 25,
                        "size": 96, "classes": 12, "missing": 2, "no_audio": 2},
        "speech_commands": {"per_word": 60, "per_unknown_word": 15, "test_per_word": 10, "test_unknown": 30,
                            "test_silence": 10, "background_seconds": 60.0,
                            "speakers": {"train": 40, "dev": 6, "test": 6}},
        "fluent_speech_commands": {"train": 600, "valid": 100, "test": 100,
                                   "speakers": {"train": 24, "valid": 6, "test": 6}},
        "librimix": {"train": 160, "dev": 20, "test": 20, "speakers": {"train": 24, "dev": 6, "test": 6},
                     "sentences_per_source": [1, 2]},
    },
    "small": {
        "librispeech": {"train-clean-100": 12000, "dev-clean": 500, "dev-other": 500, "test-clean": 800,
                        "test-other": 800,
                        "speakers": {"train-clean-100": 200, "dev-clean": 20, "dev-other": 20, "test-clean": 40,
                                     "test-other": 40},
                        "sentences_per_utt": [1, 3], "chapters_per_speaker": 3},
        "must_c": {"talks": {"train": 500, "dev": 15, "tst-COMMON": 25}, "segments_per_talk": [15, 25]},
        "lrs3": {"pretrain": 20000, "trainval": 8000, "test": 1000, "clips_per_video": 40,
                 "pretrain_sentences": (2, 5), "max_words": 15, "fps": 25, "size": 224},
        "voxceleb2": {"dev": 20000, "test": 1000, "clips_per_video": 5, "videos_per_speaker": 4, "sentences": (1, 3),
                      "max_words": 15, "fps": 25, "size": 224},
        "kinetics600": {"per_class": {"train": 800, "validate": 50, "test": 50}, "duration": 10, "fps": 25,
                        "size": 224, "classes": 12, "missing": 20, "no_audio": 20},
        "speech_commands": {"per_word": 1500, "per_unknown_word": 500, "test_per_word": 250, "test_unknown": 250,
                            "test_silence": 250, "background_seconds": 600.0,
                            "speakers": {"train": 600, "dev": 80, "test": 80}},
        "fluent_speech_commands": {"train": 12000, "valid": 1500, "test": 1500,
                                   "speakers": {"train": 80, "valid": 10, "test": 10}},
        "librimix": {"train": 4000, "dev": 400, "test": 400, "speakers": {"train": 200, "dev": 20, "test": 20},
                     "sentences_per_source": [1, 2]},
    },
}

# ``study``: the controlled study of egs2/librispeech/asr1/STUDY.md (section 3): ``mini`` with a labelled
# LibriSpeech pool that holds a 1 h subset, 300-utterance test sets, MuST-C sized from text coverage
# (>= 2,000 training segments per direction) and twice mini's LRS3 for pre-training.
_PRESETS["study"] = {
    **_PRESETS["mini"],
    "librispeech": {"train-clean-100": 800, "dev-clean": 60, "dev-other": 40, "test-clean": 300,
                    "test-other": 300,
                    "speakers": {"train-clean-100": 40, "dev-clean": 4, "dev-other": 4, "test-clean": 10,
                                 "test-other": 10},
                    "sentences_per_utt": [1, 3], "chapters_per_speaker": 2},
    "must_c": {"talks": {"train": 140, "dev": 6, "tst-COMMON": 8}, "segments_per_talk": [12, 18]},
    "lrs3": {"pretrain": 640, "trainval": 800, "test": 100, "clips_per_video": 10, "pretrain_sentences": (2, 4),
             "max_words": 15, "fps": 25, "size": 96},
}

PRESET_NAMES = tuple(_PRESETS)


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (``tiny``, ``mini``, ``study`` or ``small``)."""
    if name not in _PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESET_NAMES)}")
    return Preset(name, _PRESETS[name])
