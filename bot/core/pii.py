"""Personal details out of a newcomer's message, before it becomes training data.

`scrub` replaces names, phone numbers, e-mail addresses, street addresses, ids and full dates by
placeholder words (NAME, PHONE, EMAIL, ADDRESS, ID, DATE). The placeholders are the same in every
language, so the classifier learns "a phone number goes here", not a particular number, and the
text stays a useful training example. Everything else is kept exactly, spacing included.

The rules favour precision on ordinary questions: a question without personal details must come
back unchanged ("Kurs B1 um 10 Uhr", "ich bin neu hier", "I am from Syria"). So names are only
recognised after phrases that introduce one ("ich heiße", "my name is", "меня зовут", "اسمي"…),
never guessed from capital letters alone; numbers become PHONE, ID or DATE only when their shape
or a label says so, and any run of five or more digits that is left becomes ID.

The rules run in a fixed order: the later ones see the placeholders of the earlier ones, which keeps
a phone number from being read as a date; and they run again until nothing changes, which makes
`scrub` idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["PLACEHOLDERS", "scrub"]

NAME = "NAME"
PHONE = "PHONE"
EMAIL = "EMAIL"
ADDRESS = "ADDRESS"
ID = "ID"
DATE = "DATE"
PLACEHOLDERS = (NAME, PHONE, EMAIL, ADDRESS, ID, DATE)


def scrub(text: str) -> str:
    """The text with personal details replaced by placeholders: NAME, PHONE, EMAIL, ADDRESS, ID,
    DATE.

    - NAME: the one or two words after a phrase that introduces a name ("ich heiße Ahmad Karimi",
      "my name is", "je m'appelle", "benim adım", "меня зовут", "мене звати", "اسمي",
      "اسم من … است", "esmi"), a capitalised name after "I am", "je suis", "я", and a Telegram
      user name (@handle). The phrase itself is kept.
    - PHONE: German and international numbers (0176 1234567, +49 176 1234 567, 07721/82-2153,
      (0 77 21) 123 45), in Arabic-Indic and Persian digits too.
    - EMAIL: e-mail addresses, also written "name (at) example.org".
    - ADDRESS: German street addresses (Bahnhofstr. 3a, Justinus-Kerner-Straße 7, Vöhrenbacher
      Straße 12, "wohne Am Markt 5") and postcode with town (78048 Villingen-Schwenningen).
    - ID: the value after a label (Aktenzeichen, Kundennummer, BG-Nummer, passport number, tax id,
      رقم الملف, شماره پرونده, номер паспорта…), BAMF file numbers (1234567-438), IBANs,
      passport-like codes (C01X00T47), and any other run of five or more digits.
    - DATE: full dates (12.03.1990, 1990-03-12, 12. März 1990, 12 марта 1990, ۱۲ فروردین ۱۳۶۹).
      A date without a year ("am 12. März") and a bare year ("born 1990") are kept: neither
      identifies anybody, and both help to understand the question.
    """
    # Until nothing changes, so that a second call has nothing left to do: a placeholder can
    # complete a shape that was not there before ("12345@x.12345" becomes "ID@x.ID", an e-mail
    # address). Text without personal details takes one pass, most other text two.
    for _ in range(_MAX_PASSES):
        scrubbed = _scrub_once(text)
        if scrubbed == text:
            break
        text = scrubbed
    return text


def _scrub_once(text: str) -> str:
    for rule in _RULES:
        text = rule(text)
    return text


# ---------------------------------------------------------------------------------------------
# Building blocks

# Spaces inside one line; Telegram clients insert no-break spaces into pasted numbers.
_H = r"[ \t\u00a0\u202f]"
_LETTER = r"[^\W\d_]"
# Combining marks are no word characters for `re`: Arabic vowel signs, the Persian zero-width
# non-joiner (دانش‌آموز), tatweel, and the accents of decomposed (NFD) Latin letters.
_MARK = r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c]"
# One word of a name: letters, inner apostrophes and hyphens (N'Diaye, Jean-Pierre, Мар'яна).
_WORD = rf"{_LETTER}(?:{_LETTER}|{_MARK}|['’\-](?={_LETTER}))*"

_Rule = Callable[[str], str]


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that "mars" wins over "mar"."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def _words(*lines: str) -> frozenset[str]:
    """The words of some lines of text, for stop lists written as prose."""
    return frozenset(" ".join(lines).split())


def _key(word: str) -> str:
    """A word as the stop lists spell it: lower case, Turkish İ without its dot, one apostrophe."""
    return word.lower().replace("i\u0307", "i").replace("’", "'")


def _substitute(
    pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]
) -> _Rule:
    def rule(text: str) -> str:
        return pattern.sub(replacement, text)

    return rule


# ---------------------------------------------------------------------------------------------
# E-mail addresses and Telegram user names

# Anchored at the start of a token: without the look-behind a long word without "@" would be
# scanned again from each of its letters.
# The top-level domain is letters: "Treffen @ 10.30" is no address.
_EMAIL = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]+(?:{_H}?@{_H}?|{_H}?[\[(](?i:at)[\])]{_H}?)"
    rf"[\w\-]+(?:\.[\w\-]+)*\.{_LETTER}{{2,}}"
)
# A user name links the message to its author as surely as a name does.
_HANDLE = re.compile(r"(?<![\w@])@\w{2,}")


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = (
    # de
    "januar", "jänner", "jaenner", "februar", "feber", "märz", "maerz", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "dezember",
    "jan", "feb", "mär", "mrz", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez",
    # en
    "january", "february", "march", "may", "june", "july", "october", "december",
    "mar", "oct", "dec",
    # fr
    "janvier", "février", "fevrier", "mars", "avril", "juin", "juillet", "août", "aout",
    "septembre", "octobre", "novembre", "décembre", "decembre",
    # tr
    "ocak", "şubat", "subat", "mart", "nisan", "mayıs", "mayis", "haziran", "temmuz", "ağustos",
    "agustos", "eylül", "eylul", "ekim", "kasım", "kasim", "aralık", "aralik",
    # ru: genitive (in dates) and nominative
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря", "январь", "февраль", "март", "апрель", "май", "июнь", "июль",
    "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    # uk: genitive
    "січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
    "жовтня", "листопада", "грудня",
    # ar: Egyptian/Gulf and Levantine/Iraqi names
    "يناير", "فبراير", "مارس", "أبريل", "ابريل", "إبريل", "مايو", "يونيو", "يونيه", "يوليو",
    "يوليه", "أغسطس", "اغسطس", "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر",
    "كانون الثاني", "شباط", "آذار", "اذار", "نيسان", "أيار", "ايار", "حزيران", "تموز", "آب",
    "أيلول", "ايلول", "تشرين الأول", "تشرين الاول", "تشرين الثاني", "كانون الأول", "كانون الاول",
    # fa: European and Solar Hijri names
    "ژانویه", "فوریه", "آوریل", "مه", "می", "ژوئن", "ژوئیه", "جولای", "اوت", "آگوست",
    "سپتامبر", "اکتبر", "نوامبر", "دسامبر", "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد",
    "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
_MONTH = rf"(?:{_alternatives(_MONTHS)})(?!{_LETTER})\.?"
# Not glued to a longer number: "07721.12.03" is no date.
_NOT_AFTER_NUMBER = r"(?<!\d)(?<!\d[./\-])"
_NUMERIC_DATE = re.compile(
    rf"{_NOT_AFTER_NUMBER}"
    rf"(?:(?P<d>\d{{1,2}})(?P<s1>[./\-]){_H}?(?P<m>\d{{1,2}})(?P=s1){_H}?(?P<y>\d{{4}}|\d{{2}})"
    rf"|(?P<y2>\d{{4}})(?P<s2>[./\-])(?P<m2>\d{{1,2}})(?P=s2)(?P<d2>\d{{1,2}}))"
    r"(?!\d)(?![./\-]\d)"
)
_WRITTEN_DATE = re.compile(
    rf"{_NOT_AFTER_NUMBER}\d{{1,2}}(?:\.|er|st|nd|rd|th|-?(?:го|е|ого))?{_H}*(?:(?:of|de){_H}+)?"
    rf"{_MONTH},?{_H}*\d{{4}}(?!\d)"
    rf"|(?<!{_LETTER}){_MONTH}{_H}+\d{{1,2}}(?:st|nd|rd|th|\.)?,?{_H}+\d{{4}}(?!\d)",
    re.IGNORECASE,
)


def _numeric_date(match: re.Match[str]) -> str:
    if match["d"] is not None:
        day, month, year = int(match["d"]), int(match["m"]), match["y"]
    else:
        day, month, year = int(match["d2"]), int(match["m2"]), match["y2"]
    if month > 12 and day <= 12:  # 03/25/1990, the American order
        day, month = month, day
    # 13xx and 14xx: Solar and lunar Hijri years (۱۳۶۹/۰۱/۱۲).
    plausible_year = len(year) == 2 or 1300 <= int(year) <= 2099
    if 1 <= day <= 31 and 1 <= month <= 12 and plausible_year:
        return DATE
    return match[0]


# ---------------------------------------------------------------------------------------------
# Ids after a label: "Aktenzeichen: 123/45", "my passport number is C01X00T47"

_ID_LABELS = (
    # de
    r"aktenzeichen",
    r"az(?=[.:])\.?",
    r"gesch(?:ä|ae)ftszeichen",
    r"kunden[-\s]?(?:nummer|nr\.?)",
    r"bg[-\s]?(?:nummer|nr\.?)",
    r"bedarfsgemeinschafts[-\s]?(?:nummer|nr\.?)",
    r"akten[-\s]?nummer",
    r"vorgangs[-\s]?nummer",
    r"fall[-\s]?nummer",
    r"antrags[-\s]?nummer",
    r"mitglieds[-\s]?nummer",
    r"steuer[-\s]?id(?:entifikationsnummer)?",
    r"steuer[-\s]?(?:nummer|nr\.?)",
    r"id[-\s]?nr\.?",
    r"(?:steuerliche\s+)?identifikations[-\s]?nummer",
    r"(?:sozial|renten)versicherungs[-\s]?(?:nummer|nr\.?)",
    r"sv[-\s]?(?:nummer|nr\.?)",
    r"versicherten[-\s]?(?:nummer|nr\.?)",
    r"(?:reise)?pass[-\s]?(?:nummer|nr\.?)",
    r"(?:personal)?ausweis[-\s]?(?:nummer|nr\.?)",
    r"dokumenten[-\s]?nummer",
    r"azr[-\s]?nummer",
    r"bamf[-\s]?(?:nummer|aktenzeichen)",
    r"aufenthaltstitel[-\s]?(?:nummer|nr\.?)",
    r"eat[-\s]?nummer",
    r"karten[-\s]?(?:nummer|nr\.?)",
    # en
    r"(?:case|file|reference|customer|client|passport|id|tax|residence\s+permit|residence\s+card"
    r"|permit|card|social\s+security|insurance|membership|document|application)"
    r"\s+(?:number|no\.?|#)",
    r"tax\s+id",
    r"ref\.?",
    # fr
    r"(?:num[ée]ro|n°)\s+(?:de\s+|d['’]\s?)?(?:dossier|passeport|client|fiscal|identification"
    r"|identit[ée]|titre\s+de\s+s[ée]jour|carte(?:\s+de\s+s[ée]jour)?|s[ée]curit[ée]\s+sociale"
    r"|allocataire|r[ée]f[ée]rence)",
    r"r[ée]f[ée]rence",
    # tr
    r"(?:dosya|pasaport|müşteri|musteri|kimlik|t\.?\s?c\.?\s+kimlik|vergi|oturum(?:\s+izni)?"
    r"|ikamet|kart|sigorta|başvuru|basvuru|referans)\s+(?:numaras[ıi]|numaram(?:ız)?|no\.?|nr\.?)",
    # ru
    r"номер\s+(?:моего\s+)?(?:дела|паспорта|загранпаспорта|клиента|внж|карты|документа"
    r"|заявления|сч[её]та|страховки|удостоверения)",
    r"инн",
    r"снилс",
    r"загранпаспорт",
    r"паспорт(?:а)?",
    # uk
    r"номер\s+(?:мого\s+)?(?:справи|паспорта|паспорту|клієнта|посвідки|картки|документа|заяви"
    r"|рахунку)",
    r"іпн",
    r"рнокпп",
    r"закордонний\s+паспорт",
    # ar
    r"(?:ال)?رقم\s+(?:ال)?(?:ملف|جواز|هوي[ةت]|[إا]قام[ةت]|زبون|عميل|قضي[ةت]|بطاق[ةت]|ت[أا]مين)"
    r"[^\s\d:،]*(?:\s+(?:ال)?سفر)?",
    r"(?:ال)?رقم(?:ي)?\s+(?:ال)?ضريبي",
    # fa
    r"شماره(?:\u200cی|\s+ی)?\s+(?:پرونده|پاسپورت|گذرنامه|ملی|مشتری|اقامت|کارت|مالیاتی|بیمه"
    r"|شناسنامه)[^\s\d:،]*",
    r"کد\s+ملی",
)
# Between label and value: "Kundennummer: ", "number is ", "numéro de dossier est le ".
_ID_GAP = (
    rf"(?:{_H}*(?:[:#№=\-–—]|(?:ist|is|est|le|lautet|nr|no|это|هو|است)\.?(?!{_LETTER})))"
    rf"{{0,3}}{_H}*"
)
# A passport series in capitals before the number ("СН 123456"), the value itself, and more
# groups of digits ("12 345 678 901", "12 O 345/21").
_ID_VALUE = (
    rf"(?:(?-i:[A-ZА-ЯІЇЄҐ]{{1,3}}){_H}(?=\d))?[^\W_]*\d(?:[^\W_]|[/.\-](?=[^\W_]))*"
    rf"(?:{_H}(?:(?-i:[A-Z]{{1,3}}){_H})?\d[\d/.\-]*\d)*"
)
_LABELLED_ID = re.compile(
    rf"(?<!{_LETTER})(?P<label>{'|'.join(_ID_LABELS)})(?P<gap>{_ID_GAP})(?P<value>{_ID_VALUE})",
    re.IGNORECASE,
)


def _labelled_id(match: re.Match[str]) -> str:
    # "Kundennummer 12" is hardly an id; three digits at least.
    if sum(char.isdigit() for char in match["value"]) < 3:
        return match[0]
    return match["label"] + match["gap"] + ID


# IBAN: two letters, two check digits, 11 to 30 more letters or digits, in groups of four or not.
_IBAN = re.compile(
    r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){3,7}(?:[ ]?[A-Za-z0-9]{1,4})?(?!\w)"
)


def _iban(match: re.Match[str]) -> str:
    # Mostly digits: "ab12 kurs dann noch" has the shape but is words.
    return ID if sum(char.isdigit() for char in match[0]) >= 10 else match[0]


# BAMF file number (Aktenzeichen): seven or eight digits, a hyphen, the three-digit country code.
_BAMF = re.compile(r"(?<![\w\-])\d{7,8}(?:[ ]?-[ ]?)\d{3}(?![\w\-])")
# Court and authority files: "5 K 1234/22", "12 O 345/21".
_COURT_FILE = re.compile(r"(?<![\w/])\d{1,3}[ ]?[A-Z]{1,3}[ ]?\d{1,5}/\d{2,4}(?![\w/])")
# Passport, residence card and similar codes: letters and digits mixed, at least three digits.
_CODE = re.compile(r"(?<!\w)(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]{6,}(?!\w)")
# A number with a unit glued to it ("1990er", "100km", "1000euro") is no code.
_NUMBER_AND_UNIT = re.compile(r"\d+[^\W\d_]+")


def _code(match: re.Match[str]) -> str:
    token = match[0]
    if sum(char.isdigit() for char in token) < 3 or _NUMBER_AND_UNIT.fullmatch(token):
        return token
    if token in PLACEHOLDERS:
        return token
    return ID


# ---------------------------------------------------------------------------------------------
# Street addresses

# "-ring" is left out of the compound suffixes: "Spring 2025", "During 2024".
_STREET_SUFFIXES = (
    "straße", "strasse", "str.", "str", "weg", "gasse", "platz", "allee", "damm", "ufer",
    "steig", "steige", "pfad", "chaussee", "gässle", "gäßle",
)  # fmt: skip
# As a word of its own after a capitalised one ("Vöhrenbacher Straße", "Berliner Ring"). "weg",
# "platz"… only capitalised: "Ausweis weg 3 Tage" is broken German, not an address.
_STREET_WORD = (
    rf"(?:straße|strasse|str\.?|(?-i:Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Steige?|Pfad|Chaussee))"
    rf"(?!{_LETTER})"
)
# Nouns that end like a street but are no street: "Ich suche einen Kitaplatz 2 Kinder".
_NOT_STREETS = _words(
    "arbeitsplatz kitaplatz kita-platz kindergartenplatz krippenplatz studienplatz",
    "ausbildungsplatz praktikumsplatz schulplatz kursplatz sitzplatz parkplatz spielplatz",
    "stellplatz schlafplatz heimweg rückweg hinweg schulweg arbeitsweg umweg ausweg fußweg",
    "radweg bahnsteig",
)
# Words before "Weg", "Platz", "Ring" that make a noun phrase, not a street: "Der Weg 2".
_DETERMINERS = _words(
    "der die das den dem des ein eine einen einem kein keine mein meine dein unser unsere",
    "welcher welche welches dieser diese dieses jeder jede jedes the a this that",
)
_HOUSE_NUMBER = (
    rf"\d{{1,3}}(?:[a-hA-H](?!{_LETTER}))?"
    rf"(?:{_H}?[-/]{_H}?\d{{1,3}}(?:[a-hA-H](?!{_LETTER}))?)?(?![\d.,:]\d|\d)"
)
_CAPITALISED_WORD = rf"(?-i:[A-ZÄÖÜ]){_LETTER}*(?:-{_LETTER}+)*"
# Postcode and town: "78048 Villingen-Schwenningen", "78050 VS", "D-78054 VS-Schwenningen",
# "60311 Frankfurt am Main".
_TOWN = (
    rf"{_LETTER}+(?:-{_LETTER}+)*"
    rf"(?:{_H}+(?:am|an{_H}+der|im|ob{_H}+der|in{_H}+der){_H}+{_LETTER}+)?"
)
_POSTCODE = rf"(?:D-)?\d{{5}}{_H}+"
_POSTCODE_TOWN = re.compile(rf"(?<![\w+/.\-]){_POSTCODE}(?P<town>{_TOWN})")
# An address often goes on with the town: "Musterstraße 12, 78048 Villingen-Schwenningen".
_AND_TOWN = rf"(?P<town>,?{_H}*(?:in{_H}+)?{_POSTCODE}{_TOWN})?"
# Words after a five-digit number that make it an amount, not a postcode: "15000 Euro".
_NOT_TOWNS = _words(
    "euro eur dollar dollars usd lira tl rubel rub uah griwna hrywnja hryvnia menschen personen",
    "leute einwohner flüchtlinge kinder schüler studenten people persons refugees euros km",
    "kilometer meter kg stück punkte",
)
_STREET = re.compile(
    rf"(?<![\w\-])(?P<street>{_CAPITALISED_WORD}{_H}+{_STREET_WORD}"
    rf"|{_LETTER}(?:{_LETTER}|-)*?(?:{_alternatives(_STREET_SUFFIXES)}))"
    rf"{_H}*(?P<number>{_HOUSE_NUMBER}){_AND_TOWN}",
    re.IGNORECASE,
)
# Streets named with a preposition ("Am Markt 5", "In der Steig 3") look like "Am Montag 10" or
# "Im Raum 3": taken as addresses only with a postcode or in a sentence about where somebody
# lives, and never with the name of a day or a month.
_PREPOSITION_STREET = re.compile(
    rf"(?<!{_LETTER})(?:am|an{_H}+der|an{_H}+den|auf{_H}+der|auf{_H}+dem|im|in{_H}+der"
    rf"|in{_H}+den|zum|zur|beim|hinter{_H}+der|hinter{_H}+dem|unter{_H}+den|vor{_H}+dem)"
    rf"{_H}+(?P<name>{_CAPITALISED_WORD}(?:{_H}+{_CAPITALISED_WORD})?){_H}+{_HOUSE_NUMBER}"
    rf"{_AND_TOWN}",
    re.IGNORECASE,
)
_NOT_STREET_NAMES = _words(
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag wochenende januar",
    "februar märz april mai juni juli august september oktober november dezember kurs termin",
    "jahr monat woche tag raum zimmer stock gleis schalter bus moment",
)
_ADDRESS_CONTEXT = re.compile(
    r"wohn|adress|anschrift|address|live|habit|adres|otur|yaşı|адрес|живу|живем|живём|мешка"
    r"|прожива|عنوان|سكن|ساكن|أعيش|اعيش|آدرس|ساکن|زندگی",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?؟\n]")
_TOWN_IS_AN_AMOUNT = re.compile(rf"\d{{5}}{_H}+(?i:{_alternatives(_NOT_TOWNS)})(?!{_LETTER})")


def _with_town(match: re.Match[str]) -> str:
    """ADDRESS for the street and the town after it, unless that "town" is an amount."""
    town = match["town"]
    if town is not None and _TOWN_IS_AN_AMOUNT.search(town):
        return ADDRESS + town
    return ADDRESS


def _postcode_town(match: re.Match[str]) -> str:
    town = match["town"]
    # A town is written with a capital: "78048 fehlen" and "15000 Euro" are no addresses.
    if not town[0].isupper() or _key(town.split()[0]) in _NOT_TOWNS:
        return match[0]
    return ADDRESS


def _street(match: re.Match[str]) -> str:
    words = match["street"].split()
    street = _key(words[-1])
    if street in _NOT_STREETS:
        return match[0]
    if len(words) > 1 and _key(words[0]) in _DETERMINERS | _FUNCTION_WORDS:
        return match[0]
    # In lower case only the unmistakable "…straße" and "…str.": "wohne in der hauptstr. 5".
    if not words[0][0].isupper() and not street.endswith(("straße", "strasse", "str", "str.")):
        return match[0]
    return _with_town(match)


def _preposition_street(match: re.Match[str]) -> str:
    if any(_key(word) in _NOT_STREET_NAMES for word in match["name"].split()):
        return match[0]
    if match["town"] is not None and not _TOWN_IS_AN_AMOUNT.search(match["town"]):
        return ADDRESS
    # Not the placeholder ADDRESS ("address"): a second run must find what the first found.
    before = match.string[max(0, match.start() - 60) : match.start()].replace(ADDRESS, " ")
    sentence = _SENTENCE_END.split(before)[-1]
    return _with_town(match) if _ADDRESS_CONTEXT.search(sentence) else match[0]


# ---------------------------------------------------------------------------------------------
# Phone numbers

# Digit groups with the separators people type between them: spaces, hyphens, slashes, dots,
# brackets around the area code. Not after a Latin letter or digit, so "B1" and "C01X00T47" stay.
# A dot only inside the number: after ". " comes the next sentence ("… 1234567. 2024 kam ich").
_SEPARATOR = rf"(?:{_H}?[-/]{_H}?|\.|{_H}?\({_H}?|{_H}?\){_H}?|{_H})"
_DIGIT_GROUPS = re.compile(rf"(?<![\dA-Za-zÀ-ÿ_+])(?:\+{_H}?|\({_H}?)?\d+(?:{_SEPARATOR}\d+)*\)?")
_PHONE_CONTEXT = re.compile(
    r"tel|phon|handy|mobil|nummer|number|numéro|numero|portable|whats\s?app|numara|cep"
    r"|телеф|номер|мобил|мобіл|رقم|هاتف|تلفون|تليفون|جوال|موبايل|واتس|شماره|تلفن|موبایل|همراه",
    re.IGNORECASE,
)
_TRAILING_SHORT_GROUP = re.compile(rf"{_H}+\d$")
_DIGITS = re.compile(r"\d+")


def _digit_groups(match: re.Match[str]) -> str:
    span = match[0]
    # A lone digit after the number belongs to the sentence: "0176 1234567 2 Kinder".
    tail = ""
    short = _TRAILING_SHORT_GROUP.search(span)
    if short and sum(c.isdigit() for c in span[: short.start()]) >= 6:
        span, tail = span[: short.start()], span[short.start() :]
    # Brackets around the area code are part of the number; brackets around the whole number,
    # or only on one side of it, belong to the sentence: "ruf an (0176 1234567)".
    lead = ""
    whole = span.startswith("(") and span.endswith(")") and span.index(")") == len(span) - 1
    if whole or (span.startswith("(") and ")" not in span):
        lead, span = "(", span[1:]
    if span.endswith(")") and span.count(")") > span.count("("):
        span, tail = span[:-1], ")" + tail
    digits = [char for char in span if char.isdigit()]
    groups = _DIGITS.findall(span)
    # "08.30 - 10.00": times, or dates without a year. French mobiles have five pairs.
    if len(digits) < 6 or (len(groups) <= 4 and all(len(group) <= 2 for group in groups)):
        return match[0]
    starts_like_a_phone = span.lstrip("( ").startswith("+") or int(digits[0]) == 0
    # The placeholder PHONE reads as "phone": it must not turn a second run into a different one.
    before = match.string[max(0, match.start() - 40) : match.start()].replace(PHONE, " ")
    if len(digits) <= 17 and (starts_like_a_phone or _PHONE_CONTEXT.search(before)):
        return lead + PHONE + tail
    if len(digits) >= 9:  # a long number in groups: a tax id, an account, a card
        return lead + ID + tail
    return match[0]


# ---------------------------------------------------------------------------------------------
# Names

# Words that follow a naming phrase but are no name: function words of the eight languages (and
# of Latin-script Arabic and Persian), and the placeholders, so that a second run changes nothing.
# Names that are also words ("Nur", "Said", "Will") are left out: a name is worth more.
_FUNCTION_WORDS = _words(
    # de
    "und oder aber ich du er sie es wir ihr mich mir mein meine meinen dein nicht kein keine",
    "auch aus in im an am auf bei mit von vom zu zum zur für der die das den dem des ein eine",
    "einen ist bin bist sind habe hab hat brauche möchte moechte wohne komme suche lebe",
    "arbeite bitte danke hallo so wie was wo wann warum wer welche hier jetzt heute morgen ja",
    "nein falsch richtig geschrieben also noch schon sehr gut tel telefon handy nummer e-mail",
    "email adresse geboren geb mobil",
    # en
    "and or but i i'm me my you he she it we they not no yes the a an of from on at to for",
    "with by is am are was were be been have has had need want would could can live came",
    "come please thanks thank hello hi here there now today how what where when why who",
    "which wrong spelled spelt written too very new number phone mobile mail address born",
    "date",
    # fr
    "et ou mais je j moi toi il elle nous vous ils elles ne pas non oui le la les l un une",
    "des de du d à au aux en dans sur chez pour avec par suis es sommes ai avons viens",
    "habite cherche voudrais veux besoin merci bonjour salut svp ici maintenant comment quoi",
    "où quand pourquoi qui mon ma mes faux écrit aussi très téléphone numéro portable né née",
    "c ce c'est",
    # tr
    "ve veya ama ben sen o biz siz onlar beni bana benim bir bu şu için ile de da den dan ki",
    "mi mı mu mü ne nedir değil yok evet hayır lütfen teşekkürler merhaba selam burada şimdi",
    "nasıl nerede neden kim yanlış yazılmış çok numaram numara telefon telefonum adresim",
    "adres doğum tarihi istiyorum arıyorum var geldim oturuyorum yaşıyorum",
    # ru
    "и или но а я ты он она мы вы они меня мне мой моя моё мое не нет да из в во на с со к",
    "по у от для о об это зовут хочу нужно нужна нужен ищу живу приехал приехала",
    "пожалуйста спасибо здравствуйте привет тут здесь сейчас как что где когда почему кто",
    "неправильно написано тоже очень телефон номер почта адрес родился родилась г год года",
    "лет",
    # uk
    "і й та або але ти він вона ви вони мене мені мій моє ні так з із зі до від про це звати",
    "потрібно потрібна потрібен шукаю приїхав приїхала будь ласка дякую вітаю привіт",
    "доброго зараз як що де коли чому хто теж дуже пошта адреса народився народилася р рік",
    "року років",
    # ar
    "من في و عمري وعمري أريد اريد أبحث ابحث عندي لدي ولدي وعندي انا أنا وأنا وانا أسكن",
    "اسكن وأسكن واسكن هل كيف أين اين متى رقم ورقمي رقمي هاتفي تلفوني وهاتفي جوالي ممكن",
    "أرجو ارجو الرجاء شكرا شكراً مرحبا السلام بدي وبدي محتاج أحتاج احتاج وأحتاج واحتاج",
    "عايز ساكن ساكنة ايميلي إيميلي بريدي عنواني وعنواني تاريخ مواليد ولدت مولود مولودة عن",
    "على إلى الى لكن ولكن يا هو هي مكتوب خطأ غلط",
    # fa
    "است هست هستم هستش و از هم را که به در با می میخوام میخواهم می‌خواهم دارم شماره",
    "شمارم شماره‌ام ایمیل ایمیلم آدرس آدرسم تاریخ متولد سلام ممنون لطفا لطفاً اشتباه",
    # Latin-script Arabic and Persian
    "w wa ana men min fi ast hastam hast va az man e shomare raqmi raqam",
    # the placeholders
    "name phone email address id date",
)
# Words after "I am", "je suis", "я", "man … hastam" that are no name, though capitalised:
# nationalities and religions (capitalised in English), and what Title Case writers capitalise.
_NOT_NAMES_AFTER_I_AM = _words(
    "syrian afghan afghani ukrainian russian turkish iranian iraqi eritrean somali kurdish",
    "kurd arab arabic persian yazidi yezidi pakistani indian sudanese egyptian lebanese",
    "palestinian jordanian moroccan tunisian algerian libyan yemeni georgian armenian",
    "albanian kosovar serbian romanian bulgarian polish gambian guinean nigerian",
    "cameroonian ethiopian venezuelan colombian american british english french italian",
    "spanish greek chinese vietnamese german muslim christian hindu buddhist jewish",
    "catholic orthodox protestant sunni shia alevi refugee student mother father mom mum",
    "dad parent teacher doctor engineer nurse unemployed retired alone happy sure fine sorry",
    "okay ok ready interested married single divorced widowed pregnant sick ill new also",
    "still currently already really just living staying waiting going here there",
    "syrien syrienne afghane ukrainien ukrainienne russe turc turque iranien iranienne",
    "irakien irakienne érythréen érythréenne somalien somalienne guinéen guinéenne",
    "camerounais camerounaise ivoirien ivoirienne congolais congolaise malien malienne",
    "sénégalais sénégalaise algérien algérienne marocain marocaine tunisien tunisienne",
    "allemand allemande français française kurde arabe musulman musulmane chrétien",
    "chrétienne réfugié réfugiée étudiant étudiante nouveau nouvelle marié mariée",
    "célibataire enceinte malade seul seule mère père maman papa là désolé désolée",
    "content contente prêt prête arrivé arrivée inscrit inscrite venu venue perdu perdue",
    "intéressé intéressée fatigué fatiguée",
    "вас вам вами ваш ваша ваше ваши вашего вашей вашу вашим ваших тебя тебе беженец",
    "беженка мама папа мать отец студент студентка украинец украинка українка українець",
    "біженець біженка",
    "almanca türkçe ingilizce arapça farsça kürtçe rusça fransızca jobcenter",
)
# Persian "من X هستم" (I am X): what newcomers say they are, when it is not their name.
_NOT_NAMES_BEFORE_HASTAM = _words(
    "دانشجو دانش‌آموز پناهنده پناهجو مهاجر جدید تازه مادر پدر ایرانی افغان افغانی",
    "افغانستانی سوری عراقی ترک عرب کرد هزاره تاجیک پشتون اوکراینی روس آلمانی معلم دکتر",
    "پرستار مهندس کارگر بیکار بی‌کار بازنشسته شاغل مریض بیمار باردار حامله متاهل متأهل",
    "مجرد تنها خسته نگران آماده منتظر خوب اینجا آنجا مسلمان مسیحی سنی شیعه خوشحال ناراحت",
    "گرسنه مطمئن بچه کوچک بزرگ زن مرد دختر پسر",
)

_NAME_TAIL = (
    rf"(?P<sep>{_H}*[:\-–—]{_H}*|{_H}+)(?P<w1>{_WORD})(?![\w])"
    rf"(?:(?P<s2>{_H}+)(?P<w2>{_WORD})(?![\w]))?"
)
# Phrases that introduce a name in so many words: whatever follows is a name unless it is a
# function word ("mein Name ist nicht …"), so "меня зовут олена" in lower case is found too.
_NAMING_PHRASES = (
    # de
    r"ich\s+hei(?:ß|ss)e",
    r"mein\s+(?:vor|nach|familien|ganzer\s+|voller\s+)?name\s+(?:ist|lautet)",
    # en
    r"my\s+(?:full\s+|first\s+|last\s+|family\s+|sur)?name(?:\s+is|['’]s)",
    r"i\s+am\s+called",
    r"i['’]m\s+called",
    # fr
    r"je\s+m['’]?\s?appelle",
    r"mon\s+(?:pr[ée])?nom\s+(?:de\s+famille\s+)?(?:est|c['’]est)",
    # tr
    r"benim\s+(?:adım|ismim)",
    r"ismim",
    r"soyadım",
    # ru
    r"меня\s+зовут",
    r"мо[её]\s+имя(?:\s+и\s+фамилия)?",
    r"моя\s+фамилия",
    # uk
    r"мене\s+(?:звати|звуть)",
    r"моє\s+ім['’ʼ]я(?:\s+та\s+прізвище)?",
    r"моє\s+прізвище",
    # ar: "اسمي", "أنا اسمي", "واسمي", "اسمي هو"
    r"و?(?:(?:أنا|انا)\s+)?و?(?:اسمي|إسمي|اسمى|إسمى)(?:\s+هو)?",
    # fa: "اسم من", "نام من", "اسمم", "نامم", "اسم بنده"
    r"و?(?:(?:اسم|نام)(?:\s+و\s+نام\s+خانوادگی)?\s+(?:من|بنده)|اسمم|نامم)",
    # Latin-script Arabic and Persian
    r"(?:ana\s+)?(?:esmi|esmy|esmee)",
    r"ana\s+ismi",
    r"esmam",
    r"esm[e-]?\s?e?\s+man",
)
_NAMING = re.compile(
    rf"(?<!{_LETTER})(?P<intro>{'|'.join(_NAMING_PHRASES)}){_NAME_TAIL}", re.IGNORECASE
)
# Form-like labels: "Name: Ahmad Karimi" at the start of a line or after punctuation.
_NAME_LABELS = (
    r"(?:vor|nach|familien)?name",
    r"full\s+name",
    r"first\s+name",
    r"last\s+name",
    r"surname",
    r"nom(?:\s+de\s+famille)?",
    r"pr[ée]nom",
    r"имя",
    r"фамилия",
    r"ф\.?\s?и\.?\s?о\.?",
    r"ім['’ʼ]я",
    r"прізвище",
    r"ad(?:ı)?(?:\s+soyad(?:ı)?)?",
    r"isim",
    r"soyad(?:ı)?",
    r"الاسم",
    r"نام",
    r"اسم",
)
_LABELLED_NAME = re.compile(
    rf"(?:^|(?<=[\n.!?,;]))(?P<intro>{_H}*(?:{'|'.join(_NAME_LABELS)}){_H}*:)"
    rf"(?P<sep>{_H}*)(?P<w1>{_WORD})(?![\w])(?:(?P<s2>{_H}+)(?P<w2>{_WORD})(?![\w]))?",
    re.IGNORECASE | re.MULTILINE,
)
# Phrases after which only a capitalised word is a name: "I am Ahmad" but not "I am new",
# "je suis Ahmad" but not "je suis réfugié", "я Олена" but not "я из Украины". Turkish "adım" is
# also "step" ("bir sonraki adım Jobcenter mı?"): a name only at the start of a sentence or after
# a greeting. German "ich bin" and Turkish "ben" are left out on purpose: every German noun is
# capitalised ("Ich bin Anfänger"), and "ben" begins any Turkish sentence.
_SELF_INTRODUCTIONS = (
    r"i\s+am",
    r"i['’]m",
    r"je\s+suis",
    r"moi\s+c['’]est",
    r"я",
    r"(?:(?<=[.!?,;:\n])|^|(?:merhaba|selam(?:lar)?|günaydın|iyi\s+günler)[ \t]*)[ \t]*adım",
)
_SELF_INTRODUCTION = re.compile(
    rf"(?:(?<!{_LETTER})(?P<intro>{'|'.join(_SELF_INTRODUCTIONS)})){_NAME_TAIL}",
    re.IGNORECASE | re.MULTILINE,
)
# On the phone: "this is Ahmad speaking".
_SPEAKING = re.compile(
    rf"(?<!{_LETTER})(?P<intro>this{_H}+is)(?P<sep>{_H}+)(?P<w1>{_WORD})(?![\w])"
    rf"(?:(?P<s2>{_H}+)(?P<w2>{_WORD})(?![\w]))?(?={_H}+speaking(?!{_LETTER}))",
    re.IGNORECASE,
)
# Persian "من رضا هستم" and "man Reza hastam": only the single word before هستم. Two words
# ("من از افغانستان هستم", I am from Afghanistan) are no name.
_HASTAM = re.compile(
    rf"(?<!{_LETTER})(?P<intro>من)(?P<sep>{_H}+)(?P<w1>{_WORD})(?![\w])"
    rf"(?={_H}+(?:هستم|هستیم)(?!{_LETTER}))"
)
_HASTAM_LATIN = re.compile(
    rf"(?<!{_LETTER})(?P<intro>man)(?P<sep>{_H}+)(?P<w1>{_WORD})(?![\w])"
    rf"(?={_H}+hastam(?!{_LETTER}))",
    re.IGNORECASE,
)


def _is_title_case(word: str) -> bool:
    """Capitalised and not all capitals: "Ahmad", not "ahmad", "OK" or "ВПО"."""
    return word[0].isupper() and not word.isupper()


def _is_caseless(word: str) -> bool:
    """Arabic and Persian have no capitals: no case to go by."""
    return not word[0].isupper() and not word[0].islower()


def _name_rule(pattern: re.Pattern[str], *, capitalised: bool, not_names: frozenset[str]) -> _Rule:
    """Replace the name a pattern found, keeping the phrase that introduced it.

    With `capitalised`, the first word must be in title case; the second word (a surname) is
    taken when it is no stop word and written the way the first is, so "Ahmad Karimi" and
    "ahmad karimi" go whole while "Ahmad and" keeps its "and".
    """

    def accept_first(word: str) -> bool:
        key = _key(word)
        if len(word) < 2 or key in _FUNCTION_WORDS or key in not_names:
            return False
        if capitalised:
            # "I'm Looking for…" in Title Case: no name ends in -ing often enough to matter.
            return _is_title_case(word) and not (len(key) >= 6 and key.endswith("ing"))
        return True

    def accept_second(first: str, second: str) -> bool:
        key = _key(second)
        if len(second) < 2 or key in _FUNCTION_WORDS or key in not_names:
            return False
        if _is_caseless(first) or (not capitalised and first[0].islower()):
            return True
        return second[0].isupper()

    def replace(match: re.Match[str]) -> str:
        first, second = match["w1"], match.groupdict().get("w2")
        if not accept_first(first):
            return match[0]
        start = match.start()
        head = match[0][: match.start("w1") - start]
        if second is not None and accept_second(first, second):
            return head + NAME + match[0][match.end("w2") - start :]
        return head + NAME + match[0][match.end("w1") - start :]

    return _substitute(pattern, replace)


# ---------------------------------------------------------------------------------------------
# Whatever digits are left

_LONG_NUMBER = re.compile(r"\d{5,}")
# Each pass only turns text into placeholders; more than three is only seen on random noise.
_MAX_PASSES = 4


# The order matters: e-mail addresses before user names (both have "@"); dates before phone
# numbers ("12.03.1990" is no phone); labelled ids and addresses before the phone rule reads
# their digits; names after everything that could look like a name's neighbour.
_RULES: tuple[_Rule, ...] = (
    _substitute(_EMAIL, EMAIL),
    _substitute(_HANDLE, NAME),
    _substitute(_IBAN, _iban),
    _substitute(_NUMERIC_DATE, _numeric_date),
    _substitute(_WRITTEN_DATE, DATE),
    _substitute(_LABELLED_ID, _labelled_id),
    _substitute(_STREET, _street),
    _substitute(_PREPOSITION_STREET, _preposition_street),
    _substitute(_POSTCODE_TOWN, _postcode_town),
    _substitute(_BAMF, ID),
    _substitute(_COURT_FILE, ID),
    _substitute(_DIGIT_GROUPS, _digit_groups),
    _substitute(_CODE, _code),
    _name_rule(_NAMING, capitalised=False, not_names=frozenset()),
    _name_rule(_LABELLED_NAME, capitalised=False, not_names=frozenset()),
    _name_rule(_SPEAKING, capitalised=False, not_names=frozenset()),
    _name_rule(_SELF_INTRODUCTION, capitalised=True, not_names=_NOT_NAMES_AFTER_I_AM),
    _name_rule(_HASTAM, capitalised=False, not_names=_NOT_NAMES_BEFORE_HASTAM),
    _name_rule(_HASTAM_LATIN, capitalised=True, not_names=_NOT_NAMES_AFTER_I_AM),
    _substitute(_LONG_NUMBER, ID),
)
