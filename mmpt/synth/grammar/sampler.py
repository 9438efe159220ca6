"""Random choices over the lexicon for the sentence templates, with each verb's selectional restrictions."""
from __future__ import annotations

import random
from typing import Collection, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from mmpt.synth.grammar.description import NP, Clause, Place, Pred, Time
from mmpt.synth.lexicon import Adjective, Lexicon, Noun, Verb

# Adjectives describing a passing state, which may come with a time phrase ("was tired yesterday").
_STATE_ADJECTIVES = frozenset("happy sad angry sick hungry tired clean dirty empty full warm cold broken".split())


class Sampler:
    """Random choices over the lexicon, with the selectional restrictions of each verb."""

    def __init__(self, rng: random.Random, lex: Lexicon):
        self.rng = rng
        self.lex = lex
        self.nouns = sorted(lex.nouns.values(), key=lambda n: n.key)
        self.by_tag: Dict[str, List[Noun]] = {}
        for n in self.nouns:
            for t in n.tags:
                self.by_tag.setdefault(t, []).append(n)
        self.verbs = sorted(lex.verbs.values(), key=lambda v: v.key)
        self.frames: Dict[str, List[Verb]] = {}
        for v in self.verbs:
            for f in v.frames:
                self.frames.setdefault(f, []).append(v)
        self.cities = [p for p in lex.proper.values() if p.kind == "city"]
        self.countries = [p for p in lex.proper.values() if p.kind == "country"]
        self.pronouns = [lex.pronouns[k] for k in ("I", "he", "she", "we", "they")]
        self.adjs = sorted((a for a in lex.adjectives.values() if a.attributive), key=lambda a: a.key)
        self.all_adjs = sorted(lex.adjectives.values(), key=lambda a: a.key)

    # -- primitives ---------------------------------------------------------------------------------------
    def p(self, prob: float) -> bool:
        return self.rng.random() < prob

    def choice(self, seq: Sequence):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, options: Mapping[str, float]) -> str:
        keys = list(options)
        return self.rng.choices(keys, weights=[options[k] for k in keys])[0]

    def count(self) -> int:
        return self.rng.randint(2, 12) if self.p(0.6) else self.rng.randint(13, 100)

    def nouns_with(self, tags: Iterable[str], exclude: Collection[str] = ()) -> List[Noun]:
        seen: Dict[str, Noun] = {}
        for t in tags:
            for n in self.by_tag.get(t, ()):
                if not n.has(*exclude):
                    seen[n.key] = n
        return [seen[k] for k in sorted(seen)]

    def adjectives(self, noun: Noun, max_n: int = 2, prob: float = 0.4) -> Tuple[Adjective, ...]:
        if not self.p(prob):
            return ()
        fits = [a for a in self.adjs if a.tags & noun.tags]
        if not fits:
            return ()
        if max_n >= 2 and self.p(0.25):
            firsts = [a for a in fits if a.it_pre]
            seconds = [a for a in fits if a.group in ("colour", "nation")]
            if firsts and seconds:
                return self.choice(firsts), self.choice(seconds)
        return (self.choice(fits),)

    # -- noun phrases ---------------------------------------------------------------------------------------
    def possessor(self) -> NP:
        r = self.rng.random()
        if r < 0.3:
            return NP(self.choice(self.lex.names), det="none")
        people = self.nouns_with(["person"])
        noun = self.choice(people)
        if r < 0.5 and "fam" in noun.tags:
            return NP(noun, det="poss", poss=self.choice(self.pronouns))
        return NP(noun, det="def")

    def noun_np(self, noun: Noun, role: str, allow_num: bool = True, allow_gen: bool = True,
                adj_prob: float = 0.4, force_det: Optional[str] = None) -> NP:
        """``role``: subj | obj | iobj | place."""
        if noun.mass:
            det = force_det or self.weighted({"bare": 0.55 if role == "obj" else 0.0, "def": 0.3, "poss": 0.15})
            if det in ("num", "indef") or (det == "bare" and role != "obj"):
                det = "def"
            return NP(noun, "sg", det, poss=self.choice(self.pronouns) if det == "poss" else None,
                      gen=self.possessor() if det == "gen" else None,
                      adjs=() if "sport" in noun.tags else self.adjectives(noun, 1, adj_prob * 0.7))
        if force_det:
            det = force_det
        elif role == "subj":
            det = self.weighted({"def": 0.55, "poss": 0.17, "indef": 0.08, "gen": 0.1 if allow_gen else 0,
                                 "num": 0.1 if allow_num else 0})
        elif role == "iobj":
            det = self.weighted({"def": 0.6, "poss": 0.3, "gen": 0.1 if allow_gen else 0})
        elif role == "place":
            det = "poss" if ("room" in noun.tags or noun.key == "house") and self.p(0.15) else "def"
        else:
            det = self.weighted({"def": 0.3, "indef": 0.28, "poss": 0.12, "num": 0.12 if allow_num else 0,
                                 "gen": 0.06 if allow_gen else 0, "bare": 0.12})
        if "fam" in noun.tags and det in ("indef", "num", "bare") and role == "subj":
            det = "poss"
        number = "pl" if (det in ("bare",) or (det in ("def", "poss", "gen") and self.p(0.3))) else "sg"
        count = 0
        if det == "num":
            count = self.count() if self.p(0.95) else 1
            number = "sg" if count == 1 else "pl"
        if det == "indef":
            number = "sg"
        if role == "place":
            number = "sg"
        poss = self.choice(self.pronouns) if det == "poss" else None
        gen = self.possessor() if det == "gen" else None
        while gen is not None and gen.head is noun:  # not "the husband's husband"
            gen = self.possessor()
        adj_p = adj_prob if role != "place" else 0.1
        return NP(noun, number, det, count, poss, gen, self.adjectives(noun, 2, adj_p))

    def subject(self, tags: Collection[str], allow_pron: bool = True, **kw) -> NP:
        """A subject for verbs taking ``tags``: pronoun, name or noun phrase (``kw`` go to :meth:`noun_np`)."""
        personal = bool(set(tags) & {"person", "adult", "young"})
        r = self.rng.random()
        if personal and allow_pron and r < 0.16:
            return self._pron_np()
        if personal and r < 0.36:
            return NP(self.choice(self.lex.names), det="none")
        return self.noun_np(self.choice(self.nouns_with(tags)), "subj", **kw)

    def _pron_np(self) -> NP:
        p = self.choice(self.pronouns)
        return NP(p, number=p.number, det="none")

    def object(self, verb: Verb, **kw) -> NP:
        tags = [t for t in verb.objs if not t.startswith("@")]
        propers = [t for t in verb.objs if t.startswith("@")]
        if propers and self.p(0.3):
            pool = self.cities if self.choice(propers) == "@city" else self.countries
            return NP(self.choice(pool), det="none")
        return self.noun_np(self.choice(self.nouns_with(tags)), "obj", **kw)

    def place_np(self, specs: Sequence[str], role: str) -> Place:
        """A place for ``specs`` (place keys and @groups: @city @country @home @room @bldg @spot @outdoor)."""
        spec = self.choice(specs)
        if spec == "@home":
            return Place(role, None)
        if spec == "@city":
            return Place(role, NP(self.choice(self.cities), det="none"))
        if spec == "@country":
            return Place(role, NP(self.choice(self.countries), det="none"))
        if spec.startswith("@"):
            noun = self.choice(self.nouns_with([spec[1:]]))
        else:
            noun = self.lex.noun(spec)
        return Place(role, self.noun_np(noun, "place"))

    def time(self, tense: str) -> Time:
        options = [t for t in self.lex.times if tense in t.tenses]
        phrase = self.choice(options)
        return Time(phrase, n=self.rng.randint(2, 10), h=self.rng.randint(1, 12))

    def tense(self, weights: Optional[Mapping[str, float]] = None) -> str:
        return self.weighted(weights or {"pres": 0.45, "past": 0.2, "perf": 0.25, "fut": 0.1})

    def with_time(self, tense: str, prob: float) -> Optional[Time]:
        if tense == "fut":
            return self.time("fut")
        if tense == "perf":
            return None  # "has bought yesterday" is not English
        return self.time(tense) if self.p(prob) else None

    # -- clauses ---------------------------------------------------------------------------------------------
    def verb_for(self, frame: str, noun: Optional[Noun] = None) -> Verb:
        """A verb of ``frame`` (tr intr motion ditr ...) whose subject may be ``noun`` (any when None)."""
        verbs = self.frames[frame]
        if noun is not None:
            verbs = [v for v in verbs if noun.has(*v.subj)]
        return self.choice(verbs)

    def subject_for(self, verb: Verb, subj: Optional[NP], **kw) -> NP:
        return subj if subj is not None else self.subject(verb.subj, **kw)

    def transitive(self, tense: Optional[str] = None, time_prob: float = 0.3, verb: Optional[Verb] = None,
                   subj: Optional[NP] = None, **kw) -> Clause:
        verb = verb or self.verb_for("tr", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        obj = self.object(verb)
        if obj.noun is not None and "sport" in obj.noun.tags:
            obj = NP(obj.noun, det="bare")  # plays football: no article, no adjective
        place = None
        if "intr" in verb.frames and verb.places and self.p(0.3):
            place = self.place_np(verb.places, "loc")
        return Clause(self.subject_for(verb, subj), verb, obj=obj, place=place, tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def intransitive(self, tense: Optional[str] = None, time_prob: float = 0.3, place_prob: float = 0.85,
                     verb: Optional[Verb] = None, subj: Optional[NP] = None, **kw) -> Clause:
        verb = verb or self.verb_for("intr", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        place = self.place_np(verb.places, "loc") if (verb.key == "live" or self.p(place_prob)) else None
        return Clause(self.subject_for(verb, subj), verb, place=place, tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def motion(self, tense: Optional[str] = None, time_prob: float = 0.3, verb: Optional[Verb] = None,
               subj: Optional[NP] = None, **kw) -> Clause:
        verb = verb or self.verb_for("motion", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        return Clause(self.subject_for(verb, subj), verb, place=self.place_np(verb.places, "dir"), tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def ditransitive(self, tense: Optional[str] = None, time_prob: float = 0.2, subj: Optional[NP] = None,
                     **kw) -> Clause:
        verb = self.verb_for("ditr", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        recipient = self.subject(["person"], allow_pron=False, allow_num=False)
        if isinstance(recipient.head, Noun):
            recipient = self.noun_np(recipient.head, "iobj", adj_prob=0.15)
        obj = self.noun_np(self.choice(self.nouns_with(verb.objs)), "obj", adj_prob=0.25)
        return Clause(self.subject_for(verb, subj), verb, obj=obj, iobj=recipient, tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def predicate_adj(self, subj: NP) -> Pred:
        h = subj.head
        if isinstance(h, Noun):
            adjs = [a for a in self.all_adjs if a.tags & h.tags]
        else:
            adjs = [a for a in self.all_adjs if a.tags & {"person", "adult"}]
        return Pred("adj", self.choice(adjs))

    def copula(self, tense: Optional[str] = None, time_prob: float = 0.4, subj: Optional[NP] = None,
               **kw) -> Clause:
        tense = tense or self.weighted({"pres": 0.6, "past": 0.25, "perf": 0.1, "fut": 0.05})
        time = self.with_time(tense, time_prob)
        mobile = subj is None or (subj.noun is None or subj.noun.has("person", "animal"))
        if mobile and self.p(0.45):  # location: the teacher is in the kitchen
            subj = subj or self.subject(["person", "animal"], adj_prob=0.2)
            place = self.place_np(["@room", "@bldg", "@spot", "@outdoor", "@city", "@country", "@home"], "loc")
            return Clause(subj, None, place=place, tense=tense, time=time, **kw)
        if subj is None:
            if self.p(0.3):
                subj = self.subject(["person"])
            else:
                noun = self.choice(self.nouns_with(["person", "animal", "thing", "cloth", "vehicle", "furn", "food",
                                                    "drink", "bldg", "text", "show"]))
                subj = self.noun_np(noun, "subj", allow_num=False, adj_prob=0.15)
        if tense == "perf":  # "has been red" is odd English: use the simple past for properties
            tense = "past"
        pred = self.predicate_adj(subj)
        if pred.adj.key not in _STATE_ADJECTIVES:  # lasting properties take no time phrase
            time = None
            tense = "pres" if tense == "fut" else tense
        return Clause(subj, None, pred=pred, tense=tense, time=time, **kw)

    def simple(self, tense: str, time_prob: float = 0.0, subj: Optional[NP] = None, **kw) -> Clause:
        """Any one-clause sentence body: transitive, intransitive, motion or copula."""
        kinds = ["transitive", "transitive", "intransitive", "motion", "copula"]
        if subj is not None and subj.noun is not None:
            frame = {"transitive": "tr", "intransitive": "intr", "motion": "motion"}
            kinds = [k for k in kinds if k == "copula"
                     or any(subj.noun.has(*v.subj) for v in self.frames[frame[k]])]
        build = getattr(self, self.choice(kinds))
        return build(tense=tense, time_prob=time_prob, subj=subj, **kw)
