"""docs/img/architecture.svg is drawn from the import-linter contracts and must match them."""

from tests.docs import picture


def test_architecture_picture_is_current():
    assert picture.main([]) == 0, "run: python -m tests.docs.picture --update"


def test_picture_shows_every_layer_of_the_contracts():
    drawn = picture.render()
    for layer, rows, _ in picture.structure():
        assert f">{layer}" in drawn
        for row in rows:
            for label in row:
                assert f">{label}</text>" in drawn
