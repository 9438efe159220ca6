"""egs2/TEMPLATE machinery: option parsing, the log helper, setup.sh."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.recipes.conftest import TEMPLATE, run_script

PARSE_OPTIONS = TEMPLATE / "scripts" / "utils" / "parse_options.sh"
SETUP = TEMPLATE / "asr1" / "setup.sh"

CALLER = f"""#!/usr/bin/env bash
set -euo pipefail
stage=1
stop_stage=100
train_set=
use_gpu=false
help_message="Usage: demo.sh [--stage N] [--train_set NAME]"
. {PARSE_OPTIONS}
echo "stage=${{stage}}"
echo "stop_stage=${{stop_stage}}"
echo "train_set=${{train_set}}"
echo "use_gpu=${{use_gpu}}"
echo "rest=$*"
"""


@pytest.fixture
def caller(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sh"
    path.write_text(CALLER)
    return path


def _run(caller: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(caller), *args], capture_output=True, text=True, timeout=30)


def _values(out: str) -> dict:
    return dict(line.split("=", 1) for line in out.splitlines())


def test_defaults_are_kept(caller: Path):
    res = _run(caller)
    assert res.returncode == 0, res.stderr
    assert _values(res.stdout) == {"stage": "1", "stop_stage": "100", "train_set": "", "use_gpu": "false", "rest": ""}


def test_options_set_variables(caller: Path):
    res = _run(caller, "--stage", "3", "--stop-stage=5", "--train_set", "a b 'c'", "--use_gpu=true", "x", "--y")
    assert res.returncode == 0, res.stderr
    assert _values(res.stdout) == {
        "stage": "3",
        "stop_stage": "5",
        "train_set": "a b 'c'",
        "use_gpu": "true",
        "rest": "x --y",  # parsing stops at the first positional argument
    }


def test_double_dash_ends_options(caller: Path):
    res = _run(caller, "--stage=2", "--", "--stage", "9")
    assert res.returncode == 0, res.stderr
    assert _values(res.stdout)["stage"] == "2" and _values(res.stdout)["rest"] == "--stage 9"


def test_empty_value(caller: Path):
    res = _run(caller, "--train_set=", "--stage", "")
    assert res.returncode == 0, res.stderr
    assert _values(res.stdout)["train_set"] == "" and _values(res.stdout)["stage"] == ""


def test_help(caller: Path):
    res = _run(caller, "--stage", "3", "--help")
    assert res.returncode == 0
    assert "Usage: demo.sh [--stage N] [--train_set NAME]" in res.stderr
    assert "stage=" not in res.stdout  # exits before running the script


@pytest.mark.parametrize(
    "args, message",
    [
        (["--bogus", "1"], "unknown option --bogus"),
        (["--no-such-thing=1"], "unknown option --no_such_thing"),
        (["--stage"], "option --stage needs a value"),
        (["--use_gpu", "yes"], "--use_gpu takes true or false, got 'yes'"),
        (["--help_me", "1"], "unknown option --help_me"),
        (["--a.b=1"], "invalid option name --a.b"),
    ],
)
def test_bad_options(caller: Path, args, message):
    res = _run(caller, *args)
    assert res.returncode != 0
    assert message in res.stderr
    assert "stage=" not in res.stdout


def test_log_helper(tmp_path: Path):
    script = tmp_path / "x.sh"
    script.write_text(f"set -euo pipefail\n. {TEMPLATE / 'scripts/utils/log.sh'}\nf() {{\n  log hello world\n}}\nf\n")
    res = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0
    assert res.stderr.rstrip().endswith("(x.sh:4:f) hello world")


# ----------------------------------------------------------------------------------------- setup.sh
def test_setup_creates_recipe_and_refuses_to_overwrite(checkout: Path):
    target = checkout / "egs2" / "mycorpus" / "asr1"
    res = run_script([str(checkout / "egs2/TEMPLATE/asr1/setup.sh"), str(target)], cwd=checkout)
    assert res.returncode == 0, res.stderr
    assert os.readlink(target / "asr.sh") == "../../TEMPLATE/asr1/asr.sh"
    assert os.readlink(target / "scripts") == "../../TEMPLATE/scripts"
    assert os.readlink(target / "path.sh") == "../../TEMPLATE/common/path.sh"
    assert os.readlink(target / "db.sh") == "../../TEMPLATE/common/db.sh"
    assert not (target / "cmd.sh").is_symlink()
    assert (target / "cmd.sh").read_text() == (TEMPLATE / "common/cmd.sh").read_text()
    assert (target / "conf" / "fbank.yaml").resolve() == (checkout / "mmpt/conf/fbank.yaml").resolve()
    assert not (target / "conf" / "train_asr_ctc_frozen.yaml").is_symlink()
    assert os.access(target / "run.sh", os.X_OK) and os.access(target / "local" / "data.sh", os.X_OK)
    assert "Warning" not in res.stderr  # egs2/<corpus>/<task> of the checkout: path.sh finds mmpt

    # The skeleton runs: --help reaches asr.sh through run.sh.
    res = run_script(["run.sh", "--help"], cwd=target)
    assert res.returncode == 0 and "--train_set" in res.stderr

    before = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    (target / "run.sh").write_text("# edited\n")
    res = run_script([str(SETUP), str(target)], cwd=checkout)
    assert res.returncode != 0 and "already exists" in res.stderr
    assert (target / "run.sh").read_text() == "# edited\n"
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == before


def test_setup_warns_outside_egs2(tmp_path: Path):
    target = tmp_path / "elsewhere"
    res = run_script([str(SETUP), str(target)], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "MMPT_ROOT" in res.stderr
    assert (target / "asr.sh").resolve() == (TEMPLATE / "asr1" / "asr.sh").resolve()


def test_new_recipe_runs_stage_1(checkout: Path, venv: Path, tmp_path: Path):
    """A recipe made by setup.sh runs: the template local/data.sh stops with a clear message, and a
    written one goes through stage 1 (data preparation + validation)."""
    import soundfile

    target = checkout / "egs2" / "tiny" / "asr1"
    assert run_script([str(SETUP), str(target)], cwd=checkout).returncode == 0
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1"], cwd=target)
    assert res.returncode != 0 and "local/data.sh is still the template" in res.stderr

    wav = tmp_path / "a.wav"
    soundfile.write(str(wav), np.zeros(1600, dtype=np.float32), 16000)
    (target / "local" / "data.sh").write_text(
        "#!/usr/bin/env bash\nset -euo pipefail\nfor s in train dev test; do\n  mkdir -p data/$s\n"
        f"  echo 'spk1-utt1 {wav}' > data/$s/wav.scp\n  echo 'spk1-utt1 HELLO' > data/$s/text\n"
        "  echo 'spk1-utt1 spk1' > data/$s/utt2spk\n  echo 'spk1 spk1-utt1' > data/$s/spk2utt\ndone\n"
    )
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1"], cwd=target)
    assert res.returncode == 0, res.stderr
    assert "Stage 1: validating data/test" in res.stderr

    # A set that local/data.sh does not write is an error naming it.
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1", "--test_sets", "test other"], cwd=target)
    assert res.returncode != 0 and "data/other" in res.stderr

    # An inconsistent data dir fails the validation.
    (target / "local" / "data.sh").write_text("#!/usr/bin/env bash\necho 'spk1-utt2 X' >> data/train/text\n")
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1"], cwd=target)
    assert res.returncode != 0 and "data/train is inconsistent" in res.stderr


def test_path_sh_without_venv(tmp_path: Path):
    root = tmp_path / "repo"
    recipe = root / "egs2" / "x" / "asr1"
    recipe.mkdir(parents=True)
    (root / "mmpt").mkdir()
    res = run_script(["-c", f"set -e; . {TEMPLATE / 'common/path.sh'}; echo reached"], cwd=recipe)
    assert res.returncode != 0 and "reached" not in res.stdout
    assert f"bash {root}/tools/install.sh" in res.stderr


# ----------------------------------------------------------------------------------- stages.sh run_training
FAKE_TRAIN = """import os, sys
from pathlib import Path
out = Path(sys.argv[sys.argv.index("--output_dir") + 1])
out.mkdir(parents=True, exist_ok=True)
with open(out / "calls.txt", "a") as f:
    f.write(("resumed" if (out / "checkpoint.pth").exists() else "fresh") + "\\n")
(out / "checkpoint.pth").write_text("state")
(out / "1epoch.pth").write_text("weights")
sys.exit(int(os.environ.get("FAKE_RC", "0")))
"""


def test_run_training_resumes_only_a_training_of_the_same_inputs(tmp_path: Path):
    (tmp_path / "fake_train.py").write_text(FAKE_TRAIN)
    script = tmp_path / "train.sh"
    script.write_text(f"""set -euo pipefail
. {TEMPLATE / 'scripts/utils/log.sh'}
nj=1; cmd_backend=local; ngpu=0; num_nodes=1
. {TEMPLATE / 'scripts/utils/stages.sh'}
run_training 6 fake_train exp/x "$1" --output_dir exp/x
""")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def train(stamp: str, rc: int = 0) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(script), stamp], cwd=tmp_path, env={**env, "FAKE_RC": str(rc)},
                              capture_output=True, text=True, timeout=60)

    exp = tmp_path / "exp" / "x"
    assert train("config A", rc=1).returncode != 0  # interrupted
    assert train("config A").returncode == 0  # the same inputs: resumed
    assert (exp / "calls.txt").read_text().split() == ["fresh", "resumed"]
    res = train("config A")
    assert "is trained (up to date" in res.stderr and len((exp / "calls.txt").read_text().split()) == 2
    res = train("config B")  # other inputs: the old outputs go aside, the training starts over
    assert res.returncode == 0 and "holds a training with other inputs" in res.stderr
    assert (exp / "calls.txt").read_text().split() == ["fresh", "resumed", "fresh"]
    stale = [p for p in exp.iterdir() if p.name.startswith("stale.")]
    assert len(stale) == 1
    assert sorted(p.name for p in stale[0].iterdir()) == ["1epoch.pth", "checkpoint.pth", "train.log"]
