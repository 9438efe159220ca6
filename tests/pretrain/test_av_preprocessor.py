import numpy as np
import pytest

from mmpt.data.errors import DataError
from mmpt.pretrain.av_preprocessor import AVPreprocessor, frame_indices, random_resized_crop_box


def _indexed_clip(num_frames, h=20, w=30):
    """uint8 clip whose frame t is filled with the value t."""
    return np.broadcast_to(np.arange(num_frames, dtype=np.uint8)[:, None, None, None], (num_frames, h, w, 3)).copy()


def test_frame_indices_window_stride_and_short_clips():
    assert frame_indices(100, 16, 4, train=False).tolist() == list(range(19, 19 + 61, 4))
    np.random.seed(0)
    for _ in range(50):
        idx = frame_indices(100, 16, 4, train=True)
        assert np.all(np.diff(idx) == 4) and idx[0] >= 0 and idx[-1] <= 99
    assert frame_indices(10, 5, 4, train=True).tolist() == [0, 4, 8, 9, 9]  # last frame repeats


def test_random_resized_crop_box_scale_and_ratio():
    np.random.seed(1)
    for _ in range(200):
        top, left, h, w = random_resized_crop_box(90, 120, (0.5, 1.0), (3 / 4, 4 / 3))
        assert 0 <= top and top + h <= 90 and 0 <= left and left + w <= 120
        assert 0.45 <= h * w / (90 * 120) <= 1.0
        assert 0.7 <= w / h <= 1.4


def test_eval_centre_window_and_crop():
    pre = AVPreprocessor(train=False, image_size=16, num_frames=4, frame_stride=2, max_audio_frames=None)
    out = pre("utt", {"video": _indexed_clip(20)})["video"]
    assert out.dtype == np.float32 and out.shape == (4, 16, 16, 3)
    assert np.allclose(out[:, 0, 0, 0], [6.0, 8.0, 10.0, 12.0], atol=1e-4)  # start (20 - 7) // 2 = 6


def test_train_flip_and_short_clip_padding():
    clip = np.random.RandomState(0).randint(0, 255, (3, 16, 16, 3)).astype(np.uint8)
    common = dict(image_size=16, num_frames=4, frame_stride=1, max_audio_frames=None)
    flip = AVPreprocessor(train=True, crop_scale=(1.0, 1.0), crop_ratio=(1.0, 1.0), hflip_prob=1.0, **common)
    plain = AVPreprocessor(train=False, **common)
    a = flip("u", {"video": clip})["video"]
    b = plain("u", {"video": clip})["video"]
    assert np.array_equal(a, b[:, :, ::-1])
    assert np.array_equal(b[3], b[2]) and np.array_equal(b[2], clip[2].astype(np.float32))


def test_video_window_stays_within_the_kept_audio():
    pre = AVPreprocessor(train=True, image_size=8, num_frames=4, frame_stride=4, max_audio_frames=200,
                         video_fps=25.0)  # 2 s of audio -> the first 50 frames
    np.random.seed(2)
    for _ in range(30):
        out = pre("u", {"video": _indexed_clip(200, 8, 8)})["video"]
        assert out[:, 0, 0, 0].max() < 50


def test_audio_truncation_and_empty_inputs():
    pre = AVPreprocessor(train=True, image_size=16, num_frames=4)
    out = pre("u", {"speech": np.ones((1200, 80), np.float32), "video": np.zeros((0, 0, 0, 3), np.uint8)})
    assert out["speech"].shape == (1000, 80)
    assert out["video"].shape == (0, 16, 16, 3)
    assert pre("u", {"speech": np.zeros((0, 80), np.float32)})["speech"].shape == (0, 80)
    gray = pre("u", {"video": np.zeros((8, 20, 20), np.uint8)})["video"]
    assert gray.shape == (4, 16, 16, 3)
    with pytest.raises(DataError, match="utt7"):
        pre("utt7", {"video": np.zeros((8, 20, 20, 2), np.uint8)})
