import pytest
import torch

from mmpt.nets.video_vit import TubeletEmbedding, VideoViT


def _vit(**kw):
    conf = dict(image_size=32, num_frames=4, patch_size=16, tubelet_size=2, embed_dim=24, depth=2, num_heads=2)
    conf.update(kw)
    return VideoViT(**conf)


def test_tubelet_embedding_is_a_linear_map_of_each_tubelet():
    emb = TubeletEmbedding(8, patch_size=4, tubelet_size=2)
    video = torch.randn(1, 4, 8, 12, 3)
    out = emb(video)
    assert out.shape == (1, 2, 2, 3, 8)
    # tubelet (t=1, h=0, w=2) is frames 2-3, rows 0-3, columns 8-11
    tube = video[0, 2:4, 0:4, 8:12, :].permute(3, 0, 1, 2)  # [C, pt, p, p] as Conv3d sees it
    ref = (emb.proj.weight * tube).sum(dim=(1, 2, 3, 4)) + emb.proj.bias
    assert torch.allclose(out[0, 1, 0, 2], ref, atol=1e-5)
    with pytest.raises(ValueError, match="not a multiple"):
        emb(torch.randn(1, 3, 8, 12, 3))


def test_visible_only_encodes_only_the_visible_tubelets():
    torch.manual_seed(0)
    vit = _vit().eval()
    seen = []
    vit.blocks.blocks[0].register_forward_pre_hook(lambda m, args: seen.append(args[0].shape))
    video = torch.randn(3, 4, 32, 32, 3)
    out, mask, grid = vit.forward_masked(video, 0.6, visible_only=True)
    n = 2 * 2 * 2
    assert grid == (2, 2, 2)
    assert seen[-1] == (3, n - round(0.6 * n), 24) == out.shape
    assert mask.masked.sum(1).tolist() == [5, 5, 5]
    out_all, mask_all, _ = vit.forward_masked(video, 0.6, visible_only=False)
    assert seen[-1] == (3, n, 24) == out_all.shape


def test_visible_only_output_ignores_masked_content():
    vit = _vit().eval()
    video = torch.randn(2, 4, 32, 32, 3)
    torch.manual_seed(3)
    out1, mask, _ = vit.forward_masked(video, 0.5)
    # change every pixel of the masked tubelets
    changed = video.clone().view(2, 2, 2, 2, 16, 2, 16, 3)  # b, t', pt, h', p, w', p, c
    token = mask.masked.view(2, 2, 2, 2)  # b, t', h', w'
    sel = token[:, :, None, :, None, :, None, None].expand_as(changed)
    changed[sel] = 99.0
    torch.manual_seed(3)
    out2, _, _ = vit.forward_masked(changed.view_as(video), 0.5)
    assert torch.allclose(out1, out2)


def test_frames_path_reduces_space_before_the_blocks():
    vit = _vit().eval()
    seen = []
    vit.blocks.blocks[0].register_forward_pre_hook(lambda m, args: seen.append(args[0].shape))
    out = vit.forward_frames(torch.randn(2, 4, 32, 32, 3))
    assert out.shape == (2, 2, 24) and seen[-1] == (2, 2, 24)


def test_learned_positions_need_the_configured_grid():
    vit = _vit(pos_embed="learned")
    assert vit.pos_embed.shape == (1, 8, 24)
    vit.forward_masked(torch.randn(1, 4, 32, 32, 3), 0.6)
    with pytest.raises(ValueError, match="learned positional embeddings"):
        vit.forward_frames(torch.randn(1, 4, 48, 48, 3))
    # sin-cos positions take any multiple of the tubelet
    assert _vit().forward_frames(torch.randn(1, 6, 48, 64, 3)).shape == (1, 3, 24)
