"""core.dates.age_in_years, the one age formula: the birthday counts on the day, a 29 February
birthday counts on 1 March of a common year, and PostgreSQL's AGE() (reports.figures.AgeInYears)
says the same on every tricky pair of days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from core.dates import age_in_years
from tests.writes import today

LEAP_BIRTH = dt.date(2008, 2, 29)

PAIRS = [
    (LEAP_BIRTH, dt.date(2026, 2, 28), 17),
    (LEAP_BIRTH, dt.date(2026, 3, 1), 18),
    (LEAP_BIRTH, dt.date(2028, 2, 28), 19),
    (LEAP_BIRTH, dt.date(2028, 2, 29), 20),
    (dt.date(2010, 12, 31), dt.date(2027, 1, 1), 16),
    (dt.date(2010, 12, 31), dt.date(2027, 12, 30), 16),
    (dt.date(2010, 12, 31), dt.date(2027, 12, 31), 17),
    (dt.date(2010, 1, 1), dt.date(2027, 1, 1), 17),
    (dt.date(2010, 3, 31), dt.date(2027, 3, 30), 16),
    (dt.date(2027, 1, 1), dt.date(2027, 1, 1), 0),
]


@pytest.mark.parametrize(("born", "on", "years"), PAIRS)
def test_whole_years_with_the_birthday_counting_on_the_day(born, on, years):
    assert age_in_years(born, on=on) == years


@pytest.mark.django_db
def test_postgresql_age_agrees_on_every_pair():
    with connection.cursor() as cursor:
        for born, on, years in PAIRS:
            cursor.execute("SELECT EXTRACT(YEAR FROM AGE(%s::date, %s::date))::integer", [on, born])
            assert cursor.fetchone()[0] == years == age_in_years(born, on=on), (born, on)


def test_the_default_day_is_today():
    assert age_in_years(dt.date(today().year - 9, 1, 1)) == 9  # 9 since 1 January
    new_years_eve = dt.date(today().year - 9, 12, 31)
    assert age_in_years(new_years_eve) == (9 if (today().month, today().day) == (12, 31) else 8)
