"""Pre-trained encoder packs: what every stage hands to the next one (pre-training -> ST -> ASR).

A *pack* is a directory::

    model.pth         state dict of the whole trained model; the encoder is under ``encoder.``
    config.yaml       its training config: ``encoder``, ``encoder_conf``, ``input_size``, ``normalize``,
                      ``normalize_conf.stats_file`` (absolute path of the packed feats_stats.npz), ...
    feats_stats.npz   the global MVN statistics the encoder was trained with
    fbank.yaml        the Kaldi fbank options of its features

``load_pretrained(path)`` reads a pack, and equally any espnet2 experiment directory (ASR, ST or mmpt
pre-training: ``config.yaml`` beside ``*.pth``), a ``.pth`` file beside its ``config.yaml``, or the
``config.yaml`` itself. The encoder configuration always comes from that config, so the fine-tuning
model cannot disagree with the checkpoint.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from mmpt.data.errors import DataError
from mmpt.pack.load import PACK_STATS, load_config, load_into, resolve_stats_file  # noqa: F401  (re-exported)
from mmpt.pack.load import load_state_dict as _load_state_dict

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
PACK_MODEL = "model.pth"
PACK_CONFIG = "config.yaml"
PACK_FBANK = "fbank.yaml"
# Model files of an espnet2 experiment directory, most preferred first ("N epoch.pth" files come last,
# highest epoch first). checkpoint.pth is a training state (model + optimizers), not a model file.
MODEL_PREFERENCE = (
    PACK_MODEL,
    "valid.acc.ave.pth",
    "valid.acc.best.pth",
    "valid.loss.ave.pth",
    "valid.loss.best.pth",
    "latest.pth",
)
ENCODER_PREFIX = "encoder."


@dataclass
class PretrainedEncoder:
    """The encoder of a trained model: its class choice and options, weights, and input conventions."""

    source: Path  # what was asked for
    config_path: Path
    model_path: Path
    config: Dict[str, Any]
    encoder: str
    encoder_conf: Dict[str, Any]
    input_size: Optional[int]
    normalize: Optional[str]
    normalize_conf: Dict[str, Any] = field(default_factory=dict)  # stats_file resolved (absolute)
    stats_file: Optional[Path] = None
    fbank_conf: Optional[Path] = None

    @property
    def init_param(self) -> str:
        """espnet2 ``--init_param`` that copies the encoder: ``<model.pth>:encoder:encoder``."""
        return f"{self.model_path}:encoder:encoder"

    def encoder_state_dict(self) -> Dict[str, Any]:
        """The encoder's tensors (keys without the ``encoder.`` prefix)."""
        state = load_state_dict(self.model_path)
        enc = {k[len(ENCODER_PREFIX):]: v for k, v in state.items() if k.startswith(ENCODER_PREFIX)}
        if not enc:
            raise DataError(self.model_path, f"no '{ENCODER_PREFIX}*' parameters in this state dict "
                            f"(keys start with: {_prefixes(state)})")
        return enc

    def build_encoder(self) -> Any:
        """The encoder of the config (``encoder``, ``encoder_conf``, ``input_size``) with the model file's
        ``encoder.*`` weights, loaded strictly. Raises ModelFileError when they do not fit."""
        encoder = build_config_encoder(self.config, self.config_path)
        load_into(encoder, load_state_dict(self.model_path), self.model_path, prefix=ENCODER_PREFIX,
                  what=f"the {self.encoder} encoder of {self.config_path}")
        return encoder


def build_config_encoder(config: Dict[str, Any], config_path: PathLike) -> Any:
    """A randomly initialised encoder of a training config (``encoder``, ``encoder_conf``, ``input_size``).
    Raises DataError naming the config when espnet2 cannot build it."""
    from mmpt.tasks.av_pretrain import encoder_choices

    name = config.get("encoder")
    if not name:
        raise DataError(config_path, "no 'encoder' in this training config")
    try:
        cls = encoder_choices.get_class(name)
        return cls(input_size=int(config.get("input_size") or 80), **(config.get("encoder_conf") or {}))
    except (ValueError, TypeError) as exc:
        raise DataError(config_path, f"cannot build encoder {name!r} from encoder_conf: {exc}") from None


def _prefixes(state: Dict[str, Any]) -> str:
    return ", ".join(sorted({k.split(".", 1)[0] for k in state})[:10]) or "<none>"


def load_state_dict(path: PathLike) -> Dict[str, Any]:
    """A model state dict saved by espnet2 (``torch.save(model.state_dict())``), on the CPU, loaded safely
    (:func:`mmpt.pack.load.load_state_dict`). Raises ModelFileError naming the file."""
    return _load_state_dict(path)


def find_model_file(exp_dir: PathLike) -> Path:
    """The model file of an experiment directory (``MODEL_PREFERENCE``, then the latest ``<N>epoch.pth``)."""
    exp_dir = Path(exp_dir)
    for name in MODEL_PREFERENCE:
        if (exp_dir / name).is_file():
            return exp_dir / name
    epochs = []
    for p in exp_dir.glob("*epoch.pth"):
        stem = p.name[: -len("epoch.pth")]
        if stem.isdigit():
            epochs.append((int(stem), p))
    if epochs:
        return max(epochs)[1]
    found = sorted(p.name for p in exp_dir.glob("*.pth"))
    raise DataError(exp_dir, "no model file: expected one of " + ", ".join(MODEL_PREFERENCE) +
                    " or '<N>epoch.pth'" + (f" (found: {', '.join(found)})" if found else ""))


def load_pretrained(path: PathLike) -> PretrainedEncoder:
    """Read a pack / experiment directory / model file / config (see the module docstring).

    Raises DataError naming the file when the config or model is missing or holds no encoder.
    """
    source = Path(path)
    if source.is_dir():
        config_path = source / PACK_CONFIG
        if not config_path.is_file():
            raise DataError(source, f"not a pack or espnet2 experiment directory: no {PACK_CONFIG}")
        model_path = find_model_file(source)
    elif source.is_file() and source.suffix == ".pth":
        model_path = source
        config_path = source.parent / PACK_CONFIG
        if not config_path.is_file():
            raise DataError(source, f"no {PACK_CONFIG} beside this model file: the encoder configuration is "
                            "read from the training config of the checkpoint")
    elif source.is_file() and source.suffix in (".yaml", ".yml"):
        config_path = source
        model_path = find_model_file(source.parent)
    else:
        raise DataError(source, "pre-trained encoder not found (expected a pack directory, an espnet2 "
                        "experiment directory, a .pth model file or its config.yaml)")
    config = load_config(config_path)
    encoder = config.get("encoder")
    if not encoder:
        raise DataError(config_path, "no 'encoder' in this training config")
    if config.get("frontend") and config.get("input_size") is None:
        raise DataError(config_path, f"the encoder was trained behind the frontend {config['frontend']!r} on "
                        "raw audio; the recipes feed precomputed fbank features (input_size)")
    normalize = config.get("normalize")
    normalize_conf = dict(config.get("normalize_conf") or {})
    stats_file = None
    if normalize == "global_mvn":
        stats = normalize_conf.get("stats_file")
        if not stats:
            raise DataError(config_path, "normalize is global_mvn but normalize_conf.stats_file is not set")
        stats_file = resolve_stats_file(str(stats), config_path)
        if stats_file is None:
            raise DataError(config_path, f"normalize_conf.stats_file {stats} not found (looked at it as written, "
                            f"relative to {config_path.parent} and its recipe directory, and for "
                            f"{PACK_STATS} beside the config)")
        normalize_conf["stats_file"] = str(stats_file)
    fbank = config_path.parent / PACK_FBANK
    return PretrainedEncoder(
        source=source,
        config_path=config_path.resolve(),
        model_path=model_path.resolve(),
        config=config,
        encoder=str(encoder),
        encoder_conf=dict(config.get("encoder_conf") or {}),
        input_size=config.get("input_size"),
        normalize=normalize,
        normalize_conf=normalize_conf,
        stats_file=stats_file,
        fbank_conf=fbank.resolve() if fbank.is_file() else None,
    )


def check_encoder_weights(p: PretrainedEncoder) -> List[str]:
    """The encoder parameter names of the model file, checked strictly against the encoder its config
    builds (ModelFileError naming the file, the expected and the found keys when they do not fit)."""
    return sorted(p.build_encoder().state_dict())
