"""street-manager-work.json validated against WorkCreateRequest of the DfT v3.6 swagger."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import jsonschema
import pytest
import shapely

from asset_register.notices import write_notice_pack

from .analytic import FOOTPRINT

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0 'nullable: true' → JSON Schema type unions (jsonschema ignores nullable)."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi_to_jsonschema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        elif "allOf" in out or "$ref" in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.fixture
def work_create_request(shared_data):
    path = shared_data / "street-manager" / "V3.6-work-swagger.json"
    if not path.exists():
        pytest.skip(f"{path} is absent: cannot validate against the Street Manager schema")
    spec = json.loads(path.read_text())
    schemas = _openapi_to_jsonschema(spec["components"]["schemas"])
    return schemas, {**schemas["WorkCreateRequest"], "components": {"schemas": schemas}}


def _validator(schema, *, only_filled: dict | None = None):
    schema = copy.deepcopy(schema)
    if only_filled is not None:  # "valid for the fields it fills"
        schema["required"] = [k for k in schema["required"] if k in only_filled]
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_complete_record_is_a_valid_work_create_request(register, result, tmp_path,
                                                        work_create_request):
    _, schema = work_create_request
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme Utilities Ltd",
                             promoter_phone="01234 567890", now=NOW,
                             street_manager={"traffic_management_type": "two_way_signals",
                                             "location_types": ["footway", "carriageway"]})
    req = json.loads((pack.folder / "street-manager-work.json").read_text())
    errors = sorted(_validator(schema).iter_errors(req), key=str)
    assert not errors, [e.message for e in errors]
    assert req["usrn"] == 20601234
    assert req["proposed_start_date"] == "2026-12-01T00:00:00.000Z"
    assert req["proposed_end_date"] == "2026-12-04T00:00:00.000Z"
    assert req["work_reference_number"] == pack.reference
    assert req["traffic_management_type"] == "two_way_signals"
    assert req["excavation"] is True
    geom = shapely.geometry.shape(req["works_coordinates"])
    assert geom.geom_type == "Polygon"
    assert shapely.hausdorff_distance(geom, FOOTPRINT) < 0.01  # BNG metres, not degrees
    sm = pack.detail["street_manager"]
    assert "traffic_management_type" not in sm["defaulted"] and not sm["missing"]
    assert "activity_type" in sm["defaulted"]


def test_record_with_unknown_fields_leaves_them_out_and_says_so(register, result, tmp_path,
                                                                 work_create_request):
    _, schema = work_create_request
    register.set_setting("promoter_swa_code", "")
    site = result.site.__class__(**{**result.site.__dict__, "usrn": None, "start": None,
                                    "end": None})
    result.site = site
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme", now=NOW)
    req = json.loads((pack.folder / "street-manager-work.json").read_text())
    assert not list(_validator(schema, only_filled=req).iter_errors(req))
    missing = set(pack.detail["street_manager"]["missing"])
    assert {"usrn", "proposed_start_date", "proposed_end_date", "promoter_swa_code",
            "secondary_contact_number"} <= missing
    assert not missing & set(req)
    assert any("left out" in w and "usrn" in w for w in pack.warnings)
    # and the schema proper rejects it, so the warning is needed
    assert list(_validator(schema).iter_errors(req))


def test_multipart_footprint_becomes_its_convex_hull(register, result, tmp_path,
                                                     work_create_request):
    _, schema = work_create_request
    two = shapely.MultiPolygon([FOOTPRINT, shapely.affinity.translate(FOOTPRINT, 30, 0)])
    result.site = result.site.__class__(**{**result.site.__dict__, "footprint": two})
    pack = write_notice_pack(register, result, tmp_path, promoter="Acme", promoter_phone="1",
                             now=NOW)
    req = json.loads((pack.folder / "street-manager-work.json").read_text())
    assert req["works_coordinates"]["type"] == "Polygon"
    assert shapely.geometry.shape(req["works_coordinates"]).covers(two.buffer(-0.01))
    assert not list(_validator(schema).iter_errors(req))


def test_register_in_another_crs_still_gives_bng(gpkg_store_factory, tmp_path,
                                                 work_create_request):
    """A register kept in UTM 30N: Street Manager coordinates and the grid reference are BNG."""
    _, schema = work_create_request
    import geopandas as gpd

    from .analytic import conflict_rows, make_result

    store = gpkg_store_factory("utm.gpkg", crs="EPSG:32630")
    store.set_setting("authority_country", "GB")  # UTM says no country: the setting does
    utm = gpd.GeoSeries([FOOTPRINT], crs=27700).to_crs(32630).iloc[0]
    rows = conflict_rows().to_crs(32630)
    result = make_result(rows, footprint=utm)
    pack = write_notice_pack(store, result, tmp_path / "out", promoter="Acme",
                             promoter_phone="1", now=NOW)
    req = json.loads((pack.folder / "street-manager-work.json").read_text())
    back = shapely.geometry.shape(req["works_coordinates"])
    assert shapely.hausdorff_distance(back, FOOTPRINT) < 0.05
    assert pack.detail["grid_reference"].startswith("TQ 301")
    assert list(_validator(schema, only_filled=req).iter_errors(req)) == []
    bng = gpd.read_file(pack.folder / "conflicts-bng.geojson")
    assert bng.crs.to_epsg() == 27700
    assert shapely.hausdorff_distance(bng.geometry.iloc[0], FOOTPRINT) < 0.05
