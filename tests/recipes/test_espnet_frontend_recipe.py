"""egs2/librispeech/asr1/local/espnet_frontend.sh: ESPnet's own ASR (plain ``espnet2.bin.asr_train``) with the
frozen mmpt encoder as its s3prl frontend, on the tiny embedded LibriSpeech.

The recipe's processes are fresh ``python -m espnet2.bin.*`` processes in which nothing of mmpt is imported
or called: ``upstream: mmpt_local`` is found through the ``mmpt-autoload.pth`` hook of the installed mmpt.
The pack is a randomly initialised encoder (``pack_encoder --random_init``), with dropout, so that a frontend
left in train mode would show."""
from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest
import soundfile as sf
import torch
import yaml

from mmpt.autoload import PTH_NAME
from tests.recipes.conftest import copy_recipe, run_script
from tests.recipes.packs import TINY_ENCODER, synth

RECIPE = "egs2/librispeech/asr1"
UPSTREAM_PREFIX = "frontend.upstream.upstream."  # S3prlFrontend.upstream (S3PRLUpstream).upstream (the expert)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synth(tmp_path_factory.mktemp("synth"), "librispeech")


def _random_pack(recipe: Path) -> Path:
    """``python -m mmpt.bin.pack_encoder --config <tiny pre-training config> --random_init 0``, in-process."""
    from mmpt.pack.write import pack_encoder

    config = recipe / "pt_tiny.yaml"
    config.write_text(yaml.safe_dump({"input_size": 80, "encoder": "conformer", "encoder_conf": TINY_ENCODER}))
    pack = recipe / "pt_exp" / "packed"
    pack_encoder(config, pack, random_init=0, fbank_conf=recipe / "conf" / "fbank.yaml")
    return pack


def _small_config(recipe: Path) -> str:
    """The recipe's config with a smaller trainable encoder and batches (fast CPU test)."""
    cfg = yaml.safe_load((recipe / "conf/tuning/train_asr_s3prl_frontend.yaml").read_text())
    cfg["encoder_conf"].update(output_size=32, attention_heads=2, linear_units=64, num_blocks=1, cnn_module_kernel=7)
    cfg.update(batch_size=4, valid_batch_size=4)
    (recipe / "conf/tuning/train_test.yaml").write_text(yaml.safe_dump(cfg))
    return "conf/tuning/train_test.yaml"


def test_espnet_asr_on_frozen_mmpt_frontend(checkout: Path, venv: Path, corpus: Path):
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    assert (site / PTH_NAME).is_file(), f"{site / PTH_NAME} is missing: mmpt is not installed in {venv}"

    recipe = copy_recipe(checkout, RECIPE)
    pack = _random_pack(recipe)
    pack_state = torch.load(pack / "model.pth", weights_only=True)
    # stages 1-5 (data, raw dump, tokens, shapes, training); decoding is another 20 s of espnet2 start-up
    args = ["local/espnet_frontend.sh", "--stop_stage", "5", "--nj", "1", "--nbpe", "40", "--test_sets", "test_clean",
            "--local_data_opts", "--splits train-clean-100,dev-clean,test-clean",
            "--pretrained_encoder", "pt_exp/packed", "--asr_config", _small_config(recipe),
            "--asr_args", "--max_epoch 1 --num_iters_per_epoch 2"]
    res = run_script(args, cwd=recipe, env={"LIBRISPEECH": str(corpus)}, timeout=600)
    assert res.returncode == 0, res.stderr[-5000:]

    exp = recipe / "exp" / "asr_train_test_bpe_unigram40_pt_exp"
    # plain espnet2 trained it, with the mmpt upstream as its s3prl frontend
    assert "python -m espnet2.bin.asr_train" in (exp / "train.cmd").read_text()
    config = yaml.safe_load((exp / "config.yaml").read_text())
    assert config["frontend"] == "s3prl" and config["freeze_param"] == ["frontend.upstream"]
    assert config["frontend_conf"]["frontend_conf"]["upstream"] == "mmpt_local"
    assert config["frontend_conf"]["frontend_conf"]["path_or_url"] == str(pack.resolve())
    assert (exp / ".train.done").is_file() and (exp / "valid.loss.ave.pth").exists()
    log = (exp / "train.log").read_text()
    assert "Setting frontend.upstream.upstream.encoder.embed.conv.0.weight.requires_grad = False" in log
    assert "The training was finished at 1 epochs" in log

    # The frozen frontend is the pack's, weights and batch-norm statistics alike; the rest trained.
    trained = torch.load(exp / "1epoch.pth", weights_only=True)
    for key, value in pack_state.items():
        assert torch.equal(trained[UPSTREAM_PREFIX + key], value), key
    assert any(k.startswith("encoder.encoders.") for k in trained) and "ctc.ctc_lo.weight" in trained

    # Deterministic in train mode: what espnet2's trainer sets every epoch.
    from espnet2.tasks.asr import ASRTask

    model, _ = ASRTask.build_model_from_file(exp / "config.yaml", exp / "1epoch.pth", "cpu")
    wavs = [torch.from_numpy(sf.read(line.split()[1], dtype="float32")[0])
            for line in (recipe / "dump/raw/test_clean/wav.scp").read_text().splitlines()]
    speech = torch.nn.utils.rnn.pad_sequence(wavs, batch_first=True)
    lengths = torch.tensor([w.numel() for w in wavs])
    with torch.no_grad():
        model.train()
        first, first_lens = model.frontend(speech, lengths)
        second, _ = model.frontend(speech, lengths)
        model.eval()
        evaluated, _ = model.frontend(speech, lengths)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    torch.testing.assert_close(first, evaluated, rtol=0, atol=0)
    assert first_lens.tolist() == [(n - 1) // 640 + 1 for n in lengths.tolist()]

    # The control: the same upstream built unfrozen does give different features in train mode (dropout).
    from espnet2.asr.frontend.s3prl import S3prlFrontend

    loose = S3prlFrontend(frontend_conf={"upstream": "mmpt_local", "path_or_url": str(pack),
                                         "extra_conf": {"frozen": False}}, multilayer_feature=True)
    loose.load_state_dict(model.frontend.state_dict())
    loose.train()
    with torch.no_grad():
        a, _ = loose(speech, lengths)
        b, _ = loose(speech, lengths)
    assert not torch.allclose(a, b)
