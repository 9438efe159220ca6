"""German renderer: case (nominative, accusative, dative, genitive) with strong / weak / mixed adjective
endings, contractions (im, ins, zum, am) and "es gibt"; the clause layout is :class:`Germanic`'s."""
from __future__ import annotations

from typing import List

from mmpt.synth.grammar.description import NP, Clause
from mmpt.synth.grammar.germanic import Germanic, GermanicTable
from mmpt.synth.lexicon import Adjective, Name, Noun, Verb, number_word

_DE_DEF = {
    "N": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "A": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "D": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
    "G": {"m": "des", "f": "der", "n": "des", "pl": "der"},
}
_DE_REL_D = {"m": "dem", "f": "der", "n": "dem", "pl": "denen"}
_DE_EIN = {  # endings of ein / kein / mein / unser ...
    "N": {"m": "", "f": "e", "n": "", "pl": "e"},
    "A": {"m": "en", "f": "e", "n": "", "pl": "e"},
    "D": {"m": "em", "f": "er", "n": "em", "pl": "en"},
    "G": {"m": "es", "f": "er", "n": "es", "pl": "er"},
}
_DE_STRONG = {
    "N": {"m": "er", "f": "e", "n": "es", "pl": "e"},
    "A": {"m": "en", "f": "e", "n": "es", "pl": "e"},
    "D": {"m": "em", "f": "er", "n": "em", "pl": "en"},
    "G": {"m": "en", "f": "er", "n": "en", "pl": "er"},
}
_DE_CONTRACT = {("in", "dem"): "im", ("in", "das"): "ins", ("an", "dem"): "am", ("an", "das"): "ans",
                ("zu", "dem"): "zum", ("zu", "der"): "zur", ("von", "dem"): "vom", ("bei", "dem"): "beim"}


def de_adj_ending(decl: str, case: str, g: str) -> str:
    """German adjective ending. ``decl``: weak (after der-words), mixed (after ein-words), strong (none)."""
    if decl == "strong":
        return _DE_STRONG[case][g]
    if g == "pl":
        return "en"
    if decl == "weak":
        return "e" if case == "N" or (case == "A" and g != "m") else "en"
    # mixed: the ein-word has no ending in nom m / nom-acc n, so the adjective shows gender there
    if case == "N":
        return {"m": "er", "f": "e", "n": "es"}[g]
    if case == "A":
        return {"m": "en", "f": "e", "n": "es"}[g]
    return "en"


def noun_form(noun: Noun, number: str, case: str) -> str:
    """The noun in ``number`` and ``case``: dative plural -n, n-declension, genitive -s / -es."""
    if number == "pl":
        pl = noun.de_pl
        if case == "D" and not pl.endswith(("n", "s")) and pl[-1] not in "aiouy":
            return pl + "n"  # dative plural: den Kindern, den Äpfeln
        return pl
    if case != "N" and noun.de_weak:
        return noun.de_weak  # den Jungen, dem Studenten
    if case == "G" and noun.de_g in "mn":
        return noun.de_gen or noun.de + ("es" if noun.de.endswith(("s", "ß", "x", "z")) else "s")
    return noun.de


def adj_form(a: Adjective, decl: str, case: str, g: str) -> str:
    """An attributive adjective with its ending (invariable ones, rosa / lila, stay as they are)."""
    if a.de_stem is None:
        return a.de
    end = de_adj_ending(decl, case, g)
    if a.de_stem.endswith("e") and end.startswith("e"):
        end = end[1:]
    return a.de_stem + end


GERMAN = GermanicTable(
    lang="de", neg="nicht",
    wh={"obj": ("was",), "loc": ("wo",), "dir": ("wohin",), "time": ("wann",), "age": ("wie", "alt")},
    dir_gap=(), be_aux="s", age=("ein", "Jahr", "Jahre", "alt"),
    cased=True, opening_comma=True, modal_first=False,
)


class German(Germanic):
    """Realises sentence descriptions in German."""

    table = GERMAN

    def noun_phrase(self, np: NP, case: str, neg: bool) -> List[str]:
        h = np.head
        g = "pl" if np.number == "pl" else h.de_g
        det: List[str] = []
        tail: List[str] = []
        one = np.det == "indef" or (np.det == "num" and np.count == 1)
        if np.det == "def":
            det, decl = [_DE_DEF[case][g]], "weak"
        elif one or (np.det == "bare" and neg):
            det, decl = [("kein" if neg else "ein") + _DE_EIN[case][g]], "mixed"
        elif np.det == "num":
            det, decl = [number_word(np.count, "de")], "strong"
        elif np.det == "poss":
            det, decl = [np.poss.de_poss + _DE_EIN[case][g]], "mixed"
        elif np.det == "gen" and isinstance(np.gen.head, Name):
            det, decl = self.np(np.gen, "G"), "strong"  # Annas rotes Auto
        elif np.det == "gen":
            det, decl = [_DE_DEF[case][g]], "weak"
            tail = self.np(np.gen, "G")  # das Auto des Lehrers
        else:
            decl = "strong"
        return det + [adj_form(a, decl, case, g) for a in np.adjs] + [noun_form(h, np.number, case)] + tail

    def pp(self, prep: str, np: NP, case: str) -> List[str]:
        toks = self.np(np, case)
        key = (prep, toks[0])
        if np.det in ("def", "gen") and isinstance(np.head, Noun) and key in _DE_CONTRACT:
            if np.det == "def" or not isinstance(np.gen.head, Name):
                return [_DE_CONTRACT[key]] + toks[1:]
        return [prep] + toks

    def place_case(self, role: str, prep: str) -> str:
        return "D" if (role == "loc" or prep == "zu") else "A"

    def object_case(self, v: Verb) -> str:
        return v.de_case

    def verb_adv(self, v: Verb) -> List[str]:
        return v.de_adv.split()

    def relpron(self, head: NP, case: str) -> str:
        g = "pl" if head.number == "pl" else head.noun.de_g
        return _DE_REL_D[g] if case == "D" else _DE_DEF[case][g]

    def existential(self, cl: Clause) -> List[str]:
        return self.place(cl.place) + ["gibt", "es"] + self.np(cl.obj, "A")
