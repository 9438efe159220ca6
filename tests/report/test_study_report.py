"""The study report from per-utterance scores of a fabricated two-seed study (no training)."""
from pathlib import Path

import numpy as np
import pytest

from mmpt.report.study_report import load, run_comparison, write_report
from mmpt.study.grid import StudyGrid
from mmpt.study.plan import superb_tag
from mmpt.superb.scoring import EVAL_DIR, METRICS, RESULT_JSON, TaskScore

SEEDS = (1, 2)
# Expected WER level of each arm kind (errors per 10 words): the treatment effects of the fake study
LEVEL = {"scratch": 6, "random": 8, "pt": 5, "mt": 4, "dom": 5, "pos": 2}


def _fake_study(root: Path, grid: StudyGrid) -> None:
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        base = rng.integers(-1, 2, size=40)  # utterance difficulty shared by the arms
        for label_set, head, arm in grid.fine_tunings():
            exp = root / f"seed{seed}" / grid.asr_exp(label_set, arm.tag, head)
            for s in ("test_clean", "test_other"):
                d = exp / "decode_asr_greedy_valid.loss.ave" / s / "score_wer"
                d.mkdir(parents=True)
                errs = np.clip(LEVEL[arm.kind] + base + rng.integers(0, 2, size=40), 0, None)
                rows = [f"{s}-{seed}-u{i}\t10\t{e}\t40\t{2 * e}" for i, e in enumerate(errs)]
                (d / "utt_errors.tsv").write_text("utt\tref_words\tword_errors\tref_chars\tchar_errors\n"
                                                  + "\n".join(rows) + "\n")
        expdir = root / f"seed{seed}" / "egs2/superb/superb1/exp"
        for key, value in (("random", 0.4), ("pt/lrs3/mae", 0.5), ("mt/lrs3/mae/it/st", 0.6)):
            d = expdir / superb_tag(grid.arm(key)) / "ks" / EVAL_DIR
            d.mkdir(parents=True)
            (d / RESULT_JSON).write_text(TaskScore("ks", METRICS["ks"], value, 10).to_json())


def test_report_tables_p_values_and_figures(tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",))
    _fake_study(tmp_path, grid)
    out = write_report(grid, tmp_path, SEEDS, tmp_path / "RESULTS.md", "./run_all.sh --seeds '1 2'",
                       superb_tasks=("ks",), n_resamples=500)
    text = out.read_text()
    assert "./run_all.sh --seeds '1 2'" in text and "commit:" in text
    # H1a: MAE (5) vs random (8): a large, significant improvement in the paper's direction
    h1a = next(line for line in text.splitlines() if line.startswith("| H1a |"))
    assert "| holds |" in h1a and "| 2/2 |" in h1a
    h2 = next(line for line in text.splitlines() if line.startswith("| H2 |"))  # MAE 5 vs CLR 5: no effect
    assert "| not detected |" in h2
    assert "Holm p" in text and "95% CI" in text
    assert (tmp_path / "figure3.png").stat().st_size > 1000 and (tmp_path / "figure2.png").stat().st_size > 1000
    assert "| 1 | KS | 50.00 | 60.00 | +20.00% |" in text
    # every scored encoder, against the random one (KS is an accuracy: higher is better)
    assert "| 2 | random encoder (frozen) | 40.00 | - |" in text
    assert "| 2 | MAE (LRS3) | 50.00 | +25.00% |" in text
    assert "weighted-sum head" in text


def test_missing_experiments_are_reported_not_filled(tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",))
    _fake_study(tmp_path, grid)
    import shutil

    shutil.rmtree(tmp_path / "seed2" / grid.asr_exp("10min", "lrs3_mae"))
    sd = load(grid, tmp_path, SEEDS)
    comp, used = run_comparison(sd.words, sd.seeds, grid.comparisons()[0], "10min", "last", n_resamples=100)
    assert used == [1] and comp.n_utts == 80
    text = write_report(grid, tmp_path, SEEDS, tmp_path / "R.md", "x", superb_tasks=("ks",),
                        n_resamples=100).read_text()
    assert "missing" in text


def test_arms_scored_on_different_utterances_are_an_error(tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",))
    _fake_study(tmp_path, grid)
    f = next((tmp_path / "seed1" / grid.asr_exp("10min", "random")).glob("*/test_clean/score_wer/utt_errors.tsv"))
    f.write_text(f.read_text().replace("u3\t", "u3x\t"))
    sd = load(grid, tmp_path, SEEDS)
    with pytest.raises(ValueError, match="different utterances"):
        run_comparison(sd.words, sd.seeds, grid.comparisons()[0], "10min", "last", n_resamples=100)


def _st_workspace(root: Path, hyps=None, seed: int = 1) -> Path:
    import json

    st = root / f"seed{seed}" / "egs2/must_c/st1"
    (st / "dump/fbank/train.en-it").mkdir(parents=True)
    (st / "dump/fbank/dev.en-it").mkdir(parents=True)
    (st / "dump/fbank/train.en-it/text").write_text("t1 il gatto dorme\nt2 il gatto dorme\nt3 un cane corre\n")
    refs = {f"d{i}": f"la frase numero {i} parla di un cane che corre veloce" for i in range(30)}
    refs["d0"] = "il gatto dorme"
    (st / "dump/fbank/dev.en-it/text").write_text("".join(f"{u} {t}\n" for u, t in refs.items()))
    dec = st / "exp/st_lrs3_mae_it/decode_st_valid.acc.ave/dev.en-it"
    (dec / "score_bleu").mkdir(parents=True)
    (dec / "score_bleu/result.json").write_text(json.dumps({"bleu": 12.5, "chrf": 40.25}))
    if hyps is not None:
        (dec / "text").write_text("".join(f"{u} {hyps(t)}\n" for u, t in refs.items()))
    return st


def test_st_check_against_the_most_frequent_sentence(tmp_path: Path):
    from mmpt.report.study_report import st_check
    from mmpt.scoring.bleu import score_bleu

    grid = StudyGrid(label_sets=("10min",), pt_methods=("mae",), extra_st_ctc=False, controls=())
    st = _st_workspace(tmp_path)  # scores only (a bundle without the translations)
    rows, ok = st_check(grid, tmp_path, [1])
    assert rows[0].startswith("| seed | mid-training | dev BLEU | dev chrF | most-frequent-sentence BLEU | its chrF |")
    row = rows[2].split(" | ")
    assert row[0] == "| 1" and row[2:4] == ["12.50", "40.25"] and ok is None
    # the baseline says "il gatto dorme" for every dev sentence
    from mmpt.data.datadir import read_kv

    refs = read_kv(st / "dump/fbank/dev.en-it/text")
    base = score_bleu(refs, {u: "il gatto dorme" for u in refs})
    assert row[4] == f"{base.bleu:.2f}" and row[5] == f"{base.chrf:.2f}" and "not checked" in row[-1]
    assert st_check(grid, tmp_path, [2]) == (rows[:2], None)  # a seed without the mid-training: no row


@pytest.mark.parametrize("translates", [True, False])
def test_st_check_passes_or_fails_with_the_paired_bootstrap(tmp_path: Path, translates: bool):
    from mmpt.report.study_report import st_check

    grid = StudyGrid(label_sets=("10min",), pt_methods=("mae",), extra_st_ctc=False, controls=())
    # a system that translates (the reference) or one that says the same other sentence whatever the input
    _st_workspace(tmp_path, (lambda t: t) if translates else (lambda t: "zzz qqq"))
    rows, ok = st_check(grid, tmp_path, [1])
    assert ok is translates and rows[2].endswith("| yes |" if translates else "| no |")


def test_h3_is_labelled_when_st_fails_its_check(tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",), pt_methods=("mae",), extra_st_ctc=False, controls=())
    _fake_study(tmp_path, grid)
    _st_workspace(tmp_path, lambda t: "zzz qqq")
    md = write_report(grid, tmp_path, SEEDS, tmp_path / "RESULTS.md", "test", superb_tasks=("ks",),
                      n_resamples=200).read_text()
    h3 = [ln for ln in md.splitlines() if ln.startswith("| H3")]
    assert h3 and all("(ST failed its learning check) |" in ln for ln in h3)
    assert not any("ST failed" in ln for ln in md.splitlines() if ln.startswith("| H1") or ln.startswith("| H2"))
    assert "A mid-training fails" in md


