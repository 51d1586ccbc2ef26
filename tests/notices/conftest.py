"""Fixtures for notice tests: a register with owners and deliveries, an analytic CheckResult."""

from __future__ import annotations

import shutil

import pytest

from asset_register.check.result import CheckResult
from asset_register.model import BatchInfo
from asset_register.store import create_register, open_register
from tests.conftest import synthetic_assets

from .analytic import OWNERS, X0, Y0, make_result


def build_register(path):
    """Settings, six owners and one delivery from each of five of them."""
    store = create_register(path)
    store.set_setting("authority_name", "Borough of Example")
    store.set_setting("notice_prefix", "EXB")
    store.set_setting("authority_swa_code", "5990")
    store.set_setting("promoter_swa_code", "7001")
    for o in OWNERS:
        store.upsert_owner(o)
    for i, o in enumerate(["UKPN", "SGN", "TW", "ONF", "BT"]):
        frame = synthetic_assets(3, seed=i, owner=o, x0=X0 + 200, y0=Y0 + 200, size=50)
        store.write_batch(frame, BatchInfo(source_file=f"{o}.gpkg", owner=o))
    return store


@pytest.fixture(scope="session")
def register_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "register.gpkg"
    build_register(path).close()  # closing checkpoints the WAL into the file
    return path


@pytest.fixture
def register(register_template, tmp_path):
    """A fresh copy of the template register for each test."""
    path = tmp_path / "register.gpkg"
    shutil.copyfile(register_template, path)
    store = open_register(path)
    yield store
    store.close()


@pytest.fixture
def result() -> CheckResult:
    return make_result()
