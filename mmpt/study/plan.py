"""The steps of one seed of the study: which recipe runs, where, with which options.

A step is a recipe command run in a seed's *workspace* (:mod:`mmpt.study.workspace`): a directory that
mirrors ``egs2/`` with links, so that every seed has its own ``data/``, ``dump/`` and ``exp/`` while the
recipes stay the repository's. Every recipe is resumable, so re-running a plan redoes only what is missing.

Stages (those of run_all.sh): 2 LibriSpeech data, features and the labelled subsets; 3 pre-training, the
random and the positive-control encoders; 4 mid-training and the domain control; 5 fine-tuning of every
arm on every labelled subset; 7 SUPERB.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.study.grid import Arm, StudyGrid

# Mid-training objectives are recipe configs (egs2/must_c/st1/conf/train_st*.yaml): (run.sh options,
# extra training options)
ST_TASK_OPTS = {"st": (["--use_src_text", "false"], ""),
                "st_ctc": (["--use_src_text", "true", "--st_config", "conf/train_st_ctc.yaml"], "")}


@dataclass
class Schedule:
    """Epochs, vocabularies and resources of a study (STUDY.md section 4)."""

    seed: int = 1
    pt_epochs: int = 8
    st_epochs: int = 8
    head_epochs: Dict[str, int] = field(default_factory=lambda: {"10min": 60, "1h": 20})
    asr_nbpe: int = 100
    st_nbpe: int = 300
    nj: int = 2
    ngpu: int = 0
    pt_args: str = ""
    st_args: str = ""
    asr_args: str = ""
    superb_tasks: Sequence[str] = ("ks", "ic", "pr", "sd")
    superb_args: str = ""
    superb_arms: Sequence[str] = ()  # arm keys; default: random, the first pre-trained and its mid-trained

    def epochs_of(self, label_set: str) -> int:
        if label_set not in self.head_epochs:
            raise ValueError(f"no head epochs for the labelled subset {label_set!r} (--head_epochs "
                             f"{label_set}=N); known: {', '.join(self.head_epochs)}")
        return self.head_epochs[label_set]


@dataclass
class Step:
    """One recipe command of a seed. ``needs``/``makes`` are workspace-relative paths (an experiment or pack
    directory) that order the steps when several run at once (:mod:`mmpt.study.executor`): a step waits
    for the steps that make what it needs and, unless ``lock`` is None, for the earlier locked steps of its
    recipe directory except ``any_order`` steps of its stage (trainings that share only the recipe's
    idempotent data preparation). Steps with the same ``lock`` never run at the same time: by default the
    recipe directory (the step writes the recipe's data); a narrower name for steps that write only their
    own experiment and a shared cache; None for a step that writes outside every recipe's data."""

    stage: int
    what: str
    cwd: str  # relative to the workspace
    argv: List[str]
    needs: Tuple[str, ...] = ()
    makes: Tuple[str, ...] = ()
    any_order: bool = False
    lock: Optional[str] = ""

    def __post_init__(self) -> None:
        if self.lock == "":
            self.lock = self.cwd

    def command(self) -> str:
        return f"(cd {shlex.quote(self.cwd)} && {shlex.join(self.argv)})"


def _train_opts(sched: Schedule, epochs: int, extra: str = "") -> str:
    return " ".join(x for x in (f"--max_epoch {epochs} --seed {sched.seed}", extra) if x)


def _asr_common(grid: StudyGrid, sched: Schedule, label_set: str) -> List[str]:
    return ["--nj", str(sched.nj), "--ngpu", str(sched.ngpu), "--train_set", f"train_{label_set}",
            "--valid_set", "dev_clean", "--test_sets", "test_clean test_other", "--expdir", f"exp_{label_set}",
            "--token_listdir", f"data/token_list_{label_set}", "--nbpe", str(sched.asr_nbpe),
            "--inference_configs", "conf/decode_asr_greedy.yaml", "--conf_scale", grid.conf_scale]


def superb_arm_keys(grid: StudyGrid, sched: Schedule) -> List[str]:
    if sched.superb_arms:
        return list(sched.superb_arms)
    m0, c0, l0 = grid.pt_methods[0], grid.corpus0, grid.lang0
    # Figure 2's pair (pre-trained, then mid-trained) before the random reference, so that a run stopped by
    # the clock still has the figure.
    keys = [f"pt/{c0}/{m0}"]
    if "st" in grid.mid_tasks:
        keys.append(f"mt/{c0}/{m0}/{l0}/st")
    return keys + ["random"]


def steps(grid: StudyGrid, sched: Schedule, ws: Path) -> List[Step]:
    """Every step of one seed, in order; ``ws`` is the seed's workspace (absolute)."""
    out: List[Step] = []
    ls = "egs2/librispeech/asr1"
    out.append(Step(2, "LibriSpeech data preparation and fbank", ls,
                    ["./run.sh", "--stage", "1", "--stop_stage", "2", "--nj", str(sched.nj),
                     "--train_set", "train_clean_100", "--valid_set", "dev_clean",
                     "--test_sets", "test_clean test_other"]))
    for label_set in grid.label_sets:
        out.append(Step(2, f"labelled subset {label_set} (seed {sched.seed}, speaker-balanced, nested)", ls,
                        ["python", "-m", "mmpt.bin.datadir", "subset", "--duration", label_set,
                         "--seed", str(sched.seed), "data/train_clean_100", f"data/train_{label_set}"]))
        out.append(Step(2, f"features, CMVN, tokens of the {label_set} subset", ls,
                        ["./run.sh", "--stage", "2", "--stop_stage", "5", *_asr_common(grid, sched, label_set)]))

    arms = grid.arms()
    for corpus in grid.pt_corpora:
        for method in grid.pt_methods:
            out.append(Step(3, f"{method} pre-training on {corpus}", f"egs2/{corpus}/pt1",
                            ["./run.sh", "--nj", str(sched.nj), "--ngpu", str(sched.ngpu), "--pt_method", method,
                             "--conf_scale", grid.conf_scale,
                             "--pt_args", _train_opts(sched, sched.pt_epochs, sched.pt_args)],
                            makes=(grid.pt_exp(corpus, method),), any_order=True))
    first_pt = ws / grid.pt_exp(grid.corpus0, grid.pt_methods[0])
    out.append(Step(3, "the random encoder (the pre-training architecture, never trained)",
                    f"egs2/{grid.corpus0}/pt1",
                    ["python", "-m", "mmpt.bin.pack_encoder", "--config", str(first_pt / "config.yaml"),
                     "--random_init", str(sched.seed), "--out", str(ws / grid.random_pack()),
                     # batch-norm statistics of the untrained encoder on the same audio as every other pack
                     "--recompute_bn_stats", str(ws / grid.pt_feats_scp(grid.corpus0))],
                    needs=(grid.pt_exp(grid.corpus0, grid.pt_methods[0]),), makes=(grid.random_pack(),),
                    lock=None))
    out += [s for a in arms if a.kind == "pos" for s in positive_control_steps(grid, sched, ws, a)]

    for a in arms:
        if a.kind == "mt":
            opts, train = ST_TASK_OPTS[a.task]
            out.append(Step(4, f"en-{a.lang} mid-training ({a.task}) of {grid.pt_name(a.corpus, a.method)}",
                            "egs2/must_c/st1",
                            ["./run.sh", "--nj", str(sched.nj), "--ngpu", str(sched.ngpu), "--tgt_lang", a.lang,
                             "--pretrained_encoder", str(ws / grid.pt_exp(a.corpus, a.method) / "packed"), *opts,
                             "--conf_scale", grid.conf_scale, "--st_tag", a.tag, "--tgt_nbpe", str(sched.st_nbpe),
                             "--src_nbpe", str(sched.st_nbpe),
                             "--st_args", _train_opts(sched, sched.st_epochs,
                                                      " ".join(x for x in (train, sched.st_args) if x))],
                            needs=(grid.pt_exp(a.corpus, a.method),), makes=(a.pack,), any_order=True))
        elif a.kind == "dom":
            out += domain_control_steps(grid, sched, ws, a)

    for label_set, head, a in grid.fine_tunings():
        argv = ["./run.sh", "--stage", "6", "--stop_stage", "8", *_asr_common(grid, sched, label_set),
                "--asr_tag", Path(grid.asr_exp(label_set, a.tag, head)).name[len("asr_"):],
                "--asr_args", _train_opts(sched, sched.epochs_of(label_set), sched.asr_args)]
        layers = "all" if head == "wsum" else "last"
        if a.kind == "scratch":
            argv += ["--freeze_encoder", "false"]
        else:
            argv += ["--pretrained_encoder", str(ws / a.pack), "--freeze_encoder", "true",
                     "--encoder_layers", layers]
        # Fine-tunings write their own experiment; those of one frozen encoder and layer choice share its
        # cached outputs (dump/encoded/<pack>_<layers>, with the dev and test sets of every subset).
        lock = f"{ls}: {grid.asr_exp(label_set, a.tag, head)}" if a.kind == "scratch" else f"{ls}: {a.pack} {layers}"
        out.append(Step(5, f"CTC fine-tuning on {label_set}, {head} head: {a.name}", ls, argv,
                        needs=(a.pack,) if a.pack else (), any_order=True, lock=lock))

    sb = "egs2/superb/superb1"
    common = ["--tasks", " ".join(sched.superb_tasks), "--conf_scale", "auto", "--nj", str(sched.nj),
              "--superb_args", sched.superb_args]
    out.append(Step(7, "SUPERB data preparation", sb, ["./run.sh", "--stage", "1", "--stop_stage", "1", *common]))
    for key in superb_arm_keys(grid, sched):
        a = grid.arm(key)
        out.append(Step(7, f"SUPERB on {a.name}", sb,
                        ["./run.sh", "--stage", "2", "--stop_stage", "4", *common, "--upstream_ckpt", str(ws / a.pack),
                         "--upstream_tag", superb_tag(a)], needs=(a.pack,), any_order=True))
    return out


def superb_tag(arm: Arm) -> str:
    return f"study_{arm.tag}"


def positive_control_steps(grid: StudyGrid, sched: Schedule, ws: Path, arm: Arm) -> List[Step]:
    """Supervised CTC on the pre-training corpus's transcripts, then the encoder packed (egs2/<corpus>/asr1)."""
    return [Step(3, f"positive control: CTC on the {arm.corpus} transcripts, encoder trained, then packed",
                 f"egs2/{arm.corpus}/asr1",
                 ["./run.sh", "--nj", str(sched.nj), "--ngpu", str(sched.ngpu), "--asr_tag", arm.tag,
                  "--conf_scale", grid.conf_scale,
                  "--asr_args", _train_opts(sched, sched.pt_epochs, sched.asr_args)], makes=(arm.pack,))]


def domain_control_steps(grid: StudyGrid, sched: Schedule, ws: Path, arm: Arm) -> List[Step]:
    """Continued MAE on the MuST-C training audio (no labels), from the MAE pre-training (egs2/must_c/pt1)."""
    return [Step(4, f"domain control: continued MAE on the MuST-C en-{arm.lang} audio", "egs2/must_c/pt1",
                 ["./run.sh", "--nj", str(sched.nj), "--ngpu", str(sched.ngpu), "--conf_scale", grid.conf_scale,
                  "--tgt_lang", arm.lang, "--pt_tag", arm.tag, "--st_config", grid.st_config(),
                  "--init_exp", str(ws / grid.pt_exp(arm.corpus, "mae")),
                  # as many updates as the mid-training: its epochs (the batching comes from --st_config)
                  "--pt_args", _train_opts(sched, sched.st_epochs, sched.pt_args)],
                 needs=(grid.pt_exp(arm.corpus, "mae"),), makes=(arm.pack,))]


def select(all_steps: Sequence[Step], stage: int, stop_stage: int) -> List[Step]:
    return [s for s in all_steps if stage <= s.stage <= stop_stage]


def recipes_used(all_steps: Sequence[Step]) -> List[str]:
    seen: Dict[str, None] = {}
    for s in all_steps:
        seen.setdefault(s.cwd, None)
    return list(seen)


def describe(all_steps: Sequence[Step], seed: Optional[int] = None) -> str:
    head = f"# seed {seed}\n" if seed is not None else ""
    return head + "".join(f"[stage {s.stage}] {s.what}\n    {s.command()}\n" for s in all_steps)
