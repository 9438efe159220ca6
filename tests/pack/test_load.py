"""The safe loader: hostile, truncated, foreign and mismatched model files at every entry point."""
from __future__ import annotations

import argparse
import pickle
from pathlib import Path
from typing import Dict

import pytest
import torch
import yaml

from mmpt.pack.load import ModelFileError, load_into, load_state_dict, load_trusted_checkpoint
from tests.superb.conftest import FBANK, noise, tiny_asr_config


class Payload:
    """Unpickling this creates ``marker``: the proof that code from the file ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def full_config(task, overrides: Dict) -> Dict:
    """The task's defaults with ``overrides``, as espnet2 writes config.yaml."""
    args = task.get_parser().parse_args([])
    config = {**vars(args), **overrides}
    return yaml.safe_load(yaml.safe_dump(config))


@pytest.fixture(scope="module")
def exps(tmp_path_factory):
    """Tiny ASR and ST experiment dirs (config.yaml, fbank.yaml, model file, stats) and a wav."""
    import soundfile as sf
    from espnet2.tasks.asr import ASRTask
    from espnet2.tasks.st import STTask

    import mmpt.tasks.asr  # noqa: F401  (the mmpt heads)
    from mmpt.features.cmvn import CmvnStats
    from mmpt.features.fbank import FbankConfig, compute_fbank

    root = tmp_path_factory.mktemp("exps")
    stats = CmvnStats()
    stats.update(compute_fbank(noise(16000, 0), FbankConfig.from_dict(FBANK)))
    stats.save(root / "feats_stats.npz")
    out = {"root": root}
    asr = tiny_asr_config(str(root / "feats_stats.npz"), token_type="char")
    st = {**{k: v for k, v in asr.items() if k != "model_conf"},
          "model_conf": {}, "src_token_list": ["<blank>", "<unk>", "x", "<sos/eos>"]}
    for name, task, conf in (("asr", ASRTask, asr), ("st", STTask, st)):
        exp = root / name
        exp.mkdir()
        config = full_config(task, conf)
        (exp / "config.yaml").write_text(yaml.safe_dump(config))
        (exp / "fbank.yaml").write_text(yaml.safe_dump(FBANK))
        torch.manual_seed(0)
        model = task.build_model(argparse.Namespace(**config))
        torch.save(model.state_dict(), exp / "model.pth")
        out[name] = exp
    sf.write(root / "a.wav", noise(16000, 1), 16000)
    out["wav"] = root / "a.wav"
    return out


def hostile(path: Path, marker: Path, legacy: bool = False) -> Path:
    """A model file whose unpickling would create ``marker``."""
    obj = {"encoder.embed.conv.0.weight": Payload(marker)}
    if legacy:
        with open(path, "wb") as f:
            pickle.dump(obj, f)
    else:
        torch.save(obj, path)
    return path


# ------------------------------------------------------------------------------------------- the loader
@pytest.mark.parametrize("legacy", [False, True])
def test_payload_is_refused_not_run(tmp_path, legacy):
    marker = tmp_path / "pwned"
    evil = hostile(tmp_path / "evil.pth", marker, legacy)
    with pytest.raises(ModelFileError, match=r"evil\.pth: refused: expected tensors.*found a pickled object"):
        load_state_dict(evil)
    with pytest.raises(ModelFileError, match="refused"):
        load_trusted_checkpoint(evil)  # the s3prl allow-list admits argparse.Namespace, not open()
    assert not marker.exists()


def test_unreadable_truncated_foreign_files_are_named(tmp_path, exps):
    good = exps["asr"] / "model.pth"
    data = good.read_bytes()
    cases = {
        "missing.pth": None,
        "empty.pth": b"",
        "half.pth": data[: len(data) // 2],
        "audio.pth": exps["wav"].read_bytes(),
        "text.pth": b"encoder.w 1 2 3\n",
    }
    expected = {
        "missing.pth": "model file not found",
        "empty.pth": r"empty model file \(0 bytes\)",
        "half.pth": "truncated or damaged model file: a torch zip archive",
        "audio.pth": "found an audio file",
        "text.pth": "found text starting with 'enco'",
    }
    for name, content in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        with pytest.raises(ModelFileError, match=expected[name]) as err:
            load_state_dict(tmp_path / name)
        assert str(err.value).startswith(str(tmp_path / name))
    torch.save({"model": {}, "optimizers": []}, tmp_path / "checkpoint.pth")
    with pytest.raises(ModelFileError, match="found a training checkpoint"):
        load_state_dict(tmp_path / "checkpoint.pth")
    torch.save({"encoder.w": [1, 2]}, tmp_path / "lists.pth")
    with pytest.raises(ModelFileError, match="'encoder.w': list"):
        load_state_dict(tmp_path / "lists.pth")


def test_strict_matching_names_expected_and_found(tmp_path):
    module = torch.nn.Linear(3, 2)
    state = {"head.weight": torch.zeros(2, 4), "head.extra": torch.zeros(1)}
    with pytest.raises(ModelFileError) as err:
        load_into(module, state, tmp_path / "m.pth", prefix="head.")
    msg = str(err.value)
    assert msg.startswith(str(tmp_path / "m.pth"))
    assert "expected 2 tensors, found 2 under 'head.'" in msg
    assert "1 missing key(s): head.bias" in msg and "1 unexpected key(s): head.extra" in msg
    with pytest.raises(ModelFileError, match=r"shape mismatch: head.weight \(2, 4\) vs \(2, 3\)"):
        load_into(module, {"head.weight": torch.zeros(2, 4), "head.bias": torch.zeros(2)}, "m.pth", prefix="head.")
    with pytest.raises(ModelFileError, match="the file's keys start with other."):
        load_into(module, {"other.w": torch.zeros(1)}, "m.pth", prefix="head.")


def test_s3prl_checkpoint_allow_list(tmp_path):
    path = tmp_path / "states-1.ckpt"
    torch.save({"Args": argparse.Namespace(mode="train"), "Config": {}, "Step": 1, "w": torch.ones(1)}, path)
    assert load_trusted_checkpoint(path)["Args"].mode == "train"
    with pytest.raises(ModelFileError, match="refused"):
        load_state_dict(path)


# ----------------------------------------------------------------------------------- every entry point
def _transcribe(exps, evil, capsys):
    from mmpt.bin.transcribe import main

    rc = main(["--asr_train_config", str(exps["asr"] / "config.yaml"), "--asr_model_file", str(evil),
               str(exps["wav"])])
    return rc, capsys.readouterr().err


def _decode(task):
    def run(exps, evil, capsys):
        from mmpt.bin.decode import main

        scp = exps["root"] / "feats.scp"
        scp.write_text("")
        rc = main(["--task", task, "--train_config", str(exps[task] / "config.yaml"), "--model_file", str(evil),
                   "--set", f"{scp}={exps['root'] / ('out_' + task)}"])
        return rc, capsys.readouterr().err
    return run


def _superb_evaluate(exps, evil, capsys, caplog):
    from mmpt.superb.launcher import main

    rc = main(["-m", "evaluate", "-e", str(evil)])
    return rc, caplog.text


def _upstream(exps, evil, capsys):
    from mmpt.pack.encoder import CheckpointError
    from mmpt.superb.hubconf import mmpt_upstream

    (evil.parent / "config.yaml").write_text((exps["asr"] / "config.yaml").read_text())
    with pytest.raises(CheckpointError) as err:
        mmpt_upstream(ckpt=str(evil))
    return 1, str(err.value)


def _pack_encoder(exps, evil, capsys):
    from mmpt.bin.pack_encoder import main

    rc = main(["--config", str(exps["asr"] / "config.yaml"), "--model", str(evil), "--out", str(evil.parent / "p")])
    return rc, capsys.readouterr().err


def _make_train_config(exps, evil, capsys):
    from mmpt.bin.make_train_config import main

    (evil.parent / "config.yaml").write_text((exps["asr"] / "config.yaml").read_text())
    base = evil.parent / "base.yaml"
    base.write_text(yaml.safe_dump({"encoder": "conformer", "max_epoch": 1}))
    rc = main(["--base", str(base), "--out", str(evil.parent / "train.yaml"), "--pretrained_encoder", str(evil)])
    return rc, capsys.readouterr().err


def _init_param(exps, evil, capsys):
    """espnet2 training's --init_param, as mmpt's training entry points run it."""
    from espnet2.torch_utils.load_pretrained_model import load_pretrained_model

    from mmpt.pack.espnet import install_training_shims

    install_training_shims()
    model = torch.nn.Module()
    model.encoder = torch.nn.Linear(2, 2)
    with pytest.raises(ModelFileError) as err:
        load_pretrained_model(f"{evil}:encoder:encoder", model, ignore_init_mismatch=False)
    return 1, str(err.value)


def _superb_results(exps, evil, capsys, caplog):
    """The step column of the SUPERB results table reads s3prl checkpoints."""
    from mmpt.superb.scoring import checkpoint_step

    assert checkpoint_step(evil) is None
    return 1, caplog.text


ENTRY_POINTS = {
    "mmpt-transcribe": _transcribe,
    "decode --task asr": _decode("asr"),
    "decode --task st": _decode("st"),
    "mmpt-superb -m evaluate -e": _superb_evaluate,
    "s3prl upstream mmpt_upstream": _upstream,
    "pack_encoder --model": _pack_encoder,
    "make_train_config --pretrained_encoder": _make_train_config,
    "training --init_param": _init_param,
    "mmpt-superb results (checkpoint step)": _superb_results,
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_every_entry_point_refuses_a_payload(entry, exps, tmp_path, capsys, caplog):
    marker = tmp_path / "pwned"
    evil = hostile(tmp_path / "evil.pth", marker)
    run = ENTRY_POINTS[entry]
    rc, err = run(exps, evil, capsys, caplog) if entry.startswith("mmpt-superb") else run(exps, evil, capsys)
    assert not marker.exists(), f"{entry} ran code from the model file"
    assert rc != 0
    assert str(evil) in err and "refused" in err, err


def test_transcribe_loads_a_good_model_strictly(exps, tmp_path, capsys):
    """The safe path still transcribes; a model file whose names match nothing is an error, not random
    weights; a truncated one is named, not an OSError traceback."""
    from mmpt.bin.transcribe import main

    cfg = str(exps["asr"] / "config.yaml")
    assert main(["--asr_train_config", cfg, "--asr_model_file", str(exps["asr"] / "model.pth"),
                 str(exps["wav"])]) == 0
    capsys.readouterr()
    foreign = tmp_path / "foreign.pth"
    torch.save({"other.w": torch.zeros(2)}, foreign)
    assert main(["--asr_train_config", cfg, "--asr_model_file", str(foreign), str(exps["wav"])]) == 1
    err = capsys.readouterr().err
    assert "foreign.pth: does not fit the ESPnetASRModel" in err and "missing key(s)" in err
    cut = tmp_path / "cut.pth"
    data = (exps["asr"] / "model.pth").read_bytes()
    cut.write_bytes(data[: len(data) - 1000])
    assert main(["--asr_train_config", cfg, "--asr_model_file", str(cut), str(exps["wav"])]) == 1
    assert "cut.pth: truncated or damaged model file" in capsys.readouterr().err
