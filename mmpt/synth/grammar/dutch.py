"""Dutch renderer: de/het articles, adjective -e rules (een groot huis / het grote huis), "van" genitives,
"er is / er zijn"; the clause layout is :class:`Germanic`'s."""
from __future__ import annotations

from typing import List

from mmpt.synth.grammar.description import NP, Clause, grammatical_number
from mmpt.synth.grammar.germanic import Germanic, GermanicTable
from mmpt.synth.lexicon import number_word

DUTCH = GermanicTable(
    lang="nl", neg="niet",
    wh={"obj": ("wat",), "loc": ("waar",), "dir": ("waar",), "time": ("wanneer",), "age": ("hoe", "oud")},
    dir_gap=("naartoe",), be_aux="z", age=(number_word(1, "nl"), "jaar", "jaar", "oud"),
    cased=False, opening_comma=False, modal_first=True,
)


class Dutch(Germanic):
    """Realises sentence descriptions in Dutch."""

    table = DUTCH

    def noun_phrase(self, np: NP, case: str, neg: bool) -> List[str]:
        h = np.head
        sg = np.number == "sg"
        het_sg = sg and h.nl_het
        one = np.det == "indef" or (np.det == "num" and np.count == 1)
        tail: List[str] = []
        if np.det in ("def", "gen"):
            det = ["het" if het_sg else "de"]
            if np.det == "gen":
                tail = ["van"] + self.np(np.gen)
        elif np.det == "indef" or (np.det == "bare" and neg):
            det = ["geen" if neg else "een"]
        elif np.det == "num":
            det = [number_word(np.count, "nl")]
        elif np.det == "poss":
            p = np.poss.nl_poss
            det = ["onze" if (p == "ons" and not het_sg) else p]
        else:
            det = []
        # een groot huis / vers brood keep the bare adjective; everything else takes -e
        bare_adj = het_sg and (one or np.det == "bare")
        adjs = [a.nl if bare_adj else a.nl_infl for a in np.adjs]
        return det + adjs + (h.nl if sg else h.nl_pl).split() + tail

    def relpron(self, head: NP, case: str) -> str:
        return "dat" if (head.number == "sg" and head.noun.nl_het) else "die"

    def existential(self, cl: Clause) -> List[str]:
        be = "is" if grammatical_number(cl.obj) == "sg" else "zijn"
        return ["er", be] + self.np(cl.obj) + self.place(cl.place)
