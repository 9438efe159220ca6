"""egs2/superb/superb1 end to end (data prep, a few training steps, evaluation, scoring) on the tiny embedded
corpus with the tiny espnet2 checkpoint as upstream, and its KS data prep on the REAL Speech Commands samples."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List

import pytest

from tests.recipes.conftest import copy_recipe, run_script
from tests.superb.conftest import tiny_ckpt  # noqa: F401  (session fixture: the upstream checkpoint)

RECIPE = "egs2/superb/superb1"
TAG = "tiny"
STEPS = 4
CORPORA = {"speech_commands": "SPEECH_COMMANDS", "fluent_speech_commands": "FLUENT_SPEECH_COMMANDS",
           "librispeech": "LIBRISPEECH", "librimix": "LIBRIMIX"}
WORKERS = {"ks": "datarc", "ic": "datarc", "pr": "corpus", "sd": "loaderrc"}
BATCH = {"ks": "datarc.batch_size=8", "ic": "datarc.train_batch_size=4", "pr": "corpus.batch_size=2",
         "sd": "loaderrc.train_batchsize=2"}


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory, espeak) -> Dict[str, str]:
    """The tiny embedded corpus of the four SUPERB corpora (once per session): corpus root variables."""
    from mmpt.synth.presets import get_preset
    from mmpt.synth.registry import get_writer
    from mmpt.synth.writer import run_writer

    db = tmp_path_factory.mktemp("superb_db")
    for name in CORPORA:
        run_writer(get_writer(name), db, get_preset("tiny"), seed=0, progress=False)
    return {var: str(db / name) for name, var in CORPORA.items()}


@pytest.fixture
def recipe(checkout: Path) -> Path:
    return copy_recipe(checkout, RECIPE)


def _few_steps(tasks: List[str]) -> List[str]:
    """superb.sh options: STEPS training steps, small batches, no loader workers."""
    args = ["--superb_args", f"config.runner.total_steps={STEPS},,config.runner.log_step=2,,"
                             f"config.runner.eval_step={STEPS},,config.runner.save_step={STEPS},,"
                             "config.runner.gradient_accumulate_steps=1"]
    for task in tasks:
        e = "config.downstream_expert"
        args += [f"--{task}_args", f"{e}.{WORKERS[task]}.num_workers=0,,{e}.{BATCH[task]}"]
    return args


def _run_tasks(recipe: Path, tiny_db: Dict[str, str], ckpt: Path, tasks: List[str]):
    cmd = ["run.sh", "--tasks", " ".join(tasks), "--conf_scale", "cpu", "--nj", "2", "--upstream_ckpt", str(ckpt),
           "--upstream_tag", TAG, *_few_steps(tasks)]
    res = run_script(cmd, cwd=recipe, env=tiny_db, timeout=600)
    assert res.returncode == 0, res.stderr[-4000:]
    return cmd, res


def _result(recipe: Path, task: str) -> dict:
    return json.loads((recipe / "exp" / TAG / task / "evaluate_test" / "result.json").read_text())


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_ks_ic_end_to_end(recipe: Path, tiny_db, tiny_ckpt, venv):  # noqa: F811
    cmd, res = _run_tasks(recipe, tiny_db, tiny_ckpt.ckpt, ["ks", "ic"])
    exp = recipe / "exp" / TAG
    for task, test_set in (("ks", "data/ks/test"), ("ic", "data/ic/test")):
        assert (exp / task / f"states-{STEPS}.ckpt").is_file()
        r = _result(recipe, task)
        assert r["metric"] == "accuracy" and 0.0 <= r["value"] <= 1.0
        assert r["count"] == _lines(recipe / test_set / "wav.scp")  # every test utterance scored
        assert r["step"] in (2, STEPS) and r["upstream"] == str(tiny_ckpt.ckpt)
        # the evaluation wrote its own outputs; the score equals the accuracy s3prl logged
        assert r["details"]["s3prl_logged"] == pytest.approx(r["value"])
    results = (recipe / "exp" / "RESULTS.md").read_text()
    assert f"## {TAG}" in results
    assert f"| KS (keyword spotting) | accuracy | {100 * _result(recipe, 'ks')['value']:.2f} |" in results
    assert f"| IC (intent classification) | accuracy | {100 * _result(recipe, 'ic')['value']:.2f} |" in results

    # Running again trains and evaluates nothing (up to date), and scores again.
    stamp = (exp / "ks" / f"states-{STEPS}.ckpt").stat().st_mtime_ns
    res = run_script(cmd + ["--stage", "2"], cwd=recipe, env=tiny_db, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stderr.count("is trained (up to date") == 2 and res.stderr.count("evaluate_test is up to date") == 2
    assert (exp / "ks" / f"states-{STEPS}.ckpt").stat().st_mtime_ns == stamp


def test_pr_sd_end_to_end(recipe: Path, tiny_db, tiny_ckpt, venv):  # noqa: F811
    _run_tasks(recipe, tiny_db, tiny_ckpt.ckpt, ["pr", "sd"])
    pr = _result(recipe, "pr")
    assert pr["metric"] == "PER" and pr["value"] >= 0.0
    assert pr["count"] == _lines(recipe / "data" / "pr" / "test_clean" / "text")
    assert pr["details"]["phones"] > pr["count"]
    lexicon = (recipe / "data" / "pr" / "lexicon.txt").read_text().splitlines()
    words = {w for line in (recipe / "data" / "pr" / "train_clean_100" / "text").read_text().splitlines()
             for w in line.split()[1:]}
    assert words <= {line.split()[0] for line in lexicon}
    sd = _result(recipe, "sd")
    assert sd["metric"] == "DER" and sd["value"] >= 0.0 and len(sd["details"]["grid"]) == 10
    assert sd["count"] == _lines(recipe / "data" / "sd" / "test" / "reco2dur")
    assert sd["details"]["recordings_without_prediction"] == []
    assert (recipe / "exp" / TAG / "sd" / "evaluate_test" / "scoring" / "hyp_0.5_11.rttm").is_file()
    results = (recipe / "exp" / "RESULTS.md").read_text()
    assert "| PR (phone recognition) | PER |" in results and "| SD (speaker diarization) | DER |" in results


def test_ks_data_prep_on_real_speech_commands(recipe: Path, realdata: Path, venv):
    from mmpt.corpora.speech_commands import which_set

    env = {"SPEECH_COMMANDS": str(realdata / "speech_commands")}
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1", "--tasks", "ks"], cwd=recipe, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    view = recipe / "data" / "ks" / "s3prl"
    main, test = view / "speech_commands_v0.01", view / "speech_commands_test_set_v0.01"
    links = {str(p.relative_to(view)): Path(os.readlink(p)) for p in view.rglob("*") if p.is_symlink()}
    assert all(t.is_file() and str(t.resolve()).startswith(str(realdata.resolve())) for t in links.values())
    real_main = realdata / "speech_commands" / "speech_commands_v0.01"
    clips = sorted(f"{p.parent.name}/{p.name}" for p in real_main.glob("*/*.wav")
                   if p.parent.name != "_background_noise_")
    # the sample has no validation / testing lists: the split is the corpus's hash rule, as s3prl's
    kept = [c for c in clips if which_set(c) != "testing"]
    linked = sorted(r.split("/", 1)[1] for r in links if r.startswith(main.name) and "_background_noise_" not in r)
    assert linked == kept
    assert (main / "_background_noise_" / "doing_the_dishes.wav").is_symlink()
    assert (main / "validation_list.txt").read_text().split() == [c for c in kept if which_set(c) == "validation"]
    assert (main / "testing_list.txt").read_text() == ""
    real_test = realdata / "speech_commands" / "speech_commands_test_set_v0.01"
    assert sorted(str(p.relative_to(test)) for p in test.rglob("*.wav")) == sorted(
        str(p.relative_to(real_test)) for p in real_test.rglob("*.wav"))
    assert _lines(recipe / "data" / "ks" / "test" / "text") == len(list(real_test.rglob("*.wav")))


def test_setup_creates_a_recipe(checkout: Path, venv):
    target = checkout / "egs2" / "mycorpus" / "superb1"
    res = run_script([str(checkout / "egs2" / "TEMPLATE" / "superb1" / "setup.sh"), str(target)], cwd=checkout)
    assert res.returncode == 0, res.stderr
    for name in ("superb.sh", "scripts", "path.sh"):
        assert (target / name).is_symlink() and (target / name).exists()
    for task in ("ks", "ic", "pr", "sd"):
        assert (target / "conf" / "paper" / f"{task}.yaml").resolve().is_file()  # links into mmpt/superb/configs
        assert (target / "conf" / "cpu" / f"{task}.yaml").is_file()
    res = run_script(["superb.sh", "--help"], cwd=target)
    assert res.returncode == 0 and "--upstream_ckpt" in res.stderr
    res = run_script(["run.sh", "--upstream_ckpt", "/nonexistent.pth", "--stage", "2"], cwd=target)
    assert res.returncode != 0 and "/nonexistent.pth does not exist" in res.stderr
    res = run_script(["run.sh", "--stage", "1", "--stop_stage", "1"], cwd=target)
    assert res.returncode != 0 and "still the template" in res.stderr
    res = run_script([str(checkout / "egs2" / "TEMPLATE" / "superb1" / "setup.sh"), str(target)], cwd=checkout)
    assert res.returncode != 0 and "already exists" in res.stderr
