"""Tests of the embedded corpus' text grammar (mmpt.synth.grammar, mmpt.synth.lexicon)."""
from __future__ import annotations

import random
import re

import pytest

from mmpt.synth import lexicon as lexmod
from mmpt.synth.grammar import (
    MAX_WORDS,
    MIN_WORDS,
    NP,
    TEMPLATES,
    Clause,
    Place,
    Pred,
    Sentence,
    SentenceGenerator,
    Time,
    Utterance,
    aligned_positions,
    en_vocabulary,
    generate_splits,
    normalize_en,
    order_differs,
    render,
    render_np,
    reordering_share,
)
from mmpt.synth.lexicon import LEXICON, number_word

L = LEXICON
P = L.pronouns
LANGS = ("en", "de", "it", "nl")


def the(key, *adjs, number="sg"):
    return NP(L.noun(key), number, "def", adjs=tuple(L.adj(a) for a in adjs))


def a(key, *adjs):
    return NP(L.noun(key), "sg", "indef", adjs=tuple(L.adj(a) for a in adjs))


def num(key, count, *adjs):
    return NP(L.noun(key), "sg" if count == 1 else "pl", "num", count, adjs=tuple(L.adj(a) for a in adjs))


def poss(key, who, *adjs, number="sg"):
    return NP(L.noun(key), number, "poss", poss=P[who], adjs=tuple(L.adj(a) for a in adjs))


def bare(key, *adjs, number="sg"):
    return NP(L.noun(key), number, "bare", adjs=tuple(L.adj(a) for a in adjs))


def pron(who):
    return NP(P[who], P[who].number, "none")


def name(n):
    return NP(L.name(n), det="none")


def city(n):
    return NP(L.proper[n], det="none")


def all_langs(u):
    return tuple(render(u, lang) for lang in LANGS)


@pytest.fixture(scope="module")
def sample():
    """A large draw shared by the statistical tests (about one second)."""
    return SentenceGenerator(2024).generate(4000)


# ---------------------------------------------------------------------------------------------------------
# Determinism and API
# ---------------------------------------------------------------------------------------------------------
def test_same_seed_same_sentences_and_no_global_random():
    random.seed(1)
    first = SentenceGenerator(7).generate(300)
    random.seed(99)  # the global generator must not matter
    random.random()
    second = SentenceGenerator(7).generate(300)
    assert first == second


def test_different_seeds_differ():
    x = [s.en for s in SentenceGenerator(1).generate(50)]
    y = [s.en for s in SentenceGenerator(2).generate(50)]
    assert x != y
    assert len(set(x) & set(y)) < 10


def test_sample_and_sentence_fields():
    s = SentenceGenerator(3).sample()
    assert isinstance(s, Sentence)
    assert s.template in TEMPLATES
    for lang in LANGS:
        assert s.text(lang) == getattr(s, lang) and s.text(lang)
    assert s.words_en == tuple(s.en_norm.split())
    with pytest.raises(ValueError):
        s.text("fr")


def test_every_template_produces_sentences():
    for name_ in TEMPLATES:
        sents = SentenceGenerator(5, templates=[name_]).generate(25)
        assert all(s.template == name_ for s in sents)
        assert len({s.en for s in sents}) > 10, name_


def test_unknown_template_is_rejected():
    with pytest.raises(ValueError, match="unknown templates"):
        SentenceGenerator(0, templates=["sonnet"])


def test_generate_unique_and_splits_are_disjoint():
    g = SentenceGenerator(11)
    first = g.generate_unique(200)
    keys = [s.en_norm for s in first]
    assert len(set(keys)) == 200
    more = g.generate_unique(100, exclude=set(keys))
    assert not {s.en_norm for s in more} & set(keys)

    splits = generate_splits(4, {"train": 300, "dev": 50, "test": 50})
    assert [len(v) for v in splits.values()] == [300, 50, 50]
    sets = {k: {s.en_norm for s in v} for k, v in splits.items()}
    assert not sets["train"] & sets["dev"] and not sets["train"] & sets["test"] and not sets["dev"] & sets["test"]
    assert generate_splits(4, {"train": 300, "dev": 50, "test": 50}) == splits


def test_generate_unique_reports_exhaustion():
    g = SentenceGenerator(0, templates=["age"])
    with pytest.raises(RuntimeError, match="distinct sentences"):
        g.generate_unique(50, max_tries=20)


# ---------------------------------------------------------------------------------------------------------
# Sample-wide properties
# ---------------------------------------------------------------------------------------------------------
def test_lexicon_size_emitted(sample):
    emitted = {w for s in sample for w in s.words_en}
    assert len(emitted) >= 500, len(emitted)
    vocab = en_vocabulary()
    assert emitted <= vocab, sorted(emitted - vocab)[:20]
    assert len(vocab) >= 500


def test_lexicon_categories():
    assert len(L.nouns_with("person")) >= 50 and len(L.nouns_with("job")) >= 25 and len(L.nouns_with("fam")) >= 12
    assert len(L.nouns_with("place")) >= 40 and len(L.nouns_with("animal")) >= 20
    assert len([a_ for a_ in L.adjectives.values() if a_.group == "colour"]) >= 10
    assert len([p for p in L.proper.values() if p.kind == "city"]) >= 20
    assert len(L.names) >= 30 and len(L.times) >= 30 and len(L.verbs) >= 60


def test_sentence_lengths(sample):
    lengths = [len(s.words_en) for s in sample]
    assert min(lengths) >= MIN_WORDS and max(lengths) <= MAX_WORDS
    assert MIN_WORDS == 3 and MAX_WORDS == 15


def test_text_is_well_formed(sample):
    for s in sample:
        for lang in LANGS:
            t = s.text(lang)
            assert t[-1] in ".?" and t[-2] not in " ,", t
            assert "  " not in t and " ," not in t and "None" not in t and "{" not in t, t
            first = t[3] if t.startswith("'s ") else t[0]
            assert first.isupper(), t
        assert s.en[-1] == s.de[-1] == s.it[-1] == s.nl[-1]


def test_templates_cover_the_constructions(sample):
    used = {s.template for s in sample}
    assert used == set(TEMPLATES)
    assert len(TEMPLATES) >= 12


# ---------------------------------------------------------------------------------------------------------
# Noun phrases: gender, case, agreement
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("np_, expected", [
    (the("car", "red"), ("the red car", "das rote Auto", "la macchina rossa", "de rode auto")),
    (a("car", "red"), ("a red car", "ein rotes Auto", "una macchina rossa", "een rode auto")),
    (the("house", "big"), ("the big house", "das große Haus", "la grande casa", "het grote huis")),
    (a("house", "big"), ("a big house", "ein großes Haus", "una grande casa", "een groot huis")),
    (a("dog", "old"), ("an old dog", "ein alter Hund", "un vecchio cane", "een oude hond")),
    (the("bag", "black"), ("the black bag", "die schwarze Tasche", "la borsa nera", "de zwarte tas")),
    (num("car", 2, "red"), ("two red cars", "zwei rote Autos", "due macchine rosse", "twee rode auto's")),
    (num("cow", 21), ("twenty-one cows", "einundzwanzig Kühe", "ventuno mucche", "eenentwintig koeien")),
    (the("car", "big", "red"), ("the big red car", "das große rote Auto", "la grande macchina rossa",
                                "de grote rode auto")),
    (the("teacher", "Italian"), ("the Italian teacher", "der italienische Lehrer", "l'insegnante italiano",
                                 "de Italiaanse leraar")),
    (bare("bread", "fresh"), ("fresh bread", "frisches Brot", "pane fresco", "vers brood")),
    (bare("milk", "cold"), ("cold milk", "kalte Milch", "latte freddo", "koude melk")),
    (a("car", "pink"), ("a pink car", "ein rosa Auto", "una macchina rosa", "een roze auto")),
])
def test_noun_phrase_agreement(np_, expected):
    assert tuple(render_np(np_, lang) for lang in LANGS) == expected


def test_german_cases_and_declension():
    assert render_np(the("dog", "big"), "de", "A") == "den großen Hund"
    assert render_np(a("dog", "big"), "de", "A") == "einen großen Hund"
    assert render_np(a("dog", "big"), "de", "D") == "einem großen Hund"
    assert render_np(the("car", "red"), "de", "D") == "dem roten Auto"
    assert render_np(the("bag"), "de", "D") == "der Tasche"
    assert render_np(the("child", number="pl"), "de", "D") == "den Kindern"  # dative plural -n
    assert render_np(the("car", number="pl"), "de", "D") == "den Autos"
    assert render_np(the("boy"), "de", "A") == "den Jungen"  # weak masculine
    assert render_np(a("student"), "de", "D") == "einem Studenten"
    assert render_np(num("car", 3, "red"), "de", "D") == "drei roten Autos"
    assert render_np(poss("car", "we", "expensive"), "de", "A") == "unser teures Auto"  # teuer -> teur-
    assert render_np(poss("brother", "I", number="pl"), "de", "D") == "meinen Brüdern"
    assert render_np(bare("coffee", "cold"), "de", "A") == "kalten Kaffee"
    assert render_np(the("man"), "de", "G") == "des Mannes"


def test_genitive_and_possessives():
    teacher_car = NP(L.noun("car"), det="gen", gen=the("teacher"))
    assert tuple(render_np(teacher_car, lang) for lang in LANGS) == (
        "the teacher's car", "das Auto des Lehrers", "la macchina dell'insegnante", "de auto van de leraar")
    anna_car = NP(L.noun("car"), det="gen", gen=name("Anna"), adjs=(L.adj("red"),))
    assert tuple(render_np(anna_car, lang) for lang in LANGS) == (
        "Anna's red car", "Annas rotes Auto", "la macchina rossa di Anna", "de rode auto van Anna")
    mother_car = NP(L.noun("car"), det="gen", gen=poss("mother", "I"))
    assert render_np(mother_car, "de") == "das Auto meiner Mutter"
    assert render_np(mother_car, "it") == "la macchina di mia madre"
    # Italian: no article before a bare singular family noun, except with loro or an adjective
    assert render_np(poss("mother", "I"), "it") == "mia madre"
    assert render_np(poss("father", "they"), "it") == "il loro padre"
    assert render_np(poss("father", "I", "old"), "it") == "il mio vecchio padre"
    assert render_np(poss("brother", "I", number="pl"), "it") == "i miei fratelli"
    # Dutch ons / onze, -e after a possessive
    assert render_np(poss("house", "we"), "nl") == "ons huis"
    assert render_np(poss("car", "we"), "nl") == "onze auto"
    assert render_np(poss("house", "I", "big"), "nl") == "mijn grote huis"


def test_italian_articles_and_prenominal_adjectives():
    cases = {
        "uncle": "lo zio", "friend": "l'amico", "student": "lo studente", "teacher": "l'insegnante",
        "station": "la stazione", "airport": "l'aeroporto", "dog": "il cane", "sugar": "lo zucchero",
    }
    for key, expected in cases.items():
        assert render_np(the(key), "it") == expected
    assert render_np(the("friend", number="pl"), "it") == "gli amici"
    assert render_np(the("student", number="pl"), "it") == "gli studenti"
    assert render_np(a("student"), "it") == "uno studente"
    assert render_np(the("book", "beautiful"), "it") == "il bel libro"
    assert render_np(the("tree", "beautiful"), "it") == "il bell'albero"
    assert render_np(the("tree", "beautiful", number="pl"), "it") == "i begli alberi"
    assert render_np(a("book", "good"), "it") == "un buon libro"
    assert render_np(the("friend", "young"), "it") == "il giovane amico"  # article follows the adjective


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, en, de, it, nl", [
    (1, "one", "eins", "uno", "één"),
    (16, "sixteen", "sechzehn", "sedici", "zestien"),
    (17, "seventeen", "siebzehn", "diciassette", "zeventien"),
    (21, "twenty-one", "einundzwanzig", "ventuno", "eenentwintig"),
    (22, "twenty-two", "zweiundzwanzig", "ventidue", "tweeëntwintig"),
    (23, "twenty-three", "dreiundzwanzig", "ventitré", "drieëntwintig"),
    (28, "twenty-eight", "achtundzwanzig", "ventotto", "achtentwintig"),
    (30, "thirty", "dreißig", "trenta", "dertig"),
    (77, "seventy-seven", "siebenundsiebzig", "settantasette", "zevenenzeventig"),
    (91, "ninety-one", "einundneunzig", "novantuno", "eenennegentig"),
    (100, "one hundred", "hundert", "cento", "honderd"),
])
def test_number_words(n, en, de, it, nl):
    assert [number_word(n, lang) for lang in LANGS] == [en, de, it, nl]


def test_number_word_range():
    with pytest.raises(ValueError):
        number_word(101, "de")


def test_clock_times_and_ago():
    clock = Time(L.time("at {h} o'clock"), h=1)
    assert [clock.render(lang) for lang in LANGS] == ["at one o'clock", "um ein Uhr", "all'una", "om één uur"]
    half = Time(L.time("at half past {h}"), h=7)  # halb acht: German and Dutch name the next hour
    assert [half.render(lang) for lang in LANGS] == ["at half past seven", "um halb acht", "alle sette e mezza",
                                                     "om half acht"]
    ago = Time(L.time("{n} days ago"), n=3)
    assert [ago.render(lang) for lang in LANGS] == ["three days ago", "vor drei Tagen", "tre giorni fa",
                                                    "drie dagen geleden"]


# ---------------------------------------------------------------------------------------------------------
# Clauses: word order
# ---------------------------------------------------------------------------------------------------------
def test_v2_after_fronted_time_phrase():
    cl = Clause(the("teacher"), L.verb("buy"), obj=a("car", "red"), time=Time(L.time("yesterday")),
                front_time=True, tense="past")
    assert all_langs(cl) == (
        "Yesterday the teacher bought a red car.",
        "Gestern hat der Lehrer ein rotes Auto gekauft.",
        "Ieri l'insegnante ha comprato una macchina rossa.",
        "Gisteren heeft de leraar een rode auto gekocht.",
    )
    cl = Clause(the("man"), L.verb("buy"), obj=bare("bread"), time=Time(L.time("every morning")), front_time=True)
    assert render(cl, "de") == "Jeden Morgen kauft der Mann Brot."
    assert render(cl, "nl") == "Elke ochtend koopt de man brood."
    cl = Clause(pron("he"), L.verb("sleep"), place=Place("loc", the("garden")),
                time=Time(L.time("in the evening")), front_time=True)
    assert render(cl, "de") == "Am Abend schläft er im Garten."
    assert render(cl, "nl") == "'s Avonds slaapt hij in de tuin."
    assert render(cl, "it") == "La sera dorme nel giardino."  # pro-drop


def _words(text):
    return [w.strip(",.?").lower() for w in text.split()]


def test_v2_in_generated_time_fronted_sentences():
    """German/Dutch: time phrase, then exactly one finite verb, then the subject (all drawn sentences)."""
    gen = SentenceGenerator(8, templates=["time_fronted"])
    for _ in range(300):
        _, u = gen.sample_utterance()
        for lang in ("de", "nl"):
            words = _words(render(u, lang))
            time = _words(u.main.time.render(lang))
            subj = _words(render_np(u.main.subj, lang))
            k = len(time)
            assert words[:k] == time, (words, time)
            assert words[k + 1:k + 1 + len(subj)] == subj, (lang, render(u, lang))  # one verb between


def _finite_forms(verb, lang):
    """Every finite form a de/nl subordinate clause can end in for ``verb`` (with its particle joined)."""
    forms = set()
    verbs = [verb] + list(L.aux.values())
    for v in verbs:
        sep = v.de_sep if lang == "de" else v.nl_sep
        present = {v.de_1sg, v.de_3sg, v.de_pl()} if lang == "de" else {v.nl_1sg, v.nl_3sg, v.nl_pl()}
        forms |= {sep + f for f in present}  # particle rejoined: zurückkehrt, opbelt
    for tables in lexmod.MODALS.values():
        for tense in tables[lang]:
            forms |= set(tense)
    forms |= set(lexmod.COPULA_PAST[lang])
    return {f.split()[-1] for f in forms}


def test_generated_subordinate_clauses_are_verb_final():
    gen = SentenceGenerator(9, templates=["because", "that"])
    for _ in range(300):
        _, u = gen.sample_utterance()
        for lang in ("de", "nl"):
            last = _words(render(u, lang))[-1]
            verb = u.sub.verb or L.aux["be"]
            nonfinite = {verb.de_inf, verb.de_pp} if lang == "de" else {verb.nl_inf, verb.nl_pp}
            nonfinite = {f.split()[-1] for f in nonfinite}
            # German: finite verb last. Dutch: finite last, or modal + infinitive (wil kopen).
            ok = last in _finite_forms(verb, lang) or (lang == "nl" and u.sub.modal and last in nonfinite)
            assert ok, (lang, render(u, lang))


def test_verb_final_in_subordinate_clause():
    u = Utterance(Clause(the("man"), None, pred=Pred("adj", L.adj("happy"))),
                  sub=Clause(poss("daughter", "he"), L.verb("buy"), obj=a("car", "new"), tense="perf"),
                  conj="because")
    assert all_langs(u) == (
        "The man is happy because his daughter has bought a new car.",
        "Der Mann ist glücklich, weil seine Tochter ein neues Auto gekauft hat.",
        "L'uomo è felice perché sua figlia ha comprato una nuova macchina.",
        "De man is blij omdat zijn dochter een nieuwe auto gekocht heeft.",
    )
    u = Utterance(Clause(name("Anna"), L.verb("know_that")),
                  sub=Clause(the("teacher"), L.verb("call"), obj=the("doctor")), conj="that")
    assert render(u, "de") == "Anna weiß, dass der Lehrer den Arzt anruft."  # separable verb rejoined
    assert render(u, "nl") == "Anna weet dat de leraar de dokter opbelt."
    assert render(u, "it") == "Anna sa che l'insegnante chiama il medico."


def test_fronted_subordinate_clause_triggers_inversion():
    u = Utterance(Clause(the("child", number="pl"), L.verb("play"), place=Place("loc", the("garden"))),
                  sub=Clause(the("teacher"), L.verb("arrive")), conj="when", sub_first=True)
    assert all_langs(u) == (
        "When the teacher arrives, the children play in the garden.",
        "Wenn der Lehrer ankommt, spielen die Kinder im Garten.",
        "Quando l'insegnante arriva, i bambini giocano nel giardino.",
        "Als de leraar aankomt, spelen de kinderen in de tuin.",
    )


def test_modal_and_perfect_put_the_verb_last():
    cl = Clause(the("teacher"), L.verb("buy"), obj=a("car"), modal="want")
    assert all_langs(cl) == ("The teacher wants to buy a car.", "Der Lehrer will ein Auto kaufen.",
                             "L'insegnante vuole comprare una macchina.", "De leraar wil een auto kopen.")
    cl = Clause(the("man"), L.verb("walk_to"), place=Place("dir", the("station")), tense="perf")
    assert all_langs(cl) == ("The man has walked to the station.", "Der Mann ist zu Fuß zum Bahnhof gegangen.",
                             "L'uomo è andato a piedi alla stazione.", "De man is naar het station gelopen.")
    cl = Clause(pron("she"), L.verb("go_far"), place=Place("dir", city("Rome")), tense="past")
    assert all_langs(cl) == ("She went to Rome.", "Sie ist nach Rom gefahren.", "È andata a Roma.",
                             "Zij is naar Rome gegaan.")
    cl = Clause(the("teacher"), L.verb("turn_on"), obj=the("lamp"), tense="perf")
    assert render(cl, "de") == "Der Lehrer hat die Lampe eingeschaltet."
    assert render(cl, "nl") == "De leraar heeft de lamp aangezet."
    cl = Clause(the("teacher"), L.verb("turn_on"), obj=the("lamp"))
    assert render(cl, "de") == "Der Lehrer schaltet die Lampe ein."
    assert render(cl, "nl") == "De leraar zet de lamp aan."


def test_negation_placement():
    assert all_langs(Clause(the("teacher"), L.verb("buy"), obj=a("car"), neg=True)) == (
        "The teacher does not buy a car.", "Der Lehrer kauft kein Auto.", "L'insegnante non compra una macchina.",
        "De leraar koopt geen auto.")
    assert all_langs(Clause(the("teacher"), L.verb("buy"), obj=the("car"), neg=True)) == (
        "The teacher does not buy the car.", "Der Lehrer kauft das Auto nicht.",
        "L'insegnante non compra la macchina.", "De leraar koopt de auto niet.")
    # "must not" is "darf nicht" / "mag niet", not "muss nicht"
    assert all_langs(Clause(the("teacher"), L.verb("buy"), obj=the("car"), neg=True, modal="must")) == (
        "The teacher must not buy the car.", "Der Lehrer darf das Auto nicht kaufen.",
        "L'insegnante non deve comprare la macchina.", "De leraar mag de auto niet kopen.")
    cl = Clause(the("man"), L.verb("wait_for"), obj=the("bus"), neg=True)
    assert render(cl, "de") == "Der Mann wartet nicht auf den Bus."
    assert render(cl, "nl") == "De man wacht niet op de bus."
    assert render(cl, "it") == "L'uomo non aspetta l'autobus."
    cl = Clause(the("man"), L.verb("buy"), obj=bare("bread"), freq=L.freq["never"], tense="perf")
    assert all_langs(cl) == ("The man has never bought bread.", "Der Mann hat nie Brot gekauft.",
                             "L'uomo non ha mai comprato del pane.", "De man heeft nooit brood gekocht.")
    cl = Clause(the("man"), L.verb("drink"), obj=bare("coffee"), neg=True)
    assert render(cl, "de") == "Der Mann trinkt keinen Kaffee."
    assert render(cl, "it") == "L'uomo non beve caffè."


def test_questions():
    ynq = Utterance(Clause(the("teacher"), L.verb("buy"), obj=a("car")), mode="ynq")
    assert all_langs(ynq) == ("Does the teacher buy a car?", "Kauft der Lehrer ein Auto?",
                              "L'insegnante compra una macchina?", "Koopt de leraar een auto?")
    what = Utterance(Clause(the("teacher"), L.verb("buy"), obj=the("car"), tense="perf", gap="obj"), mode="whq")
    assert all_langs(what) == ("What has the teacher bought?", "Was hat der Lehrer gekauft?",
                               "Che cosa ha comprato l'insegnante?", "Wat heeft de leraar gekocht?")
    where = Utterance(Clause(the("teacher"), None, place=Place("loc"), gap="loc"), mode="whq")
    assert all_langs(where) == ("Where is the teacher?", "Wo ist der Lehrer?", "Dov'è l'insegnante?",
                                "Waar is de leraar?")
    whither = Utterance(Clause(the("teacher"), L.verb("go"), place=Place("dir", the("station")), gap="dir"),
                        mode="whq")
    assert all_langs(whither) == ("Where does the teacher go?", "Wohin geht der Lehrer?",
                                  "Dove va l'insegnante?", "Waar gaat de leraar naartoe?")


def test_relative_clauses():
    man = the("man")
    rel = Clause(man, L.verb("live"), place=Place("loc", city("Rome")), gap="subj")
    cl = Clause(NP(L.noun("man"), rel=rel), L.verb("buy"), obj=a("car"))
    assert all_langs(cl) == ("The man who lives in Rome buys a car.", "Der Mann, der in Rom wohnt, kauft ein Auto.",
                             "L'uomo che abita a Roma compra una macchina.",
                             "De man die in Rome woont, koopt een auto.")
    rel = Clause(poss("father", "I"), L.verb("buy"), obj=the("car"), tense="past", gap="obj")
    cl = Clause(NP(L.noun("car"), rel=rel), None, pred=Pred("adj", L.adj("red")))
    assert all_langs(cl) == ("The car that my father bought is red.",
                             "Das Auto, das mein Vater gekauft hat, ist rot.",
                             "La macchina che mio padre ha comprato è rossa.",
                             "De auto die mijn vader gekocht heeft, is rood.")


def test_places_prepositions_and_contractions():
    def go(place):
        return render(Clause(the("man"), L.verb("go"), place=Place("dir", place)), "de")

    assert go(the("cinema")) == "Der Mann geht ins Kino."
    assert go(the("station")) == "Der Mann geht zum Bahnhof."
    assert go(the("kitchen")) == "Der Mann geht in die Küche."
    cl = Clause(the("man"), L.verb("wait"), place=Place("loc", the("station")))
    assert all_langs(cl) == ("The man waits at the station.", "Der Mann wartet am Bahnhof.",
                             "L'uomo aspetta alla stazione.", "De man wacht op het station.")
    cl = Clause(the("man"), L.verb("go_far"), place=Place("dir", city("Amsterdam")))
    assert render(cl, "it") == "L'uomo va ad Amsterdam."
    cl = Clause(the("man"), L.verb("visit"), obj=NP(L.proper["Germany"], det="none"))
    assert render(cl, "it") == "L'uomo visita la Germania."  # countries take an article in Italian...
    cl = Clause(the("man"), L.verb("live"), place=Place("loc", NP(L.proper["Germany"], det="none")))
    assert render(cl, "it") == "L'uomo abita in Germania."  # ...but not after "in"
    cl = Clause(pron("I"), None, place=Place("loc"))
    assert all_langs(cl) == ("I am at home.", "Ich bin zu Hause.", "Sono a casa.", "Ik ben thuis.")


def test_ditransitive_age_price_existential():
    cl = Clause(the("woman"), L.verb("give"), obj=a("apple"), iobj=the("child"))
    assert all_langs(cl) == ("The woman gives the child an apple.", "Die Frau gibt dem Kind einen Apfel.",
                             "La donna dà una mela al bambino.", "De vrouw geeft het kind een appel.")
    cl = Clause(poss("sister", "I"), None, pred=Pred("age", count=21))
    assert all_langs(cl) == ("My sister is twenty-one years old.", "Meine Schwester ist einundzwanzig Jahre alt.",
                             "Mia sorella ha ventuno anni.", "Mijn zus is eenentwintig jaar oud.")
    cl = Clause(the("book"), L.verb("cost"), obj=num("euro", 1))
    assert all_langs(cl) == ("The book costs one euro.", "Das Buch kostet einen Euro.", "Il libro costa un euro.",
                             "Het boek kost één euro.")
    cl = Clause(NP(L.noun("book"), "pl", "none"), None, obj=num("book", 20), place=Place("loc", the("library")),
                exist=True)
    assert all_langs(cl) == ("There are twenty books in the library.", "In der Bibliothek gibt es zwanzig Bücher.",
                             "Nella biblioteca ci sono venti libri.", "Er zijn twintig boeken in de bibliotheek.")


def test_italian_essere_agreement_and_pro_drop():
    cl = Clause(pron("we"), L.verb("go"), place=Place("dir", the("station")), tense="past",
                time=Time(L.time("yesterday")), front_time=True)
    assert all_langs(cl) == ("Yesterday we went to the station.", "Gestern sind wir zum Bahnhof gegangen.",
                             "Ieri siamo andati alla stazione.", "Gisteren zijn wij naar het station gegaan.")
    cl = Clause(the("car", number="pl"), None, pred=Pred("adj", L.adj("red")))
    assert render(cl, "it") == "Le macchine sono rosse."
    assert render(cl, "de") == "Die Autos sind rot."


# ---------------------------------------------------------------------------------------------------------
# Word-order difference (the requirement)
# ---------------------------------------------------------------------------------------------------------
def test_order_difference_detector():
    same = Sentence("The teacher reads the book.", "Der Lehrer liest das Buch.", "L'insegnante legge il libro.",
                    "De leraar leest het boek.", "manual")
    assert order_differs(same, "de") is False and order_differs(same, "it") is False
    assert aligned_positions(same, "de") == [1, 2, 4]
    moved = Sentence("The teacher has read the book.", "Der Lehrer hat das Buch gelesen.",
                     "L'insegnante ha letto il libro.", "De leraar heeft het boek gelezen.", "manual")
    assert order_differs(moved, "de") is True and order_differs(moved, "nl") is True
    assert order_differs(moved, "it") is False
    adj = Sentence("A red car.", "Ein rotes Auto.", "Una macchina rossa.", "Een rode auto.", "manual")
    assert order_differs(adj, "it") is True and order_differs(adj, "de") is False
    assert order_differs(Sentence("Yes.", "Ja.", "Sì.", "Ja.", "manual"), "de") is None


def test_translations_reorder_content_words(sample):
    shares = {lang: reordering_share(sample, lang) for lang in ("de", "it", "nl")}
    assert shares["de"] > 0.30, shares
    assert shares["nl"] > 0.30, shares
    assert shares["it"] > 0.20, shares
    assert max(shares.values()) < 0.95, shares  # plenty of sentences keep the English order too
    aligned = sum(order_differs(s, "de") is not None for s in sample) / len(sample)
    assert aligned > 0.9  # the measure is taken on nearly every sentence


def test_translations_are_not_word_for_word(sample):
    for lang in ("de", "it", "nl"):
        differ = sum(len(s.text(lang).split()) != len(s.en.split()) for s in sample) / len(sample)
        assert differ > 0.2, (lang, differ)


# ---------------------------------------------------------------------------------------------------------
# LibriSpeech-style English
# ---------------------------------------------------------------------------------------------------------
def test_normalize_en():
    assert normalize_en("Yesterday, the teacher's twenty-one cats slept.") == \
        "YESTERDAY THE TEACHER'S TWENTY ONE CATS SLEPT"
    assert normalize_en("At half past seven o'clock?") == "AT HALF PAST SEVEN O'CLOCK"
    assert normalize_en("He has 21 dogs and 1,250 cats!") == \
        "HE HAS TWENTY ONE DOGS AND ONE THOUSAND TWO HUNDRED FIFTY CATS"
    assert normalize_en("I have 21 dogs.") == "I HAVE TWENTY ONE DOGS"
    assert normalize_en("'Quoted' words - and dashes") == "QUOTED WORDS AND DASHES"
    assert normalize_en("305") == "THREE HUNDRED FIVE"
    assert re.fullmatch(r"[A-Z' ]+", normalize_en(SentenceGenerator(0).sample().en))


def test_normalized_sample_is_librispeech_like(sample):
    for s in sample[:500]:
        assert re.fullmatch(r"[A-Z]+(?:'[A-Z]+)?(?: [A-Z]+(?:'[A-Z]+)?)*", s.en_norm), s.en_norm
