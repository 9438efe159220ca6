"""The audio-visual pre-training model (paper section 3.1 and 3.4) as an espnet2 ``AbsESPnetModel``.

Attributes (the names are part of the interface):

- ``encoder``: espnet2 ``ConformerEncoder`` over 80-dim fbank (conv2d x4 sub-sampling). Its state dict is
  what later stages load with ``--init_param <ckpt>:encoder:encoder``; nothing else of this model is reused.
- ``normalize`` (e.g. ``GlobalMVN`` over ``feats_stats.npz``), ``frontend`` (None for precomputed fbank).
- ``video_encoder``: :class:`~mmpt.nets.video_vit.VideoViT`.
- ``mae_decoder``: :class:`~mmpt.nets.mae_decoder.SharedMAEDecoder` (MAE and MAE+CLR only).
- ``audio_proj``, ``video_proj``, ``clr``: CLR projections ("up-sampled and normalised": linear to
  ``clr_dim`` then L2 normalisation) and the loss (CLR and MAE+CLR only).

``objective``: an :class:`~mmpt.pretrain.objectives.abs_objective.AbsPretrainObjective` (MAE, Eq. 1; CLR,
Eq. 2-3; MAE+CLR, Eq. 4, (L_MAE + L_CLR) / 2), which combines the loss terms this model offers
(:meth:`AVPretrainModel.mae_terms`, :meth:`AVPretrainModel.clr_terms`).

Missing data never crashes a batch: a sample whose audio is empty (or shorter than the sub-sampling's 7
frames) or whose video has no frame is left out of that modality's losses; CLR uses the samples having
both and is skipped (its stats NaN) with fewer than two such pairs; in MAE+CLR a skipped term counts as 0.
When a whole path is skipped, a zero-valued term touching every parameter is added to the loss so that
DistributedDataParallel still sees a gradient for every parameter. Stats always carry the same keys
(NaN when not computed), which multi-GPU stats reduction requires.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from espnet2.torch_utils.device_funcs import force_gatherable
from espnet2.train.abs_espnet_model import AbsESPnetModel
from torch import nn

from mmpt.nets.attention import enable_sdpa
from mmpt.nets.mae_decoder import SharedMAEDecoder
from mmpt.nets.masked_conformer import AudioEncoding, encode_audio, subsampling_factor, uses_relative_positions
from mmpt.nets.pooling import masked_mean
from mmpt.nets.video_vit import VideoViT
from mmpt.pretrain.clr_loss import ContrastiveLoss
from mmpt.pretrain.global_batch import data_parallel_world_size, gather_rows
from mmpt.pretrain.mae_loss import mae_loss, masked_mse
from mmpt.pretrain.mae_targets import audio_frame_targets, video_patch_targets
from mmpt.pretrain.objectives.abs_objective import (
    AbsPretrainObjective,
    AudioInput,
    CLRTerms,
    MAETerms,
    ObjectiveOutput,
    VideoInput,
)
from mmpt.pretrain.video_augment import crop_resize_flip

logger = logging.getLogger(__name__)

# ImageNet statistics of RGB pixels in [0, 1]: the video input normalisation
VIDEO_MEAN = (0.485, 0.456, 0.406)
VIDEO_STD = (0.229, 0.224, 0.225)


def mask_token_modalities(audio_visible_only: bool, video_visible_only: bool) -> List[str]:
    """The modalities whose MAE decoder input is visible tokens only: the ones that need a mask token."""
    return [m for m, visible_only in (("audio", audio_visible_only), ("video", video_visible_only)) if visible_only]


def mae_target_sizes(encoder: nn.Module, input_size: int, video_encoder: VideoViT) -> Dict[str, Tuple[int, int]]:
    """``{modality: (encoder output size, target size)}`` for :class:`SharedMAEDecoder`."""
    pe = video_encoder.patch_embed
    return {
        "audio": (encoder.output_size(), subsampling_factor(encoder) * input_size),
        "video": (video_encoder.output_size(), pe.tubelet_size * pe.patch_size**2 * 3),
    }


class AVPretrainModel(AbsESPnetModel):
    """MAE / CLR / MAE+CLR audio-visual pre-training.

    Args:
        encoder: espnet2 ``ConformerEncoder`` (``input_layer`` conv2d/2/6/8).
        video_encoder: the video ViT.
        input_size: feature dimension the encoder takes (80).
        frontend, normalize: espnet2 frontend (None: features come precomputed) and normalisation.
        mae_decoder: the shared decoder, required when ``objective.uses_mae``.
        objective: the pre-training objective (default: :class:`MAEObjective`).
        mask_ratio: fraction of the valid tokens masked per sample, audio and video alike (0.6).
        audio_visible_only: the audio encoder encodes only the visible tokens (needs ``abs_pos`` audio
            positions); False (default): the masked tokens are zeroed and every token is encoded, as the
            paper masks "audio frames with 0s". Visible-only audio MAE leaves a Conformer (whose
            convolutions then see non-adjacent tokens) with features that collapse under the frozen
            fine-tuning protocol (measured on the embedded corpus: see egs2/TEMPLATE/pt1/README.md).
        video_visible_only: the video ViT encodes only the visible tubelets (True, as VideoMAE: 40 % of
            the tokens at 60 % masking); False: masked tubelets are zeroed and every one is encoded.
        mae_loss_on: ``masked`` (Eq. 1 on the masked tokens) or ``all`` (every valid token).
        video_target_norm: ``patch``, ``global`` or ``none`` (see :mod:`mmpt.pretrain.mae_targets`).
        clr_form, temperature, learnable_temperature: see :class:`ContrastiveLoss`.
        clr_dim: size of the normalised CLR embeddings.
        clr_across_ranks: under data-parallel training, contrast every clip with the whole global batch
            (the embeddings of every rank are gathered with gradient, :mod:`mmpt.pretrain.global_batch`);
            False: with the clips of the same rank only.
        clr_input: ``full``: CLR encodes the unmasked inputs (the audio Conformer over every token, the
            video with one token per time step); ``masked`` (objectives computing both MAE and CLR, e.g.
            ``mae_clr``): pool the MAE encoder outputs instead (cheaper: one encoder pass per modality).
        max_audio_frames: keep the first N feature frames (1000 = 10 s); None keeps all.
        use_sdpa: the audio encoder's self-attention (``selfattn``) through torch's fused
            ``scaled_dot_product_attention`` (:func:`mmpt.nets.attention.enable_sdpa`; the video ViT and
            the decoder always use it).
    """

    def __init__(
        self,
        encoder: nn.Module,
        video_encoder: VideoViT,
        input_size: int = 80,
        frontend: Optional[nn.Module] = None,
        normalize: Optional[nn.Module] = None,
        mae_decoder: Optional[SharedMAEDecoder] = None,
        objective: Optional[AbsPretrainObjective] = None,
        mask_ratio: float = 0.6,
        audio_visible_only: bool = False,
        video_visible_only: bool = True,
        mae_loss_on: str = "masked",
        video_target_norm: str = "patch",
        clr_form: str = "paper",
        clr_dim: int = 768,
        clr_input: str = "full",
        clr_across_ranks: bool = True,
        temperature: float = 1.0,
        learnable_temperature: bool = False,
        max_audio_frames: Optional[int] = 1000,
        use_sdpa: bool = True,
    ):
        super().__init__()
        if objective is None:
            from mmpt.pretrain.objectives.mae import MAEObjective

            objective = MAEObjective()
        if not isinstance(objective, AbsPretrainObjective):
            raise TypeError(f"objective must be an AbsPretrainObjective, got {type(objective).__name__}")
        if mae_loss_on not in ("masked", "all"):
            raise ValueError(f"mae_loss_on must be 'masked' or 'all', got {mae_loss_on!r}")
        if clr_input not in ("full", "masked"):
            raise ValueError(f"clr_input must be 'full' or 'masked', got {clr_input!r}")
        if not 0.0 < mask_ratio < 1.0 and objective.uses_mae:
            raise ValueError(f"mask_ratio must be in (0, 1) for MAE, got {mask_ratio}")
        self.objective = objective
        self.use_mae = objective.uses_mae
        self.use_clr = objective.uses_clr
        self.mask_ratio = mask_ratio
        self.audio_visible_only = audio_visible_only
        self.video_visible_only = video_visible_only
        self.mae_loss_on = mae_loss_on
        self.video_target_norm = video_target_norm
        self.clr_input = clr_input if self.use_mae and self.use_clr else "full"
        self.clr_across_ranks = clr_across_ranks
        self.max_audio_frames = max_audio_frames
        self.input_size = input_size

        self.frontend = frontend
        self.normalize = normalize
        self.encoder = encoder
        if use_sdpa:
            enable_sdpa(encoder)
        self.video_encoder = video_encoder
        self.factor = subsampling_factor(encoder)
        if self.use_mae:
            if mae_decoder is None:
                raise ValueError(f"the objective {type(objective).__name__} needs an MAE decoder")
            if audio_visible_only and uses_relative_positions(encoder):
                raise ValueError(
                    "model_conf.audio_visible_only: true needs absolute audio positions (encoder_conf: "
                    "pos_enc_layer_type: abs_pos, selfattention_layer_type: selfattn); use "
                    "audio_visible_only: false with rel_pos"
                )
            needed = mask_token_modalities(audio_visible_only, video_visible_only)
            if sorted(mae_decoder.mask_token) != sorted(needed):
                raise ValueError(
                    f"the MAE decoder has mask tokens for {sorted(mae_decoder.mask_token)}, this model needs them "
                    f"for {sorted(needed)} (audio_visible_only={audio_visible_only}, video_visible_only="
                    f"{video_visible_only}); an unused one gets no gradient and stalls DistributedDataParallel: "
                    "build the decoder with mask_token_modalities=mask_token_modalities(...)"
                )
            self.mae_decoder = mae_decoder
        if self.use_clr:
            self.audio_proj = nn.Linear(encoder.output_size(), clr_dim)
            self.video_proj = nn.Linear(video_encoder.output_size(), clr_dim)
            self.clr = ContrastiveLoss(clr_form, temperature, learnable_temperature)
        self.register_buffer("video_mean", torch.tensor(VIDEO_MEAN), persistent=False)
        self.register_buffer("video_std", torch.tensor(VIDEO_STD), persistent=False)

    # ----------------------------------------------------------------------------------------- inputs
    def extract_feats(
        self, speech: torch.Tensor, speech_lengths: Optional[torch.Tensor]
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Features [B, L, F] and lengths [B] before normalisation, truncated to ``max_audio_frames``."""
        if speech_lengths is None:
            speech_lengths = torch.full((speech.size(0),), speech.size(1), dtype=torch.long, device=speech.device)
        if self.frontend is not None:
            feats, lengths = self.frontend(speech, speech_lengths)
        else:
            feats, lengths = speech, speech_lengths
        if feats.dim() != 3 or feats.size(-1) != self.input_size:
            raise ValueError(f"expected features [B, L, {self.input_size}], got {tuple(feats.shape)}")
        if self.max_audio_frames:
            feats = feats[:, : self.max_audio_frames]
            lengths = lengths.clamp(max=self.max_audio_frames)
        return feats, lengths

    def _audio(
        self, speech: Optional[torch.Tensor], speech_lengths: Optional[torch.Tensor]
    ) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
        """Normalised features and lengths, or None when the batch has no audio at all."""
        if speech is None or speech.numel() == 0:
            return None
        feats, lengths = self.extract_feats(speech, speech_lengths)
        if self.normalize is not None:
            feats, lengths = self.normalize(feats, lengths)
        return feats, lengths

    def _video(
        self, video: Optional[torch.Tensor], video_lengths: Optional[torch.Tensor],
        video_crop: Optional[torch.Tensor] = None,
    ) -> Optional[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        """(normalised clip [B, T, H, W, 3], pixels in [0, 1], has_video bool [B]) or None.

        With ``video_crop`` [B, 5] the clips are raw windows (uint8, any H x W): they are cropped, resized
        and flipped here, on the batch's device (:func:`crop_resize_flip`)."""
        if video is None or video.size(1) == 0:
            return None
        if video.dim() != 5 or video.size(-1) != 3:
            raise ValueError(f"expected video [B, T, H, W, 3], got {tuple(video.shape)}")
        has = (video_lengths > 0) if video_lengths is not None else video.new_ones(video.size(0), dtype=torch.bool)
        if not bool(has.any()):
            return None
        if video_crop is not None:
            video = crop_resize_flip(video, video_crop, self.video_encoder.image_size, video_lengths)
        pixels = video.float() / 255.0
        return (pixels - self.video_mean) / self.video_std, pixels, has

    # ------------------------------------------------------------------------------------------- MAE
    def _mae_audio(self, feats: torch.Tensor, lengths: torch.Tensor) -> Tuple[Optional[torch.Tensor], AudioEncoding]:
        enc = encode_audio(self.encoder, feats, lengths, self.mask_ratio, self.audio_visible_only)
        t_sub = enc.valid.size(1)
        if t_sub == 0 or not bool(enc.valid.any()):
            return None, enc
        if self.audio_visible_only:
            pred = self.mae_decoder("audio", enc.out, (t_sub,), mask=enc.mask)
        else:
            pred = self.mae_decoder("audio", enc.out, (t_sub,), valid=enc.valid)
        target = audio_frame_targets(feats, t_sub, enc.factor)
        selected = enc.mask.masked if self.mae_loss_on == "masked" else enc.valid
        return masked_mse(pred, target, selected), enc

    def _mae_video(
        self, video: torch.Tensor, pixels: torch.Tensor, has: torch.Tensor
    ) -> Tuple[Optional[torch.Tensor], torch.Tensor, torch.Tensor]:
        """(Eq. 1 video term, encoder output [B, V|N, D], bool mask of its real tokens)."""
        out, mask, grid = self.video_encoder.forward_masked(video, self.mask_ratio, self.video_visible_only)
        if self.video_visible_only:
            pred = self.mae_decoder("video", out, grid, mask=mask)
        else:
            pred = self.mae_decoder("video", out, grid)
        pe = self.video_encoder.patch_embed
        target = video_patch_targets(
            pixels, pe.patch_size, pe.tubelet_size, self.video_target_norm, self.video_mean, self.video_std
        )
        selected = (mask.masked if self.mae_loss_on == "masked" else mask.valid) & has[:, None]
        visible = mask.keep_valid if self.video_visible_only else mask.valid
        return masked_mse(pred, target, selected), out, visible

    # ------------------------------------------------------------------------------------------- CLR
    def _gathers(self) -> bool:
        return self.clr_across_ranks and data_parallel_world_size() > 1

    def _clr(
        self, a: Optional[torch.Tensor], has_a: Optional[torch.Tensor], v: Optional[torch.Tensor],
        has_v: Optional[torch.Tensor],
    ) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor], bool]:
        """Eq. 2-3 over the samples having both modalities: a [B, D_a], v [B, D_v] pooled encodings (None:
        this rank has no pair but joins the gather). Returns (loss, accuracy, whether this rank's own
        samples took part); across ranks (:meth:`_gathers`) over the pairs of the global batch."""
        if a is None:
            dim = self.audio_proj.out_features
            device = self.audio_proj.weight.device
            a_emb = v_emb = torch.zeros(0, dim, device=device)
            local = False
        else:
            pair = has_a & has_v
            local = bool(pair.any())
            a_emb = F.normalize(self.audio_proj(a[pair]).float(), dim=-1)
            v_emb = F.normalize(self.video_proj(v[pair]).float(), dim=-1)
        if self._gathers():
            a_emb, v_emb = gather_rows(a_emb), gather_rows(v_emb)
        if a_emb.size(0) < 2:
            return None, None, False
        loss, acc = self.clr(a_emb, v_emb)
        return loss, acc, local

    # --------------------------------------------------------------------------------------- forward
    def forward(
        self,
        speech: Optional[torch.Tensor] = None,
        speech_lengths: Optional[torch.Tensor] = None,
        video: Optional[torch.Tensor] = None,
        video_lengths: Optional[torch.Tensor] = None,
        video_crop: Optional[torch.Tensor] = None,
        **kwargs,
    ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor], torch.Tensor]:
        """One pre-training step.

        Args:
            speech: fbank [B, L, 80] (or waveforms [B, S] with a frontend); speech_lengths [B].
            video: clips [B, T, H, W, 3], pixel values 0-255 (uint8 or float); video_lengths [B] frames
                (0 = no video for that sample).
            video_crop: [B, 5] (top, left, height, width, flip) when ``video`` holds raw windows to be
                augmented here (the default data path: uint8 all the way to the device).

        Returns:
            loss, stats (the objective's :meth:`~AbsPretrainObjective.stat_keys`), weight (the batch size).
        """
        if speech is None and video is None:
            raise ValueError("a pre-training batch needs 'speech' or 'video'")
        batch_size = (speech if speech is not None else video).size(0)
        device = (speech if speech is not None else video).device
        audio = self._audio(speech, speech_lengths)
        vid = self._video(video, video_lengths, video_crop)
        out: ObjectiveOutput = self.objective(self, audio, vid)
        loss = out.loss
        if loss is None or out.skipped:
            loss = self._zero_touching_all_parameters(device) + (0.0 if loss is None else loss)

        nan = torch.tensor(float("nan"), device=device)
        values = out.values
        stats = {k: (values[k].detach() if values.get(k) is not None else nan) for k in self.objective.stat_keys()}
        stats["loss"] = loss.detach()
        weight = torch.tensor(batch_size, device=device)
        return force_gatherable((loss, stats, weight), device)

    # ------------------------------------------------------------------------------ objective terms
    def mae_terms(self, audio: Optional[AudioInput], vid: Optional[VideoInput]) -> MAETerms:
        """Eq. 1 over the modalities the batch has (needs ``objective.uses_mae``)."""
        loss_a = loss_v = None
        enc_a: Optional[AudioEncoding] = None
        video_out = None
        if audio is not None:
            loss_a, enc_a = self._mae_audio(*audio)
        if vid is not None:
            loss_v, v_out, v_visible = self._mae_video(*vid)
            video_out = (v_out, v_visible)
        values = {"loss_mae": mae_loss(loss_a, loss_v), "loss_mae_audio": loss_a, "loss_mae_video": loss_v}
        return MAETerms(values, loss_a is None or loss_v is None, enc_a, video_out)

    def clr_terms(
        self, audio: Optional[AudioInput], vid: Optional[VideoInput], mae: Optional[MAETerms] = None
    ) -> CLRTerms:
        """Eq. 2-3 over the samples having both modalities (needs ``objective.uses_clr``).

        With ``mae`` (both of its encoder outputs present), the MAE encoder outputs are pooled; otherwise
        the unmasked inputs are encoded."""
        loss_clr = acc = None
        if audio is not None and vid is not None:
            if mae is not None and mae.audio is not None and mae.video is not None:
                a_pool = masked_mean(mae.audio.out, mae.audio.out_valid)
                has_a = mae.audio.valid.any(dim=1)
                v_pool = masked_mean(*mae.video)
            else:
                enc = encode_audio(self.encoder, *audio)
                a_pool, has_a = masked_mean(enc.out, enc.out_valid), enc.valid.any(dim=1)
                v_pool = self.video_encoder.forward_frames(vid[0]).mean(dim=1)
            loss_clr, acc, local = self._clr(a_pool, has_a, v_pool, vid[2])
        elif self._gathers():  # every rank must join the gather, also one without a pair
            loss_clr, acc, local = self._clr(None, None, None, None)
        else:
            local = False
        return CLRTerms({"loss_clr": loss_clr, "clr_acc": acc}, loss_clr is None or not local)

    def _zero_touching_all_parameters(self, device: torch.device) -> torch.Tensor:
        """0 * (one element of every trainable parameter): gives every parameter a (zero) gradient."""
        total = torch.zeros((), device=device)
        for p in self.parameters():
            if p.requires_grad:
                total = total + p.reshape(-1)[0].float() * 0.0
        return total

    def collect_feats(
        self,
        speech: Optional[torch.Tensor] = None,
        speech_lengths: Optional[torch.Tensor] = None,
        **kwargs,
    ) -> Dict[str, torch.Tensor]:
        """Features for espnet2's ``--collect_stats`` (feats_stats.npz for GlobalMVN): {} without audio."""
        if speech is None:
            return {}
        feats, lengths = self.extract_feats(speech, speech_lengths)
        return {"feats": feats, "feats_lengths": lengths}
