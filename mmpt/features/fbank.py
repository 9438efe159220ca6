"""Kaldi-compatible log-mel filterbank features (``torchaudio.compliance.kaldi.fbank``).

The options mirror Kaldi's ``compute-fbank-feats`` (and torchaudio's keyword arguments); they are read
from a yaml file such as ``conf/fbank.yaml``, or from a Kaldi ``conf/fbank.conf`` (``--num-mel-bins=80``
lines). Defaults follow the paper: 80 mel bins, 25 ms windows every 10 ms at 16 kHz, no dither.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import numpy as np
import torch
import yaml
from torchaudio.compliance import kaldi

from mmpt.data.errors import AudioReadError, DataError

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[1] / "conf" / "fbank.yaml"

# Kaldi reads 16-bit PCM as integer-valued floats; our readers return floats in [-1, 1].
INT16_SCALE = 32768.0


@dataclass(frozen=True)
class FbankConfig:
    """Options of ``torchaudio.compliance.kaldi.fbank`` (same names, Kaldi's defaults unless noted)."""

    num_mel_bins: int = 80  # Kaldi: 23
    frame_length: float = 25.0  # ms
    frame_shift: float = 10.0  # ms
    dither: float = 0.0  # Kaldi: 1.0; 0 makes the features deterministic
    energy_floor: float = 0.0
    sample_frequency: float = 16000.0
    window_type: str = "povey"
    use_energy: bool = False
    raw_energy: bool = True
    low_freq: float = 20.0
    high_freq: float = 0.0  # <= 0: offset from the Nyquist frequency
    preemphasis_coefficient: float = 0.97
    remove_dc_offset: bool = True
    round_to_power_of_two: bool = True
    snip_edges: bool = True
    use_log_fbank: bool = True
    use_power: bool = True
    htk_compat: bool = False
    blackman_coeff: float = 0.42
    subtract_mean: bool = False
    vtln_warp: float = 1.0
    vtln_low: float = 100.0
    vtln_high: float = -500.0

    @classmethod
    def from_dict(cls, options: Mapping[str, Any], source: Union[str, Path] = "<dict>") -> "FbankConfig":
        """Build from a mapping; Kaldi spellings (``num-mel-bins``) are accepted.

        Raises DataError naming ``source`` and the key when a key is unknown or a value has the wrong type.
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for raw_key, value in options.items():
            key = str(raw_key).lstrip("-").replace("-", "_")
            if key == "preemphasis":  # common shorthand
                key = "preemphasis_coefficient"
            if key not in fields:
                raise DataError(
                    source,
                    f"unknown fbank option {raw_key!r}; known options: {', '.join(sorted(fields))}",
                    key=str(raw_key),
                )
            kwargs[key] = _coerce(value, fields[key].type, source, str(raw_key))
        return cls(**kwargs)

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "FbankConfig":
        """Load a yaml mapping, or a Kaldi ``.conf`` file of ``--option=value`` lines."""
        path = Path(path)
        if not path.is_file():
            raise DataError(path, "fbank config file not found")
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".conf":
            return cls.from_dict(_parse_kaldi_conf(text, path), path)
        try:
            options = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DataError(path, f"not valid yaml: {exc}") from None
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise DataError(path, f"expected a mapping of fbank options, got {type(options).__name__}")
        return cls.from_dict(options, path)

    @classmethod
    def load(cls, config: Union["FbankConfig", str, Path, Mapping[str, Any], None]) -> "FbankConfig":
        """Accept a config, a file path, a mapping, or None (the packaged ``conf/fbank.yaml``)."""
        if config is None:
            return cls.from_file(DEFAULT_CONFIG_PATH)
        if isinstance(config, FbankConfig):
            return config
        if isinstance(config, Mapping):
            return cls.from_dict(config)
        return cls.from_file(config)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def window_size(self) -> int:
        """Samples per analysis window."""
        return int(self.sample_frequency * self.frame_length * 0.001)

    @property
    def window_shift(self) -> int:
        """Samples between consecutive frames."""
        return int(self.sample_frequency * self.frame_shift * 0.001)

    def num_frames(self, num_samples: int) -> int:
        """Frames that Kaldi produces for ``num_samples`` samples."""
        if self.snip_edges:
            if num_samples < self.window_size:
                return 0
            return 1 + (num_samples - self.window_size) // self.window_shift
        return (num_samples + self.window_shift // 2) // self.window_shift


def _coerce(value: Any, annotation: Any, source: Union[str, Path], key: str) -> Any:
    """Convert ``value`` to the field type (yaml and Kaldi .conf give strings, ints and bools)."""
    kind = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise ValueError(f"expected true/false, got {value!r}")
        if kind in ("int", "float"):
            number = None if isinstance(value, bool) else _to_float(value)
            if number is None or (kind == "int" and number != int(number)):
                raise ValueError(f"expected {'an integer' if kind == 'int' else 'a number'}, got {value!r}")
            return int(number) if kind == "int" else number
        return str(value)
    except ValueError as exc:
        raise DataError(source, f"bad value for fbank option {key!r}: {exc}", key=key) from None


def _to_float(value: Any) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _parse_kaldi_conf(text: str, path: Path) -> dict[str, str]:
    options: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if not line.startswith("--") or "=" not in line:
            raise DataError(path, f"line {lineno}: expected --option=value, got {line!r}")
        key, value = line[2:].split("=", 1)
        options[key] = value
    return options


def compute_fbank(
    wav: Union[np.ndarray, torch.Tensor], cfg: Optional[FbankConfig] = None, *, utt: str = "<waveform>"
) -> np.ndarray:
    """Kaldi fbank of one mono waveform.

    Args:
        wav: [T] float samples in [-1, 1] at ``cfg.sample_frequency`` (scaled to the int16 range, as Kaldi
            reads PCM).
        cfg: options (default: ``FbankConfig()``).
        utt: utterance id used in error messages.
    Returns:
        np.float32 [frames, num_mel_bins] (+1 column when ``use_energy``).
    Raises:
        AudioReadError when the waveform is not 1-D, not finite, or shorter than one frame.
    """
    cfg = cfg or FbankConfig()
    samples = torch.as_tensor(wav)
    if samples.ndim != 1:
        raise AudioReadError(utt, f"expected a mono waveform [T], got shape {tuple(samples.shape)}")
    if cfg.snip_edges and samples.numel() < cfg.window_size:
        raise AudioReadError(
            utt,
            f"audio too short: {samples.numel()} samples < one {cfg.frame_length:g} ms frame "
            f"({cfg.window_size} samples at {cfg.sample_frequency:g} Hz)",
        )
    if samples.numel() == 0:
        raise AudioReadError(utt, "empty audio")
    samples = samples.to(torch.float32)
    if not bool(torch.isfinite(samples).all()):
        raise AudioReadError(utt, "audio contains NaN or infinite samples")
    feats = kaldi.fbank((samples * INT16_SCALE).unsqueeze(0), **cfg.to_dict())
    return feats.numpy()
