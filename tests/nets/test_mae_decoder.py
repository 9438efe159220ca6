import pytest
import torch

from mmpt.nets.mae_decoder import SharedMAEDecoder
from mmpt.nets.masking import random_token_mask


def _decoder():
    return SharedMAEDecoder({"audio": (12, 20), "video": (24, 48)}, hidden_size=16, depth=2, num_heads=4)


def test_shared_blocks_and_modality_specific_heads():
    dec = _decoder()
    names = {n.split(".")[0] + "." + n.split(".")[1] for n, _ in dec.named_parameters() if "." in n}
    assert {"in_proj.audio", "in_proj.video", "out_proj.audio", "out_proj.video"} <= names
    assert set(dec.mask_token) == {"audio", "video"}
    a = dec("audio", torch.randn(2, 7, 12), (7,), valid=torch.ones(2, 7, dtype=torch.bool))
    v = dec("video", torch.randn(2, 8, 24), (2, 2, 2))
    assert a.shape == (2, 7, 20) and v.shape == (2, 8, 48)
    with pytest.raises(KeyError):
        dec("text", torch.randn(1, 2, 12), (2,))


def test_visible_tokens_are_scattered_back_with_mask_tokens():
    torch.manual_seed(0)
    dec = _decoder().eval()
    valid = torch.arange(10)[None, :] < torch.tensor([[10], [6]])
    mask = random_token_mask(valid, 0.6)
    vis = torch.randn(2, mask.ids_keep.size(1), 12)
    out = dec("audio", vis, (10,), mask=mask)
    assert out.shape == (2, 10, 20) and torch.isfinite(out).all()
    # the content of padding slots of the visible input is ignored
    vis2 = vis.clone()
    vis2[~mask.keep_valid] = 50.0
    assert torch.allclose(out, dec("audio", vis2, (10,), mask=mask), atol=1e-5)
    with pytest.raises(ValueError):
        dec("audio", torch.randn(2, 9, 12), (10,))


def test_mask_tokens_only_for_visible_only_modalities():
    dec = SharedMAEDecoder({"audio": (12, 20), "video": (24, 48)}, hidden_size=16, depth=1, num_heads=4,
                           mask_token_modalities=["video"])
    assert set(dec.mask_token) == {"video"}
    mask = random_token_mask(torch.ones(1, 10, dtype=torch.bool), 0.6)
    with pytest.raises(ValueError, match="no 'audio' mask token"):
        dec("audio", torch.randn(1, mask.ids_keep.size(1), 12), (10,), mask=mask)
    with pytest.raises(ValueError, match="text"):
        SharedMAEDecoder({"audio": (12, 20)}, hidden_size=16, depth=1, num_heads=4, mask_token_modalities=["text"])
