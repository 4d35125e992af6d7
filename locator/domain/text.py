"""The one way text is folded for matching: case and diacritics ignored.

Latvian names are typed with and without their diacritics ("Rīga", "riga", "RIGA"), so every
comparison of names, addresses and condition values goes through :func:`fold`. The other
helpers are built on it; no other module decomposes text itself (``tests/test_text.py``
checks that).
"""

from __future__ import annotations

import re
import unicodedata

_WORD_RE = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Case- and diacritic-free form of ``text``: NFKD, combining marks dropped, casefolded.

    'RĪGA' -> 'riga', 'Audēju iela' -> 'audeju iela', 'Ķegums' -> 'kegums'. Spaces and
    punctuation are kept as they are; letters without a decomposition ('ł', 'ø') stay.
    Decomposing first and casefolding last also folds compatibility forms ('ﬁ' -> 'fi').
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``: letters and digits; spaces, punctuation and underscores
    separate them ('LV-1050' -> ['lv', '1050'], 'Swedbank bankomāts!' -> ['swedbank', 'bankomats'])."""
    return _WORD_RE.findall(fold(text))


def ascii_slug(text: str) -> str:
    """A lower-case ASCII key for URLs and stable references: the folded words joined by '-',
    with anything still not ASCII dropped ('Rēzekne' -> 'rezekne', 'Audēju iela' -> 'audeju-iela')."""
    return "-".join(w for w in (w.encode("ascii", "ignore").decode() for w in words(text)) if w)
