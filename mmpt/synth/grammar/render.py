"""Entry points that realise a sentence description in one language (en, de, it, nl)."""
from __future__ import annotations

from typing import Union

from mmpt.synth.grammar.description import NP, Clause, Utterance
from mmpt.synth.grammar.dutch import Dutch
from mmpt.synth.grammar.english import English
from mmpt.synth.grammar.german import German
from mmpt.synth.grammar.italian import Italian
from mmpt.synth.grammar.join import join_tokens
from mmpt.synth.lexicon import LANGS, LEXICON

RENDERERS = {"en": English(LEXICON), "de": German(LEXICON), "it": Italian(LEXICON), "nl": Dutch(LEXICON)}


def render(u: Union[Utterance, Clause], lang: str) -> str:
    """Realise an utterance (or a bare main clause, as a statement) in ``lang`` (en, de, it, nl)."""
    if isinstance(u, Clause):
        u = Utterance(u)
    if lang not in RENDERERS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return RENDERERS[lang].utterance(u)


def render_np(np: NP, lang: str, case: str = "N") -> str:
    """A noun phrase on its own (German in ``case``: N, A, D, G), without capitalisation or punctuation."""
    r = RENDERERS[lang]
    toks = r.np(np, case) if lang == "de" else r.np(np)
    return join_tokens(toks, lang, "", capitalize=False)
