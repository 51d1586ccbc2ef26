"""Per-asset quality classes, vectorised: how well each record is placed (its stated accuracy,
else its PAS 128 quality level) and how old its capture is. The quality tables count them and
the desktop map shades the register by them.

Accuracy classes follow the bands owners deliver in: IMKL's ``geoNauwkeurigheidXY`` classes
(tot30cm, tot50cm, tot100cm, stored as ``h_accuracy_m`` 0.3, 0.5, 1.0) and PAS 128's survey
quality levels (QL-A ±50 mm, QL-B1 ±150 mm, QL-B2 ±250 mm, QL-B3 ±500 mm; QL-B4 detected but
not placed to ±500 mm; QL-C and QL-D are records, with no positional accuracy at all). A stated
``h_accuracy_m`` wins over the quality level, as in the dig check.
"""

from __future__ import annotations

from datetime import date

import numpy as np

# (key, label) in order: the code of each asset is the index here.
ACCURACY_CLASSES = (
    ("le_0_3m", "within ±0.3 m (QL-A, B1, B2; IMKL tot30cm)"),
    ("le_0_5m", "within ±0.5 m (QL-B3; IMKL tot50cm)"),
    ("le_1m", "within ±1 m (IMKL tot100cm)"),
    ("over_1m", "worse than ±1 m, or QL-B4"),
    ("records_only", "records only (QL-C, QL-D)"),
    ("not_stated", "no accuracy or quality level"),
)
ACCURACY_BANDS_M = (0.3, 0.5, 1.0)  # upper limits (inclusive) of the first three classes
# PAS 128 quality level -> accuracy class, when the record states no h_accuracy_m
LEVEL_CLASS = {"A": 0, "B1": 0, "B2": 0, "B3": 1, "B4": 3, "C": 4, "D": 4}
QUALITY_LEVELS = ("A", "B1", "B2", "B3", "B4", "C", "D")

AGE_YEARS = (5, 10)
AGE_CLASSES = (
    ("under_5y", "captured less than 5 years ago"),
    ("5_to_10y", "captured 5 to 10 years ago"),
    ("over_10y", "captured more than 10 years ago"),
    ("unknown", "capture date not recorded"),
)
NOT_STATED = len(ACCURACY_CLASSES) - 1
AGE_UNKNOWN = len(AGE_CLASSES) - 1
NAT = np.iinfo(np.int64).min  # a missing day in day-number arrays


def level_codes(levels) -> np.ndarray:
    """Index into QUALITY_LEVELS of every value (-1: none or not a PAS 128 level)."""
    values, codes = _uniques(levels)
    lut = np.array([QUALITY_LEVELS.index(v) if v in QUALITY_LEVELS else -1 for v in values]
                   + [-1], np.int8)
    return lut[codes]


def accuracy_classes(h_accuracy_m, quality_level) -> np.ndarray:
    """The accuracy class (index into ACCURACY_CLASSES) of every asset."""
    acc = np.asarray(h_accuracy_m, dtype=np.float64)
    by_level = np.array([LEVEL_CLASS[q] for q in QUALITY_LEVELS] + [NOT_STATED], np.int8)
    out = by_level[level_codes(quality_level)]
    stated = ~np.isnan(acc)
    band = np.searchsorted(np.array(ACCURACY_BANDS_M), acc[stated], side="left")
    out[stated] = band.astype(np.int8)  # 0..3: above 1 m is class 3
    return out


def years_before(on: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for a 29th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def day_number(on: date) -> int:
    return int(np.datetime64(on, "D").astype(np.int64))


def age_classes(days: np.ndarray, on: date) -> np.ndarray:
    """The age class (index into AGE_CLASSES) of each capture day number (NAT: unknown)."""
    days = np.asarray(days, np.int64)
    c5, c10 = (day_number(years_before(on, y)) for y in AGE_YEARS)
    out = np.where(days < c10, 2, np.where(days < c5, 1, 0)).astype(np.int8)
    out[days == NAT] = AGE_UNKNOWN
    return out


def day_numbers(values) -> np.ndarray:
    """Days since 1970-01-01 of ISO dates or date-times (their first ten characters); NAT
    where missing or not a date. Parsed once per distinct value."""
    uniques, codes = _uniques(values)
    parsed = np.full(len(uniques) + 1, NAT, np.int64)
    for i, text in enumerate(uniques):  # distinct values only: a few hundred dates
        try:
            parsed[i] = np.datetime64(str(text)[:10], "D").astype(np.int64)
        except ValueError:
            continue
    return parsed[codes]


def iso_day(day: int | None) -> str | None:
    if day is None or day == NAT:
        return None
    return str(np.datetime64(int(day), "D"))


def _uniques(values) -> tuple[list, np.ndarray]:
    """(distinct non-null values, code of each value with len(values) for null), from an Arrow
    array or a numpy object array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray | pa.Array):
        arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        if not pa.types.is_dictionary(arr.type):
            arr = pc.dictionary_encode(arr)
        uniques = arr.dictionary.to_pylist()
        codes = arr.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False)
        return uniques, codes.astype(np.int64)
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    codes = codes.astype(np.int64)
    codes[codes < 0] = len(uniques)
    return list(uniques), codes
