"""Re-estimation of an encoder's batch-norm statistics on unmasked audio, before it is packed.

Why: MAE pre-training with zero-masking (``audio_visible_only: false``) passes 60 % zeroed tokens through
the Conformer convolution module's ``BatchNorm1d`` in train mode, so its running statistics mix speech
and mask tokens; the frozen encoder downstream (in eval mode) would normalise unmasked speech with them.
A randomly initialised encoder has the initial statistics (0 / 1), which fit no real input either.

What: for every batch-norm layer, in forward order, the running mean and variance are set to the exact
mean and (unbiased) variance over all frames of the layer's inputs when the encoder runs **in eval mode**
on ``utts`` unmasked utterances (global MVN of the pack first, as every downstream stage does), the
layers before it already holding their re-estimated statistics. The result is the fixed point "the
running statistics are the statistics of the inputs the packed encoder gives its batch-norm layers";
re-estimating again on the same utterances changes nothing (up to float rounding).

Padding: espnet's ``ConvolutionModule`` applies its depthwise convolution and ``BatchNorm1d`` without a
mask, so padded frames of a batch would enter the statistics; every utterance therefore runs alone
(batch size 1: no padding at all). Frames are pooled over utterances (float64 sums), not averaged per
utterance: torch's cumulative averaging (``momentum=None``) of per-batch variances would leave out the
variance between utterance means, and train-mode forwarding would feed later layers inputs normalised
with per-utterance statistics that inference never uses. No gradient, dropout off, nothing else changes.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch import nn

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
DEFAULT_UTTS = 200


class _Reached(Exception):
    """Raised by the hook of the layer being estimated: the rest of the forward pass is not needed."""


@dataclass
class LayerShift:
    """How much re-estimation moved one layer's statistics (over its channels)."""

    name: str
    mean_abs_shift: float  # mean over channels of |new mean - old mean|
    old_mean_abs: float  # mean over channels of |old mean| (the scale of the shift)
    var_rel_change: float  # mean over channels of |new var / old var - 1|

    def to_dict(self) -> Dict[str, Union[str, float]]:
        return {"layer": self.name, "mean_abs_shift": round(self.mean_abs_shift, 6),
                "old_mean_abs": round(self.old_mean_abs, 6), "var_rel_change": round(self.var_rel_change, 6)}


@dataclass
class BNReestimation:
    """Summary of :func:`reestimate_bn_stats` (written to the pack's ``packed_from.yaml``)."""

    utts: int
    frames: int
    layers: List[LayerShift] = field(default_factory=list)
    output_rel_change: Optional[float] = None  # ||out_new - out_old|| / ||out_old|| over the utterances

    def to_dict(self) -> Dict[str, object]:
        return {"utts": self.utts, "frames": self.frames, "layers": [s.to_dict() for s in self.layers],
                "output_rel_change": None if self.output_rel_change is None else round(self.output_rel_change, 6)}


def batchnorm_layers(module: nn.Module) -> List[Tuple[str, nn.modules.batchnorm._BatchNorm]]:
    """``(name, layer)`` of every batch-norm layer that tracks running statistics, in registration order
    (the forward order of espnet's encoders: block after block)."""
    return [(n, m) for n, m in module.named_modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]


def select_utterances(keys: Sequence[str], num: int) -> List[str]:
    """``num`` of ``keys`` spread evenly over the (sorted, speaker-prefixed) list: deterministic, and not
    only the first speakers."""
    keys = sorted(keys)
    if num <= 0:
        raise ValueError(f"the number of utterances must be positive, got {num}")
    if num >= len(keys):
        return keys
    return [keys[(i * len(keys)) // num] for i in range(num)]


def load_feats(scp: PathLike, num: int = DEFAULT_UTTS) -> List[Tuple[str, np.ndarray]]:
    """Up to ``num`` utterances ``(key, fbank [L, F])`` of a ``feats.scp`` (see :func:`select_utterances`).
    Utterances without frames are left out with a count; DataError when none is left or one is unreadable."""
    from mmpt.data.datadir import read_feats_scp
    from mmpt.features.ark import read_mat

    entries = dict(read_feats_scp(scp))
    if not entries:
        raise DataError(scp, "no utterance: cannot re-estimate batch-norm statistics")
    out: List[Tuple[str, np.ndarray]] = []
    empty: List[str] = []
    for key in select_utterances(list(entries), num):
        mat = read_mat(entries[key])
        if mat.ndim != 2:
            raise DataError(scp, f"expected a matrix [frames, dim], got shape {mat.shape}", key=key)
        if mat.shape[0] == 0:
            empty.append(key)
        else:
            out.append((key, mat))
    if empty:
        logger.warning("%s: %d utterance(s) without frames left out of the batch-norm statistics, e.g. %s",
                       scp, len(empty), empty[0])
    if not out:
        raise DataError(scp, "no utterance with frames: cannot re-estimate batch-norm statistics")
    return out


def long_enough(encoder: nn.Module, utts: Sequence[Tuple[str, np.ndarray]], where: PathLike) -> List[np.ndarray]:
    """The matrices of ``utts`` long enough for the encoder's sub-sampling (shorter ones: left out with a
    count, as espnet would refuse them)."""
    from espnet.nets.pytorch_backend.transformer.subsampling import check_short_utt

    embed = getattr(encoder, "embed", None)
    kept, short = [], []
    for key, mat in utts:
        too_short = embed is not None and check_short_utt(embed, mat.shape[0])[0]
        (short if too_short else kept).append(key if too_short else mat)
    if short:
        logger.warning("%s: %d utterance(s) too short for the encoder's sub-sampling left out of the "
                       "batch-norm statistics, e.g. %s", where, len(short), short[0])
    if not kept:
        raise DataError(where, "every utterance is too short for the encoder's sub-sampling")
    return kept


def _forward(encoder: nn.Module, normalize: Optional[nn.Module], feats: np.ndarray) -> torch.Tensor:
    """Encoder output [T', D] of one utterance [L, F] (after ``normalize``), in eval mode."""
    x = torch.tensor(feats, dtype=torch.float32)[None]  # a copy: GlobalMVN normalises in place
    lengths = torch.tensor([x.size(1)])
    if normalize is not None:
        x, lengths = normalize(x, lengths)
    out = encoder(x, lengths)[0]
    return out[0]


def reestimate_bn_stats(
    encoder: nn.Module,
    utterances: Iterable[np.ndarray],
    normalize: Optional[nn.Module] = None,
    measure_output: bool = True,
) -> BNReestimation:
    """Set the running statistics of every batch-norm layer of ``encoder`` (an espnet2 encoder taking
    ``(feats [B, L, F], lengths [B])``) as the module docstring says; returns what changed.

    ``utterances``: fbank matrices [L, F] (unnormalised; ``normalize`` e.g. espnet2's GlobalMVN is applied
    first). The encoder is left in eval mode.
    """
    utts = [u for u in utterances]
    if not utts:
        raise ValueError("no utterance to re-estimate the batch-norm statistics on")
    encoder.eval()
    if normalize is not None:
        normalize.eval()
    layers = batchnorm_layers(encoder)
    summary = BNReestimation(utts=len(utts), frames=0)
    if not layers:
        return summary
    old_out: List[torch.Tensor] = []
    with torch.no_grad():
        if measure_output:
            old_out = [_forward(encoder, normalize, u) for u in utts]
        for name, layer in layers:
            total = torch.zeros(layer.num_features, dtype=torch.float64)
            total_sq = torch.zeros_like(total)
            count = 0

            def hook(_module: nn.Module, args: Tuple[torch.Tensor, ...]) -> None:
                nonlocal count, total, total_sq
                x = args[0].to(torch.float64)  # [1, C, T] (BatchNorm1d) or [1, C, ...]
                x = x.transpose(0, 1).reshape(x.size(1), -1)  # [C, frames]
                total += x.sum(dim=1)
                total_sq += (x * x).sum(dim=1)
                count += x.size(1)
                raise _Reached

            handle = layer.register_forward_pre_hook(hook)
            try:
                for u in utts:
                    try:
                        _forward(encoder, normalize, u)
                    except _Reached:
                        pass
            finally:
                handle.remove()
            if count < 2:
                raise DataError(name, f"only {count} frame(s) reached this batch-norm layer: too few utterances")
            mean = total / count
            var = (total_sq / count - mean * mean).clamp(min=0.0) * (count / (count - 1))  # unbiased, as torch
            old_mean = layer.running_mean.detach().to(torch.float64).clone()
            old_var = layer.running_var.detach().to(torch.float64).clone()
            layer.running_mean.copy_(mean.to(layer.running_mean.dtype))
            layer.running_var.copy_(var.to(layer.running_var.dtype))
            summary.frames = count
            summary.layers.append(LayerShift(
                name=name,
                mean_abs_shift=float((mean - old_mean).abs().mean()),
                old_mean_abs=float(old_mean.abs().mean()),
                var_rel_change=float((var / old_var.clamp(min=1e-12) - 1.0).abs().mean()),
            ))
        if measure_output:
            num = den = 0.0
            for u, before in zip(utts, old_out):
                after = _forward(encoder, normalize, u)
                num += float(((after - before) ** 2).sum())
                den += float((before ** 2).sum())
            summary.output_rel_change = (num / den) ** 0.5 if den > 0 else None
    return summary


def _choice(kind: str, name: object, where: PathLike) -> type:
    """espnet2's class of an ``encoder`` / ``normalize`` choice name (the names of its ASR, ST and mmpt's
    pre-training tasks), imported directly: importing a task module costs seconds."""
    if kind == "encoder":
        from espnet2.asr.encoder.conformer_encoder import ConformerEncoder
        from espnet2.asr.encoder.e_branchformer_encoder import EBranchformerEncoder
        from espnet2.asr.encoder.transformer_encoder import TransformerEncoder

        classes = {"conformer": ConformerEncoder, "transformer": TransformerEncoder,
                   "e_branchformer": EBranchformerEncoder}
    else:
        from espnet2.layers.global_mvn import GlobalMVN
        from espnet2.layers.utterance_mvn import UtteranceMVN

        classes = {"global_mvn": GlobalMVN, "utterance_mvn": UtteranceMVN}
    if name not in classes:
        raise DataError(where, f"unknown {kind} {name!r} (known: {', '.join(classes)})")
    return classes[name]


def build_encoder(cfg: Dict[str, object], state: Dict[str, torch.Tensor], where: PathLike) -> nn.Module:
    """The encoder of training config ``cfg`` with the ``encoder.*`` tensors of ``state`` (strict keys)."""
    cls = _choice("encoder", cfg.get("encoder"), where)
    encoder = cls(input_size=int(cfg.get("input_size") or 80), **(cfg.get("encoder_conf") or {}))
    prefix = "encoder."
    enc_state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    try:
        encoder.load_state_dict(enc_state, strict=True)
    except RuntimeError as exc:
        raise DataError(where, f"the encoder tensors do not fit the config's encoder: {exc}") from None
    return encoder


def build_normalize(cfg: Dict[str, object], stats_file: Optional[PathLike], where: PathLike) -> Optional[nn.Module]:
    """The config's feature normalisation (espnet2 ``normalize`` choices), its ``stats_file`` replaced by
    ``stats_file``; None without one."""
    name = cfg.get("normalize")
    if not name:
        return None
    cls = _choice("normalize", name, where)
    conf = dict(cfg.get("normalize_conf") or {})
    if stats_file is not None:
        conf["stats_file"] = str(stats_file)
    try:
        return cls(**conf)
    except (ValueError, TypeError, OSError) as exc:
        raise DataError(where, f"cannot build the normalisation {name!r} ({conf}): {exc}") from None


def reestimate_state(
    cfg: Dict[str, object],
    state: Dict[str, torch.Tensor],
    feats_scp: PathLike,
    *,
    stats_file: Optional[PathLike] = None,
    num_utts: int = DEFAULT_UTTS,
    where: PathLike = "<config>",
    progress: Optional[Callable[[str], None]] = None,
) -> Tuple[Dict[str, torch.Tensor], BNReestimation]:
    """``state`` (a model state dict with ``encoder.*``) with the encoder's batch-norm running statistics
    re-estimated on ``num_utts`` utterances of ``feats_scp``; every other tensor is returned unchanged."""
    encoder = build_encoder(cfg, state, where)
    if not batchnorm_layers(encoder):
        logger.info("%s: the encoder has no batch-norm layer: nothing to re-estimate", where)
        return dict(state), BNReestimation(utts=0, frames=0)
    normalize = build_normalize(cfg, stats_file, where)
    utts = load_feats(feats_scp, num_utts)
    torch.set_num_threads(max(1, min(torch.get_num_threads(), 4)))
    summary = reestimate_bn_stats(encoder, long_enough(encoder, utts, feats_scp), normalize)
    new = dict(state)
    for name, layer in batchnorm_layers(encoder):
        for buf in ("running_mean", "running_var"):
            key = f"encoder.{name}.{buf}"
            new[key] = getattr(layer, buf).detach().clone().to(state[key].dtype)
    for s in summary.layers:
        msg = (f"{s.name}: |mean shift| {s.mean_abs_shift:.4f} (|mean| was {s.old_mean_abs:.4f}), "
               f"|var change| {100 * s.var_rel_change:.1f} %")
        (progress or logger.info)(msg)
    return new, summary
