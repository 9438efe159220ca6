"""mmpt.denormals: subnormal floats flushed in the process that asks (and the threads it starts), opt-out."""
from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

CHECK = """
import threading, torch
import mmpt.tasks.asr  # the training entry points import espnet2 first: that must not start torch's threads
from mmpt.denormals import flush_denormals
on = flush_denormals()
torch.set_num_threads(2)
x = torch.full((4_000_000,), 1e-39)  # large enough for torch's intra-op threads to share the product
y = {}
t = threading.Thread(target=lambda: y.setdefault("v", (x * 1.0).abs().max().item()))  # a thread started after
t.start(); t.join()
print(on, (x * 1.0).abs().max().item() == 0.0, y["v"] == 0.0)
"""


def _run(env_extra):
    env = {**os.environ, **env_extra}
    res = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip().splitlines()[-1].split()  # espnet2 may print about flash attention first


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="FTZ/DAZ are x86 flags")
def test_flush_denormals_in_process_and_later_threads():
    assert _run({}) == ["True", "True", "True"]


def test_opt_out_keeps_subnormals():
    assert _run({"MMPT_FLUSH_DENORMAL": "0"}) == ["False", "False", "False"]
