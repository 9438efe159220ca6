"""Transcribe audio (or the audio track of a video) with a model trained by an mmpt ASR recipe.

The recipes train on precomputed Kaldi fbank; :class:`Transcriber` computes the very same features
(:func:`mmpt.features.fbank.compute_fbank` with the recipe's ``fbank.yaml``, which the training stage
copies beside ``config.yaml``) before the model's own normalisation, encoder and CTC decoding::

    from mmpt.asr.transcribe import Transcriber
    t = Transcriber("exp/asr_x/config.yaml", "exp/asr_x/valid.loss.ave.pth")
    t("talk.mp4")          # a file: wav/flac/... or a video container (PyAV), resampled and down-mixed
    t(wav, sample_rate=8000)   # a float waveform [T] or [T, C] in [-1, 1]

Long recordings are cut into pieces of at most ``chunk_seconds`` at the quietest 10 ms frame of the
last quarter of each piece, decoded one by one and joined with spaces.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, List, Optional, Tuple, Union

import numpy as np

from mmpt.asr.recognizer import Recognizer
from mmpt.data.errors import AudioReadError, DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


def split_points(wav: np.ndarray, sr: int, chunk_seconds: float) -> List[int]:
    """Sample indices [0, ..., len(wav)] bounding pieces of at most ``chunk_seconds``, each cut at the
    lowest-energy 10 ms frame within the last quarter of its window."""
    n, max_len = len(wav), int(chunk_seconds * sr)
    if max_len <= 0:
        raise ValueError("chunk_seconds must be positive")
    points, start, hop = [0], 0, max(1, sr // 100)
    while n - start > max_len:
        lo, hi = start + (3 * max_len) // 4, start + max_len
        frames = (hi - lo) // hop
        if frames > 0:
            energy = np.square(wav[lo: lo + frames * hop].astype(np.float64)).reshape(frames, hop).sum(axis=1)
            cut = lo + int(np.argmin(energy)) * hop + hop // 2
        else:
            cut = hi
        points.append(cut)
        start = cut
    points.append(n)
    return points


class Transcriber:
    """Audio/video file or waveform -> text (ESPnet ``Speech2Text`` style)."""

    def __init__(
        self,
        asr_train_config: PathLike,
        asr_model_file: PathLike,
        *,
        fbank_conf: Optional[PathLike] = None,
        decoding: str = "greedy",
        beam_size: int = 10,
        device: str = "cpu",
        chunk_seconds: float = 30.0,
    ):
        from mmpt.features.fbank import FbankConfig

        config = Path(asr_train_config)
        if fbank_conf is None:
            fbank_conf = config.parent / "fbank.yaml"
            if not fbank_conf.is_file():
                raise DataError(config, "no fbank.yaml beside this config: pass fbank_conf= (the recipe's "
                                "conf/fbank.yaml), so that the features are those the model was trained on")
        self.fbank = FbankConfig.load(Path(fbank_conf))
        self.sample_rate = int(self.fbank.sample_frequency)
        self.chunk_seconds = chunk_seconds
        self.recognizer = Recognizer(config, asr_model_file, decoding=decoding, beam_size=beam_size, device=device)
        self.frozen, self.layers = self._cached_encoder(config)

    @staticmethod
    def _cached_encoder(config: Path) -> Tuple[Optional[Any], str]:
        """The frozen encoder of a head trained on its cached outputs (``encoded.yaml`` beside the config,
        asr.sh --cache_encoder true) and its layer choice; (None, "") for a model with its own encoder."""
        meta_file = config.parent / "encoded.yaml"
        if not meta_file.is_file():
            return None, ""
        from mmpt.asr.encoder_outputs import FrozenEncoder
        from mmpt.features.encoded_dump import read_meta
        from mmpt.pack.read import load_pretrained, pack_fingerprint

        meta = read_meta(config.parent)
        pack = load_pretrained(meta["pretrained_encoder"])
        if pack_fingerprint(pack) != meta.get("fingerprint"):
            raise DataError(pack.model_path, f"this frozen encoder changed since the head of {config} was trained "
                            "on its outputs")
        return FrozenEncoder.from_pretrained(pack), str(meta["layers"])

    def features(self, wav: np.ndarray) -> List[np.ndarray]:
        """Fbank matrices [frames, dim] of the pieces of a mono waveform at ``self.sample_rate``."""
        from mmpt.features.fbank import compute_fbank

        points = split_points(wav, self.sample_rate, self.chunk_seconds)
        feats = []
        for a, b in zip(points[:-1], points[1:]):
            if b - a >= self.fbank.window_size:  # a trailing sliver shorter than one frame holds no speech
                feats.append(compute_fbank(wav[a:b], self.fbank, utt=f"samples {a}-{b}"))
        return feats

    def __call__(self, audio: Union[PathLike, np.ndarray], sample_rate: Optional[int] = None) -> str:
        """Transcript of a file (path) or of a waveform [T] / [T, C] at ``sample_rate`` (default: the model's)."""
        from mmpt.data.audio import load_audio
        from mmpt.data.signal import resample, to_mono

        if isinstance(audio, (str, Path)):
            wav = load_audio(str(audio), target_sr=self.sample_rate)
        else:
            wav = to_mono(np.asarray(audio, dtype=np.float32))
            wav = resample(wav, int(sample_rate or self.sample_rate), self.sample_rate)
        if wav.size < self.fbank.window_size:
            raise AudioReadError(str(audio) if isinstance(audio, (str, Path)) else "<waveform>",
                                 f"audio too short to transcribe: {wav.size} samples")
        feats = self.features(wav)
        if self.frozen is not None:
            feats = [self.frozen.encode(f, self.layers) for f in feats]
        texts = [r.text for r in self.recognizer.recognize(feats) if r.text]
        return " ".join(texts)
