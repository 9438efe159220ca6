"""Lexicon of the embedded corpus' text grammar: English words with German, Italian and Dutch translations.

Every entry carries the grammatical features that :mod:`mmpt.synth.grammar` needs to inflect and place it:
noun gender and plural (de der/die/das with weak masculines, genitive and dative plural forms; it m/f with the
article chosen from the next word's sound; nl de/het), adjective stems and agreement classes (de strong / weak /
mixed endings, it gender/number forms and pre- or post-nominal position, nl ``-e`` forms), verb forms for 1st /
3rd person singular and plural present, past participle and auxiliary (de haben/sein, it avere/essere,
nl hebben/zijn), separable particles, case or preposition of the object. The data are compact ``|`` tables
parsed once at import time; :data:`LEXICON` is the parsed result.

Numbers 0..100 are spelled by :func:`number_word` (einundzwanzig, ventuno, eenentwintig, twenty-one).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

LANGS: Tuple[str, ...] = ("en", "de", "it", "nl")
TARGET_LANGS: Tuple[str, ...] = ("de", "it", "nl")


class LexiconError(ValueError):
    """A malformed line in one of the lexicon tables (names the table and the line)."""


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------
_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
             "sixteen seventeen eighteen nineteen").split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_DE_UNITS = ("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
             "sechzehn siebzehn achtzehn neunzehn").split()
_DE_TENS = "_ _ zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split()
_IT_UNITS = ("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici "
             "quindici sedici diciassette diciotto diciannove").split()
_IT_TENS = "_ _ venti trenta quaranta cinquanta sessanta settanta ottanta novanta".split()
_NL_UNITS = ("nul één twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien "
             "zestien zeventien achttien negentien").split()
_NL_TENS = "_ _ twintig dertig veertig vijftig zestig zeventig tachtig negentig".split()


def number_word(n: int, lang: str) -> str:
    """Cardinal ``n`` (0..100) spelled out in ``lang`` as counted ("eins", "uno", "één", "one").

    Compounds follow each language: twenty-one, einundzwanzig, ventuno / ventitré, eenentwintig / tweeëntwintig.
    Before a noun German and Italian use the article-like forms for 1 (see grammar); this is the number alone.
    """
    if not 0 <= n <= 100:
        raise ValueError(f"number_word supports 0..100, got {n}")
    if lang == "en":
        if n == 100:
            return "one hundred"
        if n < 20:
            return _EN_UNITS[n]
        t, u = divmod(n, 10)
        return _EN_TENS[t] + (f"-{_EN_UNITS[u]}" if u else "")
    if lang == "de":
        if n == 100:
            return "hundert"
        if n < 20:
            return _DE_UNITS[n]
        t, u = divmod(n, 10)
        if not u:
            return _DE_TENS[t]
        return ("ein" if u == 1 else _DE_UNITS[u]) + "und" + _DE_TENS[t]
    if lang == "it":
        if n == 100:
            return "cento"
        if n < 20:
            return _IT_UNITS[n]
        t, u = divmod(n, 10)
        tens = _IT_TENS[t]
        if not u:
            return tens
        if u in (1, 8):  # venti + uno -> ventuno, trenta + otto -> trentotto
            tens = tens[:-1]
        return tens + ("tré" if u == 3 else _IT_UNITS[u])
    if lang == "nl":
        if n == 100:
            return "honderd"
        if n < 20:
            return _NL_UNITS[n]
        t, u = divmod(n, 10)
        if not u:
            return _NL_TENS[t]
        unit = "een" if u == 1 else _NL_UNITS[u]
        link = "ën" if unit.endswith("e") else "en"  # tweeëntwintig, drieëntwintig
        return unit + link + _NL_TENS[t]
    raise ValueError(f"unknown language {lang!r}")


# ---------------------------------------------------------------------------------------------------------
# Entry types
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Noun:
    """A common noun. ``pl`` fields are ``None`` for mass nouns (bread, water), which never take numbers."""

    key: str
    en: str
    en_pl: Optional[str]
    de_g: str  # m | f | n
    de: str
    de_pl: Optional[str]
    de_weak: Optional[str]  # n-declension form for acc/dat/gen singular (der Junge -> den Jungen)
    de_gen: Optional[str]  # genitive singular override (des Mannes)
    it_g: str  # m | f
    it: str
    it_pl: Optional[str]
    nl_het: bool
    nl: str
    nl_pl: Optional[str]
    tags: FrozenSet[str]
    prep: Optional[str] = None  # place nouns: key of PREP_CLASSES

    @property
    def mass(self) -> bool:
        return self.en_pl is None

    def has(self, *tags: str) -> bool:
        return any(t in self.tags for t in tags)


@dataclass(frozen=True)
class Adjective:
    key: str
    en: str
    de: str  # predicative form
    de_stem: Optional[str]  # attributive stem; None = invariable (rosa, lila)
    it_forms: Tuple[str, str, str, str]  # m.sg f.sg m.pl f.pl
    it_pre: bool  # placed before the noun (bello, grande, piccolo, ...)
    nl: str
    nl_infl: str  # with -e (rode, grote; oranje stays)
    tags: FrozenSet[str]  # noun tags it can modify
    attributive: bool = True  # False: only after a copula (tired -> moe)
    group: str = "quality"  # colour | nation | size | age | quality


@dataclass(frozen=True)
class Verb:
    key: str
    en: Tuple[str, str, str, str]  # base, 3sg, past, past participle (may contain a particle: "turn on")
    de_inf: str  # with the separable particle (einschalten)
    de_1sg: str  # without the particle (schalte)
    de_3sg: str
    de_pp: str  # with the particle (eingeschaltet)
    de_aux: str  # h | s
    de_sep: str  # separable particle, "" if none ("spazieren " keeps a space: spazieren gehen)
    de_case: str  # case of the object: A | D
    de_prep: str  # preposition of the object (warten auf + A), "" if none
    de_adv: str  # fixed adverbial in the middle field (zu Fuß)
    it_inf: str
    it_forms: Tuple[str, str, str, str]  # 1sg 3sg 1pl 3pl
    it_pp: str
    it_aux: str  # a | e
    it_prep: str  # object preposition (a, di), "" if none
    it_adv: str  # fixed words after the verb (bisogno, a piedi, in macchina)
    nl_inf: str
    nl_1sg: str
    nl_3sg: str
    nl_pp: str
    nl_aux: str  # h | z
    nl_sep: str
    nl_prep: str
    frames: FrozenSet[str]  # tr intr ditr motion comp sched
    subj: FrozenSet[str]  # noun tags allowed as subject ("person", "animal", "vehicle")
    objs: Tuple[str, ...]  # object noun tags (tr, ditr)
    places: Tuple[str, ...]  # place keys and @groups (intr, motion, sched); @city @country @home @room ...

    de_plural: str = ""  # irregular plural present (sein: sind); "" = the infinitive without its particle

    def de_pl(self) -> str:
        return self.de_plural or self.de_inf[len(self.de_sep):]

    def nl_pl(self) -> str:
        return self.nl_inf[len(self.nl_sep):]


@dataclass(frozen=True)
class Name:
    name: str
    gender: str  # m | f (Italian agreement)


@dataclass(frozen=True)
class Proper:
    """A city or country: translated name, no article (except Italian countries outside "in")."""

    key: str
    en: str
    de: str
    it: str
    nl: str
    kind: str  # city | country
    it_g: str = "m"  # Italian countries take an article outside "in": visita la Germania, il Canada


@dataclass(frozen=True)
class TimePhrase:
    key: str
    en: str
    de: str
    it: str
    nl: str
    tenses: FrozenSet[str]  # pres past fut


@dataclass(frozen=True)
class Frequency:
    key: str
    en: str
    de: str
    it: str
    nl: str


@dataclass(frozen=True)
class Pronoun:
    key: str  # I he she we they
    person: int
    number: str  # sg | pl
    it_g: str
    en: str
    en_poss: str
    de: str
    de_poss: str  # ein-word stem: mein, sein, ihr, unser
    it: str
    it_poss: Tuple[str, str, str, str]  # m.sg f.sg m.pl f.pl
    nl: str
    nl_poss: str  # mijn zijn haar ons hun ("ons" becomes "onze" except before a het-noun)


# Where a place takes which preposition: (locative, directional) per language. German case follows the
# preposition: in/an/auf take the dative for "where" and the accusative for "where to"; zu takes the dative;
# nach (cities, countries) and Italian/Dutch names take no article.
PREP_CLASSES: Dict[str, Dict[str, Tuple[str, str]]] = {
    "room": {"en": ("in", "to"), "de": ("in", "in"), "it": ("in", "in"), "nl": ("in", "naar")},
    "bldg": {"en": ("in", "to"), "de": ("in", "in"), "it": ("in", "a"), "nl": ("in", "naar")},
    "house": {"en": ("in", "to"), "de": ("in", "zu"), "it": ("in", "a"), "nl": ("in", "naar")},
    "spot": {"en": ("at", "to"), "de": ("an", "zu"), "it": ("a", "a"), "nl": ("op", "naar")},
    "stop": {"en": ("at", "to"), "de": ("an", "zu"), "it": ("a", "a"), "nl": ("bij", "naar")},
    "market": {"en": ("at", "to"), "de": ("auf", "auf"), "it": ("a", "a"), "nl": ("op", "naar")},
    "farm": {"en": ("on", "to"), "de": ("auf", "auf"), "it": ("in", "a"), "nl": ("op", "naar")},
    "square": {"en": ("in", "to"), "de": ("auf", "auf"), "it": ("in", "in"), "nl": ("op", "naar")},
    "beach": {"en": ("on", "to"), "de": ("an", "an"), "it": ("su", "a"), "nl": ("op", "naar")},
    "lake": {"en": ("at", "to"), "de": ("an", "an"), "it": ("a", "a"), "nl": ("bij", "naar")},
    "city": {"en": ("in", "to"), "de": ("in", "nach"), "it": ("a", "a"), "nl": ("in", "naar")},
    "country": {"en": ("in", "to"), "de": ("in", "nach"), "it": ("in", "in"), "nl": ("in", "naar")},
}

# "home" has fixed phrases instead of a preposition + article.
HOME = {
    "loc": {"en": "at home", "de": "zu Hause", "it": "a casa", "nl": "thuis"},
    "dir": {"en": "home", "de": "nach Hause", "it": "a casa", "nl": "naar huis"},
}

# ---------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------
# Nouns: english sg, pl | de gender sg, pl[, weak[=form]][, gen=form] | it gender sg, pl | nl de|het sg, pl | tags
# A "-" plural marks a mass noun. Place nouns carry "@<prep class>" among their tags.
_NOUNS = """
# people
man, men | m Mann, Männer, gen=Mannes | m uomo, uomini | de man, mannen | person adult
woman, women | f Frau, Frauen | f donna, donne | de vrouw, vrouwen | person adult
child, children | n Kind, Kinder, gen=Kindes | m bambino, bambini | het kind, kinderen | person young carry
boy, boys | m Junge, Jungen, weak | m ragazzo, ragazzi | de jongen, jongens | person young
girl, girls | n Mädchen, Mädchen | f ragazza, ragazze | het meisje, meisjes | person young
friend, friends | m Freund, Freunde, gen=Freundes | m amico, amici | de vriend, vrienden | person adult
neighbor, neighbors | m Nachbar, Nachbarn, weak | m vicino, vicini | de buurman, buren | person adult
student, students | m Student, Studenten, weak | m studente, studenti | de student, studenten | person adult
baby, babies | n Baby, Babys | m neonato, neonati | de baby, baby's | person young carry
guest, guests | m Gast, Gäste, gen=Gastes | m ospite, ospiti | de gast, gasten | person adult
tourist, tourists | m Tourist, Touristen, weak | m turista, turisti | de toerist, toeristen | person adult
customer, customers | m Kunde, Kunden, weak | m cliente, clienti | de klant, klanten | person adult
king, kings | m König, Könige | m re, re | de koning, koningen | person adult
queen, queens | f Königin, Königinnen | f regina, regine | de koningin, koninginnen | person adult
person, people | f Person, Personen | f persona, persone | de persoon, mensen | person adult
soldier, soldiers | m Soldat, Soldaten, weak | m soldato, soldati | de soldaat, soldaten | person adult
thief, thieves | m Dieb, Diebe, gen=Diebes | m ladro, ladri | de dief, dieven | person adult
teacher, teachers | m Lehrer, Lehrer | m insegnante, insegnanti | de leraar, leraren | person adult job
doctor, doctors | m Arzt, Ärzte, gen=Arztes | m medico, medici | de dokter, dokters | person adult job
nurse, nurses | f Krankenschwester, Krankenschwestern | f infermiera, infermiere | de verpleegster, verpleegsters | person adult job
farmer, farmers | m Bauer, Bauern, weak | m contadino, contadini | de boer, boeren | person adult job
baker, bakers | m Bäcker, Bäcker | m fornaio, fornai | de bakker, bakkers | person adult job
cook, cooks | m Koch, Köche | m cuoco, cuochi | de kok, koks | person adult job
driver, drivers | m Fahrer, Fahrer | m autista, autisti | de chauffeur, chauffeurs | person adult job
pilot, pilots | m Pilot, Piloten, weak | m pilota, piloti | de piloot, piloten | person adult job
police officer, police officers | m Polizist, Polizisten, weak | m poliziotto, poliziotti | de agent, agenten | person adult job
lawyer, lawyers | m Anwalt, Anwälte | m avvocato, avvocati | de advocaat, advocaten | person adult job
singer, singers | m Sänger, Sänger | m cantante, cantanti | de zanger, zangers | person adult job
painter, painters | m Maler, Maler | m pittore, pittori | de schilder, schilders | person adult job
writer, writers | m Schriftsteller, Schriftsteller | m scrittore, scrittori | de schrijver, schrijvers | person adult job
journalist, journalists | m Journalist, Journalisten, weak | m giornalista, giornalisti | de journalist, journalisten | person adult job
waiter, waiters | m Kellner, Kellner | m cameriere, camerieri | de ober, obers | person adult job
dentist, dentists | m Zahnarzt, Zahnärzte | m dentista, dentisti | de tandarts, tandartsen | person adult job
engineer, engineers | m Ingenieur, Ingenieure | m ingegnere, ingegneri | de ingenieur, ingenieurs | person adult job
mechanic, mechanics | m Mechaniker, Mechaniker | m meccanico, meccanici | de monteur, monteurs | person adult job
fisherman, fishermen | m Fischer, Fischer | m pescatore, pescatori | de visser, vissers | person adult job
musician, musicians | m Musiker, Musiker | m musicista, musicisti | de muzikant, muzikanten | person adult job
scientist, scientists | m Wissenschaftler, Wissenschaftler | m scienziato, scienziati | de wetenschapper, wetenschappers | person adult job
gardener, gardeners | m Gärtner, Gärtner | m giardiniere, giardinieri | de tuinman, tuinmannen | person adult job
architect, architects | m Architekt, Architekten, weak | m architetto, architetti | de architect, architecten | person adult job
photographer, photographers | m Fotograf, Fotografen, weak | m fotografo, fotografi | de fotograaf, fotografen | person adult job
secretary, secretaries | f Sekretärin, Sekretärinnen | f segretaria, segretarie | de secretaresse, secretaresses | person adult job
actor, actors | m Schauspieler, Schauspieler | m attore, attori | de acteur, acteurs | person adult job
mail carrier, mail carriers | m Briefträger, Briefträger | m postino, postini | de postbode, postbodes | person adult job
butcher, butchers | m Metzger, Metzger | m macellaio, macellai | de slager, slagers | person adult job
judge, judges | m Richter, Richter | m giudice, giudici | de rechter, rechters | person adult job
mother, mothers | f Mutter, Mütter | f madre, madri | de moeder, moeders | person adult fam
father, fathers | m Vater, Väter | m padre, padri | de vader, vaders | person adult fam
brother, brothers | m Bruder, Brüder | m fratello, fratelli | de broer, broers | person adult fam
sister, sisters | f Schwester, Schwestern | f sorella, sorelle | de zus, zussen | person adult fam
son, sons | m Sohn, Söhne, gen=Sohnes | m figlio, figli | de zoon, zonen | person young fam
daughter, daughters | f Tochter, Töchter | f figlia, figlie | de dochter, dochters | person young fam
uncle, uncles | m Onkel, Onkel | m zio, zii | de oom, ooms | person adult fam
aunt, aunts | f Tante, Tanten | f zia, zie | de tante, tantes | person adult fam
grandfather, grandfathers | m Großvater, Großväter | m nonno, nonni | de grootvader, grootvaders | person adult fam
grandmother, grandmothers | f Großmutter, Großmütter | f nonna, nonne | de grootmoeder, grootmoeders | person adult fam
cousin, cousins | m Cousin, Cousins | m cugino, cugini | de neef, neven | person adult fam
husband, husbands | m Mann, Männer, gen=Mannes | m marito, mariti | de man, mannen | person adult fam
wife, wives | f Frau, Frauen | f moglie, mogli | de vrouw, vrouwen | person adult fam
# animals
dog, dogs | m Hund, Hunde | m cane, cani | de hond, honden | animal pet wash draw
cat, cats | f Katze, Katzen | m gatto, gatti | de kat, katten | animal pet draw
horse, horses | n Pferd, Pferde | m cavallo, cavalli | het paard, paarden | animal farm draw
cow, cows | f Kuh, Kühe | f mucca, mucche | de koe, koeien | animal farm draw
bird, birds | m Vogel, Vögel | m uccello, uccelli | de vogel, vogels | animal pet draw sing
fish, fish | m Fisch, Fische | m pesce, pesci | de vis, vissen | animal pet draw
mouse, mice | f Maus, Mäuse | m topo, topi | de muis, muizen | animal draw
sheep, sheep | n Schaf, Schafe | f pecora, pecore | het schaap, schapen | animal farm draw
pig, pigs | n Schwein, Schweine | m maiale, maiali | het varken, varkens | animal farm draw
hen, hens | n Huhn, Hühner | f gallina, galline | de kip, kippen | animal farm draw
rabbit, rabbits | n Kaninchen, Kaninchen | m coniglio, conigli | het konijn, konijnen | animal pet draw
duck, ducks | f Ente, Enten | f anatra, anatre | de eend, eenden | animal farm draw
bear, bears | m Bär, Bären, weak | m orso, orsi | de beer, beren | animal wild draw
lion, lions | m Löwe, Löwen, weak | m leone, leoni | de leeuw, leeuwen | animal wild draw
elephant, elephants | m Elefant, Elefanten, weak | m elefante, elefanti | de olifant, olifanten | animal wild draw
monkey, monkeys | m Affe, Affen, weak | f scimmia, scimmie | de aap, apen | animal wild draw
goat, goats | f Ziege, Ziegen | f capra, capre | de geit, geiten | animal farm draw
donkey, donkeys | m Esel, Esel | m asino, asini | de ezel, ezels | animal farm draw
frog, frogs | m Frosch, Frösche | f rana, rane | de kikker, kikkers | animal wild draw
snake, snakes | f Schlange, Schlangen | m serpente, serpenti | de slang, slangen | animal wild draw
wolf, wolves | m Wolf, Wölfe | m lupo, lupi | de wolf, wolven | animal wild draw
fox, foxes | m Fuchs, Füchse | f volpe, volpi | de vos, vossen | animal wild draw
butterfly, butterflies | m Schmetterling, Schmetterlinge | f farfalla, farfalle | de vlinder, vlinders | animal wild draw
# things
book, books | n Buch, Bücher | m libro, libri | het boek, boeken | thing goods press text open carry send lend
letter, letters | m Brief, Briefe | f lettera, lettere | de brief, brieven | text open carry send
newspaper, newspapers | f Zeitung, Zeitungen | m giornale, giornali | de krant, kranten | press text carry
magazine, magazines | f Zeitschrift, Zeitschriften | f rivista, riviste | het tijdschrift, tijdschriften | press text carry
story, stories | f Geschichte, Geschichten | f storia, storie | het verhaal, verhalen | text
postcard, postcards | f Postkarte, Postkarten | f cartolina, cartoline | de ansichtkaart, ansichtkaarten | press text carry send
poem, poems | n Gedicht, Gedichte | f poesia, poesie | het gedicht, gedichten | text
pen, pens | m Stift, Stifte | f penna, penne | de pen, pennen | thing goods carry lend
pencil, pencils | m Bleistift, Bleistifte | f matita, matite | het potlood, potloden | thing goods carry lend
key, keys | m Schlüssel, Schlüssel | f chiave, chiavi | de sleutel, sleutels | thing goods carry
phone, phones | n Telefon, Telefone | m telefono, telefoni | de telefoon, telefoons | thing goods carry repair lend
bag, bags | f Tasche, Taschen | f borsa, borse | de tas, tassen | thing goods carry open container
box, boxes | f Kiste, Kisten | f scatola, scatole | de doos, dozen | thing goods carry open container send
bottle, bottles | f Flasche, Flaschen | f bottiglia, bottiglie | de fles, flessen | thing goods carry open container
cup, cups | f Tasse, Tassen | f tazza, tazze | het kopje, kopjes | thing goods carry container wash
glass, glasses | n Glas, Gläser | m bicchiere, bicchieri | het glas, glazen | thing goods carry container wash
plate, plates | m Teller, Teller | m piatto, piatti | het bord, borden | thing goods carry wash
knife, knives | n Messer, Messer | m coltello, coltelli | het mes, messen | thing goods carry wash
spoon, spoons | m Löffel, Löffel | m cucchiaio, cucchiai | de lepel, lepels | thing goods carry wash
fork, forks | f Gabel, Gabeln | f forchetta, forchette | de vork, vorken | thing goods carry wash
ball, balls | m Ball, Bälle | f palla, palle | de bal, ballen | thing goods carry throw
clock, clocks | f Uhr, Uhren | m orologio, orologi | de klok, klokken | thing goods repair
camera, cameras | f Kamera, Kameras | f macchina fotografica, macchine fotografiche | de camera, camera's | thing goods carry repair lend
computer, computers | m Computer, Computer | m computer, computer | de computer, computers | thing goods repair switch lend
picture, pictures | n Bild, Bilder | m quadro, quadri | het schilderij, schilderijen | thing goods carry
photo, photos | n Foto, Fotos | f foto, foto | de foto, foto's | thing carry send
map, maps | f Landkarte, Landkarten | f mappa, mappe | de kaart, kaarten | thing goods carry press
ticket, tickets | f Fahrkarte, Fahrkarten | m biglietto, biglietti | het kaartje, kaartjes | thing goods carry
umbrella, umbrellas | m Regenschirm, Regenschirme | m ombrello, ombrelli | de paraplu, paraplu's | thing goods carry lend
ring, rings | m Ring, Ringe | m anello, anelli | de ring, ringen | thing goods carry
gift, gifts | n Geschenk, Geschenke | m regalo, regali | het cadeau, cadeaus | thing goods carry open send
toy, toys | n Spielzeug, Spielzeuge | m giocattolo, giocattoli | het speeltje, speeltjes | thing goods carry
candle, candles | f Kerze, Kerzen | f candela, candele | de kaars, kaarsen | thing goods carry
lamp, lamps | f Lampe, Lampen | f lampada, lampade | de lamp, lampen | thing goods carry repair switch
radio, radios | n Radio, Radios | f radio, radio | de radio, radio's | thing goods carry repair switch
television, televisions | m Fernseher, Fernseher | m televisore, televisori | de televisie, televisies | thing goods repair switch
mirror, mirrors | m Spiegel, Spiegel | m specchio, specchi | de spiegel, spiegels | thing goods carry
guitar, guitars | f Gitarre, Gitarren | f chitarra, chitarre | de gitaar, gitaren | thing goods carry repair lend
piano, pianos | n Klavier, Klaviere | m pianoforte, pianoforti | de piano, piano's | thing goods repair
basket, baskets | m Korb, Körbe | m cestino, cestini | de mand, manden | thing goods carry container
wallet, wallets | m Geldbeutel, Geldbeutel | m portafoglio, portafogli | de portemonnee, portemonnees | thing goods carry
suitcase, suitcases | m Koffer, Koffer | f valigia, valigie | de koffer, koffers | thing goods carry open container
envelope, envelopes | m Umschlag, Umschläge | f busta, buste | de envelop, enveloppen | thing goods carry open send
hammer, hammers | m Hammer, Hämmer | m martello, martelli | de hamer, hamers | thing goods carry lend
rope, ropes | n Seil, Seile | f corda, corde | het touw, touwen | thing goods carry
stone, stones | m Stein, Steine | m sasso, sassi | de steen, stenen | thing carry throw
flower, flowers | f Blume, Blumen | m fiore, fiori | de bloem, bloemen | thing goods carry pick draw
tree, trees | m Baum, Bäume | m albero, alberi | de boom, bomen | thing draw
notebook, notebooks | n Heft, Hefte | m quaderno, quaderni | het schrift, schriften | thing goods carry
# clothing
shirt, shirts | n Hemd, Hemden | f camicia, camicie | het overhemd, overhemden | cloth goods carry wash
coat, coats | m Mantel, Mäntel | m cappotto, cappotti | de jas, jassen | cloth goods carry wash
hat, hats | m Hut, Hüte | m cappello, cappelli | de hoed, hoeden | cloth goods carry
shoe, shoes | m Schuh, Schuhe | f scarpa, scarpe | de schoen, schoenen | cloth goods carry
dress, dresses | n Kleid, Kleider | m vestito, vestiti | de jurk, jurken | cloth goods carry wash long
skirt, skirts | m Rock, Röcke | f gonna, gonne | de rok, rokken | cloth goods carry wash long
jacket, jackets | f Jacke, Jacken | f giacca, giacche | het jasje, jasjes | cloth goods carry wash
sweater, sweaters | m Pullover, Pullover | m maglione, maglioni | de trui, truien | cloth goods carry wash
scarf, scarves | m Schal, Schals | f sciarpa, sciarpe | de sjaal, sjaals | cloth goods carry wash long
glove, gloves | m Handschuh, Handschuhe | m guanto, guanti | de handschoen, handschoenen | cloth goods carry
sock, socks | f Socke, Socken | m calzino, calzini | de sok, sokken | cloth goods carry wash
boot, boots | m Stiefel, Stiefel | m stivale, stivali | de laars, laarzen | cloth goods carry
tie, ties | f Krawatte, Krawatten | f cravatta, cravatte | de stropdas, stropdassen | cloth goods carry
belt, belts | m Gürtel, Gürtel | f cintura, cinture | de riem, riemen | cloth goods carry
# vehicles
car, cars | n Auto, Autos | f macchina, macchine | de auto, auto's | vehicle goods wash repair draw clean paint lend
bicycle, bicycles | n Fahrrad, Fahrräder | f bicicletta, biciclette | de fiets, fietsen | vehicle goods wash repair lend
bus, buses | m Bus, Busse | m autobus, autobus | de bus, bussen | vehicle transport sched
train, trains | m Zug, Züge | m treno, treni | de trein, treinen | vehicle transport sched
boat, boats | n Boot, Boote | f barca, barche | de boot, boten | vehicle goods paint build draw
truck, trucks | m Lastwagen, Lastwagen | m camion, camion | de vrachtwagen, vrachtwagens | vehicle goods wash repair
plane, planes | n Flugzeug, Flugzeuge | m aereo, aerei | het vliegtuig, vliegtuigen | vehicle draw
motorcycle, motorcycles | n Motorrad, Motorräder | f moto, moto | de motorfiets, motorfietsen | vehicle goods wash repair
taxi, taxis | n Taxi, Taxis | m taxi, taxi | de taxi, taxi's | vehicle transport
ship, ships | n Schiff, Schiffe | f nave, navi | het schip, schepen | vehicle draw sched
# furniture and parts of a house
table, tables | m Tisch, Tische | m tavolo, tavoli | de tafel, tafels | furn goods clean paint repair build
chair, chairs | m Stuhl, Stühle | f sedia, sedie | de stoel, stoelen | furn goods carry clean paint repair
bed, beds | n Bett, Betten | m letto, letti | het bed, bedden | furn goods clean
sofa, sofas | n Sofa, Sofas | m divano, divani | de bank, banken | furn goods clean
cupboard, cupboards | m Schrank, Schränke | m armadio, armadi | de kast, kasten | furn goods open clean paint
door, doors | f Tür, Türen | f porta, porte | de deur, deuren | furn open clean paint
window, windows | n Fenster, Fenster | f finestra, finestre | het raam, ramen | furn open clean
wall, walls | f Wand, Wände | m muro, muri | de muur, muren | furn paint build
desk, desks | m Schreibtisch, Schreibtische | f scrivania, scrivanie | het bureau, bureaus | furn goods clean
shelf, shelves | n Regal, Regale | m scaffale, scaffali | de plank, planken | furn goods clean
fridge, fridges | m Kühlschrank, Kühlschränke | m frigorifero, frigoriferi | de koelkast, koelkasten | furn goods open clean repair
oven, ovens | m Ofen, Öfen | m forno, forni | de oven, ovens | furn goods open clean repair switch
carpet, carpets | m Teppich, Teppiche | m tappeto, tappeti | het tapijt, tapijten | furn goods clean
# food and drink
apple, apples | m Apfel, Äpfel | f mela, mele | de appel, appels | food goods carry pick cut
banana, bananas | f Banane, Bananen | f banana, banane | de banaan, bananen | food goods carry
orange, oranges | f Orange, Orangen | f arancia, arance | de sinaasappel, sinaasappels | food goods carry pick
pear, pears | f Birne, Birnen | f pera, pere | de peer, peren | food goods carry pick
lemon, lemons | f Zitrone, Zitronen | m limone, limoni | de citroen, citroenen | food goods carry cut
tomato, tomatoes | f Tomate, Tomaten | m pomodoro, pomodori | de tomaat, tomaten | food goods carry cut pick
potato, potatoes | f Kartoffel, Kartoffeln | f patata, patate | de aardappel, aardappels | food goods carry cook
carrot, carrots | f Karotte, Karotten | f carota, carote | de wortel, wortels | food goods carry cook cut
cake, cakes | m Kuchen, Kuchen | f torta, torte | de taart, taarten | food goods bake cut order
cookie, cookies | m Keks, Kekse | m biscotto, biscotti | het koekje, koekjes | food goods bake
sandwich, sandwiches | n Sandwich, Sandwiches | m panino, panini | de boterham, boterhammen | food goods order
pizza, pizzas | f Pizza, Pizzas | f pizza, pizze | de pizza, pizza's | food goods bake order cut
onion, onions | f Zwiebel, Zwiebeln | f cipolla, cipolle | de ui, uien | food goods cut cook
strawberry, strawberries | f Erdbeere, Erdbeeren | f fragola, fragole | de aardbei, aardbeien | food goods pick
cherry, cherries | f Kirsche, Kirschen | f ciliegia, ciliegie | de kers, kersen | food goods pick
bread, - | n Brot, - | m pane, - | het brood, - | food goods bake cut
cheese, - | m Käse, - | m formaggio, - | de kaas, - | food goods cut
soup, - | f Suppe, - | f zuppa, - | de soep, - | food goods cook order
rice, - | m Reis, - | m riso, - | de rijst, - | food goods cook
meat, - | n Fleisch, - | f carne, - | het vlees, - | food goods cook cut
butter, - | f Butter, - | m burro, - | de boter, - | food goods
pasta, - | f Pasta, - | f pasta, - | de pasta, - | food goods cook order
chocolate, - | f Schokolade, - | m cioccolato, - | de chocolade, - | food goods
sugar, - | m Zucker, - | m zucchero, - | de suiker, - | food goods
salt, - | n Salz, - | m sale, - | het zout, - | food goods
coffee, - | m Kaffee, - | m caffè, - | de koffie, - | drink goods order
tea, - | m Tee, - | m tè, - | de thee, - | drink goods order
water, - | n Wasser, - | f acqua, - | het water, - | drink goods
milk, - | f Milch, - | m latte, - | de melk, - | drink goods
juice, - | m Saft, - | m succo, - | het sap, - | drink goods order
wine, - | m Wein, - | m vino, - | de wijn, - | drink goods order
beer, - | n Bier, - | f birra, - | het bier, - | drink goods order
# rooms
kitchen, kitchens | f Küche, Küchen | f cucina, cucine | de keuken, keukens | place room @room clean paint
bedroom, bedrooms | n Schlafzimmer, Schlafzimmer | f camera da letto, camere da letto | de slaapkamer, slaapkamers | place room @room clean paint
living room, living rooms | n Wohnzimmer, Wohnzimmer | m soggiorno, soggiorni | de woonkamer, woonkamers | place room @room clean paint
bathroom, bathrooms | n Badezimmer, Badezimmer | m bagno, bagni | de badkamer, badkamers | place room @room clean paint
garden, gardens | m Garten, Gärten | m giardino, giardini | de tuin, tuinen | place room @room
cellar, cellars | m Keller, Keller | f cantina, cantine | de kelder, kelders | place room @room clean
office, offices | n Büro, Büros | m ufficio, uffici | het kantoor, kantoren | place room @room clean
room, rooms | n Zimmer, Zimmer | f stanza, stanze | de kamer, kamers | place room @room clean paint
garage, garages | f Garage, Garagen | m garage, garage | de garage, garages | place room @room clean paint
# buildings
house, houses | n Haus, Häuser | f casa, case | het huis, huizen | place bldg @house paint build draw visit
school, schools | f Schule, Schulen | f scuola, scuole | de school, scholen | place bldg @bldg visit
church, churches | f Kirche, Kirchen | f chiesa, chiese | de kerk, kerken | place bldg @bldg visit draw build
museum, museums | n Museum, Museen | m museo, musei | het museum, musea | place bldg @bldg visit
library, libraries | f Bibliothek, Bibliotheken | f biblioteca, biblioteche | de bibliotheek, bibliotheken | place bldg @bldg visit
hospital, hospitals | n Krankenhaus, Krankenhäuser | m ospedale, ospedali | het ziekenhuis, ziekenhuizen | place bldg @bldg build
restaurant, restaurants | n Restaurant, Restaurants | m ristorante, ristoranti | het restaurant, restaurants | place bldg @bldg
hotel, hotels | n Hotel, Hotels | m albergo, alberghi | het hotel, hotels | place bldg @bldg build
shop, shops | m Laden, Läden | m negozio, negozi | de winkel, winkels | place bldg @bldg
supermarket, supermarkets | m Supermarkt, Supermärkte | m supermercato, supermercati | de supermarkt, supermarkten | place bldg @bldg
bakery, bakeries | f Bäckerei, Bäckereien | f panetteria, panetterie | de bakkerij, bakkerijen | place bldg @bldg
cinema, cinemas | n Kino, Kinos | m cinema, cinema | de bioscoop, bioscopen | place bldg @bldg
theater, theaters | n Theater, Theater | m teatro, teatri | het theater, theaters | place bldg @bldg visit
castle, castles | n Schloss, Schlösser | m castello, castelli | het kasteel, kastelen | place bldg @bldg visit draw
bank, banks | f Bank, Banken | f banca, banche | de bank, banken | place bldg @bldg
pharmacy, pharmacies | f Apotheke, Apotheken | f farmacia, farmacie | de apotheek, apotheken | place bldg @bldg
factory, factories | f Fabrik, Fabriken | f fabbrica, fabbriche | de fabriek, fabrieken | place bldg @bldg visit build
post office, post offices | n Postamt, Postämter | m ufficio postale, uffici postali | het postkantoor, postkantoren | place bldg @bldg
cafe, cafes | n Café, Cafés | m bar, bar | het café, cafés | place bldg @bldg
university, universities | f Universität, Universitäten | f università, università | de universiteit, universiteiten | place bldg @spot visit
station, stations | m Bahnhof, Bahnhöfe | f stazione, stazioni | het station, stations | place spot @spot
airport, airports | m Flughafen, Flughäfen | m aeroporto, aeroporti | het vliegveld, vliegvelden | place spot @spot
bus stop, bus stops | f Haltestelle, Haltestellen | f fermata, fermate | de bushalte, bushaltes | place spot @stop
# outdoors
park, parks | m Park, Parks | m parco, parchi | het park, parken | place outdoor @bldg visit
forest, forests | m Wald, Wälder | m bosco, boschi | het bos, bossen | place outdoor @room draw
zoo, zoos | m Zoo, Zoos | m zoo, zoo | de dierentuin, dierentuinen | place outdoor @bldg visit
lake, lakes | m See, Seen | m lago, laghi | het meer, meren | place outdoor @lake draw
market, markets | m Markt, Märkte | m mercato, mercati | de markt, markten | place outdoor @market visit
farm, farms | m Bauernhof, Bauernhöfe | f fattoria, fattorie | de boerderij, boerderijen | place outdoor @farm visit
square, squares | m Platz, Plätze | f piazza, piazze | het plein, pleinen | place outdoor @square
beach, beaches | m Strand, Strände | f spiaggia, spiagge | het strand, stranden | place outdoor @beach
# other
film, films | m Film, Filme | m film, film | de film, films | show
match, matches | n Spiel, Spiele | f partita, partite | de wedstrijd, wedstrijden | show
concert, concerts | n Konzert, Konzerte | m concerto, concerti | het concert, concerten | show
bill, bills | f Rechnung, Rechnungen | m conto, conti | de rekening, rekeningen | bill
euro, euros | m Euro, Euro | m euro, euro | de euro, euro | price
year, years | n Jahr, Jahre | m anno, anni | het jaar, jaar | measure
football, - | m Fußball, - | m calcio, - | het voetbal, - | sport
tennis, - | n Tennis, - | m tennis, - | het tennis, - | sport
chess, - | n Schach, - | m scacchi, - | het schaak, - | sport
basketball, - | m Basketball, - | f pallacanestro, - | het basketbal, - | sport
golf, - | n Golf, - | m golf, - | het golf, - | sport
"""

# Adjectives: english | de predicative[ stem=X][ !=invariable] | it m.sg or 4 forms "m,f,mp,fp"[ ^=before
# the noun][ !=invariable] | nl base, inflected | group | noun tags it modifies[ pred=predicative only]
_ADJECTIVES = """
red | rot | rosso | rood, rode | colour | thing cloth vehicle furn
blue | blau | blu ! | blauw, blauwe | colour | thing cloth vehicle furn
green | grün | verde | groen, groene | colour | thing cloth vehicle furn
yellow | gelb | giallo | geel, gele | colour | thing cloth vehicle furn
black | schwarz | nero | zwart, zwarte | colour | thing cloth vehicle furn animal
white | weiß | bianco, bianca, bianchi, bianche | wit, witte | colour | thing cloth vehicle furn animal
brown | braun | marrone | bruin, bruine | colour | thing cloth vehicle furn animal
gray | grau | grigio, grigia, grigi, grigie | grijs, grijze | colour | thing cloth vehicle furn animal
orange | orange stem=orangefarben | arancione | oranje, oranje | colour | thing cloth vehicle furn
pink | rosa ! | rosa ! | roze, roze | colour | thing cloth vehicle furn
purple | lila ! | viola ! | paars, paarse | colour | thing cloth vehicle furn
big | groß | grande ^ | groot, grote | size | thing vehicle furn animal place
small | klein | piccolo ^ | klein, kleine | size | thing vehicle furn animal place
old | alt | vecchio, vecchia, vecchi, vecchie ^ | oud, oude | age | person animal thing vehicle furn bldg cloth
new | neu | nuovo ^ | nieuw, nieuwe | age | thing vehicle furn bldg cloth
young | jung | giovane ^ | jong, jonge | age | person animal
beautiful | schön | bello ^ | mooi, mooie | quality | thing cloth vehicle furn bldg person animal
good | gut | buono ^ | goed, goede | quality | food drink text show
long | lang | lungo, lunga, lunghi, lunghe | lang, lange | quality | text long show bill
short | kurz | corto | kort, korte | quality | text long show
heavy | schwer | pesante | zwaar, zware | quality | container furn
cheap | billig | economico, economica, economici, economiche | goedkoop, goedkope | quality | thing cloth vehicle
expensive | teuer stem=teur | caro | duur, dure | quality | thing cloth vehicle drink bill
clean | sauber | pulito | schoon, schone | quality | cloth vehicle furn room
dirty | schmutzig | sporco, sporca, sporchi, sporche | vies, vieze | quality | cloth vehicle furn room
modern | modern | moderno | modern, moderne | quality | bldg vehicle
broken | kaputt | rotto | kapot, kapotte | quality | repair
empty | leer | vuoto | leeg, lege | quality | container
full | voll | pieno | vol, volle | quality | container
ugly | hässlich | brutto | lelijk, lelijke | quality | thing cloth vehicle furn bldg
fast | schnell | veloce | snel, snelle | quality | vehicle animal
slow | langsam | lento | langzaam, langzame | quality | vehicle animal
fresh | frisch | fresco, fresca, freschi, fresche | vers, verse | quality | food
sweet | süß | dolce | zoet, zoete | quality | food
warm | warm | caldo | warm, warme | quality | food drink
cold | kalt | freddo | koud, koude | quality | food drink
delicious | lecker | delizioso | lekker, lekkere | quality | food drink
famous | berühmt | famoso | beroemd, beroemde | quality | person bldg
rich | reich | ricco, ricca, ricchi, ricche | rijk, rijke | quality | adult
poor | arm | povero | arm, arme | quality | adult
friendly | freundlich | gentile | vriendelijk, vriendelijke | quality | person
nice | nett | simpatico, simpatica, simpatici, simpatiche | aardig, aardige | quality | person
clever | klug | intelligente | slim, slimme | quality | person
funny | lustig | divertente | grappig, grappige | quality | person show
happy | glücklich | felice | blij, blije | quality | person
sad | traurig | triste | verdrietig, verdrietige | quality | person
angry | wütend | arrabbiato | boos, boze | quality | person
sick | krank | malato | ziek, zieke | quality | person animal
hungry | hungrig | affamato | hongerig, hongerige | quality | person animal
tired | müde | stanco, stanca, stanchi, stanche | moe, moe | quality | person animal pred
German | deutsch | tedesco, tedesca, tedeschi, tedesche | Duits, Duitse | nation | adult food drink vehicle
Italian | italienisch | italiano | Italiaans, Italiaanse | nation | adult food drink vehicle
Dutch | niederländisch | olandese | Nederlands, Nederlandse | nation | adult food drink vehicle
French | französisch | francese | Frans, Franse | nation | adult food drink vehicle
English | englisch | inglese | Engels, Engelse | nation | adult food drink vehicle
Spanish | spanisch | spagnolo | Spaans, Spaanse | nation | adult food drink vehicle
American | amerikanisch | americano | Amerikaans, Amerikaanse | nation | adult food drink vehicle
Japanese | japanisch | giapponese | Japans, Japanse | nation | adult food drink vehicle
Chinese | chinesisch | cinese | Chinees, Chinese | nation | adult food drink vehicle
Polish | polnisch | polacco, polacca, polacchi, polacche | Pools, Poolse | nation | adult food drink vehicle
Russian | russisch | russo | Russisch, Russische | nation | adult food drink vehicle
Greek | griechisch | greco, greca, greci, greche | Grieks, Griekse | nation | adult food drink vehicle
"""

# Verbs: key | en base, 3sg, past, pp | de inf, 1sg, 3sg, pp, aux[, sep=X][, case=D][, prep=auf][, adv=X]
#        | it inf, 1sg, 3sg, 1pl, 3pl, pp, aux[, prep=a][, adv=X] | nl inf, 1sg, 3sg, pp, aux[, sep=X][, prep=op]
#        | frames | subject tags | object tags (tr, ditr, price) | place keys and @groups (intr, motion, sched)
# "_" stands for a space inside an option value (sep=spazieren_ : spazieren gehen, spazieren gegangen).
_VERBS = """
buy | buy, buys, bought, bought | kaufen, kaufe, kauft, gekauft, h | comprare, compro, compra, compriamo, comprano, comprato, a | kopen, koop, koopt, gekocht, h | tr | adult | goods press |
sell | sell, sells, sold, sold | verkaufen, verkaufe, verkauft, verkauft, h | vendere, vendo, vende, vendiamo, vendono, venduto, a | verkopen, verkoop, verkoopt, verkocht, h | tr ditr | adult | goods press |
see | see, sees, saw, seen | sehen, sehe, sieht, gesehen, h | vedere, vedo, vede, vediamo, vedono, visto, a | zien, zie, ziet, gezien, h | tr | person animal | person animal thing vehicle bldg |
find | find, finds, found, found | finden, finde, findet, gefunden, h | trovare, trovo, trova, troviamo, trovano, trovato, a | vinden, vind, vindt, gevonden, h | tr | person animal | thing cloth pet |
lose | lose, loses, lost, lost | verlieren, verliere, verliert, verloren, h | perdere, perdo, perde, perdiamo, perdono, perso, a | verliezen, verlies, verliest, verloren, h | tr | person | thing cloth |
carry | carry, carries, carried, carried | tragen, trage, trägt, getragen, h | portare, porto, porta, portiamo, portano, portato, a | dragen, draag, draagt, gedragen, h | tr | adult | carry |
open | open, opens, opened, opened | öffnen, öffne, öffnet, geöffnet, h | aprire, apro, apre, apriamo, aprono, aperto, a | openen, open, opent, geopend, h | tr | person | open |
close | close, closes, closed, closed | schließen, schließe, schließt, geschlossen, h | chiudere, chiudo, chiude, chiudiamo, chiudono, chiuso, a | sluiten, sluit, sluit, gesloten, h | tr | person | open |
clean | clean, cleans, cleaned, cleaned | putzen, putze, putzt, geputzt, h | pulire, pulisco, pulisce, puliamo, puliscono, pulito, a | schoonmaken, maak, maakt, schoongemaakt, h, sep=schoon | tr | adult | clean |
wash | wash, washes, washed, washed | waschen, wasche, wäscht, gewaschen, h | lavare, lavo, lava, laviamo, lavano, lavato, a | wassen, was, wast, gewassen, h | tr | adult | wash |
paint | paint, paints, painted, painted | streichen, streiche, streicht, gestrichen, h | dipingere, dipingo, dipinge, dipingiamo, dipingono, dipinto, a | verven, verf, verft, geverfd, h | tr | adult | paint |
read | read, reads, read, read | lesen, lese, liest, gelesen, h | leggere, leggo, legge, leggiamo, leggono, letto, a | lezen, lees, leest, gelezen, h | tr intr | person | text | room library garden park cafe @home
write | write, writes, wrote, written | schreiben, schreibe, schreibt, geschrieben, h | scrivere, scrivo, scrive, scriviamo, scrivono, scritto, a | schrijven, schrijf, schrijft, geschreven, h | tr intr | person | text | office room library cafe @home
eat | eat, eats, ate, eaten | essen, esse, isst, gegessen, h | mangiare, mangio, mangia, mangiamo, mangiano, mangiato, a | eten, eet, eet, gegeten, h | tr intr | person animal | food | kitchen garden restaurant cafe @home
drink | drink, drinks, drank, drunk | trinken, trinke, trinkt, getrunken, h | bere, bevo, beve, beviamo, bevono, bevuto, a | drinken, drink, drinkt, gedronken, h | tr | person animal | drink |
cook | cook, cooks, cooked, cooked | kochen, koche, kocht, gekocht, h | cucinare, cucino, cucina, cuciniamo, cucinano, cucinato, a | koken, kook, kookt, gekookt, h | tr intr | adult | cook | kitchen restaurant @home
need | need, needs, needed, needed | brauchen, brauche, braucht, gebraucht, h | avere, ho, ha, abbiamo, hanno, avuto, a, prep=di, adv=bisogno | nodig_hebben, heb, heeft, nodig_gehad, h, sep=nodig_ | tr | person | goods |
have | have, has, had, had | haben, habe, hat, gehabt, h | avere, ho, ha, abbiamo, hanno, avuto, a | hebben, heb, heeft, gehad, h | tr | person | goods animal |
visit | visit, visits, visited, visited | besuchen, besuche, besucht, besucht, h | visitare, visito, visita, visitiamo, visitano, visitato, a | bezoeken, bezoek, bezoekt, bezocht, h | tr | person | person visit @city @country |
help | help, helps, helped, helped | helfen, helfe, hilft, geholfen, h, case=D | aiutare, aiuto, aiuta, aiutiamo, aiutano, aiutato, a | helpen, help, helpt, geholpen, h | tr | person | person |
meet | meet, meets, met, met | treffen, treffe, trifft, getroffen, h | incontrare, incontro, incontra, incontriamo, incontrano, incontrato, a | ontmoeten, ontmoet, ontmoet, ontmoet, h | tr | person | person |
call | call, calls, called, called | anrufen, rufe, ruft, angerufen, h, sep=an | chiamare, chiamo, chiama, chiamiamo, chiamano, chiamato, a | opbellen, bel, belt, opgebeld, h, sep=op | tr | person | person |
know | know, knows, knew, known | kennen, kenne, kennt, gekannt, h | conoscere, conosco, conosce, conosciamo, conoscono, conosciuto, a | kennen, ken, kent, gekend, h | tr | person | person @city |
wait_for | wait for, waits for, waited for, waited for | warten, warte, wartet, gewartet, h, prep=auf | aspettare, aspetto, aspetta, aspettiamo, aspettano, aspettato, a | wachten, wacht, wacht, gewacht, h, prep=op | tr | person | person transport |
look_for | look for, looks for, looked for, looked for | suchen, suche, sucht, gesucht, h | cercare, cerco, cerca, cerchiamo, cercano, cercato, a | zoeken, zoek, zoekt, gezocht, h | tr | person animal | thing cloth pet person |
take | take, takes, took, taken | nehmen, nehme, nimmt, genommen, h | prendere, prendo, prende, prendiamo, prendono, preso, a | nemen, neem, neemt, genomen, h | tr | person | carry transport |
repair | repair, repairs, repaired, repaired | reparieren, repariere, repariert, repariert, h | riparare, riparo, ripara, ripariamo, riparano, riparato, a | repareren, repareer, repareert, gerepareerd, h | tr | adult | repair |
draw | draw, draws, drew, drawn | zeichnen, zeichne, zeichnet, gezeichnet, h | disegnare, disegno, disegna, disegniamo, disegnano, disegnato, a | tekenen, teken, tekent, getekend, h | tr | person | draw |
build | build, builds, built, built | bauen, baue, baut, gebaut, h | costruire, costruisco, costruisce, costruiamo, costruiscono, costruito, a | bouwen, bouw, bouwt, gebouwd, h | tr | adult | build |
order | order, orders, ordered, ordered | bestellen, bestelle, bestellt, bestellt, h | ordinare, ordino, ordina, ordiniamo, ordinano, ordinato, a | bestellen, bestel, bestelt, besteld, h | tr | person | order |
forget | forget, forgets, forgot, forgotten | vergessen, vergesse, vergisst, vergessen, h | dimenticare, dimentico, dimentica, dimentichiamo, dimenticano, dimenticato, a | vergeten, vergeet, vergeet, vergeten, z | tr | person | carry |
love | love, loves, loved, loved | lieben, liebe, liebt, geliebt, h | amare, amo, ama, amiamo, amano, amato, a | houden, hou, houdt, gehouden, h, prep=van | tr | person | person animal |
hear | hear, hears, heard, heard | hören, höre, hört, gehört, h | sentire, sento, sente, sentiamo, sentono, sentito, a | horen, hoor, hoort, gehoord, h | tr | person animal | person animal |
watch | watch, watches, watched, watched | anschauen, schaue, schaut, angeschaut, h, sep=an | guardare, guardo, guarda, guardiamo, guardano, guardato, a | kijken, kijk, kijkt, gekeken, h, prep=naar | tr | person | show person animal |
play_sport | play, plays, played, played | spielen, spiele, spielt, gespielt, h | giocare, gioco, gioca, giochiamo, giocano, giocato, a, prep=a | spelen, speel, speelt, gespeeld, h | tr | person | sport |
turn_on | turn on, turns on, turned on, turned on | einschalten, schalte, schaltet, eingeschaltet, h, sep=ein | accendere, accendo, accende, accendiamo, accendono, acceso, a | aanzetten, zet, zet, aangezet, h, sep=aan | tr | person | switch |
turn_off | turn off, turns off, turned off, turned off | ausschalten, schalte, schaltet, ausgeschaltet, h, sep=aus | spegnere, spengo, spegne, spegniamo, spengono, spento, a | uitzetten, zet, zet, uitgezet, h, sep=uit | tr | person | switch |
tidy | tidy, tidies, tidied, tidied | aufräumen, räume, räumt, aufgeräumt, h, sep=auf | riordinare, riordino, riordina, riordiniamo, riordinano, riordinato, a | opruimen, ruim, ruimt, opgeruimd, h, sep=op | tr | person | room |
invite | invite, invites, invited, invited | einladen, lade, lädt, eingeladen, h, sep=ein | invitare, invito, invita, invitiamo, invitano, invitato, a | uitnodigen, nodig, nodigt, uitgenodigd, h, sep=uit | tr | person | person |
pay | pay, pays, paid, paid | bezahlen, bezahle, bezahlt, bezahlt, h | pagare, pago, paga, paghiamo, pagano, pagato, a | betalen, betaal, betaalt, betaald, h | tr | adult | bill |
follow | follow, follows, followed, followed | folgen, folge, folgt, gefolgt, s, case=D | seguire, seguo, segue, seguiamo, seguono, seguito, a | volgen, volg, volgt, gevolgd, h | tr | person animal | person animal |
thank | thank, thanks, thanked, thanked | danken, danke, dankt, gedankt, h, case=D | ringraziare, ringrazio, ringrazia, ringraziamo, ringraziano, ringraziato, a | bedanken, bedank, bedankt, bedankt, h | tr | person | person |
cut | cut, cuts, cut, cut | schneiden, schneide, schneidet, geschnitten, h | tagliare, taglio, taglia, tagliamo, tagliano, tagliato, a | snijden, snijd, snijdt, gesneden, h | tr | adult | cut |
bake | bake, bakes, baked, baked | backen, backe, backt, gebacken, h | fare, faccio, fa, facciamo, fanno, fatto, a | bakken, bak, bakt, gebakken, h | tr | adult | bake |
pick | pick, picks, picked, picked | pflücken, pflücke, pflückt, gepflückt, h | raccogliere, raccolgo, raccoglie, raccogliamo, raccolgono, raccolto, a | plukken, pluk, plukt, geplukt, h | tr | person | pick |
throw | throw, throws, threw, thrown | werfen, werfe, wirft, geworfen, h | lanciare, lancio, lancia, lanciamo, lanciano, lanciato, a | gooien, gooi, gooit, gegooid, h | tr | person | throw |
photograph | photograph, photographs, photographed, photographed | fotografieren, fotografiere, fotografiert, fotografiert, h | fotografare, fotografo, fotografa, fotografiamo, fotografano, fotografato, a | fotograferen, fotografeer, fotografeert, gefotografeerd, h | tr | adult | person animal vehicle visit |
give | give, gives, gave, given | geben, gebe, gibt, gegeben, h | dare, do, dà, diamo, danno, dato, a | geven, geef, geeft, gegeven, h | ditr | person | carry food |
show | show, shows, showed, shown | zeigen, zeige, zeigt, gezeigt, h | mostrare, mostro, mostra, mostriamo, mostrano, mostrato, a | tonen, toon, toont, getoond, h | ditr | person | carry |
bring | bring, brings, brought, brought | bringen, bringe, bringt, gebracht, h | portare, porto, porta, portiamo, portano, portato, a | brengen, breng, brengt, gebracht, h | ditr | person | carry food drink |
send | send, sends, sent, sent | schicken, schicke, schickt, geschickt, h | mandare, mando, manda, mandiamo, mandano, mandato, a | sturen, stuur, stuurt, gestuurd, h | ditr | person | send |
lend | lend, lends, lent, lent | leihen, leihe, leiht, geliehen, h | prestare, presto, presta, prestiamo, prestano, prestato, a | lenen, leen, leent, geleend, h | ditr | adult | lend |
sleep | sleep, sleeps, slept, slept | schlafen, schlafe, schläft, geschlafen, h | dormire, dormo, dorme, dormiamo, dormono, dormito, a | slapen, slaap, slaapt, geslapen, h | intr | person animal |  | bedroom living_room hotel garden @home
work | work, works, worked, worked | arbeiten, arbeite, arbeitet, gearbeitet, h | lavorare, lavoro, lavora, lavoriamo, lavorano, lavorato, a | werken, werk, werkt, gewerkt, h | intr | adult |  | @bldg office garden farm market @city @country @home
play | play, plays, played, played | spielen, spiele, spielt, gespielt, h | giocare, gioco, gioca, giochiamo, giocano, giocato, a | spelen, speel, speelt, gespeeld, h | intr | young animal |  | garden park living_room room beach
sing | sing, sings, sang, sung | singen, singe, singt, gesungen, h | cantare, canto, canta, cantiamo, cantano, cantato, a | zingen, zing, zingt, gezongen, h | intr | person |  | church theater garden kitchen bathroom
dance | dance, dances, danced, danced | tanzen, tanze, tanzt, getanzt, h | ballare, ballo, balla, balliamo, ballano, ballato, a | dansen, dans, danst, gedanst, h | intr | person |  | living_room square park beach garden
wait | wait, waits, waited, waited | warten, warte, wartet, gewartet, h | aspettare, aspetto, aspetta, aspettiamo, aspettano, aspettato, a | wachten, wacht, wacht, gewacht, h | intr | person animal |  | @spot cafe park
laugh | laugh, laughs, laughed, laughed | lachen, lache, lacht, gelacht, h | ridere, rido, ride, ridiamo, ridono, riso, a | lachen, lach, lacht, gelachen, h | intr | person |  | cinema theater kitchen garden
live | live, lives, lived, lived | wohnen, wohne, wohnt, gewohnt, h | abitare, abito, abita, abitiamo, abitano, abitato, a | wonen, woon, woont, gewoond, h | intr | person |  | @city @country hotel castle farm
study | study, studies, studied, studied | lernen, lerne, lernt, gelernt, h | studiare, studio, studia, studiamo, studiano, studiato, a | studeren, studeer, studeert, gestudeerd, h | intr | person |  | library school university room @home
swim | swim, swims, swam, swum | schwimmen, schwimme, schwimmt, geschwommen, s | nuotare, nuoto, nuota, nuotiamo, nuotano, nuotato, a | zwemmen, zwem, zwemt, gezwommen, h | intr | person animal |  | lake beach
walk | walk, walks, walked, walked | spazieren_gehen, gehe, geht, spazieren_gegangen, s, sep=spazieren_ | passeggiare, passeggio, passeggia, passeggiamo, passeggiano, passeggiato, a | wandelen, wandel, wandelt, gewandeld, h | intr | person |  | park forest beach @city
cry | cry, cries, cried, cried | weinen, weine, weint, geweint, h | piangere, piango, piange, piangiamo, piangono, pianto, a | huilen, huil, huilt, gehuild, h | intr | person |  | bedroom kitchen garden school
smile | smile, smiles, smiled, smiled | lächeln, lächle, lächelt, gelächelt, h | sorridere, sorrido, sorride, sorridiamo, sorridono, sorriso, a | glimlachen, glimlach, glimlacht, geglimlacht, h | intr | person |  | garden school office
run | run, runs, ran, run | laufen, laufe, läuft, gelaufen, s | correre, corro, corre, corriamo, corrono, corso, a | rennen, ren, rent, gerend, h | intr | person animal |  | park forest beach garden
paint_art | paint, paints, painted, painted | malen, male, malt, gemalt, h | dipingere, dipingo, dipinge, dipingiamo, dipingono, dipinto, a | schilderen, schilder, schildert, geschilderd, h | intr | person |  | garden park room @home
go | go, goes, went, gone | gehen, gehe, geht, gegangen, s | andare, vado, va, andiamo, vanno, andato, e | gaan, ga, gaat, gegaan, z | motion | person animal |  | @room @bldg @spot @outdoor @home
go_far | go, goes, went, gone | fahren, fahre, fährt, gefahren, s | andare, vado, va, andiamo, vanno, andato, e | gaan, ga, gaat, gegaan, z | motion | person |  | @city @country
come | come, comes, came, come | kommen, komme, kommt, gekommen, s | venire, vengo, viene, veniamo, vengono, venuto, e | komen, kom, komt, gekomen, z | motion | person animal |  | @city @country @bldg @spot
drive | drive, drives, drove, driven | fahren, fahre, fährt, gefahren, s | andare, vado, va, andiamo, vanno, andato, e, adv=in_macchina | rijden, rijd, rijdt, gereden, z | motion | adult |  | @city @country @bldg @spot @home
fly | fly, flies, flew, flown | fliegen, fliege, fliegt, geflogen, s | volare, volo, vola, voliamo, volano, volato, e | vliegen, vlieg, vliegt, gevlogen, z | motion | person |  | @city @country
walk_to | walk, walks, walked, walked | gehen, gehe, geht, gegangen, s, adv=zu_Fuß | andare, vado, va, andiamo, vanno, andato, e, adv=a_piedi | lopen, loop, loopt, gelopen, z | motion | person |  | @bldg @spot @outdoor @home
run_to | run, runs, ran, run | laufen, laufe, läuft, gelaufen, s | correre, corro, corre, corriamo, corrono, corso, e | rennen, ren, rent, gerend, z | motion | person animal |  | @room @bldg @spot @outdoor @home
return | return, returns, returned, returned | zurückkehren, kehre, kehrt, zurückgekehrt, s, sep=zurück | tornare, torno, torna, torniamo, tornano, tornato, e | terugkeren, keer, keert, teruggekeerd, z, sep=terug | motion | person |  | @city @country @home
arrive | arrive, arrives, arrived, arrived | ankommen, komme, kommt, angekommen, s, sep=an | arrivare, arrivo, arriva, arriviamo, arrivano, arrivato, e | aankomen, kom, komt, aangekomen, z, sep=aan | sched | person transport |  | @city @spot hotel @home
leave | leave, leaves, left, left | abfahren, fahre, fährt, abgefahren, s, sep=ab | partire, parto, parte, partiamo, partono, partito, e | vertrekken, vertrek, vertrekt, vertrokken, z | sched | sched adult |  |
know_that | know, knows, knew, known | wissen, weiß, weiß, gewusst, h | sapere, so, sa, sappiamo, sanno, saputo, a | weten, weet, weet, geweten, h | comp | person |  |
say | say, says, said, said | sagen, sage, sagt, gesagt, h | dire, dico, dice, diciamo, dicono, detto, a | zeggen, zeg, zegt, gezegd, h | comp | person |  |
hear_that | hear, hears, heard, heard | hören, höre, hört, gehört, h | sentire, sento, sente, sentiamo, sentono, sentito, a | horen, hoor, hoort, gehoord, h | comp | person |  |
see_that | see, sees, saw, seen | sehen, sehe, sieht, gesehen, h | vedere, vedo, vede, vediamo, vedono, visto, a | zien, zie, ziet, gezien, h | comp | person |  |
cost | cost, costs, cost, cost | kosten, koste, kostet, gekostet, h | costare, costo, costa, costiamo, costano, costato, e | kosten, kost, kost, gekost, h | price | goods vehicle |  |
"""

# Copula and auxiliaries (same row format as _VERBS, without frames).
_AUX = """
be | be, is, was, been | sein, bin, ist, gewesen, s, pl=sind | essere, sono, è, siamo, sono, stato, e | zijn, ben, is, geweest, z
have | have, has, had, had | haben, habe, hat, gehabt, h | avere, ho, ha, abbiamo, hanno, avuto, a | hebben, heb, heeft, gehad, h
"""

# Past of the copula (German/Dutch simple past, Italian imperfect: state in the past): 1sg 3sg pl (it 4 forms)
COPULA_PAST = {
    "de": ("war", "war", "waren"),
    "nl": ("was", "was", "waren"),
    "it": ("ero", "era", "eravamo", "erano"),
}

# Modals: present 1sg 3sg pl, past 1sg 3sg pl. "must not" is "darf nicht" / "mag niet".
MODALS: Dict[str, Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]] = {
    "can": {"de": (("kann", "kann", "können"), ("konnte", "konnte", "konnten")),
            "it": (("posso", "può", "possiamo", "possono"), ("potevo", "poteva", "potevamo", "potevano")),
            "nl": (("kan", "kan", "kunnen"), ("kon", "kon", "konden"))},
    "must": {"de": (("muss", "muss", "müssen"), ("musste", "musste", "mussten")),
             "it": (("devo", "deve", "dobbiamo", "devono"), ("dovevo", "doveva", "dovevamo", "dovevano")),
             "nl": (("moet", "moet", "moeten"), ("moest", "moest", "moesten"))},
    "must_not": {"de": (("darf", "darf", "dürfen"), ("durfte", "durfte", "durften")),
                 "it": (("devo", "deve", "dobbiamo", "devono"), ("dovevo", "doveva", "dovevamo", "dovevano")),
                 "nl": (("mag", "mag", "mogen"), ("mocht", "mocht", "mochten"))},
    "want": {"de": (("will", "will", "wollen"), ("wollte", "wollte", "wollten")),
             "it": (("voglio", "vuole", "vogliamo", "vogliono"), ("volevo", "voleva", "volevamo", "volevano")),
             "nl": (("wil", "wil", "willen"), ("wilde", "wilde", "wilden"))},
}

# Given names (unchanged across the four languages) with the gender Italian agreement needs.
_NAMES = """
Anna f | Maria f | Laura f | Sofia f | Emma f | Julia f | Sara f | Lisa f | Eva f | Clara f | Elena f | Marta f
Nora f | Paula f | Rosa f | Linda f | Peter m | Paul m | Marco m | David m | Daniel m | Martin m | Simon m
Robert m | Tom m | Luca m | Leo m | Jan m | Erik m | Oscar m | Victor m | Adam m | Michael m | Frank m | Hugo m
"""

# Cities and countries: english | de | it | nl | kind [Italian gender of countries, which take an article]
_PROPER = """
Berlin | Berlin | Berlino | Berlijn | city
Paris | Paris | Parigi | Parijs | city
Rome | Rom | Roma | Rome | city
London | London | Londra | Londen | city
Vienna | Wien | Vienna | Wenen | city
Amsterdam | Amsterdam | Amsterdam | Amsterdam | city
Madrid | Madrid | Madrid | Madrid | city
Milan | Mailand | Milano | Milaan | city
Venice | Venedig | Venezia | Venetië | city
Florence | Florenz | Firenze | Florence | city
Naples | Neapel | Napoli | Napels | city
Brussels | Brüssel | Bruxelles | Brussel | city
Lisbon | Lissabon | Lisbona | Lissabon | city
Prague | Prag | Praga | Praag | city
Moscow | Moskau | Mosca | Moskou | city
Athens | Athen | Atene | Athene | city
Warsaw | Warschau | Varsavia | Warschau | city
Cologne | Köln | Colonia | Keulen | city
Hamburg | Hamburg | Amburgo | Hamburg | city
Geneva | Genf | Ginevra | Genève | city
Turin | Turin | Torino | Turijn | city
Zurich | Zürich | Zurigo | Zürich | city
Dublin | Dublin | Dublino | Dublin | city
Stockholm | Stockholm | Stoccolma | Stockholm | city
Copenhagen | Kopenhagen | Copenaghen | Kopenhagen | city
Barcelona | Barcelona | Barcellona | Barcelona | city
Frankfurt | Frankfurt | Francoforte | Frankfurt | city
Rotterdam | Rotterdam | Rotterdam | Rotterdam | city
Tokyo | Tokio | Tokyo | Tokio | city
Germany | Deutschland | Germania | Duitsland | country f
France | Frankreich | Francia | Frankrijk | country f
Italy | Italien | Italia | Italië | country f
Spain | Spanien | Spagna | Spanje | country f
England | England | Inghilterra | Engeland | country f
Austria | Österreich | Austria | Oostenrijk | country f
Poland | Polen | Polonia | Polen | country f
Sweden | Schweden | Svezia | Zweden | country f
Norway | Norwegen | Norvegia | Noorwegen | country f
Denmark | Dänemark | Danimarca | Denemarken | country f
Belgium | Belgien | Belgio | België | country m
Japan | Japan | Giappone | Japan | country m
China | China | Cina | China | country f
Canada | Kanada | Canada | Canada | country m
Portugal | Portugal | Portogallo | Portugal | country m
"""

# Time phrases: english | de | it | nl | tenses they go with (pres = present/habitual, past, fut = future).
# {n} is a number (2..10) spelled in each language; {h} / {h1} an hour 1..12 (h1 = the next hour, for "half").
_TIMES = """
yesterday | gestern | ieri | gisteren | past
yesterday morning | gestern Morgen | ieri mattina | gisterochtend | past
yesterday evening | gestern Abend | ieri sera | gisteravond | past
last week | letzte Woche | la settimana scorsa | vorige week | past
last month | letzten Monat | il mese scorso | vorige maand | past
last year | letztes Jahr | l'anno scorso | vorig jaar | past
a week ago | vor einer Woche | una settimana fa | een week geleden | past
{n} days ago | vor {n} Tagen | {n} giorni fa | {n} dagen geleden | past
{n} weeks ago | vor {n} Wochen | {n} settimane fa | {n} weken geleden | past
{n} years ago | vor {n} Jahren | {n} anni fa | {n} jaar geleden | past
on Monday | am Montag | lunedì | op maandag | past fut
on Tuesday | am Dienstag | martedì | op dinsdag | past fut
on Wednesday | am Mittwoch | mercoledì | op woensdag | past fut
on Thursday | am Donnerstag | giovedì | op donderdag | past fut
on Friday | am Freitag | venerdì | op vrijdag | past fut
on Saturday | am Samstag | sabato | op zaterdag | past fut
on Sunday | am Sonntag | domenica | op zondag | past fut
today | heute | oggi | vandaag | pres past
now | jetzt | adesso | nu | pres
every day | jeden Tag | ogni giorno | elke dag | pres
every morning | jeden Morgen | ogni mattina | elke ochtend | pres
every evening | jeden Abend | ogni sera | elke avond | pres
every week | jede Woche | ogni settimana | elke week | pres
every year | jedes Jahr | ogni anno | elk jaar | pres
every Sunday | jeden Sonntag | ogni domenica | elke zondag | pres
every Saturday | jeden Samstag | ogni sabato | elke zaterdag | pres
in the morning | am Morgen | la mattina | 's ochtends | pres
in the afternoon | am Nachmittag | il pomeriggio | 's middags | pres
in the evening | am Abend | la sera | 's avonds | pres
in summer | im Sommer | d'estate | in de zomer | pres
in winter | im Winter | d'inverno | in de winter | pres
tomorrow | morgen | domani | morgen | fut
tomorrow morning | morgen früh | domani mattina | morgenochtend | fut
next week | nächste Woche | la settimana prossima | volgende week | fut
next year | nächstes Jahr | l'anno prossimo | volgend jaar | fut
in {n} days | in {n} Tagen | tra {n} giorni | over {n} dagen | fut
at {h} o'clock | um {h} Uhr | {alle_h} | om {h} uur | pres past fut
at half past {h} | um halb {h1} | {alle_h} e mezza | om half {h1} | pres past fut
"""

# Frequency adverbs: english | de | it | nl (Italian "mai" comes with "non").
_FREQUENCY = """
always | immer | sempre | altijd
often | oft | spesso | vaak
rarely | selten | raramente | zelden
never | nie | mai | nooit
"""

PRONOUNS: Dict[str, Pronoun] = {
    p.key: p for p in (
        Pronoun("I", 1, "sg", "m", "I", "my", "ich", "mein", "io", ("mio", "mia", "miei", "mie"), "ik", "mijn"),
        Pronoun("he", 3, "sg", "m", "he", "his", "er", "sein", "lui", ("suo", "sua", "suoi", "sue"), "hij", "zijn"),
        Pronoun("she", 3, "sg", "f", "she", "her", "sie", "ihr", "lei", ("suo", "sua", "suoi", "sue"), "zij",
                "haar"),
        Pronoun("we", 1, "pl", "m", "we", "our", "wir", "unser", "noi", ("nostro", "nostra", "nostri", "nostre"),
                "wij", "ons"),
        Pronoun("they", 3, "pl", "m", "they", "their", "sie", "ihr", "loro", ("loro", "loro", "loro", "loro"),
                "zij", "hun"),
    )
}

# Conjunctions of subordinate clauses: english | de | it | nl
CONJUNCTIONS: Dict[str, Dict[str, str]] = {
    "because": {"en": "because", "de": "weil", "it": "perché", "nl": "omdat"},
    "when": {"en": "when", "de": "wenn", "it": "quando", "nl": "als"},
    "while": {"en": "while", "de": "während", "it": "mentre", "nl": "terwijl"},
    "if": {"en": "if", "de": "wenn", "it": "se", "nl": "als"},
    "that": {"en": "that", "de": "dass", "it": "che", "nl": "dat"},
}


# ---------------------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------------------
def _rows(table: str, name: str, ncols: int) -> List[List[str]]:
    rows = []
    for lineno, line in enumerate(table.strip("\n").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("|")]
        if len(cols) != ncols:
            raise LexiconError(f"{name} table line {lineno}: expected {ncols} '|' columns, got {len(cols)}: {line}")
        rows.append(cols)
    return rows


def _opts(parts: Sequence[str]) -> Tuple[List[str], Dict[str, str]]:
    """Split ``["a", "b", "sep=an", "case=D"]`` into positional values and options ('_' means a space)."""
    pos, opts = [], {}
    for p in parts:
        if "=" in p:
            k, v = p.split("=", 1)
            opts[k.strip()] = v.strip().replace("_", " ")
        else:
            pos.append(p.strip())
    return pos, opts


def _split(col: str) -> List[str]:
    return [c.strip() for c in col.split(",")]


def _parse_nouns() -> Dict[str, Noun]:
    nouns: Dict[str, Noun] = {}
    for cols in _rows(_NOUNS, "noun", 5):
        en, de, it, nl, tags = cols
        try:
            en_sg, en_pl = _split(en)
            de_g, de_rest = de.split(" ", 1)
            de_pos, de_opts = _opts(_split(de_rest))
            de_sg, de_pl = de_pos[0], de_pos[1]
            weak = None
            if "weak" in de_pos[2:]:
                weak = de_pl
            if "weak" in de_opts:
                weak = de_opts["weak"]
            it_g, it_rest = it.split(" ", 1)
            it_sg, it_pl = _split(it_rest)
            nl_art, nl_rest = nl.split(" ", 1)
            nl_sg, nl_pl = _split(nl_rest)
        except ValueError as e:
            raise LexiconError(f"noun table: cannot parse {' | '.join(cols)}: {e}") from None
        if de_g not in ("m", "f", "n") or it_g not in ("m", "f") or nl_art not in ("de", "het"):
            raise LexiconError(f"noun table: bad gender/article in {' | '.join(cols)}")
        tagset = tags.split()
        prep = next((t[1:] for t in tagset if t.startswith("@")), None)
        if prep is not None and prep not in PREP_CLASSES:
            raise LexiconError(f"noun table: unknown preposition class @{prep} in {' | '.join(cols)}")
        mass = en_pl == "-"
        key = en_sg.replace(" ", "_")
        if key in nouns:
            raise LexiconError(f"noun table: duplicate noun {en_sg!r}")
        nouns[key] = Noun(
            key=key, en=en_sg, en_pl=None if mass else en_pl,
            de_g=de_g, de=de_sg, de_pl=None if mass else de_pl, de_weak=weak, de_gen=de_opts.get("gen"),
            it_g=it_g, it=it_sg, it_pl=None if mass else it_pl,
            nl_het=nl_art == "het", nl=nl_sg, nl_pl=None if mass else nl_pl,
            tags=frozenset(t for t in tagset if not t.startswith("@")) | ({"mass"} if mass else set()),
            prep=prep,
        )
    return nouns


def _it_adj_forms(spec: str) -> Tuple[Tuple[str, str, str, str], bool]:
    words = spec.replace(",", " ").split()
    invariable = "!" in words
    words = [w for w in words if w not in ("!", "^")]
    if len(words) == 4:
        return (words[0], words[1], words[2], words[3]), invariable
    (w,) = words
    if invariable:
        return (w, w, w, w), True
    if w.endswith("o"):
        s = w[:-1]
        return (w, s + "a", s + "i", s + "e"), False
    if w.endswith("e"):
        s = w[:-1]
        return (w, w, s + "i", s + "i"), False
    raise LexiconError(f"adjective table: cannot inflect Italian {w!r}; give four forms")


def _parse_adjectives() -> Dict[str, Adjective]:
    adjs: Dict[str, Adjective] = {}
    for en, de, it, nl, group, tags in _rows(_ADJECTIVES, "adjective", 6):
        de_words = de.split()
        de_base = de_words[0]
        _, de_opts = _opts(de_words[1:])
        stem: Optional[str] = None if "!" in de_words else de_opts.get("stem", de_base)
        it_forms, _ = _it_adj_forms(it)
        nl_base, nl_infl = _split(nl)
        tagset = tags.split()
        adjs[en.lower()] = Adjective(
            key=en.lower(), en=en, de=de_base, de_stem=stem, it_forms=it_forms, it_pre="^" in it.split(),
            nl=nl_base, nl_infl=nl_infl, tags=frozenset(t for t in tagset if t != "pred"),
            attributive="pred" not in tagset, group=group,
        )
    return adjs


def _parse_verb_row(key: str, en: str, de: str, it: str, nl: str, frames: str, subj: str, objs: str,
                    places: str) -> Verb:
    try:
        en_forms = tuple(_split(en))
        de_pos, de_opts = _opts(_split(de))
        it_pos, it_opts = _opts(_split(it))
        nl_pos, nl_opts = _opts(_split(nl))
        de_inf, de_1sg, de_3sg, de_pp, de_aux = (p.replace("_", " ") for p in de_pos)
        it_inf, i1, i3, i1p, i3p, it_pp, it_aux = it_pos
        nl_inf, nl_1sg, nl_3sg, nl_pp, nl_aux = (p.replace("_", " ") for p in nl_pos)
    except ValueError as e:
        raise LexiconError(f"verb table: cannot parse verb {key!r}: {e}") from None
    if len(en_forms) != 4:
        raise LexiconError(f"verb table: verb {key!r} needs 4 English forms")
    de_sep, nl_sep = de_opts.get("sep", ""), nl_opts.get("sep", "")
    if not de_inf.startswith(de_sep) or not nl_inf.startswith(nl_sep):
        raise LexiconError(f"verb table: verb {key!r}: infinitive does not start with its particle")
    return Verb(
        key=key, en=en_forms,  # type: ignore[arg-type]
        de_inf=de_inf, de_1sg=de_1sg, de_3sg=de_3sg, de_pp=de_pp, de_aux=de_aux, de_sep=de_sep,
        de_case=de_opts.get("case", "A"), de_prep=de_opts.get("prep", ""), de_adv=de_opts.get("adv", ""),
        it_inf=it_inf, it_forms=(i1, i3, i1p, i3p), it_pp=it_pp, it_aux=it_aux, it_prep=it_opts.get("prep", ""),
        it_adv=it_opts.get("adv", ""),
        nl_inf=nl_inf, nl_1sg=nl_1sg, nl_3sg=nl_3sg, nl_pp=nl_pp, nl_aux=nl_aux, nl_sep=nl_sep,
        nl_prep=nl_opts.get("prep", ""),
        frames=frozenset(frames.split()), subj=frozenset(subj.split()), objs=tuple(objs.split()),
        places=tuple(places.split()), de_plural=de_opts.get("pl", ""),
    )


def _parse_verbs() -> Dict[str, Verb]:
    verbs: Dict[str, Verb] = {}
    for cols in _rows(_VERBS, "verb", 9):
        v = _parse_verb_row(*cols)
        if v.key in verbs:
            raise LexiconError(f"verb table: duplicate key {v.key!r}")
        verbs[v.key] = v
    return verbs


def _parse_aux() -> Dict[str, Verb]:
    return {cols[0]: _parse_verb_row(*cols, "aux", "", "", "") for cols in _rows(_AUX, "aux", 5)}


def _parse_names() -> List[Name]:
    names = []
    for chunk in _NAMES.replace("\n", "|").split("|"):
        chunk = chunk.strip()
        if chunk:
            n, g = chunk.split()
            names.append(Name(n, g))
    return names


def _parse_proper() -> Dict[str, Proper]:
    out = {}
    for en, de, it, nl, kind in _rows(_PROPER, "proper", 5):
        kind, *g = kind.split()
        out[en] = Proper(en, en, de, it, nl, kind, g[0] if g else "m")
    return out


def _parse_times() -> List[TimePhrase]:
    return [TimePhrase(en, en, de, it, nl, frozenset(t.split())) for en, de, it, nl, t in _rows(_TIMES, "time", 5)]


def _parse_freq() -> Dict[str, Frequency]:
    return {en: Frequency(en, en, de, it, nl) for en, de, it, nl in _rows(_FREQUENCY, "frequency", 4)}


@dataclass
class Lexicon:
    """All word lists, indexed by English key."""

    nouns: Dict[str, Noun]
    adjectives: Dict[str, Adjective]
    verbs: Dict[str, Verb]
    aux: Dict[str, Verb]
    names: List[Name]
    proper: Dict[str, Proper]
    times: List[TimePhrase]
    freq: Dict[str, Frequency]
    pronouns: Dict[str, Pronoun] = field(default_factory=lambda: dict(PRONOUNS))

    def noun(self, key: str) -> Noun:
        try:
            return self.nouns[key.replace(" ", "_")]
        except KeyError:
            raise KeyError(f"no noun {key!r} in the lexicon") from None

    def adj(self, key: str) -> Adjective:
        try:
            return self.adjectives[key.lower()]
        except KeyError:
            raise KeyError(f"no adjective {key!r} in the lexicon") from None

    def verb(self, key: str) -> Verb:
        try:
            return self.verbs[key]
        except KeyError:
            raise KeyError(f"no verb {key!r} in the lexicon") from None

    def time(self, en: str) -> TimePhrase:
        for t in self.times:
            if t.en == en:
                return t
        raise KeyError(f"no time phrase {en!r} in the lexicon")

    def name(self, name: str) -> Name:
        for n in self.names:
            if n.name == name:
                return n
        raise KeyError(f"no name {name!r} in the lexicon")

    def nouns_with(self, *tags: str) -> List[Noun]:
        return [n for n in self.nouns.values() if n.has(*tags)]


def load_lexicon() -> Lexicon:
    """Parse the tables (raises :class:`LexiconError` naming the bad line)."""
    return Lexicon(
        nouns=_parse_nouns(), adjectives=_parse_adjectives(), verbs=_parse_verbs(), aux=_parse_aux(),
        names=_parse_names(), proper=_parse_proper(), times=_parse_times(), freq=_parse_freq(),
    )


LEXICON: Lexicon = load_lexicon()
