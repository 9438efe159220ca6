"""``mmpt_upstream`` on s3prl.hub: side-effect-free package, spawn DataLoader workers, torchaudio >= 2.9."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from .conftest import REPO_ROOT_ENV

# A dataset whose module does not import mmpt: in a spawn worker only the main module's imports can have
# registered mmpt_upstream.
PROBE_DATASET = '''
import torch.utils.data


class HubProbe(torch.utils.data.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, index):
        import os
        import s3prl.hub

        entry = getattr(s3prl.hub, "mmpt_upstream")
        return os.getpid(), entry.__module__
'''

# Like the console script `mmpt-superb`: the main module imports mmpt.bin.superb.
SPAWN_MAIN = '''
from mmpt.bin.superb import main  # noqa: F401

if __name__ == "__main__":
    import os
    from torch.utils.data import DataLoader
    from probe_dataset import HubProbe

    loader = DataLoader(HubProbe(), batch_size=None, num_workers=2, multiprocessing_context="spawn")
    results = list(loader)
    pids = {pid for pid, _ in results}
    assert os.getpid() not in pids and len(pids) == 2, pids
    assert {module for _, module in results} == {"mmpt.superb.hubconf"}, results
    print("OK", len(results))
'''

# torchaudio as on a torch 2.11 machine without torchcodec and sox: no sox_effects / load / set_audio_backend
TORCHAUDIO_29 = '''
import sys
import torchaudio

sys.modules["torchaudio.sox_effects"] = None
for name in ("sox_effects", "load", "set_audio_backend"):
    if hasattr(torchaudio, name):
        delattr(torchaudio, name)

import numpy as np, soundfile as sf
import mmpt.bin.superb  # registers and installs the shims; s3prl.hub imports despite the missing APIs
import s3prl.hub
from mmpt.superb import sox_effects

assert s3prl.hub.mmpt_upstream.__module__ == "mmpt.superb.hubconf"
from s3prl.downstream.speech_commands.dataset import SpeechCommandsBaseDataset  # KS: sox_effects
from s3prl.downstream.fluent_commands.dataset import FluentCommandsDataset  # noqa: F401  IC: torchaudio.load
import s3prl.downstream.ctc.expert  # noqa: F401  PR: needs the ctc corpus package only at data time
import s3prl.downstream.diarization.expert  # noqa: F401

path = sys.argv[1]
sf.write(path, np.full(16000, 0.25, dtype=np.float32), 16000, subtype="PCM_16")
ds = SpeechCommandsBaseDataset()
ds.data = [("no", path)]
wav, label, _ = ds[0]
assert label == 1 and abs(float(wav.mean()) - 0.25 * 10 ** (-3 / 20)) < 1e-4, wav.mean()
loaded, rate = torchaudio.load(path)
assert rate == 16000 and loaded.shape == (1, 16000)
assert torchaudio.sox_effects is sox_effects
print("OK")
# the console script's --help: s3prl's run_downstream.main, which calls torchaudio.set_audio_backend first
sys.exit(mmpt.bin.superb.main(["--help"]))
'''


def _run(args, cwd, timeout=300):
    path = os.pathsep.join(filter(None, [REPO_ROOT_ENV, str(cwd), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_package_import_has_no_side_effects(tmp_path):
    code = (
        "import sys, mmpt.superb, mmpt.superb.hubconf; "
        "assert 's3prl' not in sys.modules and 'espnet2' not in sys.modules"
    )
    result = _run(["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr


def test_register():
    import s3prl.hub

    from mmpt.superb import register
    from mmpt.superb.hubconf import mmpt_upstream

    register()
    assert s3prl.hub.mmpt_upstream is mmpt_upstream
    assert "mmpt_upstream" in s3prl.hub.options()


def test_registration_in_spawn_workers(tmp_path):
    (tmp_path / "probe_dataset.py").write_text(textwrap.dedent(PROBE_DATASET))
    (tmp_path / "main.py").write_text(textwrap.dedent(SPAWN_MAIN))
    result = _run(["main.py"], tmp_path)
    assert result.returncode == 0 and "OK 4" in result.stdout, result.stderr[-3000:]


def test_s3prl_on_torchaudio_without_sox_and_load(tmp_path):
    """s3prl.hub, the KS/IC/PR/SD downstream modules and `mmpt-superb --help` on a torchaudio >= 2.9 API."""
    (tmp_path / "main.py").write_text(textwrap.dedent(TORCHAUDIO_29))
    result = _run(["main.py", str(tmp_path / "a.wav")], tmp_path)
    assert result.returncode == 0 and "OK" in result.stdout, result.stderr[-3000:]
    assert "mmpt-superb" in result.stdout and "--upstream_ckpt" in result.stdout and "mmpt_upstream" in result.stdout

