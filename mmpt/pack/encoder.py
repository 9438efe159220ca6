"""Rebuild the audio encoder of a pack or of any espnet2 checkpoint (ASR, ST, or mmpt's AV pre-training task).

:func:`build_config_encoder` builds the (untrained) encoder a training config names; the pack reader and
writer load weights into it. :func:`load_encoder_checkpoint` rebuilds everything from a waveform to the
encoder states, for the s3prl upstream (:mod:`mmpt.superb.expert`).

An espnet2 experiment keeps the model's state dict (``valid.loss.ave.pth``, ``checkpoint.pth`` or a packed
``*.pth``) next to its training ``config.yaml``. Every task that mmpt trains stores the audio encoder the way
espnet2's ASR task does: the class choice ``encoder`` / ``encoder_conf``, an optional ``frontend`` /
``frontend_conf`` (or ``input_size`` with precomputed Kaldi fbank), ``normalize`` / ``normalize_conf``
(``global_mvn`` with ``stats_file``) and an optional ``preencoder``; their weights sit under the
``frontend.``, ``normalize.``, ``preencoder.`` and ``encoder.`` prefixes of the state dict.

The upstream rebuilds exactly those parts with espnet2.tasks.asr's class choices and loads their weights
through :mod:`mmpt.pack.load` (``weights_only=True``, strict keys: the checkpoint may come from anywhere,
so no pickled code runs and no weight is silently left random).

Precomputed features: the Kaldi fbank options the encoder was trained with are looked up, in order, in
the ``fbank_config`` argument, ``fbank.yaml`` beside the checkpoint, ``fbank.yaml`` beside the config
(recipes pack it there), and else the packaged ``mmpt/conf/fbank.yaml`` with a warning.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import numpy as np
import torch
from torch import nn

from mmpt.features.fbank import DEFAULT_CONFIG_PATH, FbankConfig
from mmpt.pack import load as pack_load
from mmpt.pack.layout import PACK_CONFIG, PACK_FBANK, PACK_STATS, resolve_stats_file

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
# s3prl feeds every upstream 16 kHz waveforms
SAMPLE_RATE = 16000


class CheckpointError(pack_load.ModelFileError):
    """A checkpoint or its config that cannot give an encoder."""


def build_config_encoder(config: Mapping[str, Any], config_path: PathLike, input_size: Optional[int] = None) -> Any:
    """A randomly initialised encoder of a training config (``encoder``, ``encoder_conf``; ``input_size``
    unless given), a class of espnet2's ASR encoder choices. Raises CheckpointError (a DataError) naming the
    config when espnet2 cannot build it."""
    from espnet2.tasks.asr import encoder_choices

    name = config.get("encoder")
    if not name:
        raise CheckpointError(config_path, "no 'encoder' in this training config")
    size = int(input_size if input_size is not None else config.get("input_size") or 80)
    try:
        cls = encoder_choices.get_class(name)
    except ValueError as exc:
        raise CheckpointError(config_path, f"unknown encoder {name!r}: {exc}") from None
    try:
        return cls(input_size=size, **(config.get("encoder_conf") or {}))
    except (TypeError, ValueError) as exc:
        raise CheckpointError(config_path, f"cannot build encoder {name!r} from encoder_conf: {exc}") from None

@dataclass
class EncoderCheckpoint:
    """The modules that turn a 16 kHz waveform into encoder states, with their provenance.

    Attributes:
        encoder: espnet2 ``AbsEncoder`` with ``embed`` (sub-sampling) and ``encoders`` (the layers).
        frontend: espnet2 frontend on raw waveforms, or None when the encoder takes Kaldi fbank.
        fbank: Kaldi fbank options (None when ``frontend`` is set).
        normalize: feature normalisation (``GlobalMVN`` with the checkpoint's statistics) or None.
        preencoder: optional espnet2 pre-encoder.
        input_size: feature dimension the encoder (or pre-encoder) takes.
        frame_shift: waveform samples between consecutive feature frames.
        subsampling: time sub-sampling factor of the encoder's input layer.
        min_frames: fewest feature frames the input layer accepts.
        ckpt_path / config_path: where the weights and the config came from.
    """

    encoder: nn.Module
    frontend: Optional[nn.Module]
    fbank: Optional[FbankConfig]
    normalize: Optional[nn.Module]
    preencoder: Optional[nn.Module]
    input_size: int
    frame_shift: int
    subsampling: int
    min_frames: int
    ckpt_path: Path
    config_path: Path

    @property
    def downsample_rate(self) -> int:
        """Waveform samples per encoder output frame (640 = 10 ms shift x 4 at 16 kHz)."""
        return self.frame_shift * self.subsampling

    def min_samples(self) -> int:
        """Fewest waveform samples that give ``min_frames`` feature frames."""
        if self.fbank is not None:
            if self.fbank.snip_edges:
                return self.fbank.window_size + (self.min_frames - 1) * self.fbank.window_shift
            shift = self.fbank.window_shift
            return self.min_frames * shift - shift // 2  # frames = (samples + shift // 2) // shift
        # espnet2 Stft (center=True): frames = samples // hop + 1
        return max(1, (self.min_frames - 1) * self.frame_shift)


def load_state_dict(ckpt: PathLike) -> Dict[str, torch.Tensor]:
    """The model state dict of an espnet2 ``*.pth`` (plain state dict, or ``checkpoint.pth``'s ``model``).

    Loaded by :func:`mmpt.pack.load.load_state_dict` (``weights_only=True``: tensors and plain
    containers only). Raises CheckpointError naming the file.
    """
    try:
        return pack_load.load_state_dict(ckpt, training_checkpoint=True, what="checkpoint file")
    except pack_load.ModelFileError as exc:
        raise CheckpointError(exc.where, exc.problem) from None


def load_config(config_path: PathLike) -> Dict[str, Any]:
    """An espnet2 training config (yaml mapping) that names an ``encoder``."""
    try:
        return pack_load.load_config(config_path, require=("encoder",))
    except pack_load.ModelFileError as exc:
        raise CheckpointError(exc.where, exc.problem) from None


def find_fbank_config(
    ckpt_path: Path, config_path: Path, fbank_config: Union[FbankConfig, PathLike, Mapping, None] = None
) -> Tuple[FbankConfig, str]:
    """The Kaldi fbank options the encoder was trained with, and where they came from."""
    if fbank_config is not None:
        return FbankConfig.load(fbank_config), str(fbank_config) if not isinstance(fbank_config, Mapping) else "<dict>"
    for candidate in (ckpt_path.parent / PACK_FBANK, config_path.parent / PACK_FBANK):
        if candidate.is_file():
            return FbankConfig.from_file(candidate), str(candidate)
    logger.warning(
        "no %s beside %s or %s: assuming the default fbank options of %s; put the fbank options the encoder "
        "was trained with beside the checkpoint",
        PACK_FBANK,
        ckpt_path,
        config_path,
        DEFAULT_CONFIG_PATH,
    )
    return FbankConfig.from_file(DEFAULT_CONFIG_PATH), str(DEFAULT_CONFIG_PATH)


def _load_part(module: nn.Module, state: Mapping[str, torch.Tensor], prefix: str, ckpt: Path) -> None:
    """Strictly load the ``prefix`` keys into ``module``; CheckpointError lists what does not match."""
    try:
        pack_load.load_into(module, state, ckpt, prefix=prefix,
                            what=f"the config's {type(module).__name__} ({prefix.rstrip('.')} weights)")
    except pack_load.ModelFileError as exc:
        raise CheckpointError(exc.where, exc.problem) from None


def _build_normalize(
    config: Mapping[str, Any], state: Mapping[str, torch.Tensor], ckpt: Path, config_path: Path, tmp: Path
) -> Optional[nn.Module]:
    from espnet2.tasks.asr import normalize_choices

    name = config.get("normalize")
    if not name:
        return None
    conf = dict(config.get("normalize_conf") or {})
    found = None
    if "stats_file" in conf:
        found = resolve_stats_file(str(conf["stats_file"]), config_path)
        mean, std = state.get("normalize.mean"), state.get("normalize.std")
        if found is not None:
            conf["stats_file"] = str(found)
        elif mean is not None and std is not None:
            # The trained statistics live in the state dict too; GlobalMVN only insists on a file at
            # construction, so give it one rebuilt from them (load_state_dict then sets them exactly).
            rebuilt = tmp / PACK_STATS
            m, s = mean.double().numpy(), std.double().numpy()
            np.savez(rebuilt, count=np.array(1.0), sum=m, sum_square=s * s + m * m)
            logger.info("normalize: %s not found; using the statistics stored in %s", conf["stats_file"], ckpt)
            conf["stats_file"] = str(rebuilt)
        else:
            raise CheckpointError(
                config_path,
                f"normalize_conf.stats_file {conf['stats_file']!r} not found (tried relative to the working "
                f"directory and to the config) and {ckpt} holds no normalize.mean/std",
            )
    try:
        module = normalize_choices.get_class(name)(**conf)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(config_path, f"cannot build normalize {name!r} from normalize_conf: {exc}") from None
    if module.state_dict():
        if any(k.startswith("normalize.") for k in state):
            _load_part(module, state, "normalize.", ckpt)
        elif found is not None:  # a packed encoder file without them: the statistics file it names
            logger.info("normalize: no normalize.* in %s; statistics from %s", ckpt, found)
        else:
            raise CheckpointError(ckpt, f"no normalize.* weights for {name!r} and no statistics file")
    return module


def _subsampling(encoder: nn.Module) -> Tuple[int, int]:
    """(time sub-sampling factor, fewest input frames) of the encoder's input layer."""
    from espnet.nets.pytorch_backend.transformer import subsampling as sub

    factors = {
        "Conv1dSubsampling1": 1,
        "Conv1dSubsampling2": 2,
        "Conv1dSubsampling3": 3,
        "Conv2dSubsampling1": 1,
        "Conv2dSubsampling2": 2,
        "Conv2dSubsampling": 4,
        "Conv2dSubsampling6": 6,
        "Conv2dSubsampling8": 8,
    }
    embed = getattr(encoder, "embed", None)
    if embed is None or not hasattr(encoder, "encoders"):
        raise CheckpointError(
            type(encoder).__name__, "unsupported encoder: expected espnet2's layout with .embed and .encoders"
        )
    for name, factor in factors.items():
        cls = getattr(sub, name, None)
        if cls is not None and type(embed) is cls:
            short, limit = sub.check_short_utt(embed, 0)
            return factor, (limit if short else 1)
    # "linear", "embed" or no input layer: no sub-sampling
    if any(isinstance(m, (nn.Conv1d, nn.Conv2d)) for m in embed.modules()):
        raise CheckpointError(type(embed).__name__, "unknown sub-sampling input layer; cannot tell its frame rate")
    return 1, 1


def load_encoder_checkpoint(
    ckpt: PathLike,
    model_config: Optional[PathLike] = None,
    fbank_config: Union[FbankConfig, PathLike, Mapping, None] = None,
) -> EncoderCheckpoint:
    """Rebuild frontend / fbank, normalisation, pre-encoder and encoder of an espnet2 checkpoint.

    Args:
        ckpt: the model file (``exp/.../valid.loss.ave.pth``, ``checkpoint.pth`` or a packed ``*.pth``).
        model_config: its espnet2 training config; default ``config.yaml`` beside ``ckpt``.
        fbank_config: Kaldi fbank options (file, mapping or FbankConfig) when the encoder takes fbank;
            default: see the module docstring.
    Raises:
        CheckpointError naming the file and the problem.
    """
    from espnet2.tasks.asr import frontend_choices, preencoder_choices

    ckpt_path = Path(ckpt)
    config_path = Path(model_config) if model_config else ckpt_path.parent / PACK_CONFIG
    if not config_path.is_file():
        raise CheckpointError(
            config_path,
            f"espnet2 training config of {ckpt_path} not found: put it beside the checkpoint as "
            f"{PACK_CONFIG} or pass it as model_config (s3prl: -g)",
        )
    config = load_config(config_path)
    state = load_state_dict(ckpt_path)

    # 1. features: an espnet2 frontend on waveforms, or Kaldi fbank computed here (precomputed in training)
    frontend = None
    fbank = None
    input_size = config.get("input_size")
    if input_size is None and config.get("frontend"):
        name = config["frontend"]
        try:
            frontend = frontend_choices.get_class(name)(**(config.get("frontend_conf") or {}))
        except (TypeError, ValueError) as exc:
            raise CheckpointError(config_path, f"cannot build frontend {name!r}: {exc}") from None
        fs = (config.get("frontend_conf") or {}).get("fs", SAMPLE_RATE)
        if isinstance(fs, str):
            import humanfriendly  # espnet2's own parser of "16k"

            fs = humanfriendly.parse_size(fs)
        hop = getattr(frontend, "hop_length", None)
        if hop is None:
            raise CheckpointError(config_path, f"frontend {name!r} has no hop_length; cannot tell its frame rate")
        if int(fs) != SAMPLE_RATE:
            raise CheckpointError(config_path, f"frontend_conf.fs is {fs}; s3prl gives {SAMPLE_RATE} Hz audio")
        if any(k.startswith("frontend.") for k in state):
            _load_part(frontend, state, "frontend.", ckpt_path)
        elif any(True for _ in frontend.parameters()):
            raise CheckpointError(ckpt_path, f"no frontend.* weights for the trainable frontend {name!r}")
        input_size = frontend.output_size()
        frame_shift = int(hop)
    else:
        fbank, source = find_fbank_config(ckpt_path, config_path, fbank_config)
        if int(fbank.sample_frequency) != SAMPLE_RATE:
            raise CheckpointError(
                source, f"sample_frequency is {fbank.sample_frequency:g}; s3prl gives {SAMPLE_RATE} Hz audio"
            )
        dim = fbank.num_mel_bins + int(fbank.use_energy)
        if input_size is None:
            input_size = dim
        elif int(input_size) != dim:
            raise CheckpointError(
                source, f"gives {dim}-dim features but {config_path} has input_size {input_size}"
            )
        frame_shift = fbank.window_shift

    with tempfile.TemporaryDirectory(prefix="mmpt_superb_") as tmp:
        normalize = _build_normalize(config, state, ckpt_path, config_path, Path(tmp))

    # 2. optional pre-encoder, 3. the encoder
    preencoder = None
    if config.get("preencoder"):
        name = config["preencoder"]
        preencoder = preencoder_choices.get_class(name)(**(config.get("preencoder_conf") or {}))
        _load_part(preencoder, state, "preencoder.", ckpt_path)
        input_size = preencoder.output_size()

    name = config["encoder"]
    encoder = build_config_encoder(config, config_path, int(input_size))
    _load_part(encoder, state, "encoder.", ckpt_path)
    subsampling, min_frames = _subsampling(encoder)

    for module in (frontend, normalize, preencoder, encoder):
        if module is not None:
            module.eval()
    logger.info(
        "loaded %s encoder (%d layers, %d-dim) from %s with %s",
        name,
        len(encoder.encoders),
        encoder.output_size(),
        ckpt_path,
        f"frontend {config.get('frontend')}" if frontend is not None else "Kaldi fbank",
    )
    return EncoderCheckpoint(
        encoder=encoder,
        frontend=frontend,
        fbank=fbank,
        normalize=normalize,
        preencoder=preencoder,
        input_size=int(input_size),
        frame_shift=int(frame_shift),
        subsampling=subsampling,
        min_frames=min_frames,
        ckpt_path=ckpt_path,
        config_path=config_path,
    )

