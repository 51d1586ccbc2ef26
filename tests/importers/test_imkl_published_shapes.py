"""KLIC deliveries in the shapes of the published IMKL examples (kadaster/klic-win
"Uitleveren" and "Toepassing IMKL"), each a defect found importing those examples.

26G000303 is a delivery with no cable or pipe in the area: request polygons only (the
information polygon also drawn for display with the dig polygon cut out) and one operator
whose Beheerder names no one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from asset_register.cli.main import main
from asset_register.deliveries import delivery_area
from asset_register.errors import CRSError
from asset_register.store import create_register
from importers import inspect
from importers.imkl import import_delivery

DATA = Path(__file__).with_name("data") / "imkl"
EMPTY_AREA = DATA / "GI_gebiedsinformatielevering_26G000303_1.xml"
INFO = shapely.Polygon([(160000, 470300), (159850, 469900), (160350, 469800),
                        (160500, 470300)])
DIG = shapely.Polygon([(160000, 470200), (159950, 469930), (160350, 469900),
                       (160400, 470190)])


def test_delivery_without_assets_is_refused_by_a_british_register(tmp_path):
    """Its only geometries are the request polygons: they are checked against the
    register's CRS like assets are, never reprojected into the wrong country."""
    store = create_register(tmp_path / "gb.gpkg", crs="EPSG:27700")
    try:
        with pytest.raises(CRSError, match="Netherlands.*this register cannot hold it"):
            import_delivery(store, EMPTY_AREA)
        assert store.owners() == []
        assert len(store.batches()) == 0
        assert store.owner_coverage().empty
        assert store.get_setting("delivery_areas") is None
    finally:
        store.close()


def test_delivery_without_assets_covers_its_dig_polygon(tmp_path, capsys):
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    reports = import_delivery(store, EMPTY_AREA)
    assert [(r.layer, r.status, r.imported) for r in reports] == [("imkl:KL3003", "imported", 0)]
    owner, = store.owners()
    assert (owner.code, owner.phone, owner.emergency_phone, owner.email) == (
        "KL3003", "088-300 3000", "0800-300 3999", "toezicht@kl3003.example")
    area = delivery_area(store, "26G000303")
    assert area.footprint.normalize().equals(DIG.normalize())
    # the information polygon, not its display drawing with the dig polygon cut out
    assert area.area.normalize().equals(INFO.normalize())
    store.close()
    reg = str(tmp_path / "nl.gpkg")
    assert main(["check", reg, "--delivery-area", "26G000303", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["conflicts"] == []
    # the operator answered for the area: nothing of it here, not "no data"
    assert [o["owner"] for o in out["owners_no_conflict"]] == ["KL3003"]
    assert out["owners_no_data"] == []


def test_inspect_counts_each_request_polygon_once():
    notes = inspect(EMPTY_AREA).warnings
    assert "Informatiepolygoon: 1 polygon(s) — kept as the delivery area, not as assets" in notes


NETINFO = """<?xml version="1.0" encoding="UTF-8"?>
<gml:FeatureCollection
  xmlns:imkl="http://www.geostandaarden.nl/imkl/2015/wion/1.2"
  xmlns:us-net-common="http://inspire.ec.europa.eu/schemas/us-net-common/4.0"
  xmlns:us-net-sw="http://inspire.ec.europa.eu/schemas/us-net-sw/4.0"
  xmlns:net="http://inspire.ec.europa.eu/schemas/net/4.0"
  xmlns:base="http://inspire.ec.europa.eu/schemas/base/3.3"
  xmlns:gml="http://www.opengis.net/gml/3.2"
  xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="ID_net_KL4004">
  <gml:featureMember>
    <imkl:Utiliteitsnet gml:id="nl.imkl-KL4004.net_riool">
      <imkl:thema xlink:href="http://definities.geostandaarden.nl/imkl2015/id/waarde/Thema/rioolVrijverval"/>
    </imkl:Utiliteitsnet>
  </gml:featureMember>
  <gml:featureMember>
    <imkl:Kast gml:id="nl.imkl-KL4004.kast1">
      <us-net-common:geometry>
        <gml:Point srsName="{point_srs}" gml:id="g_kast1"><gml:pos>{x} {y}</gml:pos></gml:Point>
      </us-net-common:geometry>
      <imkl:geoNauwkeurigheidXY xlink:href="http://definities.geostandaarden.nl/imkl2015/id/waarde/NauwkeurigheidValue/tot100cm"/>
      <imkl:inNetwork xlink:href="nl.imkl-KL4004.net_riool"/>
    </imkl:Kast>
  </gml:featureMember>
  <gml:featureMember>
    <imkl:Rioolleiding gml:id="nl.imkl-KL4004.rl1">
      <net:inNetwork xlink:href="nl.imkl-KL4004.net_riool"/>
      <net:link xlink:href="nl.imkl-KL4004.ul1"/>
      <us-net-common:pipeDiameter uom="urn:ogc:def:uom:OGC::cm">0</us-net-common:pipeDiameter>
      <us-net-common:pressure uom="urn:ogc:def:uom:OGC::bar">0</us-net-common:pressure>
    </imkl:Rioolleiding>
  </gml:featureMember>
  <gml:featureMember>
    <us-net-common:UtilityLink gml:id="nl.imkl-KL4004.ul1">
      <net:centrelineGeometry>
        <gml:Curve srsName="EPSG:28992" gml:id="g_ul1"><gml:segments><gml:LineStringSegment>
          <gml:posList srsDimension="2">154879.316 389420.671 154916.379 389412.262
          </gml:posList>
        </gml:LineStringSegment></gml:segments></gml:Curve>
      </net:centrelineGeometry>
    </us-net-common:UtilityLink>
  </gml:featureMember>
</gml:FeatureCollection>
"""


@pytest.mark.parametrize("point_srs", ["http://spatialreference.org/ref/epsg/28992/",
                                       "http://www.opengis.net/gml/srs/epsg.xml#28992"])
def test_srsname_spellings_of_one_crs_in_one_delivery(tmp_path, point_srs):
    """KLIC's own netinformatie example names RD New as EPSG:28992 on its links and as a
    spatialreference.org URL on its point features: one CRS, not a mixed file."""
    path = tmp_path / "netinformatie.xml"
    path.write_text(NETINFO.format(point_srs=point_srs, x="154781.836", y="389399.581"),
                    encoding="utf-8")
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        (r,) = import_delivery(store, path)
        assert (r.layer, r.imported, r.rejected, r.source_crs) == ("imkl:KL4004", 2, 0, "EPSG:28992")
        a = store.read_assets().set_index("asset_id")
        kast = a.loc["KL4004:KL4004.kast1"]
        assert (kast["asset_class"], kast["utility"], kast["h_accuracy_m"]) == ("cabinet", "sewer", 1.0)
        assert kast.geometry.equals(shapely.Point(154781.836, 389399.581))
        pipe = a.loc["KL4004:KL4004.rl1"]
        # a recorded 0 cm diameter and 0 bar are "not given", never a value
        assert pipe[["diameter_mm", "pressure"]].isna().all()
    finally:
        store.close()


def test_gml2_epsg_url_is_read_longitude_first(tmp_path):
    """``…/gml/srs/epsg.xml#4258`` is the GML 2 spelling: x = longitude, unlike the URN."""
    path = tmp_path / "netinformatie.xml"
    path.write_text(NETINFO.replace('srsName="EPSG:28992"',
                                    'srsName="http://www.opengis.net/gml/srs/epsg.xml#4258"')
                    .replace("154879.316 389420.671 154916.379 389412.262",
                             "5.385463 51.493817 5.385997 51.493741")
                    .format(point_srs="http://www.opengis.net/gml/srs/epsg.xml#4258",
                            x="5.384060", y="51.493627"), encoding="utf-8")
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        (r,) = import_delivery(store, path)
        assert (r.imported, r.source_crs) == (2, "EPSG:4258")
        kast = store.read_assets().set_index("asset_id").loc["KL4004:KL4004.kast1"]
        # where RD New puts it (within a metre), not thousands of km away with swapped axes
        assert kast.geometry.distance(shapely.Point(154781.836, 389399.581)) < 1.0
    finally:
        store.close()
