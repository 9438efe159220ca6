"""s3prl upstream expert over a frozen mmpt / espnet2 audio encoder.

``UpstreamExpert(ckpt)`` follows s3prl's upstream interface (``s3prl/upstream/example/expert.py``):
``forward(wavs)`` takes a list of 1-D 16 kHz waveforms and returns

* ``hidden_states``: ``num_blocks + 1`` tensors [B, T, D]: the output of the sub-sampling input layer
  (``encoder.embed``, positional encoding included), then the output of each encoder layer, where the last
  one is the encoder's final output (``after_norm`` applied, as the pre-training, ST and ASR heads saw it).
  The inner layer outputs are the raw residual stream, without ``after_norm``: that norm belongs to the
  encoder's output, and it does not change shapes, so every state is [B, T, D] as s3prl's weighted sum
  (Featurizer) requires; its ``--upstream_feature_normalize`` layer-norms every state if wanted.
* ``last_hidden_state``: the encoder output (same tensor as ``hidden_states[-1]``).

``get_downsample_rates(key)`` is frame shift x sub-sampling: 160 x 4 = 640 samples for 10 ms fbank and
``conv2d``. Utterance ``b`` of ``N_b`` samples gets exactly ``(N_b - 1) // 640 + 1`` frames, the valid length
s3prl's ``S3PRLUpstream`` (and so espnet2's ``S3prlFrontend``) reports for it, so that every frame inside an
utterance's reported length is computed from that utterance alone, batched or not (s3prl's runner
``Featurizer`` keeps ``round(N_b / 640)`` of them, at most one fewer). The encoder gives 2 or 3 frames fewer
(snip-edges fbank loses 1.5 frames, the convolutions' receptive field 3 more), so its last frame is
repeated (``S3PRLUpstream`` pads a single utterance the same way); frames past an utterance's own count are
zero. Frame t is centred at sample 640 t + 680, ~22 ms after s3prl's grid (640 t + 320): a third of a frame.

**Frozen by default**: ``train()`` does not put the encoder in training mode (dropout stays off, batch-norm
statistics stay fixed) unless the expert was built with ``frozen=False``. espnet2's trainer calls
``model.train()`` every epoch, frontend included, and s3prl's ``S3PRLUpstream`` calls ``upstream.train()``
when it is built; a frozen encoder must give the same features in training as in evaluation. s3prl's runner
with ``-f`` (fine-tuning the upstream) needs ``frozen=False`` (``S3PRLUpstream(..., extra_conf={"frozen":
False})``) to get dropout.

Each utterance is processed as if alone: features per utterance (Kaldi fbank with the training options,
or the checkpoint's espnet2 frontend), global MVN from the checkpoint's statistics, and a padding mask for
the batch. Two espnet details would otherwise let padding leak into a short utterance of a batch:

* the sub-sampling layer's mask marks token t valid when input frame ~4 t is, so a short utterance's
  last tokens, whose receptive fields reach into the padding, count as valid: a hook on ``encoder.embed``
  replaces the mask with the tokens the utterance alone would get (``((L - 1) // 2 - 1) // 2`` for conv2d);
* the Conformer convolution module does not mask: a pre-hook zeroes the padded frames at the input of
  every time convolution inside the layers, which is the zero padding the convolution applies to an
  utterance alone.

So a batch gives the same features as its utterances one by one (tested). Whether gradients flow is
s3prl's business (``-f/--upstream_trainable``).

Utterances shorter than the input layer accepts (7 fbank frames, ~0.08 s, for conv2d) are zero-padded
at the end to that length before feature extraction.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pad_sequence

from mmpt.data.errors import AudioReadError
from mmpt.features.fbank import FbankConfig, compute_fbank
from mmpt.pack.encoder import EncoderCheckpoint, load_encoder_checkpoint
from mmpt.pack.layout import resolve_model_file

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


def _first_tensor(output: Any) -> Tensor:
    """The hidden state in an espnet layer output: ``x``, ``(x, pos_emb)``, ``((x, pos_emb), mask)``."""
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output


def _split_embed_output(output: Any) -> Tuple[Tensor, Optional[Tensor]]:
    """(hidden [B, T', D], valid mask [B, 1, T'] or None) from ``encoder.embed``'s output."""
    if (
        isinstance(output, tuple)
        and len(output) == 2
        and isinstance(output[1], Tensor)
        and output[1].dtype == torch.bool
    ):
        return _first_tensor(output[0]), output[1]
    return _first_tensor(output), None


class UpstreamExpert(nn.Module):
    """s3prl upstream: frozen espnet2 audio encoder of an mmpt (or any espnet2) checkpoint.

    Args:
        ckpt: espnet2 model file (``-k`` of s3prl's run_downstream).
        model_config: its training config (``-g``); default ``config.yaml`` beside ``ckpt``.
        fbank_config: Kaldi fbank options; default ``fbank.yaml`` beside the checkpoint or the config.
        frozen: keep the encoder in eval mode whatever ``train()`` says (see the module docstring).
    """

    def __init__(
        self,
        ckpt: PathLike,
        model_config: Optional[PathLike] = None,
        fbank_config: Union[FbankConfig, PathLike, Mapping, None] = None,
        frozen: bool = True,
        **kwargs: Any,
    ):
        super().__init__()
        if ckpt is None:
            raise ValueError("mmpt_upstream needs the checkpoint: pass -k <model.pth | pack dir> to s3prl")
        ckpt = resolve_model_file(ckpt)  # a pack or experiment directory -> its model file
        self.frozen = bool(frozen)
        loaded: EncoderCheckpoint = load_encoder_checkpoint(ckpt, model_config, fbank_config)
        self.name = "[mmpt UpstreamExpert]"
        self.frontend = loaded.frontend
        self.normalize = loaded.normalize
        self.preencoder = loaded.preencoder
        self.encoder = loaded.encoder
        self.fbank_config = loaded.fbank
        self.downsample_rate = loaded.downsample_rate
        self.min_samples = loaded.min_samples()
        self.ckpt_path = loaded.ckpt_path
        self.num_layers = len(self.encoder.encoders)

        self._captured: List[Tensor] = []
        self._valid: Optional[Tensor] = None  # [B, 1, T'] bool, set while forward runs
        self._lengths: Optional[Tensor] = None  # [B] feature frames, set while forward runs
        # (time kernel, time stride) of the input layer's convolutions, in order
        self._time_convs = [
            (int(m.kernel_size[0]), int(m.stride[0]))
            for m in self.encoder.embed.modules()
            if isinstance(m, (nn.Conv1d, nn.Conv2d))
        ]
        self.encoder.embed.register_forward_hook(self._embed_hook)
        for layer in self.encoder.encoders:
            layer.register_forward_hook(self._layer_hook)
        for module in self.encoder.encoders.modules():
            if isinstance(module, nn.Conv1d) and module.kernel_size[0] > 1:
                module.register_forward_pre_hook(self._mask_conv_input)

    def train(self, mode: bool = True) -> "UpstreamExpert":
        """``nn.Module.train``, except that a frozen expert keeps its modules in eval mode."""
        super().train(mode)
        if self.frozen and mode:
            for module in self.children():
                module.eval()
        return self

    # hooks ---------------------------------------------------------------------------------------------
    def _embed_hook(self, module: nn.Module, inputs: Any, output: Any) -> Any:
        hidden, valid = _split_embed_output(output)
        self._captured.append(hidden)
        if self._lengths is None:
            return None
        if valid is None:  # an input layer without sub-sampling (linear): frames stay tokens
            steps = torch.arange(hidden.size(1), device=hidden.device)
            self._valid = (steps.unsqueeze(0) < self._lengths.to(hidden.device).unsqueeze(1)).unsqueeze(1)
            return None
        # espnet slices the padded input mask (frame 4 t valid -> token t valid), which counts tokens whose
        # receptive field reaches into the padding; keep only the tokens the utterance alone would have.
        steps = torch.arange(valid.size(-1), device=valid.device)
        valid = (steps.unsqueeze(0) < self.subsampled_lengths(self._lengths).to(valid.device).unsqueeze(1))
        self._valid = valid.unsqueeze(1)
        return (output[0], self._valid)

    def subsampled_lengths(self, lengths: Tensor) -> Tensor:
        """Tokens the input layer makes of ``lengths`` [B] frames, each alone (3 for 17 frames, conv2d)."""
        out = lengths.to(torch.long)
        for kernel, stride in self._time_convs:
            out = (torch.div(out - kernel, stride, rounding_mode="floor") + 1).clamp(min=0)
        return out

    def _layer_hook(self, module: nn.Module, inputs: Any, output: Any) -> None:
        self._captured.append(_first_tensor(output))

    def _mask_conv_input(self, module: nn.Module, inputs: Tuple[Tensor, ...]) -> Optional[Tuple[Tensor, ...]]:
        valid = self._valid
        x = inputs[0]
        if valid is None or x.dim() != 3 or x.size(0) != valid.size(0) or x.size(-1) != valid.size(-1):
            return None
        return (x * valid.to(x.dtype),) + tuple(inputs[1:])

    # s3prl interface -----------------------------------------------------------------------------------
    def get_downsample_rates(self, key: str) -> int:
        """Waveform samples per output frame, for every key (all states share the encoder's frame rate)."""
        return self.downsample_rate

    def _features(self, wav: Tensor, index: int) -> Tensor:
        """[T, F] features of one waveform [N], on the waveform's device."""
        if self.frontend is not None:
            feats, flens = self.frontend(wav.unsqueeze(0), torch.tensor([wav.numel()], device=wav.device))
            return feats[0, : int(flens[0])]
        feats = compute_fbank(wav.detach().float().cpu(), self.fbank_config, utt=f"wavs[{index}]")
        return torch.from_numpy(feats).to(wav.device)

    def forward(self, wavs: List[Tensor]) -> Dict[str, Union[Tensor, List[Tensor]]]:
        """
        Args:
            wavs: B waveforms [N_b], 16 kHz, float in [-1, 1].
        Returns:
            ``hidden_states``: list of ``num_layers + 1`` tensors [B, T, D] with
            T = max_b ((N_b - 1) // rate + 1);
            ``last_hidden_state``: [B, T, D].
        """
        if len(wavs) == 0:
            raise ValueError("mmpt_upstream got an empty batch")
        targets = []
        feats = []
        for b, wav in enumerate(wavs):
            if wav.dim() != 1:
                raise AudioReadError(f"wavs[{b}]", f"expected a 1-D waveform, got shape {tuple(wav.shape)}")
            if wav.numel() == 0:
                raise AudioReadError(f"wavs[{b}]", "empty waveform")
            targets.append((wav.numel() - 1) // self.downsample_rate + 1)
            if wav.numel() < self.min_samples:
                logger.debug("wavs[%d]: %d samples, zero-padded to %d", b, wav.numel(), self.min_samples)
                wav = torch.nn.functional.pad(wav, (0, self.min_samples - wav.numel()))
            feats.append(self._features(wav, b))

        device = feats[0].device
        flens = torch.tensor([f.size(0) for f in feats], dtype=torch.long, device=device)
        xs = pad_sequence(feats, batch_first=True)
        if self.normalize is not None:
            xs, flens = self.normalize(xs, flens)
        if self.preencoder is not None:
            xs, flens = self.preencoder(xs, flens)

        self._captured = []
        self._valid = None
        self._lengths = flens
        try:
            out, olens, _ = self.encoder(xs, flens)
            captured = self._captured
        finally:
            self._captured = []
            self._valid = None
            self._lengths = None
        if len(captured) != self.num_layers + 1:
            raise RuntimeError(
                f"captured {len(captured)} hidden states, expected {self.num_layers + 1} "
                "(layer drop must be off when extracting features)"
            )
        hidden = captured[:-1] + [out]  # the last layer's state with the encoder's final norm

        # frame b, t <- encoder frame min(t, olens_b - 1); zero past (N_b - 1) // rate + 1
        total = max(targets)
        steps = torch.arange(total, device=device)
        index = torch.minimum(steps.unsqueeze(0), (olens.to(device) - 1).clamp(min=0).unsqueeze(1))  # [B, T]
        keep = (steps.unsqueeze(0) < torch.tensor(targets, device=device).unsqueeze(1)).unsqueeze(-1)  # [B, T, 1]
        aligned = []
        for h in hidden:
            gathered = torch.gather(h, 1, index.unsqueeze(-1).expand(-1, -1, h.size(-1)))
            aligned.append(gathered * keep.to(gathered.dtype))
        return {"hidden_states": aligned, "last_hidden_state": aligned[-1]}
