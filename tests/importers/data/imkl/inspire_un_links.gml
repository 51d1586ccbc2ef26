<?xml version="1.0" encoding="UTF-8"?>
<!-- Hand-written INSPIRE Utility Networks (4.0) test file: attribute features joined to
     UtilityLink geometries by net:link, coordinates in ETRS89 latitude/longitude order
     (urn srsName). Fictitious data. -->
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0"
  xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:base="http://inspire.ec.europa.eu/schemas/base/3.3"
  xmlns:net="http://inspire.ec.europa.eu/schemas/net/4.0"
  xmlns:us-net-common="http://inspire.ec.europa.eu/schemas/us-net-common/4.0"
  xmlns:us-net-el="http://inspire.ec.europa.eu/schemas/us-net-el/4.0"
  xmlns:us-net-ogc="http://inspire.ec.europa.eu/schemas/us-net-ogc/4.0"
  xmlns:us-net-wa="http://inspire.ec.europa.eu/schemas/us-net-wa/4.0"
  xmlns:us-net-sw="http://inspire.ec.europa.eu/schemas/us-net-sw/4.0"
  xmlns:us-net-th="http://inspire.ec.europa.eu/schemas/us-net-th/4.0"
  xmlns:us-net-tc="http://inspire.ec.europa.eu/schemas/us-net-tc/4.0"
  numberMatched="unknown" numberReturned="12">
  <wfs:member>
    <us-net-el:ElectricityCable gml:id="EL.11kV.1">
      <net:inspireId><base:Identifier><base:localId>EL-11KV-1</base:localId><base:namespace>de.example.netz</base:namespace></base:Identifier></net:inspireId>
      <net:link xlink:href="#UL.EL.1"/>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/functional"/>
      <us-net-el:operatingVoltage uom="kV">11</us-net-el:operatingVoltage>
      <us-net-el:nominalVoltage uom="kV">11</us-net-el:nominalVoltage>
    </us-net-el:ElectricityCable>
  </wfs:member>
  <wfs:member>
    <net:UtilityLink gml:id="UL.EL.1" xmlns:net2="unused">
      <net:centrelineGeometry>
        <gml:LineString gml:id="UL.EL.1.g" srsName="urn:ogc:def:crs:EPSG::4258" srsDimension="2">
          <gml:posList>52.1556217 5.3886648 52.1556216 5.3901261</gml:posList>
        </gml:LineString>
      </net:centrelineGeometry>
    </net:UtilityLink>
  </wfs:member>
  <wfs:member>
    <us-net-ogc:OilGasChemicalsPipe gml:id="OGC.1">
      <net:inspireId><base:Identifier><base:localId>GAS-4BAR-1</base:localId><base:namespace>de.example.netz</base:namespace></base:Identifier></net:inspireId>
      <net:link xlink:href="#UL.OGC.1"/>
      <us-net-common:currentStatus xlink:href="https://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/functional"/>
      <us-net-common:pipeDiameter uom="mm">200</us-net-common:pipeDiameter>
      <us-net-common:pressure uom="bar">4</us-net-common:pressure>
      <us-net-ogc:oilGasChemicalsProductType xlink:href="http://inspire.ec.europa.eu/codelist/OilGasChemicalsProductTypeValue/naturalGas"/>
    </us-net-ogc:OilGasChemicalsPipe>
  </wfs:member>
  <wfs:member>
    <us-net-common:UtilityLink gml:id="UL.OGC.1">
      <net:centrelineGeometry>
        <gml:LineString gml:id="UL.OGC.1.g" srsName="urn:ogc:def:crs:EPSG::4258">
          <gml:posList>52.1560711 5.3879342 52.1567901 5.3879342</gml:posList>
        </gml:LineString>
      </net:centrelineGeometry>
    </us-net-common:UtilityLink>
  </wfs:member>
  <wfs:member>
    <us-net-wa:WaterPipe gml:id="WA.1">
      <net:inspireId><base:Identifier><base:localId>WA-1</base:localId><base:namespace>de.example.netz</base:namespace></base:Identifier></net:inspireId>
      <net:link xlink:href="#UL.WA.1"/>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/decommissioned"/>
      <us-net-common:pipeDiameter uom="cm">15</us-net-common:pipeDiameter>
      <us-net-wa:pipeMaterial xlink:href="http://inspire.ec.europa.eu/codelist/WaterPipeMaterialTypeValue/castIron"/>
    </us-net-wa:WaterPipe>
  </wfs:member>
  <wfs:member>
    <us-net-common:UtilityLink gml:id="UL.WA.1">
      <net:centrelineGeometry>
        <gml:LineString gml:id="UL.WA.1.g" srsName="urn:ogc:def:crs:EPSG::4258">
          <gml:posList>52.1551723 5.3872035 52.1562508 5.3893954</gml:posList>
        </gml:LineString>
      </net:centrelineGeometry>
    </us-net-common:UtilityLink>
  </wfs:member>
  <wfs:member>
    <us-net-sw:SewerPipe gml:id="SW.1">
      <net:inspireId><base:Identifier><base:localId>SW-1</base:localId><base:namespace>de.example.netz</base:namespace></base:Identifier></net:inspireId>
      <net:link xlink:href="#UL.SW.1"/>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/functional"/>
      <us-net-common:pipeDiameter uom="mm">300</us-net-common:pipeDiameter>
      <us-net-sw:sewerWaterType xlink:href="http://inspire.ec.europa.eu/codelist/SewerWaterTypeValue/combined"/>
    </us-net-sw:SewerPipe>
  </wfs:member>
  <wfs:member>
    <us-net-common:UtilityLink gml:id="UL.SW.1">
      <net:centrelineGeometry>
        <gml:LineString gml:id="UL.SW.1.g" srsName="urn:ogc:def:crs:EPSG::4258">
          <gml:posList>52.1556217 5.3879342 52.1560711 5.3886648</gml:posList>
        </gml:LineString>
      </net:centrelineGeometry>
    </us-net-common:UtilityLink>
  </wfs:member>
  <wfs:member>
    <us-net-th:ThermalPipe gml:id="TH.1">
      <net:inspireId><base:Identifier><base:localId>TH-1</base:localId><base:namespace>de.example.netz</base:namespace></base:Identifier></net:inspireId>
      <net:link xlink:href="#UL.TH.1"/>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/projected"/>
    </us-net-th:ThermalPipe>
  </wfs:member>
  <wfs:member>
    <us-net-common:UtilityLink gml:id="UL.TH.1">
      <net:centrelineGeometry>
        <gml:LineString gml:id="UL.TH.1.g" srsName="urn:ogc:def:crs:EPSG::4258">
          <gml:posList>52.1551723 5.3879342 52.1551723 5.3893954</gml:posList>
        </gml:LineString>
      </net:centrelineGeometry>
    </us-net-common:UtilityLink>
  </wfs:member>
  <wfs:member>
    <us-net-tc:TelecommunicationsCable gml:id="TC.1">
      <net:inspireId><base:Identifier><base:localId>TC-1</base:localId><base:namespace>de.example.netz</base:namespace></base:Identifier></net:inspireId>
      <net:link xlink:href="#UL.TC.1"/>
      <us-net-common:currentStatus xlink:href="http://inspire.ec.europa.eu/codelist/ConditionOfFacilityValue/functional"/>
      <us-net-tc:telecommunicationsCableMaterial xlink:href="http://inspire.ec.europa.eu/codelist/TelecommunicationsCableMaterialTypeValue/opticalFiber"/>
    </us-net-tc:TelecommunicationsCable>
  </wfs:member>
  <wfs:member>
    <us-net-common:UtilityLink gml:id="UL.TC.1">
      <net:centrelineGeometry>
        <gml:LineString gml:id="UL.TC.1.g" srsName="urn:ogc:def:crs:EPSG::4258">
          <gml:posList>52.1562508 5.3872035 52.1562508 5.3901261</gml:posList>
        </gml:LineString>
      </net:centrelineGeometry>
    </us-net-common:UtilityLink>
  </wfs:member>
</wfs:FeatureCollection>
