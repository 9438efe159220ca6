"""A seed's results bundle: what the report reads, and nothing else, at the workspace's relative paths."""
from pathlib import Path

import pytest

from mmpt.bin.study import main as study_main
from mmpt.data.errors import DataError
from mmpt.report.study_report import write_report
from mmpt.study.bundle import bundle_files, export_bundle
from mmpt.study.grid import StudyGrid
from tests.report.test_study_report import SEEDS, _fake_study


def _workspaces(root: Path, grid: StudyGrid) -> None:
    _fake_study(root, grid)
    for seed in SEEDS:
        ws = root / f"seed{seed}"
        (ws / "timings.tsv").write_text("5\tCTC fine-tuning\t12.0\t0\n")
        (ws / "runs.tsv").write_text(f"2026-12-06T07:00:0{seed}\tabc123\tstages 2-5\n")
        exp = ws / grid.asr_exp("10min", "random")
        (exp / "valid.loss.ave.pth").write_bytes(b"\0" * 4096)  # a checkpoint: not part of the bundle
        (exp / "images").mkdir()
        (exp / "images" / "loss.png").write_bytes(b"\x89PNG fake")
        (ws / "egs2/librispeech/asr1/dump/raw/train_10min").mkdir(parents=True)
        (ws / "egs2/librispeech/asr1/dump/raw/train_10min/wav.scp").write_text("u1 /x.flac\n")


def _report_body(path: Path) -> list:
    return [line for line in path.read_text().splitlines() if not line.startswith(("- commit", "- date"))]


def test_bundle_holds_what_the_report_reads_and_reports_the_same(tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",))
    ws_root, bundle_root = tmp_path / "exp", tmp_path / "results"
    _workspaces(ws_root, grid)
    for seed in SEEDS:
        files = export_bundle(ws_root / f"seed{seed}", bundle_root / f"seed{seed}")
        names = {p.name for p in files}
        assert {"utt_errors.tsv", "timings.tsv", "runs.tsv", "loss.png", "result.json"} <= names
        assert not names & {"valid.loss.ave.pth", "wav.scp"}
    a = write_report(grid, ws_root, SEEDS, ws_root / "RESULTS.md", "cmd", superb_tasks=("ks",), n_resamples=200)
    b = write_report(grid, bundle_root, SEEDS, bundle_root / "RESULTS.md", "cmd", superb_tasks=("ks",),
                     n_resamples=200)
    assert _report_body(a) == _report_body(b)
    assert "| 2 | 2026-12-06T07:00:02 | abc123 | stages 2-5 |" in b.read_text()


def test_export_is_idempotent_and_refreshes_changed_files(tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",))
    _workspaces(tmp_path / "exp", grid)
    ws, dest = tmp_path / "exp" / "seed1", tmp_path / "b"
    export_bundle(ws, dest)
    stamp = (dest / "timings.tsv").stat().st_mtime_ns
    (ws / "runs.tsv").write_text("2026-12-07T00:00:00\tdef456\tstages 7-7\n")
    assert export_bundle(ws, dest) == bundle_files(ws)
    assert (dest / "timings.tsv").stat().st_mtime_ns == stamp
    assert "def456" in (dest / "runs.tsv").read_text()


def test_export_of_an_unscored_workspace_is_an_error(tmp_path: Path, capsys):
    (tmp_path / "seed3").mkdir()
    (tmp_path / "seed3" / "timings.tsv").write_text("2\tdata\t1.0\t0\n")
    with pytest.raises(DataError, match="no scored fine-tuning"):
        export_bundle(tmp_path / "seed3", tmp_path / "out")
    rc = study_main(["export", "--seed", "3", "--exp_root", str(tmp_path), "--to", str(tmp_path / "out")])
    assert rc == 1 and "seed3: holds no scored fine-tuning" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_partial_export_adds_superb_and_merges_the_logs(tmp_path: Path):
    """A later session that re-trains a seed's encoders for SUPERB alone adds its scores and its history to
    the seed's bundle, and leaves the committed WERs, BLEU and curves alone."""
    grid = StudyGrid(label_sets=("10min",))
    _workspaces(tmp_path / "exp", grid)
    ws, dest = tmp_path / "exp" / "seed1", tmp_path / "b"
    export_bundle(ws, dest, parts=("asr", "st", "curves"))
    assert not list(dest.glob("egs2/superb/**/result.json"))
    utt = next(dest.glob("egs2/librispeech/**/utt_errors.tsv"))
    committed = utt.read_bytes()

    later = tmp_path / "later" / "seed1"  # a new machine: new draws of the encoders, its own logs
    (later / "egs2/superb/superb1/exp").mkdir(parents=True)
    for rel in bundle_files(ws, ("superb",)):
        (later / rel).parent.mkdir(parents=True, exist_ok=True)
        (later / rel).write_bytes((ws / rel).read_bytes())
    new_utt = later / utt.relative_to(dest)
    new_utt.parent.mkdir(parents=True)
    new_utt.write_text("a different draw\n")
    (later / "runs.tsv").write_text("2026-12-08T09:00:00\tfed789\tstages 7-7\n")
    (later / "timings.tsv").write_text("7\tSUPERB on MAE\t600.0\t0\n")

    files = export_bundle(later, dest, parts=("superb",))
    assert files and all(p.name in ("result.json", "runs.tsv", "timings.tsv") for p in files)
    assert utt.read_bytes() == committed  # the committed WERs stay
    assert list(dest.glob("egs2/superb/**/result.json"))
    runs = (dest / "runs.tsv").read_text().splitlines()
    assert runs == ["2026-12-06T07:00:01\tabc123\tstages 2-5", "2026-12-08T09:00:00\tfed789\tstages 7-7"]
    timings = (dest / "timings.tsv").read_text().splitlines()
    assert timings == ["5\tCTC fine-tuning\t12.0\t0", "7\tSUPERB on MAE\t600.0\t0"]
    assert export_bundle(later, dest, parts=("superb",)) == files
    assert len((dest / "runs.tsv").read_text().splitlines()) == 2  # merging twice adds nothing

    with pytest.raises(DataError, match="no SUPERB score among the parts asr"):
        export_bundle(later / "egs2/superb", dest, parts=("asr",))
    with pytest.raises(ValueError, match="unknown bundle part"):
        export_bundle(later, dest, parts=("wer",))
    rc = study_main(["export", "--seed", "1", "--exp_root", str(tmp_path / "later"), "--to", str(dest),
                     "--parts", "superb"])
    assert rc == 0
