"""Shared renderer of German and Dutch: verb second in main clauses (also after a fronted time phrase or
subordinate clause), verb-final subordinate and relative clauses, infinitives and participles at the end,
separable particles, and nicht/niet or kein/geen negation.

One implementation serves both languages; a :class:`GermanicTable` holds their differences as data, and the
subclasses (:mod:`.german`, :mod:`.dutch`) add only what is really their own: how a noun phrase is
declined, relative pronouns, contractions and existentials.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Mapping, Optional, Tuple

from mmpt.synth.grammar.description import NP, Clause, Place, Pred, Utterance, agreement
from mmpt.synth.grammar.join import join_tokens
from mmpt.synth.lexicon import CONJUNCTIONS, COPULA_PAST, MODALS, Lexicon, Name, Pronoun, Proper, Verb, number_word


@dataclass(frozen=True)
class GermanicTable:
    """What tells German and Dutch apart where they share the clause layout."""

    lang: str  # suffix of the lexicon's fields: de_pp, nl_pp ...
    neg: str  # the negation particle: nicht | niet
    wh: Mapping[str, Tuple[str, ...]]  # question words by gap: obj | loc | dir | time | age
    dir_gap: Tuple[str, ...]  # left in the middle field by a "where to" question (waar gaat hij naartoe?)
    be_aux: str  # value of the verb's <lang>_aux field for a perfect with "be" (ist gegangen, is gegaan)
    age: Tuple[str, str, str, str]  # (one, year, years, old): ein Jahr alt, drei Jahre alt
    cased: bool  # noun phrases decline for case (German); else the case argument is ignored
    opening_comma: bool  # a comma opens every subordinate and relative clause (German)
    modal_first: bool  # a subordinate clause's modal precedes its infinitive (Dutch: wil kopen)


class Germanic:
    """Clause layout shared by German and Dutch: prefield, finite verb, middle field, verb cluster."""

    table: GermanicTable

    def __init__(self, lex: Lexicon):
        self.lex = lex

    @property
    def lang(self) -> str:
        return self.table.lang

    def word(self, entry: object, field: str) -> str:
        """This language's ``field`` of a lexicon entry (``de_pp`` for German, ``nl_pp`` for Dutch)."""
        return getattr(entry, f"{self.lang}_{field}")

    # -- provided by the language ------------------------------------------------------------------------
    def noun_phrase(self, np: NP, case: str, neg: bool) -> List[str]:
        """A noun phrase headed by a :class:`Noun`, without its relative clause."""
        raise NotImplementedError

    def relpron(self, head: NP, case: str) -> str:
        raise NotImplementedError

    def existential(self, cl: Clause) -> List[str]:
        raise NotImplementedError

    def pp(self, prep: str, np: NP, case: str) -> List[str]:
        """A prepositional phrase; German overrides it for contractions (im, zum)."""
        return [prep] + self.np(np, case)

    def place_case(self, role: str, prep: str) -> str:
        return "N"

    def object_case(self, v: Verb) -> str:
        return "A"

    def verb_adv(self, v: Verb) -> List[str]:
        """A verb's fixed adverbial in the middle field (German "zu Fuß gehen")."""
        return []

    # -- phrases -----------------------------------------------------------------------------------------
    def np(self, np: NP, case: str = "N", neg: bool = False) -> List[str]:
        """A noun phrase in ``case`` (N, A, D, G); ``neg`` turns an indefinite into kein / geen."""
        h = np.head
        if isinstance(h, Pronoun):
            if self.table.cased and case != "N":
                raise ValueError("pronouns are only rendered as subjects")
            return [getattr(h, self.lang)]
        if isinstance(h, Name):
            return [h.name + ("s" if self.table.cased and case == "G" else "")]
        if isinstance(h, Proper):
            return [getattr(h, self.lang)]
        toks = self.noun_phrase(np, case, neg)
        if np.rel is not None:
            toks += self.comma() + self.clause(np.rel, "rel", head=np) + [","]
        return toks

    def comma(self) -> List[str]:
        return [","] if self.table.opening_comma else []

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return pl.home(self.lang)
        prep = pl.preposition(self.lang)
        return self.pp(prep, pl.np, self.place_case(pl.role, prep))

    def pred(self, p: Pred) -> List[str]:
        if p.kind == "adj":
            return [getattr(p.adj, self.lang)]
        one, year, years, old = self.table.age
        if p.count == 1:
            return [one, year, old]
        return [number_word(p.count, self.lang), years, old]

    def obj(self, cl: Clause, neg: bool) -> List[str]:
        prep = self.word(cl.verb, "prep")
        if prep:
            return self.pp(prep, cl.obj, "A")
        return self.np(cl.obj, self.object_case(cl.verb), neg=neg)

    # -- verbs -------------------------------------------------------------------------------------------
    def present(self, v: Verb, agr: str) -> str:
        if agr == "1sg":
            return self.word(v, "1sg")
        if agr == "3sg":
            return self.word(v, "3sg")
        return getattr(v, f"{self.lang}_pl")()

    def verb_group(self, cl: Clause, sub: bool) -> Tuple[List[str], List[str]]:
        """(finite verb, the rest of the verb cluster); separable particles join the verb in ``sub``."""
        agr = agreement(cl.subj)
        idx = {"1sg": 0, "3sg": 1}.get(agr, 2)
        v = cl.verb or self.lex.aux["be"]
        if cl.modal:
            key = "must_not" if (cl.modal == "must" and cl.neg) else cl.modal
            return [MODALS[key][self.lang][1 if cl.tense == "past" else 0][idx]], self.word(v, "inf").split()
        if cl.tense == "perf" or (cl.tense == "past" and cl.verb is not None):
            aux = self.lex.aux["be" if self.word(v, "aux") == self.table.be_aux else "have"]
            return [self.present(aux, agr)], self.word(v, "pp").split()
        if cl.tense == "past":
            return [COPULA_PAST[self.lang][idx]], []
        fin = self.present(v, agr)
        sep = self.word(v, "sep")
        if sep:
            if sub:
                return (sep + fin).split(), []
            return [fin], [sep.strip()]
        return [fin], []

    def sub_cluster(self, cl: Clause, fin: List[str], right: List[str]) -> List[str]:
        """Verb cluster of a subordinate clause: gekauft hat, einschaltet; kaufen will / wil kopen."""
        if cl.modal and self.table.modal_first:
            return fin + right
        return right + fin

    # -- clauses -----------------------------------------------------------------------------------------
    def middle(self, cl: Clause) -> List[str]:
        """Middle field: time, frequency, objects, negation, prepositional object, adverb, place, predicate."""
        toks: List[str] = []
        if cl.time is not None and not cl.front_time and cl.gap != "time":
            toks += cl.time.render(self.lang).split()
        if cl.freq is not None:
            toks.append(getattr(cl.freq, self.lang))
        v = cl.verb
        has_obj = cl.obj is not None and cl.gap != "obj"
        prep_obj = has_obj and v is not None and bool(self.word(v, "prep"))
        neg_det = cl.neg and has_obj and not prep_obj and cl.obj.det in ("indef", "bare")
        neg_first = cl.neg and has_obj and not prep_obj and cl.obj.det == "num"  # nicht drei Autos
        if cl.iobj is not None:
            toks += self.np(cl.iobj, "D")
        if neg_first:
            toks.append(self.table.neg)
        if has_obj and not prep_obj:
            toks += self.obj(cl, neg_det)
        if cl.neg and not neg_det and not neg_first:
            toks.append(self.table.neg)
        if prep_obj:
            toks += self.obj(cl, False)
        if v is not None:
            toks += self.verb_adv(v)
        if cl.place is not None:
            if cl.gap == "dir":
                toks += self.table.dir_gap
            elif cl.gap != "loc":
                toks += self.place(cl.place)
        if cl.pred is not None and cl.gap != "age":
            toks += self.pred(cl.pred)
        return toks

    def clause(self, cl: Clause, mode: str, head: Optional[NP] = None,
               prefield: Optional[List[str]] = None) -> List[str]:
        if cl.exist:
            return self.existential(cl)
        sub = mode in ("sub", "rel")
        fin, right = self.verb_group(cl, sub)
        subj = [] if cl.gap == "subj" else self.np(cl.subj, "N")
        mid = self.middle(cl)
        if sub:
            lead: List[str] = []
            if mode == "rel":
                lead = [self.relpron(head, "N" if cl.gap == "subj" else self.object_case(cl.verb))]
            return lead + subj + mid + self.sub_cluster(cl, fin, right)
        if prefield is not None:
            pre = prefield
        elif mode == "whq":
            pre = list(self.table.wh[cl.gap])
        elif cl.time is not None and cl.front_time:
            pre = cl.time.render(self.lang).split()
        elif mode == "ynq":
            pre = []
        else:
            pre, subj = subj, []
        return pre + fin + subj + mid + right

    def utterance(self, u: Utterance) -> str:
        final = "?" if u.mode in ("ynq", "whq") else "."
        if u.sub is None:
            return join_tokens(self.clause(u.main, u.mode), self.lang, final)
        sub = [CONJUNCTIONS[u.conj][self.lang]] + self.clause(u.sub, "sub")
        if u.sub_first:
            return join_tokens(self.clause(u.main, u.mode, prefield=sub + [","]), self.lang, final)
        return join_tokens(self.clause(u.main, u.mode) + self.comma() + sub, self.lang, final)
