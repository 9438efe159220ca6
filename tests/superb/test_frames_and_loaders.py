"""Exact frame counts through s3prl's S3PRLUpstream and espnet2's S3prlFrontend (batched == single, frozen
in train mode), pack directories, torch.hub, the launcher's empty-loader check and num_workers cap,
`--help` without s3prl, and the RESULTS.md environment block."""
from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch.utils.data import DataLoader

from mmpt.report.environment import environment_block
from mmpt.superb import launcher, register

from .conftest import REPO_ROOT_ENV, noise

# multiples of 640 and not (8000 -> 13 frames, 20000 -> 32: the lengths round() got wrong)
LENGTHS = [8000, 640 * 12, 20000, 640 * 20 + 1, 16000]


def _batch():
    wavs = [torch.from_numpy(noise(n, i)) for i, n in enumerate(LENGTHS)]
    padded = torch.nn.utils.rnn.pad_sequence(wavs, batch_first=True)
    return wavs, padded, torch.tensor(LENGTHS)


def test_s3prl_upstream_batched_equals_single(tiny_pack):
    register()
    from s3prl.nn import S3PRLUpstream

    up = S3PRLUpstream("mmpt_local", path_or_url=str(tiny_pack))  # a pack directory
    up.train()  # S3PRLUpstream leaves it in train mode; the frozen expert stays deterministic
    wavs, padded, lens = _batch()
    with torch.no_grad():
        hs, hlens = up(padded, lens)
        for b, wav in enumerate(wavs):
            single, slens = up(wav.unsqueeze(0), torch.tensor([wav.numel()]))
            n = int(slens[-1][0])
            assert n == (LENGTHS[b] - 1) // 640 + 1 == int(hlens[-1][b])
            for layer in range(len(hs)):
                torch.testing.assert_close(hs[layer][b, :n], single[layer][0, :n], atol=1e-4, rtol=0)
                assert hs[layer][b, n - 1].abs().sum() > 0


def test_espnet_frontend_batched_equals_single(tiny_pack):
    register()
    from espnet2.asr.frontend.s3prl import S3prlFrontend

    fe = S3prlFrontend(frontend_conf={"upstream": "mmpt_local", "path_or_url": str(tiny_pack)},
                       multilayer_feature=True)
    fe.train()  # what espnet2's trainer does every epoch
    wavs, padded, lens = _batch()
    with torch.no_grad():
        feats, flens = fe(padded, lens)
        again, _ = fe(padded, lens)
        torch.testing.assert_close(feats, again)  # no dropout in the frozen encoder
        for b, wav in enumerate(wavs):
            single, slens = fe(wav.unsqueeze(0), torch.tensor([wav.numel()]))
            n = int(slens[0])
            assert n == int(flens[b]) == (LENGTHS[b] - 1) // 640 + 1
            torch.testing.assert_close(feats[b, :n], single[0, :n], atol=1e-4, rtol=0)


def test_torch_hub_local(tiny_pack):
    up = torch.hub.load(REPO_ROOT_ENV, "mmpt_local", str(tiny_pack), source="local")
    assert up.get_downsample_rates("hidden_states") == 640


class _Expert:
    def __init__(self, loaders):
        self.loaders = loaders

    def get_dataloader(self, split):
        return self.loaders[split]


def test_empty_loader_fails_with_the_facts():
    data = list(range(26))
    expert = _Expert({"train": DataLoader(data, batch_size=32, drop_last=True),
                      "dev": DataLoader(data, batch_size=32)})
    with pytest.raises(launcher.EmptyLoaderError) as err:
        launcher.check_loaders(expert, ["train", "dev"], "KS (speech_commands)", "ks.yaml")
    msg = str(err.value)
    assert all(s in msg for s in ("KS (speech_commands)", "train", "26 items", "batch size 32", "drop_last=True"))
    expert.loaders["train"] = DataLoader(data, batch_size=16, drop_last=True)
    assert launcher.check_loaders(expert, ["train", "dev"], "KS", "ks.yaml") == {"train": 1, "dev": 1}


def test_num_workers_capped():
    config = {"datarc": {"num_workers": 8, "batch_size": 32}, "loaderrc": {"num_workers": 0}}
    assert launcher.cap_num_workers(config, limit=2) == ["datarc.num_workers: 8 -> 2"]
    assert config["datarc"]["num_workers"] == 2 and config["loaderrc"]["num_workers"] == 0


def test_help_does_not_import_s3prl(tmp_path):
    code = ("import sys, mmpt.bin.superb as m; rc = m.main(['--help']); "
            "assert 's3prl' not in sys.modules and 'espnet2' not in sys.modules; sys.exit(rc)")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": REPO_ROOT_ENV, "PATH": "/usr/bin:/bin", "MMPT_AUTOLOAD": "0"})
    assert res.returncode == 0, res.stderr
    assert "--upstream_ckpt" in res.stdout and "mmpt_local" in res.stdout and "wavlm" in res.stdout


def test_environment_block():
    block = environment_block(["./run.sh", "--tasks", "ks"])
    assert block.startswith("## Environments")
    for key in ("- date:", "- python version:", "- torch version:", "- espnet version:", "- s3prl version:",
                "- Git hash:", "- command: `./run.sh --tasks ks`"):
        assert key in block, block
