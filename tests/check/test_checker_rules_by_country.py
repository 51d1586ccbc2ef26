"""A Checker made without rules uses the register's own: the rules stored in it, else the
shipped defaults worded for its country (never the British wording on a register outside
Great Britain), the same rules ``rules_for`` gives the CLI, the app and notices."""

from __future__ import annotations

import pytest

from asset_register.check import Checker, rules_for
from asset_register.check.rules import store_rules


def _words(rules) -> str:
    return " ".join([rules.description, *(c.precaution for c in rules.classes),
                     *rules.method_advice.values()])


@pytest.mark.parametrize(("crs", "version", "cited", "not_cited"), [
    ("EPSG:27700", "default-", "HSG47", "CROW"),
    ("EPSG:28992", "default-nl-", "CROW 500", "HSG47"),
    ("EPSG:32633", "default-neutral-", "Safe-digging practice", "HSG47"),
])
def test_a_checker_without_rules_takes_the_registers_country(store_factory, crs, version, cited,
                                                             not_cited):
    store = store_factory(crs=crs)
    with Checker(store) as checker:
        rules = checker.rules
    assert rules.version.startswith(version)
    assert cited in _words(rules) and not_cited not in _words(rules)
    assert rules == rules_for(store)


def test_the_authority_country_setting_wins_over_the_crs(gpkg_store_factory):
    from asset_register import settings as reg

    store = gpkg_store_factory(crs="EPSG:32631")  # UTM 31N: could be the Netherlands
    reg.write(store, "authority_country", "NL")
    with Checker(store) as checker:
        assert checker.rules.version.startswith("default-nl-")


def test_a_checker_without_rules_uses_the_rules_stored_in_the_register(gpkg_store_factory,
                                                                      tmp_path):
    from asset_register.check.rules import default_rules_text

    path = tmp_path / "council.toml"
    path.write_text(default_rules_text("GB").replace('version = "default-', 'version = "council-'),
                    "utf-8")
    store = gpkg_store_factory(crs="EPSG:28992")
    store_rules(store, path)
    with Checker(store) as checker:
        assert checker.rules.version.startswith("council-")
