import pytest
import torch

from mmpt.pretrain.mae_targets import audio_frame_targets, patchify_video, video_patch_targets


def test_audio_target_of_token_t_is_frames_4t_to_4t_plus_3():
    feats = torch.arange(2 * 30 * 3, dtype=torch.float32).view(2, 30, 3)
    tgt = audio_frame_targets(feats, 6, 4)
    assert tgt.shape == (2, 6, 12)
    assert torch.equal(tgt[1, 5], feats[1, 20:24].reshape(-1))
    with pytest.raises(ValueError):
        audio_frame_targets(feats, 8, 4)


def test_patchify_orders_tokens_like_the_encoder():
    video = torch.randn(1, 4, 8, 12, 3)
    p = patchify_video(video, patch_size=4, tubelet_size=2)
    assert p.shape == (1, 2 * 2 * 3, 2 * 4 * 4 * 3)
    # token (t=1, h=0, w=2) = index 1*6 + 0*3 + 2
    assert torch.equal(p[0, 8], video[0, 2:4, 0:4, 8:12, :].reshape(-1))


def test_patch_normalisation_per_tubelet_and_channel():
    torch.manual_seed(0)
    video = torch.rand(2, 2, 8, 8, 3)
    t = video_patch_targets(video, 4, 2, norm="patch").view(2, 4, -1, 3)
    assert torch.allclose(t.mean(dim=2), torch.zeros(2, 4, 3), atol=1e-5)
    assert torch.allclose(t.std(dim=2), torch.ones(2, 4, 3), atol=1e-3)
    mean, std = torch.tensor([0.5, 0.4, 0.3]), torch.tensor([0.2, 0.2, 0.2])
    g = video_patch_targets(video, 4, 2, norm="global", mean=mean, std=std)
    assert torch.allclose(g, patchify_video((video - mean) / std, 4, 2))
    with pytest.raises(ValueError):
        video_patch_targets(video, 4, 2, norm="pixelwise")
