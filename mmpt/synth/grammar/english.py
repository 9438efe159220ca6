"""English renderer: do-support in questions and negation, simple past, "will" futures, Saxon genitive."""
from __future__ import annotations

from typing import List, Tuple

from mmpt.synth.grammar.description import NP, Clause, Place, Pred, Utterance, agreement, grammatical_number
from mmpt.synth.grammar.join import join_tokens
from mmpt.synth.lexicon import CONJUNCTIONS, Lexicon, Name, Pronoun, Proper, number_word

_EN_AN_EXCEPTIONS = ("uni", "use", "euro", "one")


def _en_article(next_word: str) -> str:
    w = next_word.lower()
    if w.startswith(_EN_AN_EXCEPTIONS):
        return "a"
    if w.startswith("hour") or w[:1] in "aeiou":
        return "an"
    return "a"


class English:
    """Realises sentence descriptions in English."""

    lang = "en"

    def __init__(self, lex: Lexicon):
        self.lex = lex

    def np(self, np: NP) -> List[str]:
        h = np.head
        if isinstance(h, Pronoun):
            return [h.en]
        if isinstance(h, Name):
            return [h.name]
        if isinstance(h, Proper):
            return h.en.split()
        words = [a.en for a in np.adjs] + (h.en if np.number == "sg" else h.en_pl).split()
        if np.det == "def":
            toks = ["the"] + words
        elif np.det == "indef":
            toks = [_en_article(words[0])] + words
        elif np.det == "num":
            toks = number_word(np.count, "en").split() + words
        elif np.det == "poss":
            toks = [np.poss.en_poss] + words
        elif np.det == "gen":
            owner = self.np(np.gen)
            owner[-1] += "'s"
            toks = owner + words
        else:
            toks = words
        if np.rel is not None:
            toks += [self.relpron(np)] + self.clause(np.rel, "rel")
        return toks

    @staticmethod
    def relpron(np: NP) -> str:
        n = np.noun
        return "who" if n is not None and "person" in n.tags else "that"

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return pl.home("en")
        return [pl.preposition("en")] + self.np(pl.np)

    def pred(self, p: Pred) -> List[str]:
        if p.kind == "adj":
            return [p.adj.en]
        return number_word(p.count, "en").split() + ["year" if p.count == 1 else "years", "old"]

    def verb_group(self, cl: Clause, question: bool) -> Tuple[List[str], List[str]]:
        """(operator, rest): the operator moves before the subject in questions."""
        agr = agreement(cl.subj)
        s3 = agr == "3sg"
        sg = agr.endswith("sg")
        neg = ["not"] if cl.neg else []
        freq = [cl.freq.en] if cl.freq else []
        v = cl.verb
        if v is None:
            be_pres = "am" if agr == "1sg" else ("is" if s3 else "are")
            if cl.modal:
                op = {"can": "cannot" if cl.neg else "can", "must": "must"}[cl.modal]
                return [op], (neg if cl.modal == "must" else []) + freq + ["be"]
            if cl.tense == "perf":
                return ["has" if s3 else "have"], neg + freq + ["been"]
            if cl.tense == "fut":
                return ["will"], neg + freq + ["be"]
            if cl.tense == "past":
                return ["was" if sg else "were"], neg + freq
            return [be_pres], neg + freq
        base, third, past, pp = (f.split() for f in v.en)
        do = "does" if s3 else "do"
        if cl.modal == "can":
            if cl.tense == "past":
                return ["could"], neg + freq + base
            return ["cannot" if cl.neg else "can"], freq + base
        if cl.modal == "must":
            if cl.tense == "past":
                return ["had"], ["to"] + base
            return ["must"], neg + freq + base
        if cl.modal == "want":
            if cl.neg or question:
                return ["did" if cl.tense == "past" else do], neg + ["want", "to"] + base
            if cl.tense == "past":
                return [], freq + ["wanted", "to"] + base
            return [], freq + ["wants" if s3 else "want", "to"] + base
        if cl.tense == "perf":
            return ["has" if s3 else "have"], neg + freq + pp
        if cl.tense == "fut":
            return ["will"], neg + freq + base
        if cl.tense == "past":
            if cl.neg or question:
                return ["did"], neg + base
            return [], freq + past
        if cl.neg or question:
            return [do], neg + base
        return [], freq + (third if s3 else base)

    def complements(self, cl: Clause) -> List[str]:
        toks: List[str] = []
        if cl.iobj is not None:
            toks += self.np(cl.iobj)
        if cl.obj is not None and cl.gap != "obj":
            toks += self.np(cl.obj)
        if cl.place is not None and cl.gap not in ("loc", "dir"):
            toks += self.place(cl.place)
        if cl.pred is not None and cl.gap != "age":
            toks += self.pred(cl.pred)
        if cl.time is not None and not cl.front_time and cl.gap != "time":
            toks += cl.time.render("en").split()
        return toks

    _WH = {"obj": ["what"], "loc": ["where"], "dir": ["where"], "time": ["when"], "age": ["how", "old"]}

    def clause(self, cl: Clause, mode: str) -> List[str]:
        if cl.exist:
            be = "is" if grammatical_number(cl.obj) == "sg" else "are"
            return ["there", be] + self.np(cl.obj) + self.place(cl.place)
        question = mode in ("ynq", "whq")
        op, rest = self.verb_group(cl, question)
        subj = [] if cl.gap == "subj" else self.np(cl.subj)
        front = cl.time.render("en").split() if (cl.time and cl.front_time) else []
        comp = self.complements(cl)
        if mode == "ynq":
            return op + subj + rest + comp
        if mode == "whq":
            return self._WH[cl.gap] + op + subj + rest + comp
        return front + subj + op + rest + comp

    def utterance(self, u: Utterance) -> str:
        main = self.clause(u.main, u.mode)
        if u.sub is None:
            toks = main
        else:
            sub = [CONJUNCTIONS[u.conj]["en"]] + self.clause(u.sub, "sub")
            toks = sub + [","] + main if u.sub_first else main + sub
        return join_tokens(toks, "en", "?" if u.mode in ("ynq", "whq") else ".")
