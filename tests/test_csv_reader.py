"""CSV as people really write it: any of four encodings, three delimiters, own headers.

The committed fixtures under ``tests/data/csv/`` (see its README) are made up;
smaller cases are written to ``tmp_path`` here.  No database is needed.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest

from locator.importers.readers.csv_encoding import detect_encoding
from locator.importers.readers.csv_reader import read_csv
from locator.importers.records import FileProblem, parse_mapping

DATA = Path(__file__).parent / "data" / "csv"
BANK_MAP = parse_mapping(
    ["name=banka", "address=adrese", "lat=platums", "lon=garums", "source_ref=id", "fee_bill_payment=komisija"]
)
LATVIAN = ("Jāņkrogs", "Rīga", "Daugavpils Ģimnāzijas iela")


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(path, **options) -> list[dict]:
    return [record.fields for record in read_csv(path, **options)]


def problem(path, **options) -> str:
    with pytest.raises(FileProblem) as caught:
        list(read_csv(path, **options))
    return str(caught.value)


# -- encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("places_utf8.csv", "utf-8"),
        ("places_utf8_bom.csv", "utf-8-sig"),
        ("places_iso8859_13.csv", "iso-8859-13"),
        ("banka_cp1257.csv", "cp1257"),
    ],
)
def test_each_encoding_is_detected_and_latvian_names_come_out_intact(name, encoding):
    path = DATA / name
    assert detect_encoding(path.read_bytes()) == encoding
    got = rows(path, mapping=BANK_MAP if name.startswith("banka") else None)
    text = " | ".join(f"{r['name']} / {r['address']}" for r in got)
    for word in LATVIAN:
        assert word in text
    assert "Jāņkrogs" in [r["name"] for r in got]
    assert any(r["address"].startswith("Daugavpils Ģimnāzijas iela") for r in got)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1257", "iso-8859-13"])
def test_a_file_in_any_of_the_four_encodings_reads_the_same(tmp_path, encoding):
    path = write(tmp_path, "name;address\nJāņkrogs;Rīga, Daugavpils Ģimnāzijas iela 1\n", encoding)
    assert rows(path) == [{"name": "Jāņkrogs", "address": "Rīga, Daugavpils Ģimnāzijas iela 1"}]


def test_the_given_encoding_is_used_as_is(tmp_path):
    path = write(tmp_path, "name\nJāņkrogs\n", "cp1257")
    assert rows(path, encoding="windows-1257") == [{"name": "Jāņkrogs"}]
    assert rows(path, encoding="iso-8859-13") == [{"name": "Jāņkrogs"}]


def test_a_byte_order_mark_is_dropped_even_when_the_encoding_is_given(tmp_path):
    path = write(tmp_path, "name\nRīga\n", "utf-8-sig")
    assert rows(path, encoding="utf-8") == [{"name": "Rīga"}]


def test_cp1257_is_preferred_when_both_8_bit_encodings_decode_cleanly(tmp_path):
    # Latvian letters sit at the same bytes in both; cp1257's “ (0x93) is a C1 control in ISO.
    assert detect_encoding("Jāņkrogs".encode("cp1257")) == "cp1257"
    assert detect_encoding("“Jāņkrogs”".encode("cp1257")) == "cp1257"


def test_iso_8859_13_is_chosen_when_cp1257_cannot_decode_or_the_file_has_its_apostrophe():
    assert detect_encoding("„Rīga“".encode("iso-8859-13")) == "iso-8859-13"  # 0xA5: undefined in cp1257
    assert detect_encoding("Mc’Donald’s Rīgā".encode("iso-8859-13")) == "iso-8859-13"  # 0xFF


def test_a_utf16_file_from_excel_unicode_text_is_read(tmp_path):
    path = write(tmp_path, "name\taddress\nJāņkrogs\tRīga\n", "utf-16")
    assert rows(path) == [{"name": "Jāņkrogs", "address": "Rīga"}]


def test_a_file_that_cannot_be_decoded_says_so_and_suggests_encoding():
    path = DATA / "not_decodable.csv"
    with pytest.raises(FileProblem) as caught:
        read_csv(path)  # raised on the call, before any row is asked for
    assert str(caught.value) == (
        f"{path}: cannot decode the file as UTF-8, Windows-1257 or ISO-8859-13 "
        "(byte 0x81 at line 3); give the encoding with --encoding, e.g. --encoding cp1257"
    )


def test_a_wrong_encoding_given_names_the_line_and_suggests_another(tmp_path):
    path = write(tmp_path, "name\nRiga\nJāņkrogs\n", "cp1257")
    assert problem(path, encoding="utf-8") == (
        f"{path}: cannot decode the file as utf-8 (byte 0xE2 at line 3); try another --encoding, e.g. --encoding cp1257"
    )
    utf8 = write(tmp_path, "name\nJāņkrogs\n", name="utf8.csv")
    assert problem(utf8, encoding="ascii") == (
        f"{utf8}: cannot decode the file as ascii (byte 0xC4 at line 2); try another --encoding, e.g. --encoding utf-8"
    )


@pytest.mark.parametrize("name", ["latvian", "rot13"])
def test_an_unknown_encoding_name_is_a_file_problem(tmp_path, name):
    path = write(tmp_path, "name\nRīga\n")
    assert problem(path, encoding=name) == (
        f"{path}: unknown encoding {name!r} (from --encoding); use e.g. --encoding utf-8, cp1257 or iso-8859-13"
    )


def test_bytes_are_read_through_the_progress_callback():
    seen = []
    path = DATA / "banka_cp1257.csv"
    list(read_csv(path, mapping=BANK_MAP, on_bytes=seen.append))
    assert sum(seen) == path.stat().st_size


# -- delimiters --------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed(tmp_path, delimiter):
    def cell(value):  # a comma file must quote values with commas in them
        return f'"{value}"' if delimiter == "," and "," in value else value

    text = delimiter.join(["name", "address", "lat"]) + "\n"
    text += delimiter.join(map(cell, ["Rīga", "Brīvības iela 1, Rīga", "56,9496"])) + "\n"
    text += delimiter.join(map(cell, ["Jāņkrogs", "Mārupe", "56,91"])) + "\n"
    assert rows(write(tmp_path, text)) == [
        {"name": "Rīga", "address": "Brīvības iela 1, Rīga", "lat": "56.9496"},
        {"name": "Jāņkrogs", "address": "Mārupe", "lat": "56.91"},
    ]


def test_excel_padding_that_defeats_the_sniffer_falls_back_to_the_header(tmp_path):
    text = "name;lat;lon\r\nRīga;56,9;24,1;;;\r\nJāņkrogs;56,91;\r\n"
    assert rows(write(tmp_path, text)) == [
        {"name": "Rīga", "lat": "56.9", "lon": "24.1"},
        {"name": "Jāņkrogs", "lat": "56.91", "lon": None},
    ]


def test_a_given_delimiter_is_used_and_tab_may_be_spelled_out(tmp_path):
    path = write(tmp_path, "name\tlat\nRīga, centrs\t56,9\n")
    assert rows(path, delimiter="tab") == [{"name": "Rīga, centrs", "lat": "56.9"}]
    assert rows(path, delimiter="\t") == rows(path, delimiter="\\t")


# -- headers and mapping -------------------------------------------------------------


def test_a_bank_file_with_latvian_headers_imports_with_map_and_decimal_commas():
    got = list(read_csv(DATA / "banka_cp1257.csv", mapping=BANK_MAP))
    assert [r.fields for r in got][0] == {
        "name": "Swedbank",
        "address": "Brīvības iela 1, Rīga",
        "lat": "56.9496",
        "lon": "24.1052",
        "source_ref": "SW-001",
        "fee_bill_payment": "0.50",
    }
    assert [r.fields["name"] for r in got] == ["Swedbank", "Jāņkrogs", 'SIA "Mego"']
    assert [r.line for r in got] == [2, 3, 4]


def test_a_mapped_column_missing_from_the_header_lists_the_header(tmp_path):
    path = write(tmp_path, "id;nosaukums;adrese\n1;Rīga;Rīga\n")
    assert problem(path, mapping={"name": "banka"}) == (
        f"{path}: column 'banka' (from --map name=banka) is not in the header; the header has: id, nosaukums, adrese"
    )


def test_common_latvian_and_english_headers_need_no_map(tmp_path):
    header = "ID;Nosaukums;Adrese;Platums;Garums;Veids;Zīmols;Operators;Darba laiks;Novads;Piezīmes\n"
    row = "7;Jāņkrogs;Rīga;56,9;24,1;atm;Swedbank;Swedbank AS;Mo-Fr 09:00-18:00;Rīga;ignored\n"
    assert rows(write(tmp_path, header + row)) == [
        {
            "source_ref": "7",
            "name": "Jāņkrogs",
            "address": "Rīga",
            "lat": "56.9",
            "lon": "24.1",
            "kind": "atm",
            "brand": "Swedbank",
            "operator": "Swedbank AS",
            "opening_hours": "Mo-Fr 09:00-18:00",
            "municipality": "Rīga",
        }
    ]
    english = write(tmp_path, "name,latitude,lng\nRīga,56.9,24.1\n", name="en.csv")
    assert rows(english) == [{"name": "Rīga", "lat": "56.9", "lon": "24.1"}]


def test_canonical_headers_match_case_insensitively_and_beat_an_alias(tmp_path):
    path = write(tmp_path, " Name ;LAT;platums;Opening hours\nRīga;56,9;1,0;24/7\n")
    assert rows(path) == [{"name": "Rīga", "lat": "56.9", "opening_hours": "24/7"}]


def test_an_explicit_map_wins_over_canonical_headers_and_aliases(tmp_path):
    path = write(tmp_path, "name;nosaukums;banka;platums\nA;B;Swedbank;56,9\n")
    assert rows(path, mapping={"name": "Banka", "brand": "name"}) == [{"name": "Swedbank", "brand": "A", "lat": "56.9"}]


def test_two_alias_columns_for_one_field_ask_for_a_map(tmp_path):
    path = write(tmp_path, "name;novads;pašvaldība\nRīga;x;y\n")
    assert problem(path) == (
        f"{path}: columns 'novads' and 'pašvaldība' could both be municipality; "
        "choose one with --map municipality=COLUMN"
    )
    assert rows(path, mapping={"municipality": "novads"}) == [{"name": "Rīga", "municipality": "x"}]


def test_a_header_with_a_name_twice_is_a_file_problem(tmp_path):
    path = write(tmp_path, "name;adrese;Adrese\nRīga;a;b\n")
    assert problem(path) == (f"{path}:1: the header has the column 'Adrese' twice (columns 2 and 3); rename one")


def test_a_header_without_any_known_column_is_a_file_problem(tmp_path):
    path = write(tmp_path, "banka;vieta\nSwedbank;Rīga\n")
    assert problem(path) == (
        f"{path}: no column of the header is a known field; the header has: "
        "banka, vieta; name the columns with --map FIELD=COLUMN, e.g. --map name=banka"
    )


def test_an_empty_file_and_a_header_without_rows_are_file_problems(tmp_path):
    empty = write(tmp_path, "\n \n", name="empty.csv")
    assert problem(empty) == (
        f"{empty}: the file is empty; expected a header line such as source_ref,kind,name,lat,lon and rows under it"
    )
    header_only = write(tmp_path, "name;lat\n;\n", name="header.csv")
    assert problem(header_only) == f"{header_only}: the file has a header (line 1) but no rows"


# -- quoting, lines, values --------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("„Swedbank“", "Swedbank"),
        ("„Swedbank”", "Swedbank"),
        ("“Swedbank”", "Swedbank"),
        ("”Swedbank”", "Swedbank"),
        ("«Swedbank»", "Swedbank"),
        ("  „Swedbank“  ", "Swedbank"),
        ('"„Swedbank“"', "Swedbank"),
        ('SIA "Mego"', 'SIA "Mego"'),
        ('"SIA ""Mego"""', 'SIA "Mego"'),
        ("SIA „Mego“", "SIA „Mego“"),
        ("„Mego“ un „Tele2“", "„Mego“ un „Tele2“"),
        ("„“", None),
    ],
)
def test_typographic_quotes_around_a_whole_value_are_removed_and_inner_quotes_kept(tmp_path, cell, value):
    path = write(tmp_path, f"name;lat\n{cell};1\n")
    assert rows(path) == [{"name": value, "lat": "1"}]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rows_after_a_quoted_field_with_line_breaks_have_their_own_line(tmp_path, monkeypatch, newline):
    monkeypatch.chdir(tmp_path)
    lines = [
        "name,address",
        "Rīga,Brīvības iela 1",
        'Jāņkrogs,"Mārupes novads',
        "Jāņkrogs",
        '"',
        "Daugavpils,Daugavpils Ģimnāzijas iela 10",
    ]
    write(tmp_path, newline.join(lines) + newline)
    got = list(read_csv("file.csv"))
    assert [r.where() for r in got] == ["file.csv:2", "file.csv:3", "file.csv:6"]
    assert got[1].fields["address"] == f"Mārupes novads{newline}Jāņkrogs"


def test_a_quote_that_is_never_closed_is_a_file_problem(tmp_path):
    path = write(tmp_path, 'name;address\nRīga;"Brīvības iela 1\nJāņkrogs;Mārupe\n')
    assert problem(path) == (
        f'{path}:2: a " opened in this row is never closed and runs to the end '
        'of the file; close it, or double it ("") if it is part of a value'
    )


def test_blank_lines_are_skipped_and_do_not_shift_line_numbers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "\nname;lat\n\nRīga;56,9\n   \n;;\n\nJāņkrogs;56,91\n")
    got = list(read_csv("file.csv"))
    assert [(r.where(), r.fields["name"]) for r in got] == [("file.csv:4", "Rīga"), ("file.csv:8", "Jāņkrogs")]


def test_a_decomposed_letter_is_normalised_to_nfc(tmp_path):
    decomposed = "Ja\u0304n\u0327krogs"  # a + combining macron, n + combining cedilla
    path = write(tmp_path, f"nosaukums;adrese\n{decomposed};Ri\u0304ga\n")
    assert rows(path) == [{"name": "Jāņkrogs", "address": "Rīga"}]
    assert len(rows(path)[0]["name"]) == len("Jāņkrogs")


def test_values_are_stripped_and_empty_values_are_none(tmp_path):
    path = write(tmp_path, "name;brand;address;lat\n  Rīga  ;;   ;\u00a056,9\u00a0\nJāņkrogs\n")
    got = list(read_csv(path))
    assert [r.fields for r in got] == [
        {"name": "Rīga", "brand": None, "address": None, "lat": "56.9"},
        {"name": "Jāņkrogs", "brand": None, "address": None, "lat": None},
    ]
    assert got[1].notes == ["csv: the row has 1 cells, the header 4; the missing ones are empty"]


def test_extra_cells_are_ignored_with_a_note(tmp_path):
    got = list(read_csv(write(tmp_path, "name;lat\nRīga;56,9;oops;\n")))
    assert got[0].fields == {"name": "Rīga", "lat": "56.9"}
    assert got[0].notes == ["csv: the row has 4 cells, the header 2; ignored the extra 'oops'"]


def test_decimal_commas_become_points_in_coordinates_and_fees_only(tmp_path):
    header = "source_ref;name;address;lat;lon;fee_cash_deposit;condition_cash_deposit\n"
    row = "1,5;Rīga 1,2;Iela 1,2;56,9496;-24,1052;0,50;salary_card=1,2\n"
    odd = "2;x;y;56.9496;1,234,5;abc;\n"
    assert rows(write(tmp_path, header + row + odd)) == [
        {
            "source_ref": "1,5",
            "name": "Rīga 1,2",
            "address": "Iela 1,2",
            "lat": "56.9496",
            "lon": "-24.1052",
            "fee_cash_deposit": "0.50",
            "condition_cash_deposit": "salary_card=1,2",
        },
        {
            "source_ref": "2",
            "name": "x",
            "address": "y",
            "lat": "56.9496",
            "lon": "1,234,5",
            "fee_cash_deposit": "abc",
            "condition_cash_deposit": None,
        },
    ]


def test_records_carry_the_file_as_given(tmp_path):
    path = write(tmp_path, "name\nRīga\n")
    record = next(iter(read_csv(path)))
    assert record.file == str(path)
    assert record.where() == f"{path}:2"


def test_fixtures_keep_their_bytes():
    """The README's promises about the committed fixtures (a re-save would break them)."""
    assert (DATA / "places_utf8_bom.csv").read_bytes().startswith(codecs.BOM_UTF8)
    assert b"\r\n" in (DATA / "banka_cp1257.csv").read_bytes()
    assert b"\xa5R\xeega\xb4" in (DATA / "places_iso8859_13.csv").read_bytes()


def test_what_export_writes_reads_back_with_its_semicolons_inside_values(tmp_path):
    from locator.importers.export import CSV_COLUMNS, offers_text  # here: it pulls in SQLAlchemy models

    offers = offers_text(
        [
            {"service": "bill_payment", "fee_eur": "0.00", "condition": "salary_card=swedbank"},
            {"service": "bill_payment", "fee_eur": "1.20", "condition": None},
        ]
    )
    place = {
        "source_ref": "1",
        "kind": "atm",
        "name": "Jāņkrogs",
        "brand": "Swedbank",
        "address": "Daugavpils Ģimnāzijas iela 10, Daugavpils",
        "municipality": "Daugavpils",
        "lat": "55.874",
        "lon": "26.536",
        "opening_hours": "Mo-Fr 09:00-18:00; Sa 10:00-14:00",
        "offers": offers,
    }
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows([place, {**place, "source_ref": "2", "offers": ""}])
    assert rows(path) == [place, {**place, "source_ref": "2", "offers": None}]
