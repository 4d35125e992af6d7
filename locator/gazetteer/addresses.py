"""Street addresses as people write them: 'Brīvības iela 90, Rīga', 'RĪGA, Brīvības ielā 90 k-2'.

Both sides of the search go through here: the addresses the gazetteer indexes (the shipped Rīga
points, the imported national register, the places' own addresses; :mod:`.address_index`) and the
text people type. Matching is on folded words (:func:`locator.domain.text.words`), so case and
diacritics never matter; on top of that this module

* reads a street-type word in the locative as the nominative ('ielā', 'bulvārī', 'prospektā',
  'laukumā' -> iela, bulvāris, prospekts, laukums) and common abbreviations ('pr.', 'bulv.');
* splits a house number off the street, with the register's building suffix: '90', '90A',
  '90 k-2' (korpuss 2 of number 90, as the register writes it; also typed '90k2', '90 k 2',
  '90 korpuss 2') and '29/31', all compared through :func:`number_key`;
* ignores quotes around a farm's name („Jāņkrogs”, "Jāņkrogs") and a postcode anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain.text import fold, words

STREET_TYPES = frozenset(
    {
        "iela",
        "gatve",
        "bulvaris",
        "bulv",
        "prospekts",
        "pr",
        "cels",
        "laukums",
        "soseja",
        "krastmala",
        "aleja",
        "dambis",
        "linija",
        "skersiela",
        "skerslinija",
        "seta",
        "parks",
        "skvers",
        "gate",
    }
)
"""Folded Latvian street-type words (nominative): a comma part holding one is a street."""

STREET_TYPE_FORMS = {
    "iel": "iela",
    "ielu": "iela",
    "bulvari": "bulvaris",
    "bulv": "bulvaris",
    "bulvara": "bulvaris",
    "prospekta": "prospekts",
    "pr": "prospekts",
    "prosp": "prospekts",
    "laukuma": "laukums",
    "lauk": "laukums",
    "dambi": "dambis",
    "dambja": "dambis",
    "cela": "cels",
    "skvera": "skvers",
    "parka": "parks",
    "gatves": "gatve",
    "ielas": "iela",
}
"""Folded locative, genitive and abbreviated street-type words -> the nominative the index uses.
('ielā', 'gatvē', 'šosejā', 'alejā', 'līnijā' fold to their nominative already.)"""

NUMBER_RE = re.compile(r"^\d{1,4}[a-z]?$")
"""A folded house number word: '16', '16a'."""
POSTCODE_ONLY_RE = re.compile(r"^\s*(?:lv)?[\s\-]*(\d{4})\s*$")
"""A folded text that is only a postcode: 'lv-1050', 'lv 1050', '1050'."""
POSTCODE_IN_RE = re.compile(r"\blv\s*-?\s*(\d{4})\b")
"""A postcode inside a folded text: 'audeju iela 16, lv-1050'."""
_BUILDING_WORDS = {"k": "k", "korp": "k", "korpuss": "k"}
_NUMBER_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+")


def street_words(text_or_words: str | list[str]) -> list[str]:
    """The folded words of a street with its type word in the nominative:
    'Brīvības ielā' -> ['brivibas', 'iela'], 'Kr. Valdemāra bulv.' -> ['kr', 'valdemara', 'bulvaris'],
    'Lielajā ielā' -> ['liela', 'iela']."""
    ws = words(text_or_words) if isinstance(text_or_words, str) else list(text_or_words)
    if not ws:
        return ws
    # only the type word (the last non-number word) changes: 'Pils iela' keeps its 'pils'
    last = max((i for i, w in enumerate(ws) if not w[0].isdigit()), default=None)
    if last is not None and last > 0 and ws[last] in STREET_TYPE_FORMS:
        ws[last] = STREET_TYPE_FORMS[ws[last]]
    if last is not None and last > 0 and ws[last] in STREET_TYPES:
        # the definite adjective in the locative: 'Lielajā ielā', 'Mazajā Pils ielā' -> liela, maza
        ws[:last] = [w[:-2] if len(w) > 4 and w.endswith("aja") else w for w in ws[:last]]
    return ws


def short_forms(street: str) -> tuple[str, ...]:
    """The shorter name people write for a street named after a person: 'Krišjāņa Barona iela'
    is also 'Barona iela' (searched as another name of the street, never shown; 'K. Barona iela'
    is read as it by :func:`without_initial`). Only a first name in the genitive (ending -a,
    -as, -es, as Latvian first names do) before one more word and the type: 'Brīvības iela',
    'Mazā Kalna iela' (an adjective), 'Dārziņu 1. līnija' and 'K. Barona iela' have none."""
    parts = street.split()
    if len(parts) != 3 or fold(parts[-1]).strip(".") not in STREET_TYPES:
        return ()
    first = parts[0]
    if len(first) < 4 or not (first.isalpha() and parts[1].isalpha() and first[0].isupper()):
        return ()
    return (" ".join(parts[1:]),) if first.endswith(("a", "as", "es")) else ()


def without_initial(ws: list[str]) -> list[str] | None:
    """The folded words of a street typed with an initial, without it: 'K. Barona iela',
    'Kr. Valdemāra iela' -> ['barona', 'iela'], ['valdemara', 'iela'] (matched against
    :func:`short_forms`); None when the first word is no initial (up to 3 letters)."""
    if len(ws) == 3 and ws[0].isalpha() and len(ws[0]) <= 3 and ws[-1] in STREET_TYPES:
        return ws[1:]
    return None


def number_key(number: str) -> str:
    """The comparable form of a house number: '90 k-2', '90k2', '90 korpuss 2' -> '90 k 2';
    '12A' -> '12 a'; '29/31' -> '29 31'."""
    tokens = _NUMBER_TOKEN_RE.findall(fold(number))
    return " ".join(_BUILDING_WORDS.get(t, t) for t in tokens)


def number_value(number: str) -> int | None:
    """The leading integer of a house number ('90 k-2' -> 90), or None."""
    m = re.match(r"\s*(\d+)", number)
    return int(m.group(1)) if m else None


def _is_number_tail(tokens: list[str]) -> bool:
    """Whether number ``tokens`` are a house number as typed: '90', '90 a', '90 k 2', '29 31'."""
    if not tokens or not tokens[0].isdigit() or len(tokens[0]) > 4:
        return False
    rest = tokens[1:]
    if not rest:
        return True
    if len(rest) == 1:
        return (len(rest[0]) == 1 and rest[0].isalpha()) or rest[0].isdigit()
    if len(rest) == 2:
        return rest[0] in _BUILDING_WORDS and rest[1].isdigit()
    if len(rest) == 3:  # '90 a k 2'
        return len(rest[0]) == 1 and rest[0].isalpha() and rest[1] in _BUILDING_WORDS and rest[2].isdigit()
    return False


def split_number(name: list[str]) -> tuple[list[str], str | None]:
    """(street words, number key) of folded query words: ['brivibas', 'iela', '90', 'k', '2'] ->
    (['brivibas', 'iela'], '90 k 2'); also '90k2', '90a', '16 a'. The number follows at least one
    name word. Without a number: (name, None)."""
    for i in range(1, len(name)):
        if not name[i][0].isdigit():
            continue
        tokens = [t for w in name[i:] for t in _NUMBER_TOKEN_RE.findall(w)]
        for flat in ("dz", "dzivoklis"):  # '90 dz. 5': flat 5 of number 90
            if flat in tokens[1:]:
                tokens = tokens[: tokens.index(flat)]
        if _is_number_tail(tokens):
            return name[:i], " ".join(_BUILDING_WORDS.get(t, t) for t in tokens)
    return name, None


@dataclass(frozen=True)
class ParsedAddress:
    street: str  # 'Audēju iela'
    number: str | None  # '16', '16a', '90 k-2'
    town: str | None  # 'Rīga'
    areas: tuple[str, ...] = ()  # the parts after the town: ('Garkalnes pag.', 'Ropažu nov.')


def _unquote(part: str) -> str:
    return re.sub(r"[\"'„“”«»‘’]", "", part).strip()


def parse_address(address: str, municipality: str | None = None) -> ParsedAddress | None:
    """The street, house number and town of an address like 'Audēju iela 16, Rīga',
    'LV-1050, Rīga, Audēju iela 16' or the register's 'Rīgas iela 1, Berģi, Garkalnes pag.,
    Ropažu nov., LV-2137'; None when it names no street (e.g. 'Āgenskalns, Rīga', or a farm:
    '„Jāņkrogs”, Lizuma pag.')."""
    parts = [_unquote(p) for p in unicodedata.normalize("NFC", address).split(",")]
    parts = [p for p in parts if p]
    street = number = None
    places = []
    for part in parts:
        part_words = part.split()
        folded_part = fold(part)
        if POSTCODE_ONLY_RE.match(folded_part):
            continue
        folded = [w.strip(".") for w in folded_part.split()]
        if len(folded) != len(part_words):  # a letter that folds to a space: fold word by word
            folded = [fold(w).strip(".") for w in part_words]
        folded = street_words(folded)
        if street is None and any(f in STREET_TYPES for f in folded):
            last = max(i for i, f in enumerate(folded) if f in STREET_TYPES)
            street = " ".join(part_words[: last + 1])
            rest = " ".join(part_words[last + 1 :])
            number = rest if re.match(r"^\d{1,4}", rest) else None
        elif street is None and len(part_words) >= 2 and NUMBER_RE.match(folded[-1]) and not folded[0].isdigit():
            street, number = " ".join(part_words[:-1]), part_words[-1]  # 'Brīvības 10'
        else:
            places.append(part)
    if street is None:
        return None
    town = places[0] if places else municipality
    return ParsedAddress(street, number, town, tuple(places[1:]))
