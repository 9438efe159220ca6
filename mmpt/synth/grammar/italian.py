"""Italian renderer: pro-drop subjects, post-nominal adjectives, articles by the next word's sound,
preposition + article contractions, passato prossimo with essere agreement, "non ... mai"."""
from __future__ import annotations

from typing import List, Tuple

from mmpt.synth.grammar.description import NP, Clause, Place, Pred, Utterance, agreement, grammatical_number
from mmpt.synth.grammar.join import join_tokens
from mmpt.synth.lexicon import (
    CONJUNCTIONS,
    COPULA_PAST,
    MODALS,
    Adjective,
    Lexicon,
    Name,
    Noun,
    Pronoun,
    Proper,
    number_word,
)

_IT_ARTICLES = {"il", "lo", "l'", "la", "i", "gli", "le"}
_IT_PREP_BASE = {"in": "ne", "a": "a", "di": "de", "da": "da", "su": "su"}
_IT_ART_SUFFIX = {"il": "l", "lo": "llo", "l'": "ll'", "la": "lla", "i": "i", "gli": "gli", "le": "lle"}
_VOWELS = "aeiouàèéìòùAEIOU"


def _it_vowel(word: str) -> bool:
    w = word.lower()
    return w[:1] in _VOWELS or (w[:1] == "h" and w[1:2] in _VOWELS)


def _it_impure(word: str) -> bool:
    """Words that take lo / gli / uno: s + consonant, z, gn, ps, pn, x, y."""
    w = word.lower()
    return ((w[:1] == "s" and w[1:2] not in _VOWELS and w[1:2] != "") or w[:1] in "zxy"
            or w.startswith(("gn", "ps", "pn")))


def it_definite_article(gender: str, number: str, next_word: str) -> str:
    if gender == "m":
        if number == "sg":
            return "l'" if _it_vowel(next_word) else ("lo" if _it_impure(next_word) else "il")
        return "gli" if (_it_vowel(next_word) or _it_impure(next_word)) else "i"
    if number == "sg":
        return "l'" if _it_vowel(next_word) else "la"
    return "le"


def it_indefinite_article(gender: str, next_word: str) -> str:
    if gender == "m":
        return "uno" if _it_impure(next_word) else "un"
    return "un'" if _it_vowel(next_word) else "una"


def it_contract(prep: str, article: str) -> str:
    """in + il = nel, a + la = alla, di + l' = dell', su + gli = sugli ..."""
    return _IT_PREP_BASE[prep] + _IT_ART_SUFFIX[article]


_IT_IDX = {("m", "sg"): 0, ("f", "sg"): 1, ("m", "pl"): 2, ("f", "pl"): 3}


def _it_gender(np: NP) -> str:
    h = np.head
    if isinstance(h, Noun):
        return h.it_g
    if isinstance(h, Name):
        return h.gender
    if isinstance(h, Pronoun):
        return h.it_g
    return "m"


class Italian:
    """Realises sentence descriptions in Italian."""

    lang = "it"
    WH = {"obj": ["che", "cosa"], "loc": ["dove"], "dir": ["dove"], "time": ["quando"], "age": ["quanti", "anni"]}

    def __init__(self, lex: Lexicon):
        self.lex = lex

    @staticmethod
    def pre_adj(a: Adjective, g: str, n: str, next_word: str) -> str:
        """Pre-nominal form; bello and buono change like the article (bel libro, bell'albero, begli alberi)."""
        if a.key == "beautiful":
            art = it_definite_article(g, n, next_word)
            return {"il": "bel", "lo": "bello", "l'": "bell'", "la": "bella", "i": "bei", "gli": "begli",
                    "le": "belle"}[art] if not (g == "f" and n == "sg" and art == "la") else "bella"
        if a.key == "good" and n == "sg":
            if g == "m":
                return "buono" if _it_impure(next_word) else "buon"
            return "buon'" if _it_vowel(next_word) else "buona"
        return a.it_forms[_IT_IDX[(g, n)]]

    def np(self, np: NP, partitive: bool = False) -> List[str]:
        h = np.head
        if isinstance(h, Pronoun):
            return []  # pro-drop
        if isinstance(h, Name):
            return [h.name]
        if isinstance(h, Proper):
            if h.kind == "country":  # la Germania, il Canada (but "in Germania": see place())
                return [it_definite_article(h.it_g, "sg", h.it)] + h.it.split()
            return h.it.split()
        g, n = h.it_g, np.number
        idx = _IT_IDX[(g, n)]
        noun = (h.it if n == "sg" else h.it_pl).split()
        post = [a.it_forms[idx] for a in np.adjs if not a.it_pre]
        words = noun + post
        for a in reversed([a for a in np.adjs if a.it_pre]):
            words = [self.pre_adj(a, g, n, words[0])] + words
        one = np.det == "indef" or (np.det == "num" and np.count == 1)
        if np.det == "def" or np.det == "gen":
            toks = [it_definite_article(g, n, words[0])] + words
            if np.det == "gen":
                toks += self.pp("di", np.gen)
        elif one:
            toks = [it_indefinite_article(g, words[0])] + words
        elif np.det == "num":
            toks = [number_word(np.count, "it")] + words
        elif np.det == "poss":
            p = np.poss
            form = p.it_poss[idx]
            if "fam" in h.tags and n == "sg" and not np.adjs and p.key != "they":
                toks = [form] + words  # mia madre
            else:
                toks = [it_definite_article(g, n, form), form] + words
        elif partitive:
            toks = [it_contract("di", it_definite_article(g, n, words[0]))] + words  # del pane, delle mele
        else:
            toks = words
        if np.rel is not None:
            toks += ["che"] + self.clause(np.rel, "rel")
        return toks

    def pp(self, prep: str, np: NP) -> List[str]:
        toks = self.np(np)
        if isinstance(np.head, Noun) and toks and toks[0] in _IT_ARTICLES:
            return [it_contract(prep, toks[0])] + toks[1:]
        if prep == "a" and toks and toks[0][:1] in "aA":
            return ["ad"] + toks  # ad Amsterdam, ad Anna
        return [prep] + toks

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return pl.home("it")
        prep = pl.preposition("it")
        h = pl.np.head
        if isinstance(h, Proper):
            return ["ad" if (prep == "a" and h.it[:1] in "aA") else prep] + h.it.split()
        return self.pp(prep, pl.np)

    def obj(self, cl: Clause) -> List[str]:
        v, o = cl.verb, cl.obj
        if v.it_prep:
            return self.pp(v.it_prep, o)
        partitive = not cl.neg and o.det == "bare"
        return self.np(o, partitive=partitive)

    @staticmethod
    def participle(pp: str, g: str, n: str) -> str:
        return pp[:-1] + "oaie"[_IT_IDX[(g, n)]]

    def verb_group(self, cl: Clause) -> Tuple[List[str], List[str]]:
        """(finite, non-finite incl. fixed adverb). Age clauses use avere: ha ventuno anni."""
        agr = agreement(cl.subj)
        idx = {"1sg": 0, "3sg": 1, "1pl": 2, "3pl": 3}[agr]
        g, n = _it_gender(cl.subj), grammatical_number(cl.subj)
        copula = cl.verb is None
        v = cl.verb or self.lex.aux["have" if (cl.pred is not None and cl.pred.kind == "age") else "be"]
        adv = v.it_adv.split()
        if cl.modal:
            return [MODALS[cl.modal]["it"][1 if cl.tense == "past" else 0][idx]], [v.it_inf] + adv
        if cl.tense == "past" and copula:
            return [COPULA_PAST["it"][idx]], []
        if cl.tense in ("perf", "past"):
            aux = self.lex.aux["be" if v.it_aux == "e" else "have"]
            pp = self.participle(v.it_pp, g, n) if v.it_aux == "e" else v.it_pp
            return [aux.it_forms[idx]], [pp] + adv
        return [v.it_forms[idx]], adv

    def pred(self, p: Pred, cl: Clause) -> List[str]:
        if p.kind == "adj":
            return [p.adj.it_forms[_IT_IDX[(_it_gender(cl.subj), grammatical_number(cl.subj))]]]
        return ["un", "anno"] if p.count == 1 else [number_word(p.count, "it"), "anni"]

    def clause(self, cl: Clause, mode: str) -> List[str]:
        if cl.exist:
            there = ["c'è"] if grammatical_number(cl.obj) == "sg" else ["ci", "sono"]
            return self.place(cl.place) + there + self.np(cl.obj)
        fin, nonfin = self.verb_group(cl)
        never = cl.freq is not None and cl.freq.key == "never"
        neg = ["non"] if (cl.neg or never) else []
        freq = [cl.freq.it] if cl.freq else []
        subj = [] if cl.gap == "subj" else self.np(cl.subj)
        comp: List[str] = []
        if cl.obj is not None and cl.gap != "obj":
            comp += self.obj(cl)
        if cl.iobj is not None:
            comp += self.pp("a", cl.iobj)
        if cl.place is not None and cl.gap not in ("loc", "dir"):
            comp += self.place(cl.place)
        if cl.pred is not None and cl.gap != "age":
            comp += self.pred(cl.pred, cl)
        time = cl.time.render("it").split() if (cl.time and cl.gap != "time") else []
        vg = neg + fin + freq + nonfin
        if mode == "whq":
            return list(self.WH[cl.gap]) + vg + comp + subj + time
        if cl.front_time:
            return time + subj + vg + comp
        return subj + vg + comp + time

    def utterance(self, u: Utterance) -> str:
        final = "?" if u.mode in ("ynq", "whq") else "."
        main = self.clause(u.main, u.mode)
        if u.sub is None:
            return join_tokens(main, "it", final)
        sub = [CONJUNCTIONS[u.conj]["it"]] + self.clause(u.sub, "sub")
        return join_tokens(sub + [","] + main if u.sub_first else main + sub, "it", final)
