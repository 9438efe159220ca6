"""The study's arms and comparisons, and the one place where experiments are named.

An *arm* is an encoder under the CTC head (or, for ``scratch``, the encoder trained with it). Arms come from
the grid options: pre-training corpora x methods, mid-training languages x objectives, and the controls.
Each arm is fine-tuned on every labelled subset with the primary head (``last``: the last encoder layer) and,
on the primary subset, with the secondary head (``wsum``: a learnable weighted sum of all layers).

The primary comparisons are those pre-registered in ``egs2/librispeech/asr1/STUDY.md`` (section 1): they
use the first pre-training corpus and the first mid-training language of the grid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

PT_METHODS = ("mae", "clr", "mae_clr")
PT_CORPORA = ("lrs3", "voxceleb2", "kinetics600")
MID_LANGS = ("de", "it", "nl")
MID_TASKS = ("st", "st_ctc")
CONTROLS = ("positive", "domain")
HEADS = ("last", "wsum")
CORPUS_LABEL = {"lrs3": "LRS3", "voxceleb2": "VC2", "kinetics600": "K600"}
TASK_LABEL = {"st": "ST", "st_ctc": "ST+CTC"}
TASK_SUFFIX = {"st": "", "st_ctc": "_srcctc"}
H3_LETTER = {"mae": "a", "clr": "b", "mae_clr": "d"}  # H3c is the domain control (STUDY.md)


@dataclass(frozen=True)
class Arm:
    """One encoder of Table 1. ``pack`` is the frozen encoder's pack, relative to a seed's workspace."""

    key: str
    name: str
    tag: str
    kind: str  # scratch | random | pt | mt | dom | pos
    pack: Optional[str] = None
    corpus: Optional[str] = None
    method: Optional[str] = None
    lang: Optional[str] = None
    task: Optional[str] = None


@dataclass(frozen=True)
class ComparisonSpec:
    """B (treatment) against A (control); several keys on one side are pooled (mean errors per utterance)."""

    id: str
    question: str
    control: Tuple[str, ...]
    treatment: Tuple[str, ...]
    primary: bool = True


@dataclass
class StudyGrid:
    """The grid options of run_all.sh."""

    pt_corpora: Sequence[str] = ("lrs3",)
    pt_methods: Sequence[str] = ("mae", "clr")
    mid_langs: Sequence[str] = ("it",)
    mid_tasks: Sequence[str] = ("st",)
    controls: Sequence[str] = CONTROLS
    label_sets: Sequence[str] = ("10min", "1h")
    conf_scale: str = "cpu"
    extra_st_ctc: bool = True  # the labelled extra arm: the first method + ST+CTC on the first language
    errors: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name, allowed in (("pt_corpora", PT_CORPORA), ("pt_methods", PT_METHODS), ("mid_langs", MID_LANGS),
                              ("mid_tasks", MID_TASKS)):
            values = list(getattr(self, name))
            if not values:
                raise ValueError(f"--{name} is empty")
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"--{name}: {bad[0]!r} is not one of: {' '.join(allowed)}")
        bad = [c for c in self.controls if c not in CONTROLS]
        if bad:
            raise ValueError(f"--controls: {bad[0]!r} is not one of: {' '.join(CONTROLS)}")
        if not self.label_sets:
            raise ValueError("--label_sets is empty")
        if self.conf_scale not in ("cpu", "paper"):
            raise ValueError(f"--conf_scale must be cpu or paper, got {self.conf_scale!r}")

    # ------------------------------------------------------------------ names
    @property
    def corpus0(self) -> str:
        return self.pt_corpora[0]

    @property
    def lang0(self) -> str:
        return self.mid_langs[0]

    def pt_exp(self, corpus: str, method: str) -> str:
        return f"egs2/{corpus}/pt1/exp/pt_{method}_{self.conf_scale}"

    def pt_feats_scp(self, corpus: str) -> str:
        """The pre-training's training fbank (pt.sh stage 2), relative to the workspace."""
        return f"egs2/{corpus}/pt1/dump/fbank/train/feats.scp"

    def st_config(self) -> str:
        """The mid-training config, relative to egs2/must_c/pt1 (the domain control takes its batching)."""
        return "../st1/conf/train_st.yaml" if self.conf_scale == "cpu" else "../st1/conf/paper/train_st.yaml"

    def random_pack(self) -> str:
        return f"egs2/{self.corpus0}/pt1/exp/random_init_{self.conf_scale}/packed"

    @staticmethod
    def st_tag(corpus: str, method: str, lang: str, task: str) -> str:
        return f"{corpus}_{method}_{lang}{TASK_SUFFIX[task]}"

    def st_pack(self, corpus: str, method: str, lang: str, task: str) -> str:
        return f"egs2/must_c/st1/exp/st_{self.st_tag(corpus, method, lang, task)}/packed"

    @staticmethod
    def pt_name(corpus: str, method: str) -> str:
        return f"{method.upper().replace('_', '+')} ({CORPUS_LABEL[corpus]})"

    def dom_tag(self, corpus: str, method: str, lang: str) -> str:
        return f"{corpus}_{method}_{lang}_dom"

    def pos_tag(self, corpus: str) -> str:
        return f"{corpus}_ctc_pos"

    @staticmethod
    def asr_exp(label_set: str, tag: str, head: str = "last") -> str:
        """The fine-tuning experiment of an arm on a labelled subset, relative to the workspace."""
        return f"egs2/librispeech/asr1/exp_{label_set}/asr_{tag}{'' if head == 'last' else '_' + head}"

    # ------------------------------------------------------------------ arms
    def arms(self) -> List[Arm]:
        """Every arm, in Table 1 order."""
        c0, l0 = self.corpus0, self.lang0
        out = [Arm("scratch", "no pre-training (encoder trained from scratch)", "scratch", "scratch"),
               Arm("random", "random encoder (frozen)", "random", "random", self.random_pack(), c0)]
        for corpus in self.pt_corpora:
            for method in self.pt_methods:
                pt = self.pt_name(corpus, method)
                out.append(Arm(f"pt/{corpus}/{method}", pt, f"{corpus}_{method}", "pt",
                               f"{self.pt_exp(corpus, method)}/packed", corpus, method))
                for lang in self.mid_langs:
                    for task in self.mid_tasks:
                        tag = self.st_tag(corpus, method, lang, task)
                        out.append(Arm(f"mt/{corpus}/{method}/{lang}/{task}", f"{pt} + {TASK_LABEL[task]} en-{lang}",
                                       tag, "mt", self.st_pack(corpus, method, lang, task), corpus, method, lang,
                                       task))
        m0 = self.pt_methods[0]
        if self.extra_st_ctc and "st_ctc" not in self.mid_tasks:
            tag = self.st_tag(c0, m0, l0, "st_ctc")
            out.append(Arm(f"mt/{c0}/{m0}/{l0}/st_ctc", f"{self.pt_name(c0, m0)} + ST+CTC en-{l0} (extra)", tag,
                           "mt", self.st_pack(c0, m0, l0, "st_ctc"), c0, m0, l0, "st_ctc"))
        if "domain" in self.controls and "mae" in self.pt_methods:
            tag = self.dom_tag(c0, "mae", l0)
            out.append(Arm(f"dom/{c0}/mae/{l0}", f"{self.pt_name(c0, 'mae')} + MAE on MuST-C en-{l0} audio "
                           "(domain control)", tag, "dom", f"egs2/must_c/pt1/exp/pt_mae_{tag}/packed", c0, "mae", l0))
        if "positive" in self.controls:
            tag = self.pos_tag(c0)
            out.append(Arm(f"pos/{c0}", f"CTC on {CORPUS_LABEL[c0]} transcripts (positive control)", tag, "pos",
                           f"egs2/{c0}/asr1/exp/asr_{tag}/packed", c0))
        return out

    def arm(self, key: str) -> Arm:
        for a in self.arms():
            if a.key == key:
                return a
        raise KeyError(key)

    # ------------------------------------------------------------------ fine-tunings
    def fine_tunings(self) -> List[Tuple[str, str, Arm]]:
        """(label set, head, arm) of every fine-tuning: the last-layer head everywhere, the weighted-sum head
        on the primary (first) labelled subset for the frozen arms. Ordered by priority (STUDY.md amendment
        10): the primary endpoint (first subset, last-layer head) of every arm first, the arms of the primary
        comparisons in Table 1 order, the others in the order of their secondary comparisons (the positive
        control before the extra arms), then the weighted-sum heads, then the other subsets, so a run stopped
        by the clock has finished the most important ones."""
        comparisons = self.comparisons()
        in_primary = {k for c in comparisons if c.primary for k in (*c.control, *c.treatment)}
        secondary = [k for c in comparisons if not c.primary for k in c.treatment]

        def priority(arm: Arm) -> Tuple[int, int]:
            if arm.key in in_primary:
                return (0, 0)  # the stable sort keeps Table 1 order
            return (1, secondary.index(arm.key) if arm.key in secondary else len(secondary))

        arms = sorted(self.arms(), key=priority)
        first, *others = self.label_sets
        out = [(first, "last", arm) for arm in arms]
        out += [(first, "wsum", arm) for arm in arms if arm.kind != "scratch"]
        out += [(label_set, "last", arm) for label_set in others for arm in arms]
        return out

    # ------------------------------------------------------------------ comparisons
    def comparisons(self) -> List[ComparisonSpec]:
        """The pre-registered primary comparisons (STUDY.md section 7), then the secondary ones."""
        keys = {a.key for a in self.arms()}
        c0, l0 = self.corpus0, self.lang0
        methods = list(self.pt_methods)
        m_main = "mae" if "mae" in methods else methods[0]
        out: List[ComparisonSpec] = [
            ComparisonSpec("H1a", f"pre-training makes a better representation: frozen {m_main.upper()} vs frozen "
                           "random encoder", ("random",), (f"pt/{c0}/{m_main}",)),
            ComparisonSpec("H1b", "pre-training helps (paper's test in form): pre-trained arms pooled vs no "
                           "pre-training", ("scratch",), tuple(f"pt/{c0}/{m}" for m in methods)),
        ]
        if "mae" in methods and "clr" in methods:
            out.append(ComparisonSpec("H2", "MAE > CLR", (f"pt/{c0}/clr",), (f"pt/{c0}/mae",)))
        if "st" in self.mid_tasks:
            for m in methods:
                out.append(ComparisonSpec(f"H3{H3_LETTER[m]}", f"translation mid-training helps {m.upper()}: "
                                          f"{m.upper()} + ST en-{l0} vs {m.upper()}", (f"pt/{c0}/{m}",),
                                          (f"mt/{c0}/{m}/{l0}/st",)))
            if f"dom/{c0}/mae/{l0}" in keys:
                out.append(ComparisonSpec("H3c", "translation helps beyond more in-domain audio: MAE + ST vs "
                                          "MAE + continued MAE on the same MuST-C audio", (f"dom/{c0}/mae/{l0}",),
                                          (f"mt/{c0}/mae/{l0}/st",)))
        # secondary: sanity, the extra objective, every other corpus / language
        if f"pos/{c0}" in keys:
            out.append(ComparisonSpec("S-pos", "positive control: supervised CTC encoder vs random encoder "
                                      "(can the regime detect a better representation?)", ("random",),
                                      (f"pos/{c0}",), primary=False))
        primary_pairs = {(c.control, c.treatment) for c in out}
        for a in self.arms():
            if a.kind == "mt":
                pair = ((f"pt/{a.corpus}/{a.method}",), (a.key,))
                if pair not in primary_pairs:
                    what = f"mid-training: {a.name} vs {self.pt_name(a.corpus, a.method)}"
                    out.append(ComparisonSpec(f"S-{a.tag}", what, *pair, primary=False))
            if a.kind == "pt" and a.corpus != c0:
                out.append(ComparisonSpec(f"S-{a.tag}", f"{a.name} vs random encoder", ("random",), (a.key,),
                                          primary=False))
        return [c for c in out if set(c.control) | set(c.treatment) <= keys]
