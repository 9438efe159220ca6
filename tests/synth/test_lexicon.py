"""The lexicon tables: shipped as package data files (mmpt/synth/lexicon_data), parsed into entries of the
expected shape, malformed lines reported by table and line."""
from __future__ import annotations

from importlib import resources

import pytest

from mmpt.synth.lexicon import (
    LANGS,
    LEXICON,
    MODALS,
    MODALS_TABLE,
    NUMBERS_TABLE,
    PREP_CLASSES,
    PREPOSITIONS_TABLE,
    TABLES,
    Adjective,
    LexiconError,
    Noun,
    Verb,
    load_lexicon,
    table_text,
)


def data_rows(name: str) -> list[str]:
    """The non-comment lines of table ``name`` as shipped."""
    return [line for line in table_text(name).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_every_table_is_a_package_data_file():
    folder = resources.files("mmpt.synth") / "lexicon_data"
    shipped = sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))
    assert shipped == sorted(f"{name}.txt" for name in (*TABLES, NUMBERS_TABLE, PREPOSITIONS_TABLE, MODALS_TABLE))
    for name in (*TABLES, NUMBERS_TABLE, PREPOSITIONS_TABLE, MODALS_TABLE):
        assert data_rows(name), name
    with pytest.raises(KeyError, match="no lexicon table"):
        table_text("adverbs")


def test_tables_parse_to_the_expected_number_of_entries():
    L = LEXICON
    sizes = {"nouns": len(L.nouns), "adjectives": len(L.adjectives), "verbs": len(L.verbs),
             "auxiliaries": len(L.aux), "proper": len(L.proper), "times": len(L.times), "frequency": len(L.freq)}
    assert sizes == {name: len(data_rows(name)) for name in sizes}  # one entry per row, none dropped
    assert sizes == {"nouns": 251, "adjectives": 62, "verbs": 82, "auxiliaries": 2, "proper": 44, "times": 38,
                     "frequency": 4}
    assert len(L.names) == sum(len(row.split("|")) for row in data_rows("names")) == 35
    assert set(L.aux) == {"be", "have"} and len(L.pronouns) == 5
    numbers = [row.split("|") for row in data_rows(NUMBERS_TABLE)]
    assert [row[0].strip() for row in numbers] == list(LANGS)
    assert all(len(row[2].split()) == 20 and len(row[3].split()) == 8 for row in numbers)  # 0..19; 20, 30, .., 90
    assert len(PREP_CLASSES) == len(data_rows(PREPOSITIONS_TABLE)) == 12
    assert all(list(by_lang) == list(LANGS) and all(len(pair) == 2 and all(pair) for pair in by_lang.values())
               for by_lang in PREP_CLASSES.values())
    assert {n.prep for n in L.nouns.values() if n.prep} <= set(PREP_CLASSES)
    assert list(MODALS) == ["can", "must", "must_not", "want"]
    for by_lang in MODALS.values():
        assert list(by_lang) == ["de", "it", "nl"]
        assert all(len(present) == len(past) == (4 if lang == "it" else 3) for lang, (present, past) in by_lang.items())


def test_entries_have_the_expected_shape():
    L = LEXICON
    for key, n in L.nouns.items():
        assert isinstance(n, Noun) and key == n.en.replace(" ", "_")
        assert n.de_g in "mfn" and n.it_g in "mf" and all((n.en, n.de, n.it, n.nl))
        plurals = (n.en_pl, n.de_pl, n.it_pl, n.nl_pl)
        assert all(p is None for p in plurals) if n.mass else all(plurals), key
    for key, a in L.adjectives.items():
        assert isinstance(a, Adjective) and key == a.en.lower() and len(a.it_forms) == 4 and all(a.it_forms)
        assert a.group in ("colour", "nation", "size", "age", "quality") and a.nl and a.nl_infl
    for key, v in {**L.verbs, **L.aux}.items():
        assert isinstance(v, Verb) and v.key == key and len(v.en) == 4 and len(v.it_forms) == 4
        assert v.de_aux in "hs" and v.it_aux in "ae" and v.nl_aux in "hz" and v.de_case in "AD"
        assert v.de_inf.startswith(v.de_sep) and v.nl_inf.startswith(v.nl_sep)
    assert {p.kind for p in L.proper.values()} == {"city", "country"}
    assert {n.gender for n in L.names} == {"m", "f"}
    for t in L.times:
        assert t.tenses and t.tenses <= {"pres", "past", "fut"} and all(getattr(t, lang) for lang in LANGS)
    assert all(all(getattr(f, lang) for lang in LANGS) for f in L.freq.values())


def test_reloading_gives_the_same_lexicon():
    assert repr(load_lexicon()) == repr(LEXICON)


def test_malformed_lexicon_line_is_reported():
    with pytest.raises(LexiconError, match="noun table line 1"):
        load_lexicon({"nouns": "car, cars | n Auto, Autos | f macchina, macchine | de auto, auto's\n"})
    with pytest.raises(LexiconError, match="bad gender"):
        load_lexicon({"nouns": "car, cars | x Auto, Autos | f macchina, macchine | de auto, auto's | t\n"})
    with pytest.raises(LexiconError, match="verb table line 3"):
        load_lexicon({"verbs": "# a comment\n\nsee | see, sees, saw, seen\n"})
    with pytest.raises(KeyError, match="no lexicon table"):
        load_lexicon({"adverbs": "always | immer | sempre | altijd\n"})
