"""mmpt.autoload: an installed mmpt makes its s3prl upstreams available in every fresh process, with nothing
called: plain s3prl (hub, S3PRLUpstream), espnet2's S3prlFrontend, spawn DataLoader workers and espnet2's
spawn launcher; and imports of s3prl / espnet stay quiet."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from mmpt.autoload import PTH_LINE, PTH_NAME
from tests.superb.conftest import tiny_ckpt, tiny_pack  # noqa: F401  (session fixtures)

REPO_ROOT = Path(__file__).resolve().parents[1]

# A module that never imports mmpt: what runs in the child processes.
CHILD = '''
import os


def hub_entry(index):
    """In a DataLoader worker: the s3prl.hub entry, found without any mmpt call."""
    import s3prl.hub

    return os.getpid(), getattr(s3prl.hub, "mmpt_local").__module__


def build_frontend(pack, out):
    """As espnet2's launcher runs ASRTask.main_worker in a spawned process: the s3prl frontend of a config."""
    from espnet2.asr.frontend.s3prl import S3prlFrontend

    frontend = S3prlFrontend(frontend_conf={"upstream": "mmpt_local", "path_or_url": pack}, multilayer_feature=True)
    with open(out, "w") as f:
        f.write(f"{os.getpid()} {frontend.output_size()} {frontend.hop_length}")


class Probe:
    def __len__(self):
        return 2

    def __getitem__(self, index):
        return hub_entry(index)
'''

MAIN = '''
import os, sys, torch
import torch.multiprocessing
from torch.utils.data import DataLoader
from child import Probe, build_frontend


def main():
    pack, out = sys.argv[1], sys.argv[2]
    # the .pth line imported the hook (and its package), nothing else of mmpt
    assert {m for m in sys.modules if m.split(".")[0] == "mmpt"} == {"mmpt", "mmpt.autoload"}

    # espnet2's multi-GPU launcher: torch.multiprocessing.get_context("spawn").Process(target=main_worker)
    launcher = torch.multiprocessing.get_context("spawn").Process(target=build_frontend, args=(pack, out))
    launcher.start()

    # plain s3prl, in this process
    import s3prl.hub
    from s3prl.nn import S3PRLUpstream

    assert "mmpt_local" in S3PRLUpstream.available_names()
    assert "mmpt_local" not in S3PRLUpstream.available_names(only_registered_ckpt=True)
    upstream = S3PRLUpstream("mmpt_local", path_or_url=pack)
    hs, lens = upstream(torch.zeros(2, 16000), torch.tensor([16000, 8000]))
    assert [int(x) for x in lens[-1]] == [25, 13], lens
    print("UPSTREAM", upstream.num_layers, s3prl.hub.mmpt_upstream.__module__)

    # a spawn DataLoader worker
    loader = DataLoader(Probe(), batch_size=None, num_workers=1, multiprocessing_context="spawn")
    results = list(loader)
    assert {pid for pid, _ in results} - {os.getpid()} and {m for _, m in results} == {"mmpt.superb.hubconf"}, results
    print("WORKER", len(results))

    launcher.join()
    assert launcher.exitcode == 0, launcher.exitcode
    print("LAUNCHER", open(out).read())


if __name__ == "__main__":
    main()
'''


def _site_packages(venv: Path) -> Path:
    return venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


@pytest.fixture(scope="module")
def installed_venv(tmp_path_factory) -> Path:
    """A fresh venv with mmpt installed the way tools/install.sh does it (``pip install -e``, setup.py develop),
    its dependencies taken from the running environment's site-packages."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--prefix", str(venv), "-e", str(REPO_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    site = _site_packages(venv)
    # the install wrote the hook's .pth (what this test is about) and an egg-link; with --prefix, pip does not
    # add the source tree to easy-install.pth, so the dependencies and the tree go in by a plain path .pth
    assert (site / PTH_NAME).read_text() == PTH_LINE
    (site / "deps.pth").write_text(f"{REPO_ROOT}\n{sysconfig.get_paths()['purelib']}\n")
    return venv


def _run(venv: Path, args, cwd: Path, timeout: float = 300, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MMPT_AUTOLOAD", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin" / "python"), *args], cwd=cwd, env={**base, **env},
                          capture_output=True, text=True, timeout=timeout)


def test_build_py_puts_the_pth_into_the_wheel(tmp_path):
    res = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (tmp_path / PTH_NAME).read_text() == PTH_LINE
    assert (tmp_path / "mmpt" / "autoload.py").is_file()


def test_fresh_processes_find_the_upstream(installed_venv, tiny_pack, tmp_path):  # noqa: F811
    """S3PRLUpstream("mmpt_local", path_or_url=<pack dir>) in a fresh process, a spawn DataLoader worker and
    an espnet2-style spawned launcher process building S3prlFrontend; nothing calls mmpt; nothing noisy."""
    (tmp_path / "child.py").write_text(textwrap.dedent(CHILD))
    (tmp_path / "main.py").write_text(textwrap.dedent(MAIN))
    res = _run(installed_venv, ["main.py", str(tiny_pack), str(tmp_path / "frontend.txt")], tmp_path, timeout=600)
    assert res.returncode == 0, res.stderr[-4000:]
    assert "UPSTREAM 3 mmpt.superb.hubconf" in res.stdout
    assert "WORKER 2" in res.stdout
    assert res.stdout.split("LAUNCHER ")[1].split()[1:] == ["64", "640"]
    noise = res.stdout + res.stderr
    for unwanted in ("[nltk_data]", "Flash Attention", "set_audio_backend has been deprecated"):
        assert unwanted not in noise, noise[-3000:]


def test_off_switch(installed_venv, tmp_path):
    code = "import sys, mmpt.autoload as a; print(a.installed(), 'mmpt.superb' in sys.modules)"
    res = _run(installed_venv, ["-c", code], tmp_path, MMPT_AUTOLOAD="0")
    assert res.returncode == 0 and res.stdout.split() == ["False", "False"], res.stderr
    res = _run(installed_venv, ["-c", code], tmp_path)
    assert res.returncode == 0 and res.stdout.split() == ["True", "False"], res.stderr  # nothing imported early


def test_hook_wraps_only_its_modules(tmp_path):
    """In-process: the loader of a hooked module gets the actions around it and is restored after."""
    import importlib

    from mmpt import autoload

    (tmp_path / "hooked_mod.py").write_text("print('printed at import')\nVALUE = 1\n")
    calls = []
    saved = dict(autoload.HOOKS)
    autoload.HOOKS["hooked_mod"] = (lambda m: calls.append("before"), lambda m: calls.append(("after", m.VALUE)),
                                    autoload._stdout_to_debug)
    sys.path.insert(0, str(tmp_path))
    finder = autoload.AutoloadFinder()
    sys.meta_path.insert(0, finder)
    try:
        module = importlib.import_module("hooked_mod")
    finally:
        sys.meta_path.remove(finder)
        sys.path.remove(str(tmp_path))
        autoload.HOOKS.clear()
        autoload.HOOKS.update(saved)
        sys.modules.pop("hooked_mod", None)
    assert calls == ["before", ("after", 1)]
    assert not isinstance(module.__loader__, autoload._HookedLoader)
