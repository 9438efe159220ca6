"""mmpt.asr.bn_stats and pack_encoder(bn_feats=...): the packed encoder's batch-norm statistics are those
of its batch-norm inputs on unmasked audio, padding excluded, and re-packing changes nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest
import torch
import yaml

from mmpt.asr.bn_stats import batchnorm_layers, build_encoder, build_normalize, select_utterances
from mmpt.data.errors import DataError
from mmpt.features.ark import ArkWriter
from mmpt.features.cmvn import CmvnStats
from mmpt.pack.layout import PACK_RECORD
from mmpt.pack.load import load_config, load_state_dict
from mmpt.pack.write import pack_encoder

ENCODER_CONF = {"output_size": 16, "attention_heads": 2, "linear_units": 32, "num_blocks": 2,
                "cnn_module_kernel": 5, "input_layer": "conv2d", "macaron_style": True, "use_cnn_module": True,
                "pos_enc_layer_type": "abs_pos", "selfattention_layer_type": "selfattn"}
NUM_UTTS = 10
LENGTHS = [23, 61, 40, 9, 75, 33, 52, 18, 66, 44]


@pytest.fixture
def exp(tmp_path: Path) -> Path:
    """An experiment dir (config.yaml, model file whose BN statistics are "polluted", stats, fbank.yaml)
    and dump/feats.scp with utterances of different lengths and a non-zero mean."""
    rng = np.random.default_rng(0)
    dump = tmp_path / "dump"
    dump.mkdir()
    cmvn = CmvnStats()
    with ArkWriter(dump / "feats.ark", dump / "feats.scp") as writer:
        for i, n in enumerate(LENGTHS):
            feats = (rng.normal(3.0, 2.0, (n, 80)) + np.linspace(0, 1, 80)).astype(np.float32)
            writer.write(f"spk{i % 3}-utt{i:02d}", feats)
            cmvn.update(feats)
    exp = tmp_path / "exp" / "pt_x"
    exp.mkdir(parents=True)
    cmvn.save(exp / "feats_stats.npz")
    config = {"input_size": 80, "encoder": "conformer", "encoder_conf": ENCODER_CONF, "normalize": "global_mvn",
              "normalize_conf": {"stats_file": str(exp / "feats_stats.npz")}, "model_conf": {"pt_method": "mae"}}
    (exp / "config.yaml").write_text(yaml.safe_dump(config))
    torch.manual_seed(0)
    from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

    enc = ConformerEncoder(input_size=80, **ENCODER_CONF)
    state = {f"encoder.{k}": v for k, v in enc.state_dict().items()}
    for k in state:
        if k.endswith("running_mean"):
            state[k] = torch.full_like(state[k], 0.5)
        elif k.endswith("running_var"):
            state[k] = torch.full_like(state[k], 3.0)
    state["decoder.w"] = torch.arange(6.0)
    torch.save(state, exp / "valid.loss.ave.pth")
    (exp / "fbank.yaml").write_text("num_mel_bins: 80\n")
    return exp


def _scp(exp: Path) -> Path:
    return exp.parent.parent / "dump" / "feats.scp"


def _direct_stats(pack: Path, scp: Path, keys: List[str]) -> Dict[str, torch.Tensor]:
    """Mean and unbiased variance of every BN layer's inputs, the packed encoder in eval mode, each
    utterance alone, computed with plain torch over the concatenated frames."""
    from mmpt.features.ark import load_scp

    cfg = load_config(pack / "config.yaml")
    encoder = build_encoder(cfg, load_state_dict(pack / "model.pth"), pack).eval()
    normalize = build_normalize(cfg, None, pack)
    seen: Dict[str, List[torch.Tensor]] = {name: [] for name, _ in batchnorm_layers(encoder)}
    handles = [layer.register_forward_pre_hook(lambda m, a, n=name: seen[n].append(a[0][0].T.clone()))
               for name, layer in batchnorm_layers(encoder)]
    feats = load_scp(scp)
    with torch.no_grad():
        for key in keys:
            x = torch.tensor(feats[key])[None]
            x, lengths = normalize(x, torch.tensor([x.size(1)]))
            encoder(x, lengths)
    for h in handles:
        h.remove()
    out = {}
    for name, chunks in seen.items():
        frames = torch.cat(chunks).double()  # [frames, C]
        out[f"encoder.{name}.running_mean"] = frames.mean(0)
        out[f"encoder.{name}.running_var"] = frames.var(0, unbiased=True)
    return out


def _bn_keys(state: Dict[str, torch.Tensor]) -> List[str]:
    return [k for k in state if k.endswith(("running_mean", "running_var"))]


def test_packed_statistics_are_those_of_the_unmasked_inputs(exp: Path):
    pack = exp / "packed"
    rec = pack_encoder(exp / "config.yaml", pack, model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp), bn_utts=7)
    packed, trained = load_state_dict(pack / "model.pth"), load_state_dict(exp / "valid.loss.ave.pth")
    assert set(packed) == set(trained)
    bn = _bn_keys(trained)
    assert len(bn) == 2 * 2  # one BN per Conformer block, mean and var
    # everything but the BN statistics is the trained model's, the other parts of the model included
    assert all(torch.equal(packed[k], trained[k]) for k in trained if k not in bn)
    # utterance 'spk0-utt03' has 9 frames: 1 token after sub-sampling, kept (each utterance runs alone)
    keys = select_utterances([f"spk{i % 3}-utt{i:02d}" for i in range(NUM_UTTS)], 7)
    direct = _direct_stats(pack, _scp(exp), keys)
    assert set(direct) == set(bn)
    for k in bn:
        assert not torch.allclose(packed[k], trained[k])
        torch.testing.assert_close(packed[k].double(), direct[k], rtol=1e-4, atol=1e-5)
    record = yaml.safe_load((pack / PACK_RECORD).read_text())
    assert record["bn_stats"]["max_utts"] == 7 and record["bn_stats"]["feats_scp"] == str(_scp(exp).resolve())
    summary = record["bn_stats_summary"]
    assert summary["utts"] == 7 and len(summary["layers"]) == 2 and summary["output_rel_change"] > 0
    assert summary == rec["bn_stats_summary"]
    # the statistics of the polluted model: means 0.5 before
    assert all(abs(layer["old_mean_abs"] - 0.5) < 1e-6 for layer in summary["layers"])


def test_padding_does_not_enter_the_statistics(exp: Path):
    """An utterance's contribution is the same whatever the lengths of the others (no padded batch)."""
    pack_a, pack_b = exp / "a", exp / "b"
    pack_encoder(exp / "config.yaml", pack_a, model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp), bn_utts=1)
    # one utterance: exactly the per-utterance statistics of the first key
    direct = _direct_stats(pack_a, _scp(exp), select_utterances([f"spk{i % 3}-utt{i:02d}" for i in range(NUM_UTTS)], 1))
    packed = load_state_dict(pack_a / "model.pth")
    for k, v in direct.items():
        torch.testing.assert_close(packed[k].double(), v, rtol=1e-4, atol=1e-5)
    pack_encoder(exp / "config.yaml", pack_b, model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp), bn_utts=2)
    assert not torch.allclose(load_state_dict(pack_b / "model.pth")[k], packed[k])


def test_repacking_is_idempotent(exp: Path):
    pack, again = exp / "packed", exp / "again"
    pack_encoder(exp / "config.yaml", pack, model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp))
    first = load_state_dict(pack / "model.pth")
    mtime = (pack / "model.pth").stat().st_mtime_ns
    assert pack_encoder(exp / "config.yaml", pack, model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp))["up_to_date"]
    assert (pack / "model.pth").stat().st_mtime_ns == mtime
    # re-estimating on the packed model: the fixed point, nothing moves
    rec = pack_encoder(pack / "config.yaml", again, model=pack / "model.pth", bn_feats=_scp(exp))
    second = load_state_dict(again / "model.pth")
    for k in first:
        torch.testing.assert_close(second[k], first[k], rtol=1e-5, atol=1e-6)
    assert rec["bn_stats_summary"]["output_rel_change"] < 1e-5
    # other options repack
    assert not pack_encoder(exp / "config.yaml", pack, model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp),
                            bn_utts=3)["up_to_date"]
    assert not pack_encoder(exp / "config.yaml", pack, model=exp / "valid.loss.ave.pth")["up_to_date"]
    assert torch.equal(load_state_dict(pack / "model.pth")["encoder.encoders.0.conv_module.norm.running_mean"],
                       torch.full((16,), 0.5))


def test_random_init_pack_gets_statistics_of_its_inputs(exp: Path):
    pack = exp / "random"
    pack_encoder(exp / "config.yaml", pack, random_init=0, bn_feats=_scp(exp), bn_utts=4)
    state = load_state_dict(pack / "model.pth")
    keys = select_utterances([f"spk{i % 3}-utt{i:02d}" for i in range(NUM_UTTS)], 4)
    for k, v in _direct_stats(pack, _scp(exp), keys).items():
        init = torch.ones_like(state[k]) if k.endswith("running_var") else torch.zeros_like(state[k])
        assert not torch.allclose(state[k], init)  # not the initial 0 / 1 any more
        torch.testing.assert_close(state[k].double(), v, rtol=1e-4, atol=1e-5)


def test_errors_name_the_problem(exp: Path, tmp_path: Path):
    with pytest.raises(DataError, match="missing.scp: features for the batch-norm statistics not found"):
        pack_encoder(exp / "config.yaml", exp / "p", model=exp / "valid.loss.ave.pth",
                     bn_feats=tmp_path / "missing.scp")
    empty = tmp_path / "empty.scp"
    empty.write_text("")
    with pytest.raises(DataError, match="empty.scp: no utterance"):
        pack_encoder(exp / "config.yaml", exp / "p", model=exp / "valid.loss.ave.pth", bn_feats=empty)
    with pytest.raises(DataError, match="must be positive"):
        pack_encoder(exp / "config.yaml", exp / "p", model=exp / "valid.loss.ave.pth", bn_feats=_scp(exp), bn_utts=0)


def test_cli_reports_the_shift(exp: Path, capsys):
    from mmpt.bin.pack_encoder import main

    assert main(["--config", str(exp / "config.yaml"), "--model", str(exp / "valid.loss.ave.pth"),
                 "--out", str(exp / "packed"), "--recompute_bn_stats", str(_scp(exp)), "--bn_utts", "5"]) == 0
    out = capsys.readouterr().out
    assert "batch-norm statistics of 2 layer(s) re-estimated on 5 utterances" in out
    assert "encoder output change" in out
