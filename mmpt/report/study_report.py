"""The study's report: Table 1 over seeds, the pre-registered comparisons with CIs and p-values, the ST check,
SUPERB, Figures 2 and 3 (``egs2/librispeech/asr1/STUDY.md`` sections 5-8).

    python -m mmpt.report.study_report --exp_root exp/run_all --seeds "1 2 3 4 5" [grid options] \
        --command "./run_all.sh --seeds '1 2 3 4 5'" --out exp/run_all/RESULTS.md

Per-utterance errors come from ``<seed workspace>/<asr exp>/decode_<decode>*/<set>/score_wer/utt_errors.tsv``
(asr.sh stage 8). A seed whose experiment is missing is left out of the comparisons that need it, and the
report says so; no number is filled in.
"""
from __future__ import annotations

import argparse
import collections
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from mmpt.report.significance import Comparison, compare, holm, mean_errors, pair_by_utterance, verdict
from mmpt.study.grid import ComparisonSpec, StudyGrid

UttErrors = Dict[str, Tuple[float, float]]  # "<set>/<utt>" -> (errors, reference units)
SETS = ("test_clean", "test_other")


def read_utt_errors(exp_dir: Path, sets: Sequence[str], decode: str, unit: str = "word") -> Optional[UttErrors]:
    """Errors of every utterance of ``sets`` (keys ``<set>/<utt>``), or None when a set was not scored."""
    out: UttErrors = {}
    col_ref, col_err = (1, 2) if unit == "word" else (3, 4)
    for s in sets:
        hits = sorted(exp_dir.glob(f"{decode}*/{s}/score_wer/utt_errors.tsv"))
        if not hits:
            return None
        for line in hits[0].read_text().splitlines()[1:]:
            f = line.split("\t")
            out[f"{s}/{f[0]}"] = (float(f[col_err]), float(f[col_ref]))
    return out


def rate(errors: UttErrors, prefix: str = "") -> float:
    e = sum(v[0] for k, v in errors.items() if k.startswith(prefix))
    n = sum(v[1] for k, v in errors.items() if k.startswith(prefix))
    return 100.0 * e / n if n else math.nan


@dataclass
class StudyData:
    """Per seed, per (label set, head, arm key): per-utterance word and character errors."""

    seeds: List[int]
    words: Dict[Tuple[int, str, str, str], UttErrors]
    chars: Dict[Tuple[int, str, str, str], UttErrors]


def load(grid: StudyGrid, exp_root: Path, seeds: Sequence[int], decode: str = "decode_asr_greedy") -> StudyData:
    words, chars = {}, {}
    for seed in seeds:
        ws = exp_root / f"seed{seed}"
        for label_set, head, arm in grid.fine_tunings():
            exp = ws / grid.asr_exp(label_set, arm.tag, head)
            w = read_utt_errors(exp, SETS, decode, "word")
            if w is not None:
                words[(seed, label_set, head, arm.key)] = w
                chars[(seed, label_set, head, arm.key)] = read_utt_errors(exp, SETS, decode, "char") or {}
    return StudyData(list(seeds), words, chars)


def _side(data: Dict, seed: int, label_set: str, head: str, keys: Sequence[str], prefix: str) -> Optional[UttErrors]:
    arms = [data.get((seed, label_set, head, k)) for k in keys]
    if any(a is None for a in arms):
        return None
    arms = [{u: v for u, v in a.items() if u.startswith(prefix)} for a in arms]
    return arms[0] if len(arms) == 1 else mean_errors(arms)


def run_comparison(data: Dict, seeds: Sequence[int], spec: ComparisonSpec, label_set: str, head: str,
                   prefix: str = "", n_resamples: int = 10000) -> Tuple[Optional[Comparison], List[int]]:
    """The comparison over the seeds where both sides were scored; returns it and the seeds used."""
    paired, used = [], []
    for seed in seeds:
        a = _side(data, seed, label_set, head, spec.control, prefix)
        b = _side(data, seed, label_set, head, spec.treatment, prefix)
        if a is None or b is None:
            continue
        paired.append(pair_by_utterance(a, b, str(seed), where=f"seed {seed}, {spec.id}"))
        used.append(seed)
    if not paired:
        return None, []
    return compare(paired, n_resamples=n_resamples), used


def _fmt(x: float, spec: str = ".2f") -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def _p(x: float) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return "< 0.0001" if x < 1e-4 else f"{x:.4f}"


def table1(grid: StudyGrid, sd: StudyData, label_set: str, head: str) -> List[str]:
    """WER / CER (mean +- sd over seeds) of every arm, and its relative improvement over no pre-training."""
    lines = ["| arm | seeds | WER test-clean | WER test-other | CER test-clean | CER test-other | "
             "rel. impr. vs no pre-training (clean / other) |", "|---|---|---|---|---|---|---|"]
    base = {s: sd.words.get((s, label_set, "last", "scratch")) for s in sd.seeds}
    for arm in grid.arms():
        if head != "last" and arm.kind == "scratch":
            continue
        got = [s for s in sd.seeds if (s, label_set, head, arm.key) in sd.words]
        if not got:
            lines.append(f"| {arm.name} | 0 | missing | | | | |")
            continue
        cells = []
        for table in (sd.words, sd.chars):
            for prefix in ("test_clean/", "test_other/"):
                vals = [rate(table[(s, label_set, head, arm.key)], prefix) for s in got]
                cells.append(f"{np.mean(vals):.2f} ± {np.std(vals):.2f}" if len(vals) > 1 else f"{vals[0]:.2f}")
        ri = []
        for prefix in ("test_clean/", "test_other/"):
            e_b = sum(sum(v[0] for u, v in sd.words[(s, label_set, head, arm.key)].items() if u.startswith(prefix))
                      for s in got if base.get(s))
            e_a = sum(sum(v[0] for u, v in base[s].items() if u.startswith(prefix)) for s in got if base.get(s))
            ri.append("-" if arm.kind == "scratch" or e_a == 0 else f"{(e_a - e_b) / e_a * 100:+.2f}%")
        lines.append(f"| {arm.name} | {len(got)} | " + " | ".join(cells) + f" | {' / '.join(ri)} |")
    return lines


def seed_table(grid: StudyGrid, sd: StudyData, label_set: str, head: str) -> List[str]:
    lines = ["| arm | " + " | ".join(f"seed {s}" for s in sd.seeds) + " |", "|---|" + "---|" * len(sd.seeds)]
    for arm in grid.arms():
        if head != "last" and arm.kind == "scratch":
            continue
        cells = []
        for s in sd.seeds:
            w = sd.words.get((s, label_set, head, arm.key))
            cells.append("missing" if w is None else f"{rate(w, 'test_clean/'):.2f} / {rate(w, 'test_other/'):.2f}")
        lines.append(f"| {arm.name} | " + " | ".join(cells) + " |")
    return lines


def comparison_rows(grid: StudyGrid, sd: StudyData, specs: Sequence[ComparisonSpec], label_set: str, head: str,
                    prefix: str, adjust: bool, n_resamples: int, caveats: Optional[Mapping[str, str]] = None
                    ) -> Tuple[List[str], Dict[str, Tuple]]:
    """The comparison table; ``caveats`` maps a comparison id prefix (e.g. ``H3``) to a note on its verdict."""
    results = [run_comparison(sd.words, sd.seeds, c, label_set, head, prefix, n_resamples) for c in specs]
    ps = [r[0].p_value if r[0] else math.nan for r in results]
    adj = holm(ps) if adjust else [None] * len(ps)
    lines = ["| id | comparison (B vs A) | seeds | WER A | WER B | rel. impr. | 95% CI | p | "
             + ("Holm p | " if adjust else "") + "seeds B better | seed t-test p | verdict |",
             "|---|---|---|---|---|---|---|---|" + ("---|" if adjust else "") + "---|---|---|"]
    out = {}
    for spec, (comp, used), p_adj in zip(specs, results, adj):
        if comp is None:
            lines.append(f"| {spec.id} | {spec.question} | 0 | | | not run | | |" + (" |" if adjust else "")
                         + " | | |")
            continue
        out[spec.id] = (comp, p_adj, used)
        lines.append(
            f"| {spec.id} | {spec.question} | {len(used)} | {comp.rate_a:.2f} | {comp.rate_b:.2f} | "
            f"{comp.rel_impr:+.2f}% | [{_fmt(comp.ci_low, '+.2f')}, {_fmt(comp.ci_high, '+.2f')}] | "
            f"{_p(comp.p_value)} | " + (f"{_p(p_adj)} | " if adjust else "")
            + f"{comp.seeds_b_better}/{len(used)} | {_p(comp.seed_ttest_p)} | {verdict(comp, p_adj)}"
            + "".join(f" ({note})" for pre, note in (caveats or {}).items() if spec.id.startswith(pre)) + " |")
    return lines, out


# ---------------------------------------------------------------------------------------------- ST check
def st_check(grid: StudyGrid, exp_root: Path, seeds: Sequence[int]) -> Tuple[List[str], Optional[bool]]:
    """Dev BLEU and chrF of every mid-training against always emitting the most frequent training translation
    (when every translation is unique, that is the first one: a fluent sentence, a fair chrF baseline), and
    whether ST passes its learning check (STUDY.md amendment 4): both scores above the baseline's with
    sacrebleu's paired bootstrap p < 0.05. Returns the table and True / False (every checked mid-training
    passes / one fails), None when none could be checked."""
    import json

    from mmpt.data.datadir import read_kv
    from mmpt.scoring.bleu import score_bleu
    from mmpt.st.learning_curve import compare_to_baseline, most_frequent

    lines = ["| seed | mid-training | dev BLEU | dev chrF | most-frequent-sentence BLEU | its chrF | p (BLEU) | "
             "p (chrF) | passes |", "|---|---|---|---|---|---|---|---|---|"]
    verdicts: List[bool] = []
    for seed in seeds:
        st = exp_root / f"seed{seed}" / "egs2/must_c/st1"
        for arm in grid.arms():
            if arm.kind != "mt":
                continue
            dev = f"dev.en-{arm.lang}"
            hits = sorted((st / "exp" / f"st_{arm.tag}").glob(f"decode_*/{dev}/score_bleu/result.json"))
            train_txt, dev_txt = st / "dump/fbank" / f"train.en-{arm.lang}" / "text", st / "dump/fbank" / dev / "text"
            if not hits or not train_txt.is_file() or not dev_txt.is_file():
                continue
            res = json.loads(hits[0].read_text())
            common = most_frequent(read_kv(train_txt))
            refs = read_kv(dev_txt)
            hyp_txt = hits[0].parent.parent / "text"
            if hyp_txt.is_file():
                c = compare_to_baseline(refs, read_kv(hyp_txt), common)
                verdicts.append(c.passes())
                tail = f"{_p(c.p_bleu)} | {_p(c.p_chrf)} | {'yes' if c.passes() else 'no'} |"
                base_bleu, base_chrf = c.base_bleu, c.base_chrf
            else:  # a bundle from before the translations were exported: scores only
                base = score_bleu(refs, {u: common for u in refs})
                tail = "n/a | n/a | not checked (no translations) |"
                base_bleu, base_chrf = base.bleu, base.chrf
            lines.append(f"| {seed} | {arm.name} | {res['bleu']:.2f} | {res['chrf']:.2f} | {base_bleu:.2f} | "
                         f"{base_chrf:.2f} | {tail}")
    return lines, (all(verdicts) if verdicts else None)


# ---------------------------------------------------------------------------------------------- figures
def mid_training_gains(grid: StudyGrid, sd: StudyData, label_set: str) -> List[Dict]:
    """Per seed and mid-trained arm: relative WER improvement over its pre-trained arm, per test set."""
    out = []
    for arm in grid.arms():
        if arm.kind != "mt" or arm.task != "st":
            continue
        pt_key = f"pt/{arm.corpus}/{arm.method}"
        for s in sd.seeds:
            a, b = sd.words.get((s, label_set, "last", pt_key)), sd.words.get((s, label_set, "last", arm.key))
            if a is None or b is None:
                continue
            for prefix in ("test_clean/", "test_other/"):
                ea = sum(v[0] for u, v in a.items() if u.startswith(prefix))
                eb = sum(v[0] for u, v in b.items() if u.startswith(prefix))
                out.append({"seed": s, "method": arm.method, "lang": arm.lang, "corpus": arm.corpus,
                            "set": prefix[:-1], "gain": (ea - eb) / ea * 100 if ea else math.nan})
    return out


def _bars(ax, groups: Dict[str, Dict[str, List[float]]], title: str) -> None:
    names = list(groups)
    sets = ["test_clean", "test_other"]
    x = np.arange(len(names))
    for i, s in enumerate(sets):
        means = [np.nanmean(groups[n][s]) if groups[n][s] else np.nan for n in names]
        sds = [np.nanstd(groups[n][s]) if len(groups[n][s]) > 1 else 0.0 for n in names]
        ax.bar(x + (i - 0.5) * 0.38, means, 0.38, yerr=sds, capsize=3, label=s.replace("_", "-"))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, names)
    ax.set_title(title)


def figure3(gains: List[Dict], out: Path) -> Optional[Path]:
    """Relative WER improvement from mid-training by method, pair and corpus (mean over seeds, sd bars)."""
    if not gains:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=True)
    for ax, (field_, title) in zip(axes, (("method", "pre-training method"), ("lang", "translation pair"),
                                           ("corpus", "pre-training corpus"))):
        # per seed, the mean over the other factors; then mean and sd over seeds
        per: Dict[str, Dict[str, Dict[int, List[float]]]] = {}
        for g in gains:
            level = g[field_].upper().replace("_", "+") if field_ != "lang" else f"en-{g['lang']}"
            per.setdefault(level, {}).setdefault(g["set"], {}).setdefault(g["seed"], []).append(g["gain"])
        groups = {lvl: {s: [float(np.mean(v)) for v in per[lvl].get(s, {}).values()]
                        for s in ("test_clean", "test_other")} for lvl in per}
        _bars(ax, groups, title)
    axes[0].set_ylabel("relative WER improvement from\nmid-training (%)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def superb_gains(grid: StudyGrid, exp_root: Path, seeds: Sequence[int], tasks: Sequence[str]) -> List[Dict]:
    """Per seed and task: SUPERB relative improvement of each mid-trained encoder over its pre-trained one."""
    from mmpt.report.superb_table import task_improvement
    from mmpt.study.plan import superb_tag
    from mmpt.superb.scoring import load_scores

    out = []
    keys = {a.key: a for a in grid.arms()}
    for s in seeds:
        expdir = exp_root / f"seed{s}" / "egs2/superb/superb1/exp"
        if not expdir.is_dir():
            continue
        scores = {tag: {t.task: t.value for t in v} for tag, v in load_scores(expdir).items()}
        for arm in grid.arms():
            if arm.kind != "mt":
                continue
            pt = keys[f"pt/{arm.corpus}/{arm.method}"]
            a, b = scores.get(superb_tag(pt), {}), scores.get(superb_tag(arm), {})
            for t in tasks:
                if t in a and t in b:
                    out.append({"seed": s, "task": t, "arm": arm.name, "pt": pt.name,
                                "pt_value": a[t], "mt_value": b[t], "gain": task_improvement(t, a[t], b[t])})
    return out


def superb_scores(grid: StudyGrid, exp_root: Path, seeds: Sequence[int],
                  tasks: Sequence[str]) -> Dict[int, Dict[str, Dict[str, float]]]:
    """seed -> arm name -> task -> score (a fraction), for every arm of the grid with SUPERB scores."""
    from mmpt.study.plan import superb_tag
    from mmpt.superb.scoring import load_scores

    out: Dict[int, Dict[str, Dict[str, float]]] = {}
    for s in seeds:
        expdir = exp_root / f"seed{s}" / "egs2/superb/superb1/exp"
        if not expdir.is_dir():
            continue
        scores = {tag: {t.task: t.value for t in v} for tag, v in load_scores(expdir).items()}
        rows = {arm.name: {t: v for t, v in scores[superb_tag(arm)].items() if t in tasks}
                for arm in grid.arms() if superb_tag(arm) in scores}
        if rows:
            out[s] = rows
    return out


def superb_score_lines(by_seed: Dict[int, Dict[str, Dict[str, float]]], tasks: Sequence[str],
                       baseline: str) -> List[str]:
    """Markdown: per seed, each scored encoder's SUPERB scores (%) and its improvement over ``baseline``."""
    from mmpt.report.superb_table import task_improvement
    from mmpt.superb.scoring import METRICS

    head = ["seed", "encoder"] + [f"{t.upper()} {METRICS[t]}" for t in tasks] + [f"vs {baseline}: {t.upper()}"
                                                                                  for t in tasks]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s, rows in by_seed.items():
        base = rows.get(baseline, {})
        for name, row in rows.items():
            cells = [str(s), name] + [f"{100 * row[t]:.2f}" if t in row else "missing" for t in tasks]
            cells += ["-" if name == baseline or t not in row or t not in base
                      else f"{task_improvement(t, base[t], row[t]):+.2f}%" for t in tasks]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def figure2(gains: List[Dict], out: Path) -> Optional[Path]:
    if not gains:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = sorted({g["task"] for g in gains}, key=["ks", "ic", "pr", "sd"].index)
    fig, ax = plt.subplots(figsize=(5, 3.4))
    per_task = {t: [g["gain"] for g in gains if g["task"] == t] for t in tasks}
    means = [np.mean(per_task[t]) for t in tasks]
    sds = [np.std(per_task[t]) if len(per_task[t]) > 1 else 0.0 for t in tasks]
    ax.bar([t.upper() for t in tasks], means, yerr=sds, capsize=3)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("relative improvement from\nmid-training (%)")
    n = len({g["seed"] for g in gains})
    ax.set_title(f"SUPERB: mid-trained vs pre-trained encoder ({n} seed{'s' if n > 1 else ''})")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


# ---------------------------------------------------------------------------------------------- report
def _commit(main_root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(main_root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(main_root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return out + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def provenance(exp_root: Path, seeds: Sequence[int]) -> List[str]:
    """Which commit ran which stages of each seed (``seed<N>/runs.tsv``, written by ``mmpt.bin.study run``)."""
    rows = []
    for s in seeds:
        runs = exp_root / f"seed{s}" / "runs.tsv"
        if runs.is_file():
            rows += [f"| {s} | " + " | ".join(line.split("\t")[:3]) + " |"
                     for line in runs.read_text().splitlines() if line.count("\t") >= 2]
    if not rows:
        return []
    return ["", "Runs of each seed (`seed<N>/runs.tsv`):", "", "| seed | started | commit | stages |",
            "|---|---|---|---|", *rows]


def write_report(grid: StudyGrid, exp_root: Path, seeds: Sequence[int], out: Path, command: str,
                 superb_tasks: Sequence[str] = ("ks", "ic", "pr", "sd"), n_resamples: int = 10000) -> Path:
    main_root = Path(__file__).resolve().parents[2]
    sd = load(grid, exp_root, seeds)
    specs = grid.comparisons()
    primary = [c for c in specs if c.primary]
    secondary = [c for c in specs if not c.primary]
    l0 = grid.label_sets[0]
    md: List[str] = [
        "<!-- Generated by mmpt.report.study_report: do not edit by hand -->",
        "# The study: results", "",
        f"- design: `egs2/librispeech/asr1/STUDY.md`; command: `{command}`",
        f"- commit: `{_commit(main_root)}`; seeds: {' '.join(map(str, seeds))}",
    ]
    try:
        from mmpt.report.environment import environment_block

        md += ["", environment_block()]
    except ImportError:
        pass
    md += provenance(exp_root, seeds)
    md += ["", f"## Primary comparisons ({l0} labelled subset, last-layer head, WER over test-clean + "
           "test-other, Holm-corrected)", "",
           "B is the treatment, A the control; rel. impr. = (errors A - errors B) / errors A over all seeds' "
           "utterances; CI: stratified paired bootstrap; p: paired sign-flip permutation test over utterances; "
           "seed t-test: paired t-test over the seeds' WERs (robustness only).", ""]
    st_lines, st_ok = st_check(grid, exp_root, seeds)
    # STUDY.md amendment 4: mid-training's hypotheses are labelled when ST does not learn to translate
    caveats = {"H3": "ST failed its learning check"} if st_ok is False else {}
    lines, prim = comparison_rows(grid, sd, primary, l0, "last", "", True, n_resamples, caveats)
    md += lines
    if secondary:
        md += ["", "Secondary (unadjusted):", ""]
        md += comparison_rows(grid, sd, secondary, l0, "last", "", False, n_resamples, caveats)[0]
    for label_set in grid.label_sets:
        for head in ("last", "wsum"):
            if head == "wsum" and label_set != l0:
                continue
            what = f"{label_set} labelled subset, {'last-layer' if head == 'last' else 'weighted-sum'} head"
            md += ["", f"## Table 1: {what}", "", "Mean ± sd over seeds (%), greedy CTC.", ""]
            md += table1(grid, sd, label_set, head)
            md += ["", "Per seed (WER test-clean / test-other, %):", ""]
            md += seed_table(grid, sd, label_set, head)
            if (label_set, head) != (l0, "last"):
                md += ["", "Comparisons on this setting (secondary, unadjusted):", ""]
                md += comparison_rows(grid, sd, specs, label_set, head, "", False, n_resamples, caveats)[0]
    for prefix, name in (("test_clean/", "test-clean"), ("test_other/", "test-other")):
        md += ["", f"## Primary comparisons on {name} alone (secondary, unadjusted)", ""]
        md += comparison_rows(grid, sd, primary, l0, "last", prefix, False, n_resamples, caveats)[0]
    md += ["", "## Mid-training: does ST learn?", "",
           "Dev BLEU and chrF of each mid-training against always emitting the most frequent training translation; "
           "it passes when both are above with sacrebleu's paired bootstrap p < 0.05 (STUDY.md amendment 4). "
           + {True: "Every mid-training passes.", None: "Not checked.",
              False: "**A mid-training fails: the H3 comparisons are labelled "
                     "\"ST failed its learning check\".**"}[st_ok],
           ""]
    md += st_lines
    figdir = out.parent
    f3 = figure3(mid_training_gains(grid, sd, l0), figdir / "figure3.png")
    sg = superb_gains(grid, exp_root, seeds, superb_tasks)
    f2 = figure2(sg, figdir / "figure2.png")
    md += ["", "## Figures", ""]
    md.append(f"![Figure 3]({f3.name})" if f3 else "Figure 3: no mid-trained arm with its pre-trained arm was scored.")
    md.append("")
    md.append(f"![Figure 2]({f2.name})" if f2 else "Figure 2: no SUPERB scores of a mid-trained encoder and its "
              "pre-trained encoder.")
    if sg:
        md += ["", "SUPERB relative improvement from mid-training (per seed, %):", "",
               "| seed | task | pre-trained | mid-trained | gain |", "|---|---|---|---|---|"]
        md += [f"| {g['seed']} | {g['task'].upper()} | {100 * g['pt_value']:.2f} | {100 * g['mt_value']:.2f} | "
               f"{g['gain']:+.2f}% |" for g in sg]
    scored = superb_scores(grid, exp_root, seeds, superb_tasks)
    if scored:
        random_name = grid.arm("random").name
        md += ["", "SUPERB scores of every encoder scored (test sets, %; accuracy for KS / IC, PER for PR, DER for SD; "
               f"relative improvement over the {random_name}, higher is better):", ""]
        md += superb_score_lines(scored, superb_tasks, random_name)
    curves = sorted(p.relative_to(out.parent) for p in exp_root.glob("seed*/egs2/*/*/exp*/*/images/loss.png"))
    if curves:
        md += ["", "## Training curves (espnet2's images/loss.png of every training)", ""]
        md += [f"- [{c.parent.parent.name} ({c.parts[0]})]({c})" for c in curves]
    timings = sorted(exp_root.glob("seed*/timings.tsv"))
    if timings:
        md += ["", "## Compute (seconds per stage, from each seed's timings.tsv)", "", "| seed | stage | seconds |",
               "|---|---|---|"]
        for t in timings:
            per_stage: Dict[str, float] = collections.defaultdict(float)
            for line in t.read_text().splitlines():
                f = line.split("\t")
                if len(f) == 4 and f[3] == "0":
                    per_stage[f[0]] += float(f[2])
            md += [f"| {t.parent.name[4:]} | {st} | {sec:.0f} |" for st, sec in sorted(per_stage.items())]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(md) + "\n", encoding="utf-8")
    return out


def main(argv: Optional[List[str]] = None) -> int:
    from mmpt.bin.study import add_grid_options, grid_from

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exp_root", type=Path, required=True)
    p.add_argument("--seeds", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--command", default="")
    p.add_argument("--superb_tasks", default="ks ic pr sd")
    p.add_argument("--n_resamples", type=int, default=10000)
    add_grid_options(p)
    args = p.parse_args(argv)
    try:
        grid = grid_from(args)
        seeds = [int(s) for s in args.seeds.split()]
    except ValueError as e:
        print(f"study_report: error: {e}", file=sys.stderr)
        return 2
    try:
        path = write_report(grid, args.exp_root, seeds, args.out, args.command, args.superb_tasks.split(),
                            args.n_resamples)
    except ValueError as e:  # mismatched utterances between arms
        print(f"study_report: error: {e}", file=sys.stderr)
        return 1
    print(f"{path}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
