"""OS grid references against squares and places whose references are published."""

import pytest

from asset_register.errors import ValidationError
from asset_register.osgrid import grid_letters, grid_reference, parse_grid_reference

# 100 km squares with the south-west corner OS publishes for each.
SQUARES = [
    ("SV", 0, 0), ("SW", 100_000, 0), ("TQ", 500_000, 100_000), ("TG", 600_000, 300_000),
    ("ST", 300_000, 100_000), ("SU", 400_000, 100_000), ("NT", 300_000, 600_000),
    ("NN", 200_000, 700_000), ("NC", 200_000, 900_000), ("HU", 400_000, 1_100_000),
    ("HP", 400_000, 1_200_000), ("SH", 200_000, 300_000), ("NZ", 400_000, 500_000),
    ("OV", 500_000, 500_000), ("JM", 700_000 - 100_000, 1_200_000),
]


@pytest.mark.parametrize("letters,e,n", SQUARES)
def test_square_letters_at_south_west_corner_and_inside(letters, e, n):
    assert grid_letters(e, n) == letters
    assert grid_letters(e + 99_999.9, n + 99_999.9) == letters
    assert parse_grid_reference(letters) == (e, n)


@pytest.mark.parametrize("e,n,ref", [
    (530123, 180456, "TQ 30123 80456"),      # central London
    (216667, 771285, "NN 16667 71285"),      # Ben Nevis area
    (325000, 673000, "NT 25000 73000"),      # Edinburgh
    (447000, 1141000, "HU 47000 41000"),     # Lerwick
    (623456.9, 308765.99, "TG 23456 08765"),  # truncated, never rounded up
])
def test_ten_figure_references(e, n, ref):
    assert grid_reference(e, n) == ref
    se, sn = parse_grid_reference(ref)
    assert (se, sn) == (int(e), int(n))


def test_fewer_figures_truncate_to_the_square():
    assert grid_reference(530199, 180999, digits=6) == "TQ 301 809"
    assert grid_reference(530199, 180999, digits=4) == "TQ 30 80"
    assert grid_reference(530199, 180999, digits=2) == "TQ 3 8"
    assert parse_grid_reference("TQ 301 809") == (530100, 180900)


@pytest.mark.parametrize("e,n", [(-1, 100), (100, -5), (700_000, 10), (10, 1_300_000),
                                 (float("nan"), 1)])
def test_outside_the_grid_is_refused(e, n):
    with pytest.raises(ValidationError, match="outside the British National Grid"):
        grid_reference(e, n)


@pytest.mark.parametrize("bad", ["T", "TQ123", "TI 1 1", "tq 12 3x", "TQ 123456 123456"])
def test_bad_references_are_refused(bad):
    with pytest.raises(ValidationError):
        parse_grid_reference(bad)
