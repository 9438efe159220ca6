"""Size presets of the embedded corpus.

``tiny`` is for unit tests (seconds to generate, a few MB); ``mini`` is the default of run_all.sh on a 2-core
CPU; ``small`` is for GPU runs (tens of hours). Each writer reads its own section; the sizes actually
chosen are listed in README.md ("The embedded corpus").
"""
from __future__ import annotations

from typing import Dict

from mmpt.synth.writer import Preset

# Per corpus: numbers of items per split and their durations. Writers document their keys.
_PRESETS: Dict[str, Dict[str, Dict]] = {
    "tiny": {
        "librispeech": {"train-clean-100": 12, "dev-clean": 4, "dev-other": 4, "test-clean": 4, "test-other": 4},
        "must_c": {"talks": {"train": 2, "dev": 1, "tst-COMMON": 1}, "segments_per_talk": 4},
        "lrs3": {"pretrain": 4, "trainval": 4, "test": 2, "fps": 25, "size": 96},
        "voxceleb2": {"dev": 4, "test": 2, "fps": 25, "size": 96},
        "kinetics600": {"per_class": {"train": 1, "validate": 1, "test": 1}, "duration": 2.0, "fps": 25,
                        "size": 96, "classes": 10},
        "speech_commands": {"per_word": 2, "test_per_word": 1, "background_seconds": 5.0},
        "fluent_speech_commands": {"train": 12, "valid": 4, "test": 4},
        "librimix": {"train": 4, "dev": 2, "test": 2},
    },
    "mini": {
        "librispeech": {"train-clean-100": 600, "dev-clean": 60, "dev-other": 60, "test-clean": 100,
                        "test-other": 100},
        "must_c": {"talks": {"train": 40, "dev": 4, "tst-COMMON": 4}, "segments_per_talk": 15},
        "lrs3": {"pretrain": 1200, "trainval": 600, "test": 100, "fps": 25, "size": 96},
        "voxceleb2": {"dev": 1200, "test": 100, "fps": 25, "size": 96},
        "kinetics600": {"per_class": {"train": 60, "validate": 6, "test": 6}, "duration": 10.0, "fps": 25,
                        "size": 96, "classes": 12},
        "speech_commands": {"per_word": 60, "test_per_word": 10, "background_seconds": 60.0},
        "fluent_speech_commands": {"train": 600, "valid": 100, "test": 100},
        "librimix": {"train": 300, "dev": 40, "test": 40},
    },
    "small": {
        "librispeech": {"train-clean-100": 12000, "dev-clean": 600, "dev-other": 600, "test-clean": 1000,
                        "test-other": 1000},
        "must_c": {"talks": {"train": 600, "dev": 20, "tst-COMMON": 30}, "segments_per_talk": 20},
        "lrs3": {"pretrain": 20000, "trainval": 8000, "test": 1000, "fps": 25, "size": 224},
        "voxceleb2": {"dev": 20000, "test": 1000, "fps": 25, "size": 224},
        "kinetics600": {"per_class": {"train": 800, "validate": 50, "test": 50}, "duration": 10.0, "fps": 25,
                        "size": 224, "classes": 12},
        "speech_commands": {"per_word": 1500, "test_per_word": 200, "background_seconds": 600.0},
        "fluent_speech_commands": {"train": 12000, "valid": 1500, "test": 1500},
        "librimix": {"train": 5000, "dev": 500, "test": 500},
    },
}

PRESET_NAMES = tuple(_PRESETS)


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (``tiny``, ``mini`` or ``small``)."""
    if name not in _PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESET_NAMES)}")
    return Preset(name, _PRESETS[name])
