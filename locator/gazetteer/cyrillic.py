"""Cyrillic input written in Latvian letters: 'Рига' -> 'Riga', 'Елгава' -> 'Jelgava'.

Many people in Latvia type place names in Russian. Latvian place names written in Cyrillic follow
the sounds, so a letter-by-letter table (Russian, with the Ukrainian and Belarusian letters) gives
the Latvian spelling up to diacritics, which the matching ignores anyway ('Резекне' -> 'Rezekne'
finds Rēzekne). 'е', 'ё', 'ю', 'я' are 'je', 'jo', 'ju', 'ja' at the start of a word and after a
vowel or a sign ('Екабпилс' -> 'Jekabpils'), else 'e', 'o', 'u', 'a' after the consonant; 'ие'
is the diphthong 'ie' ('Лиепая' -> 'Liepaja', 'Валмиера' -> 'Valmiera').
"""

from __future__ import annotations

import re

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ж": "ž", "з": "z", "и": "i", "і": "i",
    "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ъ": "",
    "ы": "i", "ь": "", "э": "e", "є": "je",
}  # fmt: skip
_IOTATED = {"е": ("je", "e"), "ё": ("jo", "o"), "ю": ("ju", "u"), "я": ("ja", "a")}
"""Letter -> (at a word's start or after a vowel or sign, after a consonant)."""
_VOWELS_AND_SIGNS = set("аеёиіїоуыэюяєъь")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC_RE.search(text))


def to_latin(text: str) -> str:
    """``text`` with every Cyrillic letter written in Latvian letters (case kept on the first
    letter of each); other characters unchanged."""
    if not has_cyrillic(text):
        return text
    out = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in _IOTATED:
            start = not prev or not prev.isalpha() or prev in _VOWELS_AND_SIGNS
            if low == "е" and prev and prev in "иі":
                start = False  # 'ие' is the Latvian diphthong 'ie' (Лиепая -> Liepaja)
            latin = _IOTATED[low][0 if start else 1]
        else:
            latin = _LETTERS.get(low)
        if latin is None:
            out.append(ch)
        else:
            out.append(latin[:1].upper() + latin[1:] if ch != low and latin else latin)
        prev = low
    return "".join(out)
