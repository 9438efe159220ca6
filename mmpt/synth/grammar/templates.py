"""Sentence templates: each draws one kind of :class:`Utterance` (transitive, copula, question, ...) from a
:class:`Sampler`; :data:`TEMPLATES` maps a name to its sampling weight and builder."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Dict, Tuple

from mmpt.synth.grammar.description import NP, Clause, Place, Pred, Time, Utterance
from mmpt.synth.grammar.sampler import Sampler
from mmpt.synth.lexicon import Noun

# Templates: name -> (weight, builder(sampler) -> Utterance)
Template = Callable[[Sampler], Utterance]


def _t_transitive(s: Sampler) -> Utterance:
    return Utterance(s.transitive(tense=s.tense({"pres": 0.6, "past": 0.3, "fut": 0.1})))


def _t_ditransitive(s: Sampler) -> Utterance:
    return Utterance(s.ditransitive())


def _t_locative(s: Sampler) -> Utterance:
    return Utterance(s.intransitive(place_prob=1.0))


def _t_motion(s: Sampler) -> Utterance:
    return Utterance(s.motion())


def _t_copula(s: Sampler) -> Utterance:
    return Utterance(s.copula())


def _t_age(s: Sampler) -> Utterance:
    subj = s.subject(["person", "pet"], adj_prob=0.0, allow_num=False)
    return Utterance(Clause(subj, None, pred=Pred("age", count=s.rng.randint(1, 100))))


def _t_price(s: Sampler) -> Utterance:
    noun = s.choice(s.nouns_with(["goods", "vehicle"], exclude=["place"]))
    subj = s.noun_np(noun, "subj", allow_gen=False, force_det=s.weighted({"def": 0.8, "poss": 0.2}))
    count = s.rng.randint(1, 100)
    price = NP(s.lex.noun("euro"), "sg" if count == 1 else "pl", "num", count)
    return Utterance(Clause(subj, s.lex.verb("cost"), obj=price))


def _t_existential(s: Sampler) -> Utterance:
    place = s.place_np(["@room", "@bldg", "@outdoor"], "loc")
    noun = s.choice(s.nouns_with(["animal", "thing", "furn", "person", "vehicle"], exclude=["mass", "place"]))
    obj = s.noun_np(noun, "obj", allow_gen=False,
                    force_det=s.weighted({"indef": 0.45, "num": 0.45, "bare": 0.1}), adj_prob=0.3)
    return Utterance(Clause(NP(noun, obj.number, "none"), None, obj=obj, place=place, exist=True))


def _t_numbers(s: Sampler) -> Utterance:
    verb = s.lex.verb(s.choice(["have", "buy", "sell", "see", "find", "need", "carry", "draw", "order", "pick"]))
    nouns = s.nouns_with(verb.objs, exclude=["mass", "place"])
    obj = s.noun_np(s.choice(nouns), "obj", force_det="num")
    tense = s.tense({"pres": 0.5, "past": 0.3, "perf": 0.2})
    return Utterance(Clause(s.subject(verb.subj, allow_num=False), verb, obj=obj, tense=tense,
                            time=s.with_time(tense, 0.3)))


def _t_frequency(s: Sampler) -> Utterance:
    freq = s.choice(list(s.lex.freq.values()))
    tense = "perf" if s.p(0.25) else "pres"
    build = s.choice([s.transitive, s.transitive, s.intransitive])
    return Utterance(build(tense=tense, time_prob=0.0, freq=freq))


def _t_possessive(s: Sampler) -> Utterance:
    verb = s.choice(s.frames["tr"])
    tense = s.tense({"pres": 0.5, "past": 0.3, "perf": 0.2})
    if s.p(0.5):  # the teacher's dog / my sister ... as subject
        subj = s.noun_np(s.choice(s.nouns_with(verb.subj)), "subj", force_det=s.choice(["gen", "poss"]))
        cl = s.transitive(tense=tense, time_prob=0.2, verb=verb, subj=subj)
    else:
        cl = s.transitive(tense=tense, time_prob=0.2, verb=verb)
        if isinstance(cl.obj.head, Noun) and "sport" not in cl.obj.head.tags:
            cl = replace(cl, obj=s.noun_np(cl.obj.head, "obj", force_det=s.choice(["gen", "poss"])))
    return Utterance(cl)


def _t_time_fronted(s: Sampler) -> Utterance:
    tense = s.tense({"pres": 0.4, "past": 0.45, "fut": 0.15})
    cl = s.simple(tense)
    return Utterance(replace(cl, time=s.time(tense), front_time=True))


def _t_modal(s: Sampler) -> Utterance:
    modal = s.choice(["can", "must", "want"])
    tense = "past" if s.p(0.2) else "pres"
    neg = s.p(0.25) and not (modal == "must" and tense == "past")
    build = s.choice([s.transitive, s.transitive, s.intransitive, s.motion])
    cl = build(tense=tense, time_prob=0.25)
    if cl.verb is not None and cl.verb.key == "need":
        cl = s.motion(tense=tense, time_prob=0.25)
    return Utterance(replace(cl, modal=modal, neg=neg))


def _t_perfect(s: Sampler) -> Utterance:
    tense = "perf" if s.p(0.5) else "past"
    build = s.choice([s.transitive, s.intransitive, s.motion])
    return Utterance(build(tense=tense, time_prob=0.5))


def _t_negation(s: Sampler) -> Utterance:
    tense = s.tense({"pres": 0.5, "past": 0.25, "perf": 0.2, "fut": 0.05})
    cl = s.simple(tense, time_prob=0.2)
    if cl.obj is not None and cl.obj.det == "num":
        cl = replace(cl, obj=replace(cl.obj, det="indef", number="sg", count=0))
    return Utterance(replace(cl, neg=True))


def _t_because(s: Sampler) -> Utterance:
    main = s.simple(s.tense({"pres": 0.6, "past": 0.4}))
    sub = s.simple(s.tense({"pres": 0.4, "past": 0.3, "perf": 0.3}))
    if s.p(0.2) and sub.verb is not None and sub.verb.key != "need":
        sub = replace(sub, modal=s.choice(["can", "must", "want"]), tense="pres", time=None)
    return Utterance(main, sub=sub, conj="because")


def _t_when(s: Sampler) -> Utterance:
    conj = s.choice(["when", "when", "while"])
    return Utterance(s.simple("pres"), sub=s.simple("pres"), conj=conj, sub_first=conj == "when" or s.p(0.3))


def _t_that(s: Sampler) -> Utterance:
    verb = s.choice(s.frames["comp"])
    main_tense = s.weighted({"pres": 0.6, "past": 0.25, "perf": 0.15})
    main = Clause(s.subject(verb.subj, adj_prob=0.1, allow_num=False), verb, tense=main_tense)
    sub_tense = s.weighted({"pres": 0.5, "perf": 0.3, "past": 0.2}) if main_tense == "pres" else \
        s.choice(["past", "perf"])
    return Utterance(main, sub=s.simple(sub_tense, 0.2), conj="that")


def _t_relative(s: Sampler) -> Utterance:
    if s.p(0.5):  # subject gap: the woman who lives in Rome buys a car
        noun = s.choice(s.nouns_with(["person", "animal"]))
        head = s.noun_np(noun, "subj", allow_num=False, allow_gen=False, adj_prob=0.15,
                         force_det=s.weighted({"def": 0.8, "indef": 0.2}))
        inner = s.choice([s.intransitive, s.transitive])(tense=s.choice(["pres", "past", "perf"]),
                                                         time_prob=0.0, subj=head)
        head = replace(head, rel=replace(inner, gap="subj"))
        return Utterance(s.simple("pres", subj=head))
    # object gap: the car that my father bought is red
    verb = s.choice([v for v in s.frames["tr"] if not v.de_prep and not v.nl_prep and not v.it_prep
                     and v.de_case == "A"])
    tags = [t for t in verb.objs if not t.startswith("@")]
    noun = s.choice([n for n in s.nouns_with(tags) if any(a.tags & n.tags for a in s.all_adjs)])
    number = "sg" if noun.mass or s.p(0.7) else "pl"
    inner = Clause(s.subject(verb.subj, adj_prob=0.0, allow_num=False, allow_gen=False), verb,
                   obj=NP(noun, number, "def"), tense=s.choice(["pres", "past", "perf"]), gap="obj")
    head = NP(noun, number, "def", rel=inner)
    return Utterance(Clause(head, None, pred=s.predicate_adj(head), neg=s.p(0.15)))


def _t_yes_no(s: Sampler) -> Utterance:
    tense = s.tense({"pres": 0.45, "past": 0.25, "perf": 0.2, "fut": 0.1})
    cl = s.simple(tense, 0.3)
    if s.p(0.2) and cl.verb is not None and cl.verb.key != "need":
        cl = replace(cl, modal="can", tense="pres", time=None)
    return Utterance(cl, mode="ynq")


def _t_wh(s: Sampler) -> Utterance:
    kind = s.choice(["obj", "obj", "loc", "dir", "time", "age", "loc_be"])
    tense = s.tense({"pres": 0.55, "past": 0.3, "perf": 0.15})
    if kind == "obj":  # what does the man buy?
        verbs = [v for v in s.frames["tr"] if not (v.de_prep or v.it_prep or v.nl_prep)
                 and set(v.objs) - {"person", "animal", "pet", "@city", "@country", "sport"}]
        verb = s.choice(verbs)
        things = s.nouns_with(verb.objs, exclude=["person", "animal"])
        cl = Clause(s.subject(verb.subj), verb, obj=NP(s.choice(things), det="def"), tense=tense,
                    time=s.with_time(tense, 0.3), gap="obj")
        if s.p(0.15):
            cl = replace(cl, modal=s.choice(["can", "want"]), tense="pres", time=None)
    elif kind == "loc":  # where does the man work?
        cl = replace(s.intransitive(tense=tense, place_prob=1.0), gap="loc")
    elif kind == "dir":  # where does the man go?
        cl = replace(s.motion(tense=tense), gap="dir")
    elif kind == "loc_be":  # where is the teacher?
        subj = s.subject(["person", "animal"], adj_prob=0.2)
        cl = Clause(subj, None, place=Place("loc", None), gap="loc")
    elif kind == "time":  # when does the train arrive?
        verb = s.lex.verb(s.choice(["arrive", "leave"]))
        subj = s.noun_np(s.choice(s.nouns_with(["sched"])), "subj", allow_num=False, allow_gen=False)
        cl = Clause(subj, verb, time=s.time("pres"), tense="pres", gap="time")
    else:  # how old is the teacher?
        cl = Clause(s.subject(["person"], allow_num=False), None, pred=Pred("age", count=1), gap="age")
    return Utterance(cl, mode="whq")


def _t_schedule(s: Sampler) -> Utterance:
    verb = s.lex.verb(s.choice(["arrive", "arrive", "leave"]))
    subj_tags = ["sched"] if verb.key == "leave" else ["transport", "sched", "person"]
    subj = s.subject(subj_tags, allow_num=False, allow_gen=False, adj_prob=0.2)
    clock = [t for t in s.lex.times if "{h}" in t.en]
    time = Time(s.choice(clock), h=s.rng.randint(1, 12))
    place = s.place_np(verb.places, "loc") if (verb.places and s.p(0.5)) else None
    tense = "past" if s.p(0.25) else "pres"
    return Utterance(Clause(subj, verb, place=place, time=time, front_time=s.p(0.3), tense=tense))


TEMPLATES: Dict[str, Tuple[float, Template]] = {
    "transitive": (1.5, _t_transitive),
    "ditransitive": (0.8, _t_ditransitive),
    "locative": (1.0, _t_locative),
    "motion": (1.0, _t_motion),
    "copula": (1.0, _t_copula),
    "age": (0.4, _t_age),
    "price": (0.4, _t_price),
    "existential": (0.6, _t_existential),
    "numbers": (0.8, _t_numbers),
    "frequency": (0.7, _t_frequency),
    "possessive": (0.8, _t_possessive),
    "time_fronted": (1.2, _t_time_fronted),
    "modal": (1.2, _t_modal),
    "perfect": (1.2, _t_perfect),
    "negation": (1.2, _t_negation),
    "because": (0.8, _t_because),
    "when": (0.7, _t_when),
    "that": (0.7, _t_that),
    "relative": (0.7, _t_relative),
    "yes_no_question": (0.7, _t_yes_no),
    "wh_question": (0.8, _t_wh),
    "schedule": (0.5, _t_schedule),
}
