"""Build a register from the bundled sample town (``asset-register sample REGISTER``).

Reads ``sample_data/town/deliveries.toml``: owners with their contacts, every owner's
delivery with its bundled profile, and the planned works — the same path a council
officer takes with real deliveries, so the sample exercises every reader.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from asset_register.check.coordination import read_works_file
from asset_register.model import Owner
from asset_register.store import create_register

if TYPE_CHECKING:
    from .job import LayerReport


def town_dir() -> Path:
    """Folder of the committed sample town."""
    return Path(str(resources.files("sample_data") / "town"))


def build_sample(
    register: str | Path,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[list[LayerReport], int]:
    """Create ``register`` and import the sample town into it; returns (reports, works)."""
    from .job import ImportJob  # (the import machinery: only when the town is built)

    folder = town_dir()
    manifest = tomllib.loads((folder / "deliveries.toml").read_text(encoding="utf-8"))
    report = progress or (lambda f, m: None)
    reports: list[LayerReport] = []
    with create_register(register) as store:
        with open(folder / manifest["owners"], newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                store.upsert_owner(Owner(row["code"], row["name"], row["phone"] or None,
                                         row["emergency_phone"] or None, row["email"] or None))
        deliveries = manifest["delivery"]
        for i, d in enumerate(deliveries):
            def step(f, m, i=i, d=d):
                report((i + f) / (len(deliveries) + 1), f"{d['file']}: {m}")
            job = ImportJob(store, folder / d["file"], owner=d["owner"], profile=d["profile"],
                            all_layers=d.get("all_layers", False), progress=step)
            reports += job.run()
        works = read_works_file(folder / manifest["works"], working_crs=store.crs)
        n_works = store.add_works(works)
        if manifest.get("reference"):  # streets (with USRNs) and buildings, for notices
            from asset_register.notices.sitelayers import SETTING, layer_entries

            store.set_setting(SETTING, json.dumps(layer_entries(folder / manifest["reference"])))
        report(1.0, "sample register built")
    return reports, n_works
