import numpy as np
import pytest
import torch
from scipy import stats

from mmpt.data.errors import DataError
from mmpt.pretrain.av_collate import AVCollateFn
from mmpt.pretrain.av_preprocessor import AVPreprocessor, frame_indices, random_resized_crop_box
from mmpt.pretrain.video_augment import crop_resize_flip


@pytest.fixture(params=[False, True], ids=["cpu_augment", "device_augment"])
def on_device(request) -> bool:
    return request.param


def _prepared(pre: AVPreprocessor, uid: str, data: dict) -> dict:
    """The preprocessor's output with the video as the model sees it after augmentation (float32
    [T, S, S, 3]): with augment_on_device the crop/resize/flip of the model's device path is applied."""
    out = pre(uid, data)
    if "video_crop" in out:
        out_crop = torch.from_numpy(out.pop("video_crop"))[None]
        lengths = torch.tensor([out["video"].shape[0]])
        aug = crop_resize_flip(torch.from_numpy(out["video"])[None], out_crop, pre.image_size, lengths)
        out["video"] = aug[0].numpy() if out["video"].shape[0] else np.zeros((0, pre.image_size, pre.image_size, 3),
                                                                             np.float32)
    return out


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


def test_eval_centre_window_and_crop(on_device):
    pre = AVPreprocessor(train=False, image_size=16, num_frames=4, frame_stride=2, max_audio_frames=None,
                         augment_on_device=on_device)
    out = _prepared(pre, "utt", {"video": _indexed_clip(20)})["video"]
    assert out.dtype == np.float32 and out.shape == (4, 16, 16, 3)
    assert np.allclose(out[:, 0, 0, 0], [6.0, 8.0, 10.0, 12.0], atol=1e-4)  # start (20 - 7) // 2 = 6


def test_train_flip_and_short_clip_padding(on_device):
    clip = np.random.RandomState(0).randint(0, 255, (3, 16, 16, 3)).astype(np.uint8)
    common = dict(image_size=16, num_frames=4, frame_stride=1, max_audio_frames=None, augment_on_device=on_device)
    flip = AVPreprocessor(train=True, crop_scale=(1.0, 1.0), crop_ratio=(1.0, 1.0), hflip_prob=1.0, **common)
    plain = AVPreprocessor(train=False, **common)
    a = _prepared(flip, "u", {"video": clip})["video"]
    b = _prepared(plain, "u", {"video": clip})["video"]
    assert np.array_equal(a, b[:, :, ::-1])
    assert np.array_equal(b[3], b[2]) and np.array_equal(b[2], clip[2].astype(np.float32))


def test_video_window_stays_within_the_kept_audio(on_device):
    pre = AVPreprocessor(train=True, image_size=8, num_frames=4, frame_stride=4, max_audio_frames=200,
                         video_fps=25.0, augment_on_device=on_device)  # 2 s of audio -> the first 50 frames
    np.random.seed(2)
    for _ in range(30):
        out = _prepared(pre, "u", {"video": _indexed_clip(200, 8, 8)})["video"]
        assert out[:, 0, 0, 0].max() < 50


def test_audio_truncation_and_empty_inputs(on_device):
    pre = AVPreprocessor(train=True, image_size=16, num_frames=4, augment_on_device=on_device)
    out = _prepared(pre, "u", {"speech": np.ones((1200, 80), np.float32), "video": np.zeros((0, 0, 0, 3), np.uint8)})
    assert out["speech"].shape == (1000, 80)
    assert out["video"].shape == (0, 16, 16, 3)
    assert pre("u", {"speech": np.zeros((0, 80), np.float32)})["speech"].shape == (0, 80)
    gray = _prepared(pre, "u", {"video": np.zeros((8, 20, 20), np.uint8)})["video"]
    assert gray.shape == (4, 16, 16, 3)
    with pytest.raises(DataError, match="utt7"):
        pre("utt7", {"video": np.zeros((8, 20, 20, 2), np.uint8)})


def test_device_augmentation_equals_the_cpu_path_on_a_padded_batch():
    """Same seed -> same window, box and flip; the batched device path (after AVCollateFn pads clips of
    different sizes to one canvas) gives the CPU path's float clips."""
    rng = np.random.RandomState(5)
    clips = [rng.randint(0, 256, (n, h, w, 3), dtype=np.uint8)
             for n, h, w in ((90, 36, 64), (70, 48, 48), (10, 40, 30), (120, 24, 42))]
    kw = dict(train=True, image_size=32, num_frames=16, frame_stride=4, max_audio_frames=None)
    cpu, dev = AVPreprocessor(augment_on_device=False, **kw), AVPreprocessor(augment_on_device=True, **kw)
    for seed in range(4):
        np.random.seed(seed)
        expected = [cpu(f"u{i}", {"video": c})["video"] for i, c in enumerate(clips)]
        np.random.seed(seed)
        samples = [(f"u{i}", dev(f"u{i}", {"video": c})) for i, c in enumerate(clips)]
        assert all(d["video"].dtype == np.uint8 for _, d in samples)
        _, batch = AVCollateFn(not_sequence=("video_crop",))(samples)
        assert batch["video"].dtype == torch.uint8 and batch["video"].shape == (4, 16, 48, 64, 3)
        assert batch["video_crop"].shape == (4, 5) and "video_crop_lengths" not in batch
        got = crop_resize_flip(batch["video"], batch["video_crop"], 32, batch["video_lengths"])
        for g, e in zip(got.numpy(), expected):
            np.testing.assert_allclose(g, e, atol=1e-3)


def _reference_crops(rng: np.random.Generator, n: int, height: int, width: int) -> np.ndarray:
    """torchvision's RandomResizedCrop.get_params (scale 0.5-1, ratio 3/4-4/3, 10 attempts, centre
    fallback), written from its documentation with another random generator: (area fraction, w / h)."""
    out = []
    for _ in range(n):
        for _ in range(10):
            area = height * width * rng.uniform(0.5, 1.0)
            ratio = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
            w, h = int(round(np.sqrt(area * ratio))), int(round(np.sqrt(area / ratio)))
            if 0 < w <= width and 0 < h <= height:
                break
        else:
            h = w = min(height, width)
        out.append((h * w / (height * width), w / h))
    return np.array(out)


@pytest.mark.parametrize("height, width", [(224, 224), (224, 398)])
def test_device_crop_parameters_have_the_preprocessors_distribution(height, width):
    """The crop parameters sent to the device (3000 draws) against an independent reference sample of
    the augmentation the preprocessor has always applied: two-sample Kolmogorov-Smirnov on the area
    fraction and the aspect ratio, a binomial test on the flips, boxes inside the frame."""
    pre = AVPreprocessor(train=True, image_size=224, num_frames=1, frame_stride=1, max_audio_frames=None)
    clip = np.zeros((1, height, width, 3), np.uint8)
    np.random.seed(11)
    crops = np.stack([pre.video_window("u", clip)[1] for _ in range(3000)])
    top, left, h, w, flip = crops.T
    assert np.all(top >= 0) and np.all(top + h <= height) and np.all(left >= 0) and np.all(left + w <= width)
    ref = _reference_crops(np.random.default_rng(12), 3000, height, width)
    assert stats.ks_2samp(h * w / (height * width), ref[:, 0]).pvalue > 1e-3
    assert stats.ks_2samp(w / h, ref[:, 1]).pvalue > 1e-3
    assert stats.binomtest(int(flip.sum()), len(flip), 0.5).pvalue > 1e-3


def test_stored_clip_path_gives_the_frames_of_the_array(tmp_path):
    """A store path (video_clip data) and the decoded array of the same clip give the same window."""
    from mmpt.data.video_store import StoreOptions, encode_clip, read_stored_clip
    from tests.data.test_video import make_clip

    src = make_clip(tmp_path / "s.mp4", n_frames=120, fps=25, audio_sr=None)
    clip = encode_clip(src, tmp_path / "store.mp4", StoreOptions(fps=25, size=None))
    full = read_stored_clip(clip.path)
    pre = AVPreprocessor(train=True, image_size=32, num_frames=16, frame_stride=4, max_audio_frames=None)
    for seed in range(3):
        np.random.seed(seed)
        a = pre("u", {"video": clip.path})
        np.random.seed(seed)
        b = pre("u", {"video": full})
        np.testing.assert_array_equal(a["video"], b["video"])
        np.testing.assert_array_equal(a["video_crop"], b["video_crop"])
