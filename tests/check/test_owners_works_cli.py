"""Owner lists, works coordination, batch programme files and the check / works CLI."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pytest
import shapely

from asset_register.check import Checker, DigSite
from asset_register.cli.main import main
from asset_register.model import Owner

from .conftest import X0, Y0, asset

BOX = shapely.box(X0, Y0, X0 + 10, Y0 + 10)
AROUND = shapely.box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500)


def _store(register):
    store = register([
        asset("WAT:1", shapely.LineString([(X0 + 10.2, Y0 - 20), (X0 + 10.2, Y0 + 30)])),
        asset("GAS:1", shapely.Point(X0 + 5, Y0 + 5), owner="GAS", utility="gas", pressure="IP"),
        asset("BT:1", shapely.Point(X0 + 300, Y0 + 300), owner="BT", utility="telecoms"),
    ], owners=("WAT", "GAS", "BT", "ELE", "SEW"))
    store.set_owner_coverage("WAT", AROUND)
    store.set_owner_coverage("BT", AROUND)  # covers the site, no conflict: positive response
    store.set_owner_coverage("ELE", shapely.box(X0 + 5, Y0 - 500, X0 + 500, Y0 + 500))  # partial
    store.set_owner_coverage("SEW", shapely.box(X0 + 2000, Y0, X0 + 3000, Y0 + 1000))  # elsewhere
    works = gpd.GeoDataFrame({
        "reference": ["NEAR", "FAR", "SAME-USRN", "LATER", "CANCELLED", "UNDATED"],
        "usrn": [None, None, "8400123", None, None, None],
        "start_date": ["2026-03-01", "2026-03-01", "2026-03-05", "2026-06-01", "2026-03-01", None],
        "end_date": ["2026-03-10", "2026-03-10", "2026-03-06", "2026-06-10", "2026-03-10", None],
        "status": ["planned", "planned", "planned", "planned", "cancelled", "planned"],
        "promoter": ["BT", "BT", "WAT", "GAS", "ELE", "SEW"],
    }, geometry=[shapely.box(X0 + 40, Y0, X0 + 45, Y0 + 5), shapely.box(X0 + 70, Y0, X0 + 75, Y0 + 5),
                 shapely.box(X0 + 900, Y0, X0 + 905, Y0 + 5), shapely.box(X0, Y0 + 20, X0 + 5, Y0 + 25),
                 shapely.box(X0, Y0 + 20, X0 + 5, Y0 + 25), shapely.box(X0, Y0 - 30, X0 + 5, Y0 - 25)],
        crs="EPSG:27700")
    store.add_works(works)
    return store


SITE = DigSite(BOX, start=date(2026, 3, 2), end=date(2026, 3, 8), usrn="8400123")


def test_owner_lists(register):
    r = Checker(_store(register)).check(SITE)
    affected = {o["owner"]: o for o in r.owners_affected}
    assert set(affected) == {"WAT", "GAS"}
    assert affected["GAS"]["contact_required"] and affected["GAS"]["worst_severity"] == "strike"
    assert affected["WAT"]["phone"] == "0100" and affected["WAT"]["coverage"] == "full"
    assert [o["owner"] for o in r.owners_no_conflict] == ["BT"]
    assert r.owners_no_conflict[0]["response"] == "no assets affected"
    no_data = {o["owner"]: o["reason"] for o in r.owners_no_data}
    assert set(no_data) == {"ELE", "SEW"}
    assert "only part" in no_data["ELE"] and "does not cover" in no_data["SEW"]


def test_expected_utilities_without_data_are_listed(register):
    from asset_register.check.rules import default_rules
    import dataclasses

    rules = dataclasses.replace(default_rules(), expected_utilities=("water", "gas", "electricity"))
    r = Checker(_store(register), rules).check(SITE)
    missing = [o["utility"] for o in r.owners_no_data if o["owner"] is None]
    assert missing == ["electricity"]


def test_works_overlapping_in_space_and_time(register):
    store = _store(register)
    r = Checker(store).check(SITE)
    w = r.works_overlapping.set_index("reference")
    assert set(w.index) == {"NEAR", "SAME-USRN", "UNDATED"}
    assert w.loc["SAME-USRN", "reason"] == "same USRN"
    assert w.loc["NEAR", "distance_m"] == 30.0
    assert "dates not all known" in w.loc["UNDATED", "reason"]
    undated = Checker(store).check(DigSite(BOX))
    assert set(undated.works_overlapping["reference"]) == {"NEAR", "LATER", "UNDATED"}


def test_batch_results_match_single_checks(register):
    store = _store(register)
    checker = Checker(store)
    sites = [SITE, DigSite(shapely.box(X0 + 295, Y0 + 295, X0 + 296, Y0 + 296)),
             DigSite(shapely.box(X0 + 100, Y0 + 100, X0 + 101, Y0 + 101))]
    batch = checker.check_many(sites)
    for i, site in enumerate(sites):
        single = checker.check(site)
        assert single.to_dict()["conflicts"] == batch[i].to_dict()["conflicts"]
        assert single.owners_no_data == batch[i].owners_no_data
        assert list(single.works_overlapping["reference"]) == list(batch[i].works_overlapping["reference"])
    assert list(batch.summary()["conflicts"]) == [2, 0, 0]
    # The batch JSON (built from flat arrays) equals each per-site result's JSON.
    doc = batch.to_dict()
    for i in range(len(sites)):
        one, many = batch[i].to_dict(), doc["results"][i]
        one.pop("seconds"), many.pop("seconds")
        assert one == many


def test_cli_check_json_and_table(register, tmp_path, capsys):
    store = _store(register)
    path = store.location
    store.close()
    wkt = f"LINESTRING({X0} {Y0 + 5}, {X0 + 10} {Y0 + 5})"
    assert main(["check", path, "--wkt", wkt, "--width", "1", "--start", "2026-03-02",
                 "--end", "2026-03-08", "--usrn", "8400123", "--depth", "1.2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("conflicts", "owners_affected", "owners_no_conflict", "owners_no_data",
                "works_overlapping", "rules_version"):
        assert key in doc
    c = {x["asset_id"]: x for x in doc["conflicts"]}
    assert set(c) == {"WAT:1", "GAS:1"}
    assert c["GAS:1"]["severity"] == "strike" and c["GAS:1"]["clearance_m"] == 3.0
    for field in ("owner", "utility", "asset_class", "status", "distance_m", "clearance_m", "precaution"):
        assert field in c["WAT:1"]
    assert c["WAT:1"]["distance_m"] == 0.2
    assert doc["rules_version"] == "default-2026.3"
    assert {w["reference"] for w in doc["works_overlapping"]} == {"NEAR", "SAME-USRN", "UNDATED"}
    assert main(["check", path, "--wkt", wkt, "--width", "1"]) == 0
    out = capsys.readouterr().out
    assert "STRIKE" in out and "GAS:1" in out and "NO DATA" in out


def test_cli_errors_are_one_line_and_non_zero(register, tmp_path, capsys):
    store = _store(register)
    path = store.location
    store.close()
    assert main(["check", path, "--wkt", "POINT(-1.5 52.1)", "--radius", "3"]) != 0
    assert "longitude/latitude" in capsys.readouterr().err
    assert main(["check", path, "--wkt", f"POINT({X0} {Y0})", "--radius", "-3"]) != 0
    assert "negative" in capsys.readouterr().err
    rules = tmp_path / "r.toml"
    rules.write_text('version="x"\nclearance=1\n')
    assert main(["check", path, "--wkt", f"POINT({X0} {Y0})", "--radius", "3", "--rules", str(rules)]) != 0
    assert "unknown key 'clearance'" in capsys.readouterr().err


def test_cli_programme_and_works_import(register, tmp_path, capsys):
    store = register([asset("WAT:1", shapely.LineString([(X0 + 10.2, Y0 - 20), (X0 + 10.2, Y0 + 30)]))])
    store.upsert_owner(Owner("WAT", "Water"))
    path = store.location
    store.close()
    works = tmp_path / "works.csv"
    works.write_text("reference,promoter,start_date,end_date,wkt,permit\n"
                     f"P1,BT,2026-01-01,2026-01-09,\"POINT({X0 + 20} {Y0})\",PX-1\n")
    assert main(["works", "import", path, str(works)]) == 0
    assert main(["works", "list", path, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert listed[0]["reference"] == "P1" and json.loads(listed[0]["attrs"]) == {"permit": "PX-1"}
    prog = tmp_path / "programme.geojson"
    gpd.GeoDataFrame(
        {"reference": ["A", "B", "C"], "width_m": [1.0, None, None], "radius_m": [None, None, 2.0],
         "method": ["hand", "mechanical", "trenchless"], "start": ["2026-01-02", None, None]},
        geometry=[shapely.LineString([(X0, Y0 + 5), (X0 + 10, Y0 + 5)]),
                  shapely.box(X0 + 500, Y0, X0 + 501, Y0 + 1), shapely.Point(X0 + 11, Y0)],
        crs="EPSG:27700").to_crs("EPSG:4326").to_file(prog)
    assert main(["check", path, "--programme", str(prog), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    res = {r["site"]["reference"]: r for r in doc["results"]}
    assert [c["asset_id"] for c in res["A"]["conflicts"]] == ["WAT:1"]
    assert res["B"]["conflicts"] == []
    assert [c["asset_id"] for c in res["C"]["conflicts"]] == ["WAT:1"]
    assert res["A"]["site"]["method"] == "hand" and res["A"]["site"]["position_accuracy_m"] > 0
    assert [w["reference"] for w in res["A"]["works_overlapping"]] == ["P1"]
    assert main(["check", path, "--programme", str(prog)]) == 0
    assert "3 sites" in capsys.readouterr().out


def test_cli_footprint_file_in_wgs84_and_works_from_geojson(register, tmp_path, capsys):
    store = register([asset("WAT:1", shapely.LineString([(X0 + 10.2, Y0 - 20), (X0 + 10.2, Y0 + 30)])),
                      asset("WAT:far", shapely.LineString([(X0 + 40, Y0 - 20), (X0 + 40, Y0 + 30)]))])
    path = store.location
    store.close()
    fp = tmp_path / "dig.geojson"
    gpd.GeoDataFrame(geometry=[BOX], crs="EPSG:27700").to_crs("EPSG:4326").to_file(fp)
    works = tmp_path / "works.geojson"
    gpd.GeoDataFrame({"reference": ["G1"], "start_date": ["2026-05-01"], "end_date": ["2026-05-02"]},
                     geometry=[shapely.box(X0 + 20, Y0, X0 + 22, Y0 + 2)],
                     crs="EPSG:27700").to_crs("EPSG:4326").to_file(works)
    assert main(["works", "import", path, str(works)]) == 0
    capsys.readouterr()
    assert main(["check", path, "--footprint", str(fp), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["asset_id"] for c in doc["conflicts"]] == ["WAT:1"]
    acc = doc["site"]["position_accuracy_m"]
    assert acc > 0 and doc["conflicts"][0]["clearance_m"] == round(0.5 + acc, 3)
    assert [w["reference"] for w in doc["works_overlapping"]] == ["G1"]
    assert abs(doc["works_overlapping"][0]["distance_m"] - 10.0) < 0.01  # stored in BNG
    # A stated CRS that contradicts the file is refused.
    assert main(["check", path, "--footprint", str(fp), "--crs", "EPSG:27700"]) != 0
    assert "remove the stated CRS" in capsys.readouterr().err


def test_works_import_refuses_bad_files(register, tmp_path, capsys):
    store = register([asset("WAT:1", shapely.Point(X0, Y0), asset_class="valve")])
    path = store.location
    store.close()
    bad = tmp_path / "w.csv"
    bad.write_text("reference,wkt,start_date\nA,POINT(530000 180000),next week\n")
    assert main(["works", "import", path, str(bad)]) != 0
    assert "next week" in capsys.readouterr().err
    bad.write_text("name,wkt\nA,POINT(530000 180000)\n")
    assert main(["works", "import", path, str(bad)]) != 0
    assert "'reference'" in capsys.readouterr().err


def _same_street_by_table(table, usrns, known):
    """The works on each site's street by comparing every street work with every site (the
    reference for the join)."""
    import numpy as np

    on_street = np.flatnonzero(np.isin(table.usrn, list(known)))
    with_usrn = np.flatnonzero(usrns != None)  # noqa: E711
    w_i, s_i = np.nonzero(table.usrn[on_street][:, None] == usrns[with_usrn][None, :])
    return with_usrn[s_i], on_street[w_i]


@pytest.mark.parametrize("seed", [1, 2])
def test_works_on_a_sites_street_are_joined_as_compared(seed, monkeypatch):
    """Many sites and works on a few streets (USRNs with spaces, missing, unknown to any
    site), dated and undated, some cancelled: the join gives what comparing every pair gives."""
    import numpy as np

    from asset_register.check.coordination import WorksTable

    rng = np.random.default_rng(seed)
    n_works, n_sites = 300, 400
    streets = np.array(["8400123", " 8400124 ", "8400125", "", None, "99"], dtype=object)
    x, y = rng.uniform(X0, X0 + 2000, n_works), rng.uniform(Y0, Y0 + 2000, n_works)
    days = np.array(["2026-03-01", "2026-03-05", "2026-04-01", None], dtype=object)
    table = WorksTable({"reference": np.array([f"W{i}" for i in range(n_works)], dtype=object),
                        "usrn": rng.choice(streets[[0, 1, 2, 3, 4]], n_works),
                        "start_date": rng.choice(days, n_works),
                        "end_date": rng.choice(np.array(["2026-03-10", None], dtype=object), n_works),
                        "status": rng.choice(np.array(["planned", "cancelled"], dtype=object), n_works)},
                       shapely.box(x, y, x + 5, y + 5))
    sx, sy = rng.uniform(X0, X0 + 2000, n_sites), rng.uniform(Y0, Y0 + 2000, n_sites)
    footprints = shapely.box(sx, sy, sx + 10, sy + 4)
    starts = np.where(rng.random(n_sites) < 0.5, np.datetime64("2026-03-02", "ns"),
                      np.datetime64("NaT", "ns"))
    ends = np.where(rng.random(n_sites) < 0.5, np.datetime64("2026-03-08", "ns"),
                    np.datetime64("NaT", "ns"))
    usrns = list(rng.choice(streets, n_sites))
    got = table.match(footprints, starts, ends, usrns, 30.0, ("cancelled",))
    monkeypatch.setattr(WorksTable, "_same_street", _same_street_by_table)
    want = table.match(footprints, starts, ends, usrns, 30.0, ("cancelled",))
    assert set(got) == set(want)
    for k in want:
        assert np.array_equal(got[k], want[k]), k
    assert (got["reason"] == "same USRN").sum() > 100


def test_cli_programme_json_to_a_file_whole_or_not_at_all(register, tmp_path, capsys,
                                                          monkeypatch):
    """``--out``: the same text as on the screen; interrupted while writing (Ctrl-C), the
    file named as the result is not there half-written: absent, or as it was before."""
    from asset_register.check.checker import CheckBatch

    store = register([asset("WAT:1", shapely.LineString([(X0 + 10.2, Y0 - 20), (X0 + 10.2, Y0 + 30)]))])
    path = store.location
    store.close()
    prog = tmp_path / "programme.geojson"
    gpd.GeoDataFrame({"reference": ["Straße A", "B"]},
                     geometry=[shapely.box(X0, Y0, X0 + 10, Y0 + 10),
                               shapely.box(X0 + 500, Y0, X0 + 501, Y0 + 1)],
                     crs="EPSG:27700").to_file(prog)
    capsys.readouterr()
    assert main(["check", path, "--programme", str(prog), "--json"]) == 0
    shown = capsys.readouterr().out
    out = tmp_path / "results.json"
    assert main(["check", path, "--programme", str(prog), "--json", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    written = out.read_text(encoding="utf-8")
    # (the same document; each run's own seconds apart)
    assert [{**r, "seconds": 0} for r in json.loads(written)["results"]] == \
        [{**r, "seconds": 0} for r in json.loads(shown)["results"]]
    assert "Straße A" in written and written.endswith("]}\n")
    assert main(["check", path, "--programme", str(prog), "--out", str(tmp_path / "t.txt")]) == 0
    assert "2 sites" in (tmp_path / "t.txt").read_text(encoding="utf-8")
    one = ["check", path, "--wkt", BOX.wkt, "--json"]
    assert main(one) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main([*one, "--out", str(tmp_path / "one.json")]) == 0
    assert {**json.loads((tmp_path / "one.json").read_text(encoding="utf-8")), "seconds": 0} \
        == {**alone, "seconds": 0} and alone["conflicts"]

    def interrupted(batch, stream):
        stream.write('{"rules_version": ')
        raise KeyboardInterrupt

    monkeypatch.setattr(CheckBatch, "write_json", interrupted)
    assert main(["check", path, "--programme", str(prog), "--json", "--out", str(out)]) != 0
    assert "interrupted" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == written  # as it was
    fresh = tmp_path / "fresh.json"
    assert main(["check", path, "--programme", str(prog), "--json", "--out", str(fresh)]) != 0
    assert not fresh.exists()
    capsys.readouterr()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    # an output file that cannot be written is refused before the check, in one line
    assert main(["check", path, "--programme", str(prog), "--json",
                 "--out", str(tmp_path / "no" / "such.json")]) != 0
    err = capsys.readouterr().err.strip()
    assert "does not exist" in err and len(err.splitlines()) == 1


def test_programme_methods_as_given_or_the_default(register, tmp_path):
    """Each site's method from its row (spaces and case aside), the default where none."""
    from asset_register.check.programme import programme_sites

    store = register([asset("WAT:1", shapely.Point(X0 + 5, Y0 + 5))])
    prog = tmp_path / "programme.geojson"
    gpd.GeoDataFrame({"method": [" Hand", "TRENCHLESS ", None, "mechanical"]},
                     geometry=[shapely.box(X0 + i, Y0, X0 + i + 1, Y0 + 1) for i in range(4)],
                     crs="EPSG:27700").to_file(prog)
    sites = programme_sites(store, prog, method="hand")
    assert [s.method for s in sites] == ["hand", "trenchless", "hand", "mechanical"]
    assert all(type(s.method) is str for s in sites)
