<?xml version="1.0" encoding="utf-8"?>
<gml:FeatureCollection gml:id="fc1" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.invalid/lufthavn_el/2.0" xmlns:xlink="http://www.w3.org/1999/xlink">
  <gml:featureMembers>
    <app:EL_Kum gml:id="_k1">
      <app:kvalitet><app:Posisjonskvalitet><app:målemetode>80</app:målemetode><app:nøyaktighet>11</app:nøyaktighet></app:Posisjonskvalitet></app:kvalitet>
      <app:fagområde>Telekommunikasjon</app:fagområde>
      <app:eier>Avinor</app:eier>
      <app:identifikasjon><app:Identifikasjon><app:lokalId>k1</app:lokalId><app:navnerom>no.avinor</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:status codeSpace="http://example.invalid/LedningsStatus">FJ</app:status>
      <app:posisjon><gml:Point gml:id="g1" srsName="urn:ogc:def:crs:EPSG::5972" srsDimension="3"><gml:pos>592142.76 6905824.63 501.67</gml:pos></gml:Point></app:posisjon>
      <app:diameter>0.44</app:diameter>
    </app:EL_Kum>
    <app:EL_Kum gml:id="_k2">
      <app:fagområde>Telekommunikasjon</app:fagområde>
      <app:eier>Avinor</app:eier>
      <app:identifikasjon><app:Identifikasjon><app:lokalId>k2</app:lokalId><app:navnerom>no.avinor</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:posisjon><gml:Point gml:id="g2" srsName="urn:ogc:def:crs:EPSG::5972" srsDimension="3"><gml:pos>592109.83 6905785.12 498.79</gml:pos></gml:Point></app:posisjon>
    </app:EL_Kum>
    <app:EL_Jordkabel gml:id="_c1">
      <app:fagområde>Elektrisitet</app:fagområde>
      <app:eier>Avinor</app:eier>
      <app:identifikasjon><app:Identifikasjon><app:lokalId>c1</app:lokalId><app:navnerom>no.avinor</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:spenning>230</app:spenning>
      <app:beliggenhet><gml:LineString gml:id="g3" srsName="urn:ogc:def:crs:EPSG::5972" srsDimension="3"><gml:posList>592109.83 6905785.12 498.79 592109.57 6905786.77 498.79 592141.09 6905824.6 498.87 592142.76 6905824.63 498.87</gml:posList></gml:LineString></app:beliggenhet>
      <app:fraKobling xlink:href="#TODO_GML_ID"/>
    </app:EL_Jordkabel>
  </gml:featureMembers>
</gml:FeatureCollection>
