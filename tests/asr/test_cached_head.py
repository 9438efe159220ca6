"""The head trained on cached frozen-encoder outputs is the head trained with the encoder on the fly.

Both models are built by espnet2's ASR task from the configs the recipe generates (make_train_config with
the pack, and make_cached_train_config with the dump's encoded.yaml); the cached features come from
dump_encoded. The batches hold utterances of equal length: the on-the-fly encoder pads a batch, and its
Conformer convolutions do not mask the padding, whereas a cached utterance was encoded alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from mmpt.asr.train_config import make_cached_train_config, make_train_config
from mmpt.features.ark import load_scp
from mmpt.features.encoded_dump import dump_encoded, encoded_meta
from mmpt.pack.read import load_pretrained
from tests.asr.frozen_pack import make_pack, write_fbank_dump

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "egs2/librispeech/asr1/conf/train_asr_ctc_frozen.yaml"
TOKENS = ["<blank>", "<unk>", "a", "b", "c", "d", "e", "<sos/eos>"]
# two batches of three utterances, equal lengths within a batch
BATCHES = [["b1-u1", "b1-u2", "b1-u3"], ["b2-u1", "b2-u2", "b2-u3"]]
LENGTHS = {**{u: 50 for u in BATCHES[0]}, **{u: 71 for u in BATCHES[1]}}


def _base() -> dict:
    cfg = yaml.safe_load(BASE.read_text())
    cfg["postencoder_conf"].update(output_size=16, attention_heads=2, linear_units=32, num_blocks=1)
    return cfg


def _build(cfg: dict, tmp: Path, name: str):
    from mmpt.tasks.asr import FrozenEncoderASRTask

    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    (tmp / "tokens.txt").write_text("\n".join(TOKENS) + "\n")
    args = FrozenEncoderASRTask.get_parser().parse_args(
        ["--config", str(path), "--token_list", str(tmp / "tokens.txt"), "--output_dir", str(tmp / name)])
    return FrozenEncoderASRTask.build_model(args)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cached")
    pack = make_pack(tmp / "pack")
    fbank = write_fbank_dump(tmp / "fbank", LENGTHS)
    dump_encoded(pack, fbank, tmp / "encoded", progress=False)
    return tmp, pack, fbank


def test_same_losses_and_weights_after_training_steps(setup):
    tmp, pack, fbank = setup
    p = load_pretrained(pack)
    online = _build(make_train_config(_base(), pretrained=p, freeze_encoder=True), tmp, "online")
    online.encoder.load_state_dict(p.encoder_state_dict(), strict=True)  # as --init_param does
    online.encoder.requires_grad_(False)  # as --freeze_param encoder does
    cached = _build(make_cached_train_config(_base(), encoded_meta(pack, "last")), tmp, "cached")

    trainable = lambda m: {k: v for k, v in m.named_parameters() if v.requires_grad}  # noqa: E731
    assert sorted(trainable(cached)) == sorted(trainable(online))
    assert {k.split(".")[0] for k in trainable(online)} == {"postencoder", "ctc"}
    cached.load_state_dict({k: v for k, v in online.state_dict().items()
                            if k.split(".")[0] in ("postencoder", "ctc")}, strict=True)

    fb, enc = load_scp(fbank / "feats.scp"), load_scp(tmp / "encoded" / "feats.scp")
    rng = np.random.default_rng(0)
    labels = {u: rng.integers(2, len(TOKENS) - 1, size=2 + i % 3) for i, u in enumerate(sorted(LENGTHS))}

    def batch(utts, feats):
        speech = torch.stack([torch.tensor(feats[u]) for u in utts])
        text = torch.full((len(utts), 4), -1, dtype=torch.long)
        for i, u in enumerate(utts):
            text[i, : len(labels[u])] = torch.tensor(labels[u])
        return dict(speech=speech, speech_lengths=torch.full((len(utts),), speech.size(1)),
                    text=text, text_lengths=torch.tensor([len(labels[u]) for u in utts]))

    losses = {}
    for name, model, feats in (("online", online, fb), ("cached", cached, enc)):
        model.train()
        # SGD: Adam would turn the rounding noise of gradients that are zero in exact arithmetic (a key
        # bias under softmax, a bias before batch norm) into full-size steps in both models alike.
        opt = torch.optim.SGD([v for v in model.parameters() if v.requires_grad], lr=0.05)
        losses[name] = []
        for step in range(4):
            torch.manual_seed(step)  # the same dropout masks in both heads
            loss, _, _ = model(**batch(BATCHES[step % 2], feats))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[name].append(loss.item())
    assert not online.encoder.training  # kept in eval mode (batch-norm statistics unused for training)
    np.testing.assert_allclose(losses["cached"], losses["online"], rtol=1e-4)
    assert losses["online"][2] != losses["online"][0]  # the head did learn something
    online_w, cached_w = trainable(online), trainable(cached)
    for k in online_w:
        torch.testing.assert_close(cached_w[k], online_w[k], rtol=1e-5, atol=1e-6)
    # the frozen encoder is still the pack's
    for k, v in p.encoder_state_dict().items():
        assert torch.equal(online.encoder.state_dict()[k], v), k


def test_all_layers_config_trains_the_layer_weights(setup):
    tmp, pack, _ = setup
    meta = encoded_meta(pack, "all")
    cfg = make_cached_train_config(_base(), meta)
    assert (cfg["input_size"], cfg["encoder"], cfg["encoder_conf"]) == (48, "layer_sum", {"num_layers": 3})
    assert cfg["frontend"] is None and cfg["normalize"] is None and "freeze_param" not in cfg
    model = _build(cfg, tmp, "all")
    names = {k for k, v in model.named_parameters() if v.requires_grad}
    assert "encoder.weights" in names and {k.split(".")[0] for k in names} == {"encoder", "postencoder", "ctc"}


def test_input_side_augmentation_is_refused():
    from mmpt.data.errors import DataError

    cfg = {**_base(), "specaug": "specaug", "specaug_conf": {}}
    with pytest.raises(DataError, match="specaug.*--cache_encoder false"):
        make_cached_train_config(cfg, {"num_layers": 1, "dim": 16, "input_size": 16})
