"""KLIC deliveries in the shapes of the published IMKL examples (kadaster/klic-win
"Uitleveren" and "Toepassing IMKL"), each a defect found importing those examples.

26G000303 is a delivery with no cable or pipe in the area: request polygons only (the
information polygon also drawn for display with the dig polygon cut out) and one operator
whose Beheerder names no one.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import shapely

from asset_register.cli.main import main
from asset_register.deliveries import delivery_area
from asset_register.errors import CRSError
from asset_register.model import Owner
from asset_register.store import create_register, open_register
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
    # the Beheerder gives no name: the code, never the Belang's "Gas, regio Oost"
    assert (owner.code, owner.name, owner.phone, owner.emergency_phone, owner.email) == (
        "KL3003", "KL3003", "088-300 3000", "0800-300 3999", "toezicht@kl3003.example")
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


def _collection(body: str) -> str:
    """A GML FeatureCollection with the namespaces of KLIC deliveries around ``body``."""
    ns = {"imkl": "http://www.geostandaarden.nl/imkl/2015/wion/1.2",
          "net": "http://inspire.ec.europa.eu/schemas/net/4.0",
          "gml": "http://www.opengis.net/gml/3.2", "xlink": "http://www.w3.org/1999/xlink",
          **{f"us-net-{k}": f"http://inspire.ec.europa.eu/schemas/us-net-{k}/4.0"
             for k in ("common", "tc", "th")}}
    attrs = " ".join(f'xmlns:{k}="{v}"' for k, v in ns.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<gml:FeatureCollection {attrs} gml:id="c">{body}' \
        "</gml:FeatureCollection>\n"


def _network(gml_id: str, thema: str) -> str:
    return (f'<gml:featureMember><imkl:Utiliteitsnet gml:id="{gml_id}"><imkl:thema xlink:href='
            f'"http://definities.geostandaarden.nl/imkl2015/id/waarde/Thema/{thema}"/>'
            "</imkl:Utiliteitsnet></gml:featureMember>")


def _link(gml_id: str, srs: str, coords: str) -> str:
    return (f'<gml:featureMember><us-net-common:UtilityLink gml:id="{gml_id}"><net:centrelineGeometry>'
            f'<gml:Curve srsName="{srs}" gml:id="g_{gml_id}"><gml:segments><gml:LineStringSegment>'
            f"<gml:posList>{coords}\n          </gml:posList></gml:LineStringSegment></gml:segments>"
            "</gml:Curve></net:centrelineGeometry></us-net-common:UtilityLink></gml:featureMember>")


def _linked(kind: str, gml_id: str, net: str, link: str, *props: str) -> str:
    """A cable/pipe feature of network ``net`` whose geometry is UtilityLink ``link``."""
    return (f'<gml:featureMember><imkl:{kind} gml:id="{gml_id}"><net:inNetwork xlink:href="{net}"/>'
            f'<net:link xlink:href="{link}"/>{"".join(props)}</imkl:{kind}></gml:featureMember>')


CODES = "http://definities.geostandaarden.nl/imkl2015/id/waarde"
CM, BAR = 'uom="urn:ogc:def:uom:OGC::cm"', 'uom="urn:ogc:def:uom:OGC::bar"'


def _imported(tmp_path, body: str, **kw):
    """Import ``body`` (wrapped in a FeatureCollection) into a new RD New register:
    (the reports, the live assets by id)."""
    path = tmp_path / "delivery.xml"
    path.write_text(_collection(body), encoding="utf-8")
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        return import_delivery(store, path, **kw), store.read_assets().set_index("asset_id")
    finally:
        store.close()


def _netinfo(point_srs: str, x: str, y: str, link_srs: str = "EPSG:28992",
             link: str = "154879.316 389420.671 154916.379 389412.262") -> str:
    """A cabinet with its own point and a sewer pipe on a UtilityLink (0 cm, 0 bar given)."""
    return _collection(_network("nl.imkl-KL4004.net_riool", "rioolVrijverval") + f"""
  <gml:featureMember>
    <imkl:Kast gml:id="nl.imkl-KL4004.kast1">
      <us-net-common:geometry>
        <gml:Point srsName="{point_srs}" gml:id="g_kast1"><gml:pos>{x} {y}</gml:pos></gml:Point>
      </us-net-common:geometry>
      <imkl:geoNauwkeurigheidXY xlink:href="http://definities.geostandaarden.nl/imkl2015/id/waarde/NauwkeurigheidValue/tot100cm"/>
      <imkl:inNetwork xlink:href="nl.imkl-KL4004.net_riool"/>
    </imkl:Kast>
  </gml:featureMember>""" + _linked(
        "Rioolleiding", "nl.imkl-KL4004.rl1", "nl.imkl-KL4004.net_riool", "nl.imkl-KL4004.ul1",
        f"<us-net-common:pipeDiameter {CM}>0</us-net-common:pipeDiameter>",
        f"<us-net-common:pressure {BAR}>0</us-net-common:pressure>")
        + _link("nl.imkl-KL4004.ul1", link_srs, link))


@pytest.mark.parametrize("point_srs", ["http://spatialreference.org/ref/epsg/28992/",
                                       "http://www.opengis.net/gml/srs/epsg.xml#28992"])
def test_srsname_spellings_of_one_crs_in_one_delivery(tmp_path, point_srs):
    """KLIC's own netinformatie example names RD New as EPSG:28992 on its links and as a
    spatialreference.org URL on its point features: one CRS, not a mixed file."""
    path = tmp_path / "netinformatie.xml"
    path.write_text(_netinfo(point_srs, "154781.836", "389399.581"), encoding="utf-8")
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
    gml2 = "http://www.opengis.net/gml/srs/epsg.xml#4258"
    path.write_text(_netinfo(gml2, "5.384060", "51.493627", gml2,
                             "5.385463 51.493817 5.385997 51.493741"), encoding="utf-8")
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        (r,) = import_delivery(store, path)
        assert (r.imported, r.source_crs) == (2, "EPSG:4258")
        kast = store.read_assets().set_index("asset_id").loc["KL4004:KL4004.kast1"]
        # where RD New puts it (within a metre), not thousands of km away with swapped axes
        assert kast.geometry.distance(shapely.Point(154781.836, 389399.581)) < 1.0
    finally:
        store.close()


BEHEERDERSINFO = _collection(
    _network("nl.imkl-KL5005.net_data", "datatransport") + _network("nl.imkl-KL5005.net_w", "warmte")
    + _linked("Telecommunicatiekabel", "nl.imkl-KL5005.tc1", "nl.imkl-KL5005.net_data",
              "nl.imkl-KL5005.ul_tc1",
              f'<us-net-tc:telecommunicationsCableMaterialType xlink:href="{CODES}/'
              'TelecommunicationsCableMaterialTypeIMKLValue/glasvezel"/>',
              f'<imkl:geoNauwkeurigheidXY xlink:href="{CODES}/NauwkeurigheidXYvalue/tot100cm"/>',
              f"<imkl:kabelDiameter {CM}>2</imkl:kabelDiameter>")
    + _linked("ThermischePijpleiding", "nl.imkl-KL5005.th1", "nl.imkl-KL5005.net_w",
              "nl.imkl-KL5005.ul_th1",
              f"<us-net-common:pipeDiameter {CM}>14</us-net-common:pipeDiameter>",
              f"<us-net-common:pressure {BAR}>3.5</us-net-common:pressure>",
              f'<us-net-th:thermalProductType xlink:href="{CODES}/ThermalProductTypeIMKLValue/waterHT"/>')
    + _link("nl.imkl-KL5005.ul_tc1", "epsg:28992", "154430.61 389766.544 154469.61 389704.544")
    + _link("nl.imkl-KL5005.ul_th1", "epsg:28992", "154432.61 389766.544 154471.61 389704.544"))


def test_telecom_cable_material_under_its_inspire_name(tmp_path):
    """KLIC's examples name a telecom cable's material ``telecommunicationsCableMaterialType``
    (the INSPIRE attribute), not ``…Material``: it was dropped."""
    path = tmp_path / "beheerdersinformatie.xml"
    path.write_text(BEHEERDERSINFO, encoding="utf-8")
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        (r,) = import_delivery(store, path)
        assert (r.layer, r.imported, r.rejected) == ("imkl:KL5005", 2, 0)
        a = store.read_assets().set_index("asset_id")
        cols = ["utility", "asset_class", "material", "diameter_mm", "h_accuracy_m", "pressure"]
        tc = a.loc["KL5005:KL5005.tc1", cols].tolist()
        assert tc[:5] == ["telecoms", "cable", "fibre", 20.0, 1.0]
        th = a.loc["KL5005:KL5005.th1"]
        assert th[["utility", "asset_class", "diameter_mm"]].tolist() == [
            "district_heating", "pipe", 140.0]
        # pressure classes are gas tiers; a heat main's pressure is kept as read
        assert th[["material", "h_accuracy_m", "pressure"]].isna().all()
        assert json.loads(th["attrs"])["pressure_bar"] == 3.5
    finally:
        store.close()


LEVERINGSINFORMATIE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<lev:Leveringsinformatie xmlns:lev="http://www.kadaster.nl/schemas/klic/20080722/leveringsinfo"
    xmlns:gml="http://www.opengis.net/gml">
  <lev:Version>2.0</lev:Version>
  <lev:Aanvraag>
    <lev:Klicnummer>16O000303</lev:Klicnummer>
    <lev:Gebiedspolygoon srsName="epsg:28992" srsDimension="2">
      <gml:exterior><gml:LinearRing>
        <gml:posList>155500 388888 155500 389900 154000 389900 154000 388888 155500 388888</gml:posList>
      </gml:LinearRing></gml:exterior>
    </lev:Gebiedspolygoon>
  </lev:Aanvraag>
  <lev:NetbeheerderLeveringen><lev:Netbeheerder><lev:Bronhoudercode>KL3003</lev:Bronhoudercode>
  </lev:Netbeheerder></lev:NetbeheerderLeveringen>
</lev:Leveringsinformatie>
"""


def test_delivery_information_file_is_named_as_such(tmp_path, capsys):
    """KLIC's LI_ file (and a pre-IMKL delivery zip of maps and PDFs) holds no network: a
    one-line error says what it is, instead of "truncated or corrupt"."""
    li = tmp_path / "LI_16O000303_1.xml"
    li.write_text(LEVERINGSINFORMATIE, encoding="utf-8")
    old = tmp_path / "Levering_16O000303_1.zip"
    with zipfile.ZipFile(old, "w") as zf:
        zf.writestr("LI_16O000303_1.xml", LEVERINGSINFORMATIE)
        zf.writestr("bronnen/GB_16O000303.png", b"\x89PNG\r\n")
    reg = tmp_path / "nl.gpkg"
    create_register(reg, crs="EPSG:28992").close()
    for path, says in ((li, "is KLIC delivery information"), (old, "without IMKL network data")):
        for argv in (["import", str(reg), str(path)], ["inspect", str(path)]):
            assert main(argv) != 0
            err = capsys.readouterr().err.strip()
            assert says in err and "\n" not in err and "Traceback" not in err
    store = open_register(reg)
    try:
        assert store.owners() == [] and len(store.batches()) == 0 and store.asset_count() == 0
    finally:
        store.close()


def test_precaution_zone_with_a_dotted_gml_id_and_a_hole(tmp_path):
    """KLIC's beheerdersinformatie example writes a zone's id as ``nl.imkl.KL4141.aev_…``
    (a dot, not a dash): its operator is still KL4141 and its id loses the prefix; an EV area
    drawn with a hole (a bored crossing) keeps the hole."""
    donut = ('<gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992" gml:id="p1"><gml:exterior>'
             "<gml:LinearRing><gml:posList>163900 402900 164200 402900 164200 403100 163900 "
             "403100 163900 402900</gml:posList></gml:LinearRing></gml:exterior><gml:interior>"
             "<gml:LinearRing><gml:posList>164000 403000 164100 403000 164100 403050 164000 "
             "403050 164000 403000</gml:posList></gml:LinearRing></gml:interior></gml:Polygon>")
    zone = ('<gml:featureMember><imkl:AanduidingEisVoorzorgsmaatregel gml:id="nl.imkl.KL6006.aev_1">'
            "<imkl:contactVoorzorgsmaatregel><imkl:Contact><imkl:naam>EV</imkl:naam>"
            "<imkl:telefoon>088-183 4444</imkl:telefoon></imkl:Contact></imkl:contactVoorzorgsmaatregel>"
            '<imkl:inNetwork xlink:href="nl.imkl.KL6006.net_ms"/>'
            f"<imkl:geometrie>{donut}</imkl:geometrie></imkl:AanduidingEisVoorzorgsmaatregel>"
            "</gml:featureMember>")
    (r,), a = _imported(tmp_path, _network("nl.imkl.KL6006.net_ms", "middenspanning") + zone)
    assert (r.layer, r.imported, r.rejected) == ("imkl:KL6006", 1, 0)
    z = a.loc["KL6006:KL6006.aev_1"]
    assert (z["asset_class"], z["utility"], z["voltage"]) == ("precaution_zone", "electricity", "HV")
    assert z.geometry.area == 300 * 200 - 100 * 50
    assert json.loads(z["attrs"])["contactVoorzorgsmaatregel.telefoon"] == "088-183 4444"


def test_inspire_cables_through_a_utility_link_sequence(tmp_path):
    """INSPIRE lets a cable name a UtilityLinkSequence whose directed links name the
    UtilityLinks: the cables were rejected as having no geometry, and the links reported as
    referenced by nothing. Two cables in one sequence both get both links (one names it
    with the document's URL before the ``#``)."""
    ns = ('xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" '
          'xmlns:xlink="http://www.w3.org/1999/xlink" '
          'xmlns:base="http://inspire.ec.europa.eu/schemas/base/3.3" '
          'xmlns:net="http://inspire.ec.europa.eu/schemas/net/4.0" '
          'xmlns:us-net-common="http://inspire.ec.europa.eu/schemas/us-net-common/4.0" '
          'xmlns:us-net-el="http://inspire.ec.europa.eu/schemas/us-net-el/4.0"')

    def cable(n: int) -> str:
        return (f'<wfs:member><us-net-el:ElectricityCable gml:id="EL.{n}"><net:inspireId>'
                f"<base:Identifier><base:localId>EL-{n}</base:localId></base:Identifier>"
                f'</net:inspireId><net:link xlink:href="{("#", "network.gml#")[n - 1]}SEQ.1"/>'
                '<us-net-el:nominalVoltage uom="kV">20</us-net-el:nominalVoltage>'
                "</us-net-el:ElectricityCable></wfs:member>")

    def link(n: int, coords: str) -> str:
        return (f'<wfs:member><us-net-common:UtilityLink gml:id="UL.{n}"><net:centrelineGeometry>'
                f'<gml:LineString gml:id="g{n}" srsName="EPSG:28992"><gml:posList>{coords}'
                "</gml:posList></gml:LineString></net:centrelineGeometry>"
                "</us-net-common:UtilityLink></wfs:member>")

    directed = "".join(f'<net:link><net:DirectedLink><net:direction>true</net:direction>'
                       f'<net:link xlink:href="#UL.{n}"/></net:DirectedLink></net:link>'
                       for n in (1, 2))
    body = (cable(1) + cable(2)
            + f'<wfs:member><us-net-common:UtilityLinkSequence gml:id="SEQ.1">{directed}'
            "</us-net-common:UtilityLinkSequence></wfs:member>"
            + link(1, "155000 463000 155050 463000") + link(2, "155050 463000 155100 463020"))
    path = tmp_path / "sequence.gml"
    path.write_text(f'<?xml version="1.0"?><wfs:FeatureCollection {ns}>{body}</wfs:FeatureCollection>',
                    encoding="utf-8")
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        (r,) = import_delivery(store, path, owner="NET")
        assert (r.imported, r.rejected) == (2, 0)
        assert not any("referenced by no cable" in w for w in r.warnings)
        a = store.read_assets().set_index("asset_id")
        for aid in ("NET:EL-1", "NET:EL-2"):
            assert a.loc[aid, "voltage"] == "HV"
            assert round(a.loc[aid, "geometry"].length, 3) == round(50 + (50**2 + 20**2) ** 0.5, 3)
    finally:
        store.close()


def test_operator_named_only_by_its_code_keeps_the_registers_name(tmp_path):
    store = create_register(tmp_path / "nl.gpkg", crs="EPSG:28992")
    try:
        store.upsert_owner(Owner("KL3003", "Oost Gas B.V.", phone="old"))
        import_delivery(store, EMPTY_AREA)
        o = store.owner("KL3003")
        assert (o.name, o.phone, o.emergency_phone) == ("Oost Gas B.V.", "088-300 3000",
                                                         "0800-300 3999")
    finally:
        store.close()


def test_appurtenance_type_from_inspires_specific_type(tmp_path):
    """An INSPIRE appurtenance whose type is only in ``specificAppurtenanceType`` (the
    appurtenanceType withheld) is still a valve."""
    node = ('<gml:featureMember><imkl:Appurtenance gml:id="nl.imkl-KL7007.v1">'
            '<net:inNetwork xlink:href="nl.imkl-KL7007.net_gas"/><net:geometry>'
            '<gml:Point srsName="EPSG:28992" gml:id="gv1"><gml:pos>155000 463000</gml:pos></gml:Point>'
            '</net:geometry><us-net-common:appurtenanceType xsi:nil="true" nilReason="withheld" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
            "<us-net-common:specificAppurtenanceType xlink:href="
            '"http://example.org/codelist/GasAppurtenanceType/shutOffValve"/>'
            "</imkl:Appurtenance></gml:featureMember>")
    _, a = _imported(tmp_path, _network("nl.imkl-KL7007.net_gas", "gasLageDruk") + node)
    v = a.loc["KL7007:KL7007.v1"]
    assert (v["asset_class"], v["utility"], v["pressure"]) == ("valve", "gas", "LP")
