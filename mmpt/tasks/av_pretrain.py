"""espnet2 task for audio-visual pre-training: ``python -m mmpt.bin.av_pretrain_train``.

Data names (both optional, at least one per batch):

======== ============================= ============ ===============================================
name     file                          type         array
======== ============================= ============ ===============================================
speech   dump/fbank/<set>/feats.scp    kaldi_ark    float32 fbank [L, 80] (empty [0, 80]: no audio)
video    dump/video/<set>/video.scp    video_clip   the compressed store (mmpt-dump-video, default): the
                                                    preprocessor decodes only the window it draws
video    dump/video/<set>/video.scp    npy          raw uint8 clip [T, H, W, 3] (--format npy; T = 0: no video)
======== ============================= ============ ===============================================

e.g. ``--train_data_path_and_name_and_type dump/fbank/train/feats.scp,speech,kaldi_ark
--train_data_path_and_name_and_type dump/video/train/video.scp,video,video_clip``. Every file given must
hold every utterance of the set (espnet2's dataset reads each name for each key).

The dataset (:class:`AVPretrainDataset`) and the collate function (:class:`~mmpt.pretrain.av_collate.
AVCollateFn`) keep uint8 video as uint8 (espnet2's would reject or widen it to int64): with the default
``preprocessor_conf.augment_on_device: true`` a batch carries ``video`` uint8 [B, 16, H, W, 3] and
``video_crop`` [B, 5], and the model crops, resizes, flips and normalises on the training device.

Configuration (yaml or command line), besides espnet2's training options:

- ``encoder`` / ``encoder_conf``: the audio encoder, exactly as espnet2's ASR and ST tasks take it
  (``conformer``: ``ConformerEncoder``); ``input_size`` (80) or a ``frontend`` / ``frontend_conf``;
  ``normalize`` / ``normalize_conf`` (``global_mvn`` with ``stats_file: .../feats_stats.npz``).
- ``objective`` / ``objective_conf``: the pre-training objective, a registered subclass of
  :class:`~mmpt.pretrain.objectives.abs_objective.AbsPretrainObjective` (``mae``, ``clr``, ``mae_clr``;
  :data:`objective_choices`, as ``espnet2/tasks/ssl.py`` registers its losses). ``model_conf.pt_method``,
  the older name of ``objective``, is still read (:func:`~mmpt.pretrain.objectives.config_name.objective_of`);
  the written config.yaml carries both. A new objective is one subclass registered here and one config.
- ``model_conf``: :class:`~mmpt.pretrain.av_model.AVPretrainModel` options (``mask_ratio``,
  ``audio_visible_only``, ``video_visible_only``, ``mae_loss_on``, ``video_target_norm``, ``clr_form``, ``clr_dim``,
  ``clr_input``, ``temperature``, ``learnable_temperature``, ``max_audio_frames``).
- ``video_encoder_conf``: :class:`~mmpt.nets.video_vit.VideoViT` (``image_size``, ``num_frames``,
  ``patch_size``, ``tubelet_size``, ``embed_dim``, ``depth``, ``num_heads``, ...); the preprocessor crops
  clips to ``image_size`` and samples ``num_frames`` frames.
- ``mae_decoder_conf``: :class:`~mmpt.nets.mae_decoder.SharedMAEDecoder` (``hidden_size``, ``depth``, ...).
- ``preprocessor_conf``: :class:`~mmpt.pretrain.av_preprocessor.AVPreprocessor` (``frame_stride``,
  ``crop_scale``, ``crop_ratio``, ``hflip_prob``, ``video_fps``, ``align_video_to_audio``, ...).
"""
from __future__ import annotations

import argparse
import logging
from typing import Any, Callable, Collection, Dict, List, Optional, Set, Tuple, Union

import numpy as np
import torch
from espnet2.asr.encoder.abs_encoder import AbsEncoder
from espnet2.asr.encoder.conformer_encoder import ConformerEncoder
from espnet2.asr.encoder.e_branchformer_encoder import EBranchformerEncoder
from espnet2.asr.encoder.transformer_encoder import TransformerEncoder
from espnet2.asr.frontend.abs_frontend import AbsFrontend
from espnet2.asr.frontend.default import DefaultFrontend
from espnet2.layers.abs_normalize import AbsNormalize
from espnet2.layers.global_mvn import GlobalMVN
from espnet2.layers.utterance_mvn import UtteranceMVN
from espnet2.tasks.abs_task import AbsTask
from espnet2.torch_utils.initialize import initialize
from espnet2.train.class_choices import ClassChoices
from espnet2.train.dataset import ESPnetDataset
from espnet2.train.trainer import Trainer
from espnet2.utils.get_default_kwargs import get_default_kwargs
from espnet2.utils.nested_dict_action import NestedDictAction
from espnet2.utils.types import int_or_none, str2bool, str_or_none

from mmpt.nets.mae_decoder import SharedMAEDecoder
from mmpt.nets.video_vit import VideoViT
from mmpt.pack.espnet import SafeTrainingTask
from mmpt.pretrain.av_collate import AVCollateFn
from mmpt.pretrain.av_model import AVPretrainModel, mae_target_sizes, mask_token_modalities
from mmpt.pretrain.av_preprocessor import CROP_SUFFIX, AVPreprocessor
from mmpt.pretrain.objectives.abs_objective import AbsPretrainObjective
from mmpt.pretrain.objectives.clr import CLRObjective
from mmpt.pretrain.objectives.config_name import LEGACY_KEY, objective_of
from mmpt.pretrain.objectives.mae import MAEObjective
from mmpt.pretrain.objectives.mae_clr import MAECLRObjective

logger = logging.getLogger(__name__)

# The choice names are those of espnet2.tasks.asr (and st), so that an encoder config moves between the
# tasks unchanged. espnet2.tasks.asr itself is not imported: it is slow and tries an nltk download.
frontend_choices = ClassChoices(
    name="frontend", classes=dict(default=DefaultFrontend), type_check=AbsFrontend, default=None, optional=True
)
normalize_choices = ClassChoices(
    "normalize",
    classes=dict(global_mvn=GlobalMVN, utterance_mvn=UtteranceMVN),
    type_check=AbsNormalize,
    default=None,
    optional=True,
)
encoder_choices = ClassChoices(
    "encoder",
    classes=dict(conformer=ConformerEncoder, transformer=TransformerEncoder, e_branchformer=EBranchformerEncoder),
    type_check=AbsEncoder,
    default="conformer",
)
# --objective / --objective_conf. No default here: an unset objective falls back to model_conf.pt_method
# (older configs), then to mae (objective_of).
objective_choices = ClassChoices(
    "objective",
    classes=dict(mae=MAEObjective, clr=CLRObjective, mae_clr=MAECLRObjective),
    type_check=AbsPretrainObjective,
    default=None,
    optional=True,
)

# model_conf: the scalar options of AVPretrainModel (its modules are built here)
_MODEL_MODULE_ARGS = ("encoder", "video_encoder", "input_size", "frontend", "normalize", "mae_decoder", "objective")
MODEL_CONF_DEFAULTS = {
    k: v for k, v in get_default_kwargs(AVPretrainModel).items() if k not in _MODEL_MODULE_ARGS
}
# accepted in model_conf besides the model's options (not passed to the model)
_MODEL_CONF_LEGACY = (LEGACY_KEY,)
_PREPROCESSOR_FIXED_ARGS = ("train", "image_size", "num_frames", "max_audio_frames")
PREPROCESSOR_CONF_DEFAULTS = {
    k: v for k, v in get_default_kwargs(AVPreprocessor).items() if k not in _PREPROCESSOR_FIXED_ARGS
}


VIDEO_CLIP_TYPE = "video_clip"


class AVPretrainDataset(ESPnetDataset):
    """espnet2's dataset with the ``video_clip`` data type (a store's video.scp: the value is the clip's
    path, decoded by the preprocessor) and without the dtype widening: float arrays become
    ``float_dtype``, signed integers int64, uint8 stays uint8 (video windows to the device)."""

    def _build_loader(self, path: str, loader_type: str, keys_to_load: Optional[Set[Union[str, int]]]):
        if loader_type == VIDEO_CLIP_TYPE:
            from mmpt.data.video_store import ClipScp

            return ClipScp(path)
        return super()._build_loader(path, loader_type, keys_to_load)

    def __getitem__(self, uid: Union[str, int]) -> Tuple[str, Dict[str, np.ndarray]]:
        if isinstance(uid, int):
            uid = list(next(iter(self.loader_dict.values())))[uid]
        data: Dict[str, Any] = {}
        for name, loader in self.loader_dict.items():
            try:
                value = loader[uid]
            except Exception:
                path, kind = self.debug_info[name]
                logging.error("cannot load %s of %s from %s (type %s)", name, uid, path, kind)
                raise
            if isinstance(value, torch.Tensor):
                value = value.numpy()
            elif isinstance(value, list):
                value = np.array(value)
            data[name] = value
        if self.preprocess is not None:
            data = self.preprocess(uid, data)
        for name, value in data.items():
            if not isinstance(value, np.ndarray):
                raise RuntimeError(f"{uid}: the preprocessor left '{name}' as {type(value).__name__}, not an array")
            if value.dtype.kind == "f":
                data[name] = value.astype(self.float_dtype, copy=False)
            elif value.dtype.kind == "i":
                data[name] = value.astype(np.int64, copy=False)
            elif value.dtype != np.uint8:
                raise RuntimeError(f"{uid}: '{name}' has the unsupported dtype {value.dtype}")
        return uid, data


def _check_keys(what: str, conf: dict, allowed: Collection[str]) -> None:
    unknown = sorted(set(conf) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} option(s) {unknown}; allowed: {sorted(allowed)}")


class AVPretrainTask(SafeTrainingTask, AbsTask):
    """Audio-visual MAE / CLR / MAE+CLR pre-training with espnet2's trainer."""

    num_optimizers: int = 1
    class_choices_list = [frontend_choices, normalize_choices, encoder_choices, objective_choices]
    trainer = Trainer

    @classmethod
    def add_task_arguments(cls, parser: argparse.ArgumentParser) -> None:
        group = parser.add_argument_group(description="Task related")
        group.add_argument(
            "--input_size",
            type=int_or_none,
            default=None,
            help="Feature dimension of precomputed features (80); required unless --frontend is set",
        )
        group.add_argument(
            "--init",
            type=lambda x: str_or_none(x.lower()),
            default=None,
            choices=["chainer", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", None],
            help="Re-initialise every parameter with this method (default: each module's own init)",
        )
        group.add_argument(
            "--model_conf",
            action=NestedDictAction,
            default=dict(MODEL_CONF_DEFAULTS),
            help="AVPretrainModel options (mask_ratio, clr_form, ...; pt_method: the older name of --objective)",
        )
        group.add_argument(
            "--video_encoder_conf",
            action=NestedDictAction,
            default=get_default_kwargs(VideoViT),
            help="VideoViT options (image_size, num_frames, patch_size, tubelet_size, embed_dim, depth, ...)",
        )
        group.add_argument(
            "--mae_decoder_conf",
            action=NestedDictAction,
            default={k: v for k, v in get_default_kwargs(SharedMAEDecoder).items() if k != "modalities"},
            help="SharedMAEDecoder options (hidden_size, depth, num_heads, mlp_ratio, dropout)",
        )
        group = parser.add_argument_group(description="Preprocess related")
        group.add_argument(
            "--use_preprocessor",
            type=str2bool,
            default=True,
            help="Augment training clips (false: evaluation-mode sampling and cropping for training too)",
        )
        group.add_argument(
            "--preprocessor_conf",
            action=NestedDictAction,
            default=dict(PREPROCESSOR_CONF_DEFAULTS),
            help="AVPreprocessor options (frame_stride, crop_scale, crop_ratio, hflip_prob, video_fps, ...)",
        )
        for class_choices in cls.class_choices_list:
            class_choices.add_arguments(group)

    @classmethod
    def build_collate_fn(
        cls, args: argparse.Namespace, train: bool
    ) -> Callable[[Collection[Tuple[str, Dict[str, np.ndarray]]]], Tuple[List[str], Dict[str, torch.Tensor]]]:
        # padding is 0 (a silent, normalised-mean frame / a black frame), and padded positions are masked out
        # of every loss anyway; the crop parameters are one row per clip
        return AVCollateFn(float_pad_value=0.0, int_pad_value=0, not_sequence=("video" + CROP_SUFFIX,))

    @classmethod
    def build_dataset(cls, args: argparse.Namespace, iter_options: Any, keys_to_load: Optional[Set] = None):
        if getattr(args, "multi_task_dataset", False):
            raise ValueError("--multi_task_dataset is not supported by the pre-training task")
        if iter_options.max_cache_size:
            # espnet2 would cache the preprocessed sample: one window and crop for every epoch
            logger.warning("max_cache_size ignored: the pre-training samples are drawn anew every epoch")
        dataset = AVPretrainDataset(
            iter_options.data_path_and_name_and_type,
            float_dtype=args.train_dtype,
            preprocess=iter_options.preprocess_fn,
            max_cache_fd=iter_options.max_cache_fd,
            allow_multi_rates=iter_options.allow_multi_rates,
            keys_to_load=keys_to_load,
        )
        cls.check_task_requirements(dataset, args.allow_variable_data_keys, train=iter_options.train)
        return dataset

    @classmethod
    def build_preprocess_fn(
        cls, args: argparse.Namespace, train: bool
    ) -> Optional[Callable[[str, Dict[str, np.ndarray]], Dict[str, np.ndarray]]]:
        conf = dict(PREPROCESSOR_CONF_DEFAULTS)
        conf.update(args.preprocessor_conf or {})
        _check_keys("preprocessor_conf", conf, PREPROCESSOR_CONF_DEFAULTS)
        video_conf = {**get_default_kwargs(VideoViT), **(args.video_encoder_conf or {})}
        model_conf = {**MODEL_CONF_DEFAULTS, **(args.model_conf or {})}
        if getattr(args, "collect_stats", False):
            # espnet2's streaming iterator (statistics) takes float/int arrays only; the statistics need
            # the audio alone (give it speech only: it does not know the video_clip type either)
            conf["augment_on_device"] = False
        return AVPreprocessor(
            train=train and getattr(args, "use_preprocessor", True),
            image_size=video_conf["image_size"],
            num_frames=video_conf["num_frames"],
            max_audio_frames=model_conf["max_audio_frames"],
            **conf,
        )

    @classmethod
    def required_data_names(cls, train: bool = True, inference: bool = False) -> Tuple[str, ...]:
        return ()

    @classmethod
    def optional_data_names(cls, train: bool = True, inference: bool = False) -> Tuple[str, ...]:
        return ("speech", "video")

    @classmethod
    def build_model(cls, args: argparse.Namespace) -> AVPretrainModel:
        if getattr(args, "frontend", None) is not None:
            frontend = frontend_choices.get_class(args.frontend)(**args.frontend_conf)
            input_size = frontend.output_size()
        else:
            if args.input_size is None:
                raise ValueError("set input_size (e.g. 80 for precomputed fbank) or a frontend")
            args.frontend, args.frontend_conf = None, {}
            frontend, input_size = None, args.input_size

        normalize = None
        if getattr(args, "normalize", None) is not None:
            normalize = normalize_choices.get_class(args.normalize)(**args.normalize_conf)

        encoder = encoder_choices.get_class(args.encoder)(input_size=input_size, **args.encoder_conf)

        video_conf = {**get_default_kwargs(VideoViT), **(args.video_encoder_conf or {})}
        video_encoder = VideoViT(**video_conf)

        objective = cls.build_objective(args)
        model_conf = {**MODEL_CONF_DEFAULTS, **(args.model_conf or {})}
        _check_keys("model_conf", model_conf, (*MODEL_CONF_DEFAULTS, *_MODEL_CONF_LEGACY))
        for key in _MODEL_CONF_LEGACY:
            model_conf.pop(key, None)
        mae_decoder = None
        if objective.uses_mae:
            decoder_conf = dict(args.mae_decoder_conf or {})
            decoder_conf.pop("modalities", None)
            decoder_conf["mask_token_modalities"] = mask_token_modalities(
                model_conf["audio_visible_only"], model_conf["video_visible_only"]
            )
            mae_decoder = SharedMAEDecoder(mae_target_sizes(encoder, input_size, video_encoder), **decoder_conf)

        model = AVPretrainModel(
            encoder=encoder,
            video_encoder=video_encoder,
            input_size=input_size,
            frontend=frontend,
            normalize=normalize,
            mae_decoder=mae_decoder,
            objective=objective,
            **model_conf,
        )
        if args.init is not None:
            initialize(model, args.init)
        return model

    @classmethod
    def build_objective(cls, args: argparse.Namespace) -> AbsPretrainObjective:
        """The objective named by ``--objective`` (or the older ``model_conf.pt_method``), built with
        ``objective_conf``. Both names are written back to ``args`` (hence to config.yaml), so that tools
        reading either see the objective trained."""
        name = objective_of({"objective": getattr(args, "objective", None), "model_conf": args.model_conf or {}},
                            where="the training options")
        objective_class = objective_choices.get_class(name)
        args.objective = name
        args.model_conf = {**(args.model_conf or {}), LEGACY_KEY: name}
        return objective_class(**(getattr(args, "objective_conf", None) or {}))
