<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"
  xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:base="http://inspire.ec.europa.eu/schemas/base/3.3"
  xmlns:net="http://inspire.ec.europa.eu/schemas/net/4.0"
  xmlns:us-net-common="http://inspire.ec.europa.eu/schemas/us-net-common/4.0"
  xmlns:us-net-el="http://inspire.ec.europa.eu/schemas/us-net-el/4.0"
  numberMatched="2" numberReturned="2">
  <wfs:member>
    <us-net-el:ElectricityCable gml:id="EC.1">
      <net:inspireId><base:Identifier><base:localId>HV-0001</base:localId><base:namespace>uk.mpn</base:namespace></base:Identifier></net:inspireId>
      <net:centrelineGeometry><gml:LineString gml:id="EC.1.g" srsName="http://www.opengis.net/def/crs/EPSG/0/27700"><gml:posList>530100 180100 530200 180150</gml:posList></gml:LineString></net:centrelineGeometry>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/functional"/>
      <us-net-common:utilityFacilityReference xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
      <us-net-el:operatingVoltage uom="V">11000</us-net-el:operatingVoltage>
      <us-net-el:nominalVoltage uom="V">11000</us-net-el:nominalVoltage>
    </us-net-el:ElectricityCable>
  </wfs:member>
  <wfs:member>
    <us-net-el:ElectricityCable gml:id="EC.2">
      <net:inspireId><base:Identifier><base:localId>LV-0002</base:localId><base:namespace>uk.mpn</base:namespace></base:Identifier></net:inspireId>
      <net:centrelineGeometry><gml:LineString gml:id="EC.2.g" srsName="http://www.opengis.net/def/crs/EPSG/0/27700"><gml:posList>530300 180300 530310 180400 530320 180420</gml:posList></gml:LineString></net:centrelineGeometry>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/disused"/>
      <us-net-el:operatingVoltage uom="V">400</us-net-el:operatingVoltage>
      <us-net-el:nominalVoltage uom="V">400</us-net-el:nominalVoltage>
    </us-net-el:ElectricityCable>
  </wfs:member>
</wfs:FeatureCollection>
