"""A few training steps and an evaluation of each SUPERB task (KS, IC, PR, SD) through mmpt-superb on the
embedded corpus (tiny preset), with the tiny checkpoint as upstream."""
from __future__ import annotations

import builtins
import re
from pathlib import Path

import pytest

from mmpt.superb import launcher

STEPS = 4


@pytest.fixture
def keep_builtins(monkeypatch):
    """s3prl's run_downstream.main replaces builtins.isinstance (hack_isinstance): undo it after the test."""
    monkeypatch.setattr(builtins, "isinstance", builtins.isinstance)


def _corpus(name: str, out: Path) -> Path:
    from mmpt.synth.presets import get_preset
    from mmpt.synth.registry import get_writer
    from mmpt.synth.writer import run_writer

    writer = get_writer(name)
    run_writer(writer, out, get_preset("tiny"), seed=0, progress=False)
    return writer.root(out)


def _overrides(**values) -> str:
    return ",,".join(f"config.{key}={value}" for key, value in values.items())


def _train(tiny_ckpt, expdir: Path, downstream: str, overrides: str) -> None:
    argv = ["-m", "train", "-u", "mmpt_upstream", "-k", str(tiny_ckpt.ckpt), "-d", downstream, "-p", str(expdir)]
    assert launcher.main(argv + ["-o", overrides]) == 0
    assert (expdir / f"states-{STEPS}.ckpt").is_file()


def _evaluate(expdir: Path) -> None:
    """Evaluation restores the trained featurizer and downstream from s3prl's own checkpoint (loaded by
    mmpt.pack.load: weights_only=True plus the allow-listed argparse.Namespace) and scores the test set."""
    assert launcher.main(["-m", "evaluate", "-e", str(expdir / f"states-{STEPS}.ckpt"), "-t", "test"]) == 0


def _train_then_evaluate(tiny_ckpt, expdir: Path, downstream: str, overrides: str) -> None:
    """KS and IC: the test accuracy after evaluation equals the one logged at the end of training."""
    _train(tiny_ckpt, expdir, downstream, overrides)
    log = (expdir / "log.log").read_text()
    during = re.search(rf"^test at step {STEPS}: (\S+)$", log, re.M)
    assert during, log
    _evaluate(expdir)
    after = re.search(r"^test at step 0: (\S+)$", (expdir / "log.log").read_text(), re.M)
    assert after and float(after.group(1)) == pytest.approx(float(during.group(1)))


def test_keyword_spotting(tiny_ckpt, tmp_path, espeak, keep_builtins):
    root = _corpus("speech_commands", tmp_path / "corpus")
    overrides = _overrides(**{
        "downstream_expert.datarc.speech_commands_root": root / "speech_commands_v0.01",
        "downstream_expert.datarc.speech_commands_test_root": root / "speech_commands_test_set_v0.01",
        "downstream_expert.datarc.num_workers": 0,
        "downstream_expert.datarc.batch_size": 4,
        "runner.total_steps": STEPS,
        "runner.log_step": 2,
        "runner.eval_step": STEPS,
        "runner.save_step": STEPS,
    })
    _train_then_evaluate(tiny_ckpt, tmp_path / "ks", "speech_commands", overrides)


def test_intent_classification(tiny_ckpt, tmp_path, espeak, keep_builtins):
    root = _corpus("fluent_speech_commands", tmp_path / "corpus")
    dataset = next(p.parent.parent for p in root.rglob("train_data.csv") if p.parent.name == "data")
    overrides = _overrides(**{
        "downstream_expert.datarc.file_path": dataset,
        "downstream_expert.datarc.num_workers": 0,
        "downstream_expert.datarc.train_batch_size": 4,
        "downstream_expert.datarc.eval_batch_size": 4,
        "runner.total_steps": STEPS,
        "runner.log_step": 2,
        "runner.eval_step": STEPS,
        "runner.save_step": STEPS,
    })
    _train_then_evaluate(tiny_ckpt, tmp_path / "ic", "fluent_commands", overrides)


def test_phone_recognition(tiny_ckpt, tmp_path, espeak, keep_builtins):
    """PR through mmpt's libriphone corpus. The lexicon spells words letter by letter: a stand-in that
    exercises the whole path (csv, lexicon, vocabulary, CTC head, PER) without a pronunciation lexicon."""
    from mmpt.corpora.librispeech import prepare
    from mmpt.superb.libriphone import write_phone_vocab, write_split_csv

    root = _corpus("librispeech", tmp_path / "corpus")
    prepare(root, ["train-clean-100", "dev-clean", "test-clean"], tmp_path / "data")
    words = set()
    for split, name in (("train_clean_100", "train"), ("dev_clean", "dev"), ("test_clean", "test")):
        write_split_csv(tmp_path / "data" / split, tmp_path / "csv" / f"{name}.csv")
        words |= {w for line in (tmp_path / "data" / split / "text").read_text().splitlines() for w in line.split()[1:]}
    (tmp_path / "lexicon.txt").write_text("".join(f"{w} {' '.join(w)}\n" for w in sorted(words)))
    write_phone_vocab([tmp_path / "lexicon.txt"], tmp_path / "phones.txt")
    overrides = _overrides(**{
        "downstream_expert.corpus.csv_dir": tmp_path / "csv",
        "downstream_expert.corpus.lexicon": [str(tmp_path / "lexicon.txt")],
        "downstream_expert.text.vocab_file": tmp_path / "phones.txt",
        "downstream_expert.corpus.batch_size": 2,
        "downstream_expert.corpus.num_workers": 0,
        "runner.total_steps": STEPS,
        "runner.gradient_accumulate_steps": 1,
        "runner.log_step": 2,
        "runner.eval_step": STEPS,
        "runner.save_step": STEPS,
    })
    _train(tiny_ckpt, tmp_path / "pr", "ctc", overrides)
    assert (tmp_path / "pr" / "dev-hyp.ark").is_file()
    _evaluate(tmp_path / "pr")
    refs = (tmp_path / "pr" / "test-ref.ark").read_text().splitlines()
    assert len(refs) == len((tmp_path / "data" / "test_clean" / "text").read_text().splitlines())
    assert len((tmp_path / "pr" / "test-hyp.ark").read_text().splitlines()) == len(refs)


def test_speaker_diarization(tiny_ckpt, tmp_path, espeak, keep_builtins):
    from mmpt.corpora.librimix import prepare

    data = tmp_path / "data"
    prepare(_corpus("librimix", tmp_path / "corpus"), data)
    overrides = _overrides(**{
        "downstream_expert.loaderrc.train_dir": data / "train",
        "downstream_expert.loaderrc.dev_dir": data / "dev",
        "downstream_expert.loaderrc.test_dir": data / "test",
        "downstream_expert.loaderrc.num_workers": 0,
        "downstream_expert.loaderrc.train_batchsize": 2,
        "runner.total_steps": STEPS,
        "runner.gradient_accumulate_steps": 1,
        "runner.log_step": 2,
        "runner.eval_step": STEPS,
        "runner.save_step": STEPS,
    })
    _train(tiny_ckpt, tmp_path / "sd", "diarization", overrides)
    _evaluate(tmp_path / "sd")
    recordings = [line.split()[0] for line in (data / "test" / "wav.scp").read_text().splitlines()]
    predictions = sorted(p.stem for p in (tmp_path / "sd" / "scoring" / "predictions").glob("*.h5"))
    assert predictions == sorted(recordings)
