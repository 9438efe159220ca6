"""Per-clip data preparation for audio-visual pre-training (runs in the DataLoader workers).

espnet2's dataset calls ``preprocess(uid, {"speech": fbank [L, 80] float32, "video": uint8 [T, H, W, 3]})``;
this returns arrays the collate function can pad:

- ``speech``: the first ``max_audio_frames`` (1000 = 10 s, paper section 3.4) fbank frames, float32.
- ``video``: ``num_frames`` (16) frames taken every ``frame_stride`` (4) frames. Training: random window
  start, random resized crop (area scale 0.5-1, aspect ratio 3/4-4/3, the same box for every frame) to
  ``image_size`` and a horizontal flip with probability 0.5; evaluation (``train=False``): centred window
  and centred square crop. The clip comes as an array (``npy`` dump, uint8 [T, H, W, 3]) or as the path
  of a stored clip (``video_clip``, :mod:`mmpt.data.video_store`), of which only the window's frames are
  decoded.

  ``augment_on_device=True`` (default): the window's frames leave as they are, uint8 [num_frames, H, W, 3],
  with ``video_crop`` int64 [5] = (top, left, height, width, flip) drawn here; the model applies crop,
  resize, flip and normalisation batched on the training device
  (:func:`mmpt.pretrain.video_augment.crop_resize_flip`). 4x fewer bytes than float32, and the resize no
  longer costs DataLoader CPU. ``False``: the crop/resize/flip run here and the video leaves as float32
  pixel values in [0, 255], [num_frames, image_size, image_size, 3]. Both draw the same random numbers
  in the same order, so they give the same clips.

  The window is drawn from the part of the clip that the kept audio covers (``align_video_to_audio``:
  the first ``max_audio_frames / audio_frame_rate`` seconds, at ``video_fps`` frames per second).
  A clip shorter than the window repeats its last frame. A clip with no frame at all becomes a
  zero-length video, which the model leaves out of the video losses (it is logged).

espnet2's own dataset casts every array to its float or int64 dtype and rejects uint8: the task's
:class:`~mmpt.tasks.av_pretrain.AVPretrainDataset` keeps uint8 arrays as they are. Randomness comes from
numpy's global generator, which espnet2 seeds per epoch and worker, so runs are reproducible and ``--resume``
continues the same sequence.
"""
from __future__ import annotations

import logging
import math
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from mmpt.data.errors import DataError
from mmpt.data.video_store import decode_window

logger = logging.getLogger(__name__)

CROP_SUFFIX = "_crop"  # data name of the crop parameters: "video_crop"


def frame_indices(num_available: int, num_frames: int, stride: int, train: bool) -> np.ndarray:
    """Indices of ``num_frames`` frames ``stride`` apart among ``num_available`` (>= 1): a random (train)
    or centred (eval) window; past the end of a short clip the last frame repeats."""
    span = (num_frames - 1) * stride + 1
    if num_available >= span:
        start = np.random.randint(0, num_available - span + 1) if train else (num_available - span) // 2
    else:
        start = 0
    return np.minimum(start + stride * np.arange(num_frames), num_available - 1)


def random_resized_crop_box(
    height: int, width: int, scale: Sequence[float], ratio: Sequence[float], attempts: int = 10
) -> Tuple[int, int, int, int]:
    """(top, left, h, w) of a box covering a random ``scale`` fraction of the area with a random aspect
    ratio (log-uniform in ``ratio``), as torchvision's RandomResizedCrop; centred square crop fallback."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(attempts):
        target = area * np.random.uniform(scale[0], scale[1])
        aspect = math.exp(np.random.uniform(*log_ratio))
        w = int(round(math.sqrt(target * aspect)))
        h = int(round(math.sqrt(target / aspect)))
        if 0 < w <= width and 0 < h <= height:
            return np.random.randint(0, height - h + 1), np.random.randint(0, width - w + 1), h, w
    return center_square_box(height, width)


def center_square_box(height: int, width: int) -> Tuple[int, int, int, int]:
    """(top, left, h, w) of the largest centred square."""
    side = min(height, width)
    return (height - side) // 2, (width - side) // 2, side, side


def resize_frames(frames: np.ndarray, size: int) -> np.ndarray:
    """[T, h, w, 3] (any numeric dtype) -> float32 [T, size, size, 3], bilinear with anti-aliasing."""
    x = torch.from_numpy(np.ascontiguousarray(frames, dtype=np.float32)).permute(0, 3, 1, 2)
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
        x = x.clamp_(0.0, 255.0)
    return x.permute(0, 2, 3, 1).contiguous().numpy()


class AVPreprocessor:
    """``(uid, data) -> data`` for espnet2's dataset: temporal sampling and augmentation of the video,
    truncation of the fbank. See the module docstring for what each array becomes."""

    def __init__(
        self,
        train: bool,
        image_size: int = 224,
        num_frames: int = 16,
        frame_stride: int = 4,
        crop_scale: Sequence[float] = (0.5, 1.0),
        crop_ratio: Sequence[float] = (3.0 / 4.0, 4.0 / 3.0),
        hflip_prob: float = 0.5,
        max_audio_frames: Optional[int] = 1000,
        audio_frame_rate: float = 100.0,
        video_fps: float = 25.0,
        align_video_to_audio: bool = True,
        augment_on_device: bool = True,
        speech_name: str = "speech",
        video_name: str = "video",
    ):
        if num_frames < 1 or frame_stride < 1 or image_size < 1:
            raise ValueError("num_frames, frame_stride and image_size must be >= 1")
        if not 0 < crop_scale[0] <= crop_scale[1] <= 1:
            raise ValueError(f"crop_scale must satisfy 0 < lo <= hi <= 1, got {crop_scale}")
        self.train = train
        self.image_size = image_size
        self.num_frames = num_frames
        self.frame_stride = frame_stride
        self.crop_scale = tuple(crop_scale)
        self.crop_ratio = tuple(crop_ratio)
        self.hflip_prob = hflip_prob
        self.max_audio_frames = max_audio_frames
        self.audio_frame_rate = audio_frame_rate
        self.video_fps = video_fps
        self.align_video_to_audio = align_video_to_audio
        self.augment_on_device = augment_on_device
        self.speech_name = speech_name
        self.video_name = video_name

    def __call__(self, uid: str, data: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        if self.speech_name in data:
            data[self.speech_name] = self.prepare_audio(data[self.speech_name])
        if self.video_name in data:
            video = data[self.video_name]
            if self.augment_on_device:
                data[self.video_name], data[self.video_name + CROP_SUFFIX] = self.video_window(uid, video)
            else:
                data[self.video_name] = self.prepare_video(uid, video)
        return data

    def prepare_audio(self, speech: np.ndarray) -> np.ndarray:
        """fbank [L, F] -> float32 [min(L, max_audio_frames), F]; a waveform (1-D) is left whole (the
        model truncates the frames its frontend computes)."""
        speech = np.asarray(speech)
        if speech.ndim == 2 and self.max_audio_frames:
            speech = speech[: self.max_audio_frames]
        return speech.astype(np.float32, copy=False)

    def max_video_frames(self) -> Optional[int]:
        """Frames of video covered by the kept audio (None: no limit)."""
        if not (self.align_video_to_audio and self.max_audio_frames and self.video_fps):
            return None
        return max(1, int(math.ceil(self.max_audio_frames / self.audio_frame_rate * self.video_fps)))

    def _indices(self, num_available: int) -> np.ndarray:
        limit = self.max_video_frames()
        if limit is not None:
            num_available = min(num_available, limit)
        return frame_indices(num_available, self.num_frames, self.frame_stride, self.train)

    def _box_and_flip(self, height: int, width: int) -> Tuple[int, int, int, int, bool]:
        if self.train:
            box = random_resized_crop_box(height, width, self.crop_scale, self.crop_ratio)
        else:
            box = center_square_box(height, width)
        flip = bool(self.train and np.random.random() < self.hflip_prob)
        return (*box, flip)

    def _frames(self, uid: str, video) -> Optional[np.ndarray]:
        """The window's frames, uint8 [num_frames, H, W, C] (C = 1 or 3), or None for an empty clip."""
        if isinstance(video, str):  # a stored clip: decode only the window
            return decode_window(video, self._indices)
        video = np.asarray(video)
        if video.ndim == 3:
            video = video[..., None]
        if video.ndim != 4 or video.shape[-1] not in (1, 3):
            raise DataError("video.scp", f"expected a clip [T, H, W, 3], got an array of shape {video.shape}", key=uid)
        if video.shape[0] == 0 or video.shape[1] == 0 or video.shape[2] == 0:
            logger.warning("%s: empty video clip %s; left out of the video losses", uid, video.shape)
            return None
        return video[self._indices(video.shape[0])]  # reads only the chosen frames of a memmap

    def video_window(self, uid: str, video) -> Tuple[np.ndarray, np.ndarray]:
        """clip (array or stored-clip path) -> (uint8 [num_frames, H, W, 3], int64 [5] crop: top, left,
        height, width, flip). An empty clip gives uint8 [0, 1, 1, 3] and a zero crop."""
        frames = self._frames(uid, video)
        if frames is None:
            return np.zeros((0, 1, 1, 3), dtype=np.uint8), np.zeros(5, dtype=np.int64)
        top, left, h, w, flip = self._box_and_flip(*frames.shape[1:3])
        if frames.shape[-1] == 1:
            frames = np.repeat(frames, 3, axis=-1)
        return np.ascontiguousarray(frames, dtype=np.uint8), np.array([top, left, h, w, int(flip)], dtype=np.int64)

    def prepare_video(self, uid: str, video) -> np.ndarray:
        """clip (uint8 [T, H, W, 3] or [T, H, W] / [T, H, W, 1], or a stored-clip path) -> float32
        [num_frames, S, S, 3], augmented here (``augment_on_device=False``)."""
        size = self.image_size
        frames = self._frames(uid, video)
        if frames is None:
            return np.zeros((0, size, size, 3), dtype=np.float32)
        top, left, h, w, flip = self._box_and_flip(*frames.shape[1:3])
        clip = frames[:, top : top + h, left : left + w]
        if clip.shape[-1] == 1:
            clip = np.repeat(clip, 3, axis=-1)
        if flip:
            clip = clip[:, :, ::-1]
        return resize_frames(clip, size)
