"""The embedded corpus's writers by corpus name (imported lazily: each pulls in its renderers)."""
from __future__ import annotations

import importlib
from typing import Dict, List

from mmpt.synth.writer import CorpusWriter

# corpus name -> "module:class"
WRITERS: Dict[str, str] = {
    "librispeech": "mmpt.synth.writers.librispeech:LibriSpeechWriter",
    "must_c": "mmpt.synth.writers.must_c:MustCWriter",
    "lrs3": "mmpt.synth.writers.lrs3:LRS3Writer",
    "voxceleb2": "mmpt.synth.writers.voxceleb2:VoxCeleb2Writer",
    "kinetics600": "mmpt.synth.writers.kinetics600:Kinetics600Writer",
    "speech_commands": "mmpt.synth.writers.speech_commands:SpeechCommandsWriter",
    "fluent_speech_commands": "mmpt.synth.writers.fluent_speech_commands:FluentSpeechCommandsWriter",
    "librimix": "mmpt.synth.writers.librimix:LibriMixWriter",
}


def corpus_names() -> List[str]:
    return list(WRITERS)


def get_writer(name: str) -> CorpusWriter:
    """An instance of the writer of corpus ``name``."""
    if name not in WRITERS:
        raise ValueError(f"unknown corpus {name!r}; choose from {', '.join(WRITERS)}")
    module, cls = WRITERS[name].split(":")
    return getattr(importlib.import_module(module), cls)()
