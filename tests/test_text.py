"""One text folding (locator.domain.text): what it does, who uses it, and that no second copy appears."""

from __future__ import annotations

import ast
import unicodedata

import pytest

from locator.domain.fees import Customer, canonical_condition
from locator.domain.text import ascii_slug, fold, words
from locator.importers.duplicates import name_key, similar
from tests.source_scan import dotted, project_sources

DECOMPOSING = {"NFD", "NFKD"}


def test_fold_drops_case_and_diacritics():
    assert fold("RĪGA") == fold("Rīga") == fold("riga") == "riga"
    assert fold("ĶĢĻŅŠŽČĀĒĪŪ") == "kglnszcaeiu"
    assert fold(unicodedata.normalize("NFD", "Ķegums")) == "kegums"  # decomposed input too
    assert fold("Audēju iela, 16") == "audeju iela, 16"  # spaces and punctuation kept
    assert fold("ﬁrma ÆØ ß") == "firma æø ss"  # compatibility forms and casefolding


def test_words_split_on_spaces_punctuation_and_underscores():
    assert words("LV-1050, Rīga") == ["lv", "1050", "riga"]
    assert words("Swedbank bankomāts!") == ["swedbank", "bankomats"]
    assert words("salary_card") == ["salary", "card"]
    assert words(" -- ") == []


def test_ascii_slug_is_ascii_and_stable():
    assert ascii_slug("Rēzekne") == "rezekne"
    assert ascii_slug("Audēju iela") == "audeju-iela"
    assert ascii_slug("Rīga (Centrs)") == "riga-centrs"
    assert ascii_slug("Łódź") == "odz"  # letters with no ASCII form are dropped, never kept
    assert ascii_slug("ĶĢĻŅŠŽČĀĒĪŪ").isascii()


def test_fee_conditions_fold_diacritics_too():
    # A bank name typed with or without its diacritics is the same salary card.
    assert canonical_condition(" Salary_Card = Citadelē ") == "salary_card=citadele"
    assert Customer(salary_card="CITADELE").conditions_met() == ("salary_card=citadele",)
    assert Customer(salary_card="citadelē").conditions_met() == ("salary_card=citadele",)


def test_duplicate_names_fold_the_same_way():
    assert name_key("Swedbank bankomāts!") == "swedbank bankomats"
    assert similar("SWEDBANK Bankomats", "Swedbank bankomāts")


def _decomposes(call: ast.Call) -> bool:
    name = dotted(call.func).split(".")[-1]
    args = [a.value for a in call.args if isinstance(a, ast.Constant)]
    return (
        (name == "normalize" and bool(args) and args[0] in DECOMPOSING)
        or name == "combining"
        or (name == "encode" and args[:2] == ["ascii", "ignore"])
    )


def decomposing_calls(tree: ast.AST) -> list[int]:
    """Lines of ``tree`` that call ``normalize("NFD"|"NFKD", ...)`` or ``unicodedata.combining``,
    or encode to ASCII dropping the rest: the makings of a diacritic fold."""
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and _decomposes(node)]


@pytest.mark.parametrize(
    "snippet",
    [
        'import unicodedata\nx = unicodedata.normalize("NFKD", s)',
        'from unicodedata import normalize\nx = normalize("NFD", s)',
        'x = "".join(c for c in s if not unicodedata.combining(c))',
        'x = s.encode("ascii", "ignore").decode()',
    ],
)
def test_the_check_sees_a_hand_written_fold(snippet):
    assert decomposing_calls(ast.parse(snippet)) == [snippet.count("\n") + 1]


def test_no_module_but_locator_domain_text_folds_text_itself():
    found = {
        path: lines
        for path, tree in project_sources()
        if path != "locator/domain/text.py" and (lines := decomposing_calls(tree))
    }
    assert found == {}, "use locator.domain.text.fold (or words, ascii_slug) instead"
