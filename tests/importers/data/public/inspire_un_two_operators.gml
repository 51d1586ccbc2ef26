<?xml version="1.0" encoding="UTF-8"?>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:net="http://inspire.ec.europa.eu/schemas/net/4.0" xmlns:base2="http://inspire.ec.europa.eu/schemas/base2/2.0" xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco" xmlns:us-net-common="http://inspire.ec.europa.eu/schemas/us-net-common/4.0" xmlns:us-net-el="http://inspire.ec.europa.eu/schemas/us-net-el/4.0" xmlns:us-net-wa="http://inspire.ec.europa.eu/schemas/us-net-wa/4.0" gml:id="fc_two">
  <gml:featureMember>
    <us-net-common:UtilityNetwork gml:id="net_el">
      <us-net-common:utilityNetworkType xlink:href="http://inspire.ec.europa.eu/codelist/UtilityNetworkTypeValue/electricity"/>
      <us-net-common:authorityRole><base2:RelatedParty><base2:organisationName><gco:CharacterString>Stromnetz Beispielstadt GmbH</gco:CharacterString></base2:organisationName><base2:role xlink:href="http://inspire.ec.europa.eu/codelist/RelatedPartyRoleValue/operator"/></base2:RelatedParty></us-net-common:authorityRole>
    </us-net-common:UtilityNetwork>
  </gml:featureMember>
  <gml:featureMember>
    <us-net-common:UtilityNetwork gml:id="net_wa">
      <us-net-common:utilityNetworkType xlink:href="http://inspire.ec.europa.eu/codelist/UtilityNetworkTypeValue/water"/>
      <us-net-common:authorityRole><base2:RelatedParty><base2:organisationName><gco:CharacterString>Wasserwerke Beispielstadt</gco:CharacterString></base2:organisationName><base2:role xlink:href="http://inspire.ec.europa.eu/codelist/RelatedPartyRoleValue/operator"/></base2:RelatedParty></us-net-common:authorityRole>
    </us-net-common:UtilityNetwork>
  </gml:featureMember>
  <gml:featureMember>
    <us-net-el:ElectricityCable gml:id="cable_1">
      <net:inNetwork xlink:href="#net_el"/>
      <net:link xlink:href="#link_1"/>
      <us-net-el:operatingVoltage uom="kV">10</us-net-el:operatingVoltage>
    </us-net-el:ElectricityCable>
  </gml:featureMember>
  <gml:featureMember>
    <us-net-wa:WaterPipe gml:id="pipe_1">
      <net:inNetwork xlink:href="#net_wa"/>
      <net:link xlink:href="#link_2"/>
      <us-net-common:pipeDiameter uom="mm">150</us-net-common:pipeDiameter>
    </us-net-wa:WaterPipe>
  </gml:featureMember>
  <gml:featureMember>
    <us-net-common:UtilityLink gml:id="link_1"><net:centrelineGeometry><gml:LineString gml:id="g1" srsName="urn:ogc:def:crs:EPSG::25832"><gml:posList>565000 5933000 565030 5933000</gml:posList></gml:LineString></net:centrelineGeometry></us-net-common:UtilityLink>
  </gml:featureMember>
  <gml:featureMember>
    <us-net-common:UtilityLink gml:id="link_2"><net:centrelineGeometry><gml:LineString gml:id="g2" srsName="urn:ogc:def:crs:EPSG::25832"><gml:posList>565000 5933010 565030 5933010</gml:posList></gml:LineString></net:centrelineGeometry></us-net-common:UtilityLink>
  </gml:featureMember>
</gml:FeatureCollection>
