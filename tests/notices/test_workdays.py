"""England & Wales bank holidays (against the published gov.uk lists) and working-day sums."""

from datetime import date

import pytest

from asset_register.notices.workdays import (
    add_working_days, bank_holidays, easter_sunday, is_working_day, working_days_between,
)

D = date
# Published by gov.uk (England and Wales), substitute days and one-offs included.
PUBLISHED = {
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25),
           D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)],
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31),
           D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)],
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
           D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
           D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27),
           D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26)],
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26),
           D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
           D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
           D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28)],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_list(year):
    assert sorted(bank_holidays(year)) == PUBLISHED[year]


@pytest.mark.parametrize("year,easter", [(2011, D(2011, 4, 24)), (2019, D(2019, 4, 21)),
                                         (2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)),
                                         (2038, D(2038, 4, 25)), (2285, D(2285, 3, 22))])
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_add_working_days_skips_weekends_and_holidays():
    # 20 working days from Sunday 22 Nov 2026: four full weeks.
    assert add_working_days(D(2026, 11, 22), 20) == D(2026, 12, 18)
    assert add_working_days(D(2026, 11, 23), 20) == D(2026, 12, 21)
    # Christmas 2026: Fri 25 holiday, Mon 28 Boxing Day substitute.
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    assert add_working_days(D(2026, 4, 2), 0) == D(2026, 4, 2)
    assert not is_working_day(D(2026, 4, 6)) and is_working_day(D(2026, 4, 7))


def test_working_days_between_inverts_add():
    start = D(2026, 12, 10)
    for n in (1, 5, 20, 60):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 1), -1)
