"""Dates as pages write them, in many languages: found in a line and read as yyyy-mm-dd."""
from __future__ import annotations

import pytest

from indexer.months import month_numbers
from indexer.text.dates import find_dates, parse_date, without_dates
from indexer.text.lines import read_line


@pytest.mark.parametrize("text, day", [
    ("quarta-feira, 7 de março de 2018 às 9:30", "2018-03-07"),        # Portuguese
    ("martes, 7 de marzo de 2018", "2018-03-07"),                     # Spanish
    ("Veröffentlicht am 7. März 2018, 09:30 Uhr", "2018-03-07"),       # German, day with a dot
    ("le 1er mars 2018", "2018-03-01"),                               # French
    ("7 marzo 2018", "2018-03-07"),                                   # Italian
    ("7 maart 2018", "2018-03-07"),                                   # Dutch
    ("7 marca 2018 r.", "2018-03-07"),                                # Polish, genitive
    ("7 марта 2018 г.", "2018-03-07"),                                # Russian, genitive
    ("7 Mart 2018", "2018-03-07"),                                    # Turkish
    ("2018. március 7.", "2018-03-07"),                               # Hungarian, year first
    ("2018年3月7日", "2018-03-07"),
    ("Mar. 7th, 2018", "2018-03-07"),
    ("7.3.2018", "2018-03-07"),
    ("3/7/2018", "2018-03-07"),
    ("7 de fevereiro de 2018", "2018-02-07"),
    ("31 de fevereiro de 2018", None),                                # no such day
    ("Chapter 7 Verses 2018", None),                                  # a word where a month goes
    ("Room 12, floor 3", None),
])
def test_dates_in_many_languages(text, day):
    assert parse_date(text) == day


def test_a_word_that_is_no_month_does_not_hide_a_date_after_it():
    found = list(find_dates("Seite 3 von 4. Stand: 12 janvier 2019"))
    assert [date.day for date in found] == ["2019-01-12"]


def test_without_dates_leaves_the_rest():
    assert without_dates("Stock car 22 de janeiro de 2018 às 0:13").split() == ["Stock", "car", "às", "0:13"]


def test_the_table_of_month_names_is_one_month_each():
    numbers = month_numbers()
    assert numbers["january"] == numbers["janeiro"] == numbers["stycznia"] == numbers["января"] == 1
    assert numbers["listopad"] == 11 and numbers["dezember"] == 12
    assert len(numbers) > 300


def test_a_dateline_in_another_language_is_a_dateline():
    assert read_line("segunda-feira, 22 de janeiro de 2018 às 0:13", frozenset()).rule == "dateline"
    assert read_line("14. Januar 2022", frozenset()).rule == "dateline"
