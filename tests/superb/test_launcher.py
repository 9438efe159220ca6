"""mmpt-superb: argv defaults, shipped configs, data path checks, s3prl's parser and config loading."""
from __future__ import annotations

import builtins
import logging

import pytest
import yaml

from mmpt.superb import launcher


@pytest.fixture
def keep_builtins(monkeypatch):
    """s3prl's run_downstream.main replaces builtins.isinstance (hack_isinstance): undo it after the test."""
    monkeypatch.setattr(builtins, "isinstance", builtins.isinstance)


def test_prepare_argv_defaults():
    argv = launcher.prepare_argv(["-m", "train", "-d", "speech_commands", "-p", "x"], cuda_available=False)
    assert argv[-4:] == ["-c", str(launcher.CONFIG_DIR / "speech_commands" / "config.yaml"), "--device", "cpu"]
    # the user's own choices win; resuming takes the config from the checkpoint
    assert "-c" not in launcher.prepare_argv(["-m", "evaluate", "-e", "exp/x/dev-best.ckpt"], cuda_available=True)
    assert launcher.prepare_argv(["-m", "train", "-d", "ctc", "-c", "my.yaml"], cuda_available=True).count("-c") == 1
    own_device = ["-m", "train", "--device=cuda:1"]
    assert launcher.prepare_argv(own_device, cuda_available=False) == own_device
    assert "-c" in launcher.prepare_argv(["-m", "train", "-a", "-d", "ctc"], cuda_available=True)  # auto-resume
    not_shipped = ["-m", "train", "-d", "emotion"]
    assert launcher.prepare_argv(not_shipped, cuda_available=True) == not_shipped
    assert launcher.prepare_argv(["-dctc"], cuda_available=True)[-2] == "-c"


@pytest.mark.parametrize(
    "downstream, values",
    [
        ("speech_commands", {"optimizer.lr": 1e-4, "downstream_expert.datarc.batch_size": 32,
                             "runner.total_steps": 200000, "downstream_expert.modelrc.select": "UtteranceLevel"}),
        ("fluent_commands", {"optimizer.lr": 1e-4, "downstream_expert.datarc.train_batch_size": 32,
                             "runner.total_steps": 200000}),
        ("ctc", {"optimizer.lr": 1e-2, "downstream_expert.corpus.name": "libriphone",
                 "downstream_expert.text.mode": "word", "downstream_expert.metric": ["per"],
                 "runner.total_steps": 100000}),
        ("diarization", {"optimizer.lr": 1e-4, "downstream_expert.datarc.frame_shift": 160,
                         "downstream_expert.datarc.chunk_size": 2000, "downstream_expert.modelrc.hidden_size": 512,
                         "runner.total_steps": 30000}),
    ],
)
def test_shipped_configs(downstream, values):
    path = launcher.packaged_config(downstream)
    config = yaml.safe_load(path.read_text())
    assert {"runner", "optimizer", "downstream_expert"} <= set(config)
    for key, value in values.items():
        assert launcher._get(config, key) == value, key
    # the placeholders are reported, not run into
    problems = launcher.data_path_problems(downstream, config)
    assert problems and all("/path/to/" in msg for _, msg in problems)


def test_data_path_checks(tmp_path):
    root = tmp_path / "sc"
    (root / "yes").mkdir(parents=True)
    datarc = {"speech_commands_root": str(root), "speech_commands_test_root": str(root)}
    config = {"downstream_expert": {"datarc": datarc}}
    problems = launcher.data_path_problems("speech_commands", config)
    assert [key for key, _ in problems] == ["downstream_expert.datarc.speech_commands_root"] * 2
    assert "validation_list.txt not found" in problems[0][1]
    (root / "validation_list.txt").write_text("")
    (root / "testing_list.txt").write_text("")
    assert launcher.data_path_problems("speech_commands", config) == []
    assert launcher.data_path_problems("emotion", {}) == []
    assert launcher.data_path_problems("fluent_commands", {}) == [("downstream_expert.datarc.file_path", "not set")]


def test_help(capsys, keep_builtins):
    assert launcher.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "mmpt-superb" in out and "--upstream" in out and "mmpt_upstream" in out


def test_s3prl_parses_and_loads_the_config(tiny_ckpt, tmp_path, caplog, keep_builtins):
    """Through s3prl's own argument parsing, config loading and -o override, up to the data check."""
    expdir = tmp_path / "ks"
    argv = ["-m", "train", "-u", "mmpt_upstream", "-k", str(tiny_ckpt.ckpt), "-d", "speech_commands", "-p", str(expdir)]
    with caplog.at_level(logging.ERROR, logger="mmpt.superb.launcher"):
        assert launcher.main(argv) == 1
    assert "KS data not found" in caplog.text
    expected = ("config.downstream_expert.datarc.speech_commands_root: directory not found: "
                "/path/to/speech_commands_v0.01")
    assert expected in caplog.text
    assert expdir.is_dir()  # s3prl got as far as creating the experiment dir

    root = tmp_path / "sc"
    root.mkdir()
    (root / "validation_list.txt").write_text("")
    (root / "testing_list.txt").write_text("")
    caplog.clear()
    override = f"config.downstream_expert.datarc.speech_commands_root={root}"
    with caplog.at_level(logging.ERROR, logger="mmpt.superb.launcher"):
        assert launcher.main(argv + ["-o", override]) == 1
    assert "speech_commands_root" not in caplog.text and "speech_commands_test_root" in caplog.text


def test_unknown_option_is_a_usage_error(capsys, keep_builtins):
    assert launcher.main(["-m", "train", "--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err
