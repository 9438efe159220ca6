"""The study grid: which fine-tunings a seed runs, and in which order."""
from mmpt.study.grid import StudyGrid


def test_fine_tunings_run_the_primary_endpoint_first():
    grid = StudyGrid(label_sets=("10min", "1h"))
    runs = [(label_set, head, arm.kind) for label_set, head, arm in grid.fine_tunings()]
    n_arms = len(grid.arms())
    frozen = [a for a in grid.arms() if a.kind != "scratch"]
    primary = runs[:n_arms]
    assert all(ls == "10min" and head == "last" for ls, head, _ in primary)
    in_primary = {k for c in grid.comparisons() if c.primary for k in (*c.control, *c.treatment)}
    keys = [a.key for ls, head, a in grid.fine_tunings()[:n_arms]]
    assert sorted(keys) == sorted(a.key for a in grid.arms())
    n_in = len(in_primary)
    assert set(keys[:n_in]) == in_primary and keys[0] == "scratch"
    assert keys[:n_in] == [a.key for a in grid.arms() if a.key in in_primary]  # Table 1 order
    assert keys[n_in:] == ["pos/lrs3", "mt/lrs3/mae/it/st_ctc"]  # the sanity check before the extra arm
    wsum = runs[n_arms:n_arms + len(frozen)]
    assert all(ls == "10min" and head == "wsum" and k != "scratch" for ls, head, k in wsum)
    rest = runs[n_arms + len(frozen):]
    assert len(rest) == n_arms and all(ls == "1h" and head == "last" for ls, head, _ in rest)
    assert len(set((ls, head, a.key) for ls, head, a in grid.fine_tunings())) == len(runs)


def test_fine_tunings_of_one_subset_have_no_later_subsets():
    runs = StudyGrid(label_sets=("10min",)).fine_tunings()
    assert {ls for ls, _, _ in runs} == {"10min"}
    assert sum(head == "wsum" for _, head, _ in runs) == sum(a.kind != "scratch" for a in StudyGrid().arms())
