<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     gml:id="aFeatureCollection"
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml/3.2">
  <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020 180020 28.05</gml:lowerCorner><gml:upperCorner>531504.0 181105.7 34</gml:upperCorner></gml:Envelope></gml:boundedBy>
                                                                                                                           
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.0">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180101.4 29.62</gml:lowerCorner><gml:upperCorner>530094.0 180101.4 30.11</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.0"><gml:posList srsDimension="3">530020.0 180101.4 30.11 530094.0 180101.4 29.62</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00001</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.93</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.1">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530094.0 180100.5 26.95</gml:lowerCorner><gml:upperCorner>530455.8 180101.4 29.36</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.1"><gml:posList srsDimension="3">530094.0 180101.4 29.36 530455.8 180100.5 26.95</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00002</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.41</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.2">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.8 180100.5 27.48</gml:lowerCorner><gml:upperCorner>530795.1 180101.2 29.74</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.2"><gml:posList srsDimension="3">530455.8 180100.5 29.74 530795.1 180101.2 27.48</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00003</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.07</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.3">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530795.1 180100.4 26.39</gml:lowerCorner><gml:upperCorner>531152.9 180101.2 28.78</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.3"><gml:posList srsDimension="3">530795.1 180101.2 28.78 531152.9 180100.4 26.39</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00004</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>150</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.79</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.4">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.9 180100.4 23.46</gml:lowerCorner><gml:upperCorner>531496.7 180104.3 25.75</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.4"><gml:posList srsDimension="3">531152.9 180100.4 25.75 531496.7 180104.3 23.46</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00005</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.6</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.5">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.7 180104.3 29.82</gml:lowerCorner><gml:upperCorner>531580.0 180104.3 30.38</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.5"><gml:posList srsDimension="3">531496.7 180104.3 30.38 531580.0 180104.3 29.82</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00006</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.11</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.6">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180352.5 28.68</gml:lowerCorner><gml:upperCorner>530096.8 180352.5 29.19</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.6"><gml:posList srsDimension="3">530020.0 180352.5 29.19 530096.8 180352.5 28.68</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00007</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.23</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.7">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530096.8 180346.2 26.99</gml:lowerCorner><gml:upperCorner>530455.2 180352.5 29.38</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.7"><gml:posList srsDimension="3">530096.8 180352.5 29.38 530455.2 180346.2 26.99</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00008</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.19</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.8">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.2 180345.1 25.26</gml:lowerCorner><gml:upperCorner>530794.4 180346.2 27.52</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.8"><gml:posList srsDimension="3">530455.2 180346.2 27.52 530794.4 180345.1 25.26</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00009</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.09</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.9">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.4 180345.1 23.36</gml:lowerCorner><gml:upperCorner>531153.2 180355.4 25.75</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.9"><gml:posList srsDimension="3">530794.4 180345.1 25.75 531153.2 180355.4 23.36</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00010</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.43</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.10">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531153.2 180344.5 26.08</gml:lowerCorner><gml:upperCorner>531497.8 180355.4 28.38</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.10"><gml:posList srsDimension="3">531153.2 180355.4 28.38 531497.8 180344.5 26.08</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00011</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>1.85</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.11">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531497.8 180344.5 25.33</gml:lowerCorner><gml:upperCorner>531580.0 180344.5 25.88</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.11"><gml:posList srsDimension="3">531497.8 180344.5 25.88 531580.0 180344.5 25.33</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00012</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.66</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.12">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180594.5 25.65</gml:lowerCorner><gml:upperCorner>530099.3 180594.5 26.18</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.12"><gml:posList srsDimension="3">530020.0 180594.5 26.18 530099.3 180594.5 25.65</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00013</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.6</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.13">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530099.3 180594.5 23.47</gml:lowerCorner><gml:upperCorner>530451.9 180601.5 25.82</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.13"><gml:posList srsDimension="3">530099.3 180594.5 25.82 530451.9 180601.5 23.47</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00014</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.86</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.14">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530451.9 180598.2 24.43</gml:lowerCorner><gml:upperCorner>530798.8 180601.5 26.74</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.14"><gml:posList srsDimension="3">530451.9 180601.5 26.74 530798.8 180598.2 24.43</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00015</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.28</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.15">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530798.8 180598.2 27.88</gml:lowerCorner><gml:upperCorner>531151.0 180604.6 30.23</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.15"><gml:posList srsDimension="3">530798.8 180598.2 30.23 531151.0 180604.6 27.88</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00016</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.42</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.16">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531151.0 180595.7 22.86</gml:lowerCorner><gml:upperCorner>531496.8 180604.6 25.17</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.16"><gml:posList srsDimension="3">531151.0 180604.6 25.17 531496.8 180595.7 22.86</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00017</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.88</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.17">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.8 180595.7 29.79</gml:lowerCorner><gml:upperCorner>531580.0 180595.7 30.34</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.17"><gml:posList srsDimension="3">531496.8 180595.7 30.34 531580.0 180595.7 29.79</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00018</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.72</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.18">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180852.7 28.48</gml:lowerCorner><gml:upperCorner>530095.1 180852.7 28.98</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.18"><gml:posList srsDimension="3">530020.0 180852.7 28.98 530095.1 180852.7 28.48</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00019</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.41</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.19">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530095.1 180850.6 27.3</gml:lowerCorner><gml:upperCorner>530454.9 180852.7 29.7</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.19"><gml:posList srsDimension="3">530095.1 180852.7 29.7 530454.9 180850.6 27.3</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00020</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>1.95</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.20">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530454.9 180850.6 24.33</gml:lowerCorner><gml:upperCorner>530794.7 180850.6 26.6</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.20"><gml:posList srsDimension="3">530454.9 180850.6 26.6 530794.7 180850.6 24.33</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00021</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>150</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.18</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.21">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.7 180849.7 25.92</gml:lowerCorner><gml:upperCorner>531152.7 180850.6 28.31</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.21"><gml:posList srsDimension="3">530794.7 180850.6 28.31 531152.7 180849.7 25.92</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00022</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.36</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.22">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.7 180849.7 27.48</gml:lowerCorner><gml:upperCorner>531494.3 180855.7 29.76</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.22"><gml:posList srsDimension="3">531152.7 180849.7 29.76 531494.3 180855.7 27.48</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00023</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>1.95</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.23">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531494.3 180855.7 27.29</gml:lowerCorner><gml:upperCorner>531580.0 180855.7 27.86</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.23"><gml:posList srsDimension="3">531494.3 180855.7 27.86 531580.0 180855.7 27.29</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00024</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.02</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.24">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 181097.6 26.13</gml:lowerCorner><gml:upperCorner>530101.2 181097.6 26.67</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.24"><gml:posList srsDimension="3">530020.0 181097.6 26.67 530101.2 181097.6 26.13</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00025</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>150</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.02</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.25">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530101.2 181097.6 23.94</gml:lowerCorner><gml:upperCorner>530452.7 181105.7 26.28</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.25"><gml:posList srsDimension="3">530101.2 181097.6 26.28 530452.7 181105.7 23.94</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00026</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.56</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.26">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530452.7 181095.6 25.67</gml:lowerCorner><gml:upperCorner>530800.9 181105.7 27.99</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.26"><gml:posList srsDimension="3">530452.7 181105.7 27.99 530800.9 181095.6 25.67</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00027</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.53</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.27">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530800.9 181095.6 23.7</gml:lowerCorner><gml:upperCorner>531146.0 181097.6 26</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.27"><gml:posList srsDimension="3">530800.9 181095.6 26 531146.0 181097.6 23.7</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00028</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.4</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.28">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531146.0 181097.6 27.11</gml:lowerCorner><gml:upperCorner>531504.0 181103.6 29.5</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.28"><gml:posList srsDimension="3">531146.0 181097.6 29.5 531504.0 181103.6 27.11</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00029</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.29</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.29">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531504.0 181103.6 28.61</gml:lowerCorner><gml:upperCorner>531580.0 181103.6 29.12</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.29"><gml:posList srsDimension="3">531504.0 181103.6 29.12 531580.0 181103.6 28.61</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00030</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>3.06</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.30">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530094 180020 24.38</gml:lowerCorner><gml:upperCorner>530094.0 180101.4 24.92</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.30"><gml:posList srsDimension="3">530094 180020 24.92 530094.0 180101.4 24.38</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00031</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.49</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.31">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530094.0 180101.4 27.13</gml:lowerCorner><gml:upperCorner>530096.8 180352.5 28.8</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.31"><gml:posList srsDimension="3">530094.0 180101.4 28.8 530096.8 180352.5 27.13</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00032</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.53</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.32">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530096.8 180352.5 29.22</gml:lowerCorner><gml:upperCorner>530099.3 180594.5 30.83</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.32"><gml:posList srsDimension="3">530096.8 180352.5 30.83 530099.3 180594.5 29.22</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00033</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.61</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.33">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530095.1 180594.5 27.97</gml:lowerCorner><gml:upperCorner>530099.3 180852.7 29.69</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.33"><gml:posList srsDimension="3">530099.3 180594.5 29.69 530095.1 180852.7 27.97</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00034</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>1.93</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.34">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530095.1 180852.7 23.41</gml:lowerCorner><gml:upperCorner>530101.2 181097.6 25.04</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.34"><gml:posList srsDimension="3">530095.1 180852.7 25.04 530101.2 181097.6 23.41</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00035</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.21</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.35">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530101.2 181097.6 25.03</gml:lowerCorner><gml:upperCorner>530101.2 181180.0 25.58</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.35"><gml:posList srsDimension="3">530101.2 181097.6 25.58 530101.2 181180.0 25.03</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00036</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.84</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.36">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.8 180020.0 29.95</gml:lowerCorner><gml:upperCorner>530455.8 180100.5 30.49</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.36"><gml:posList srsDimension="3">530455.8 180020.0 30.49 530455.8 180100.5 29.95</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00037</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>150</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.27</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.37">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.2 180100.5 24.23</gml:lowerCorner><gml:upperCorner>530455.8 180346.2 25.87</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.37"><gml:posList srsDimension="3">530455.8 180100.5 25.87 530455.2 180346.2 24.23</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00038</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.76</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.38">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530451.9 180346.2 26.64</gml:lowerCorner><gml:upperCorner>530455.2 180601.5 28.34</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.38"><gml:posList srsDimension="3">530455.2 180346.2 28.34 530451.9 180601.5 26.64</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00039</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.53</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.39">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530451.9 180601.5 28.25</gml:lowerCorner><gml:upperCorner>530454.9 180850.6 29.91</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.39"><gml:posList srsDimension="3">530451.9 180601.5 29.91 530454.9 180850.6 28.25</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00040</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.91</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.40">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530452.7 180850.6 25.71</gml:lowerCorner><gml:upperCorner>530454.9 181105.7 27.41</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.40"><gml:posList srsDimension="3">530454.9 180850.6 27.41 530452.7 181105.7 25.71</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00041</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.13</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.41">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530452.7 181105.7 26.96</gml:lowerCorner><gml:upperCorner>530452.7 181180.0 27.46</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.41"><gml:posList srsDimension="3">530452.7 181105.7 27.46 530452.7 181180.0 26.96</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00042</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.86</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.42">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530795.1 180020.0 28.69</gml:lowerCorner><gml:upperCorner>530795.1 180101.2 29.23</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.42"><gml:posList srsDimension="3">530795.1 180020.0 29.23 530795.1 180101.2 28.69</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00043</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.95</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.43">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.4 180101.2 25.83</gml:lowerCorner><gml:upperCorner>530795.1 180345.1 27.46</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.43"><gml:posList srsDimension="3">530795.1 180101.2 27.46 530794.4 180345.1 25.83</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00044</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.82</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.44">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.4 180345.1 26.57</gml:lowerCorner><gml:upperCorner>530798.8 180598.2 28.26</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.44"><gml:posList srsDimension="3">530794.4 180345.1 28.26 530798.8 180598.2 26.57</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00045</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.27</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.45">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.7 180598.2 24.54</gml:lowerCorner><gml:upperCorner>530798.8 180850.6 26.22</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.45"><gml:posList srsDimension="3">530798.8 180598.2 26.22 530794.7 180850.6 24.54</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00046</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>3.39</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.46">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.7 180850.6 27.84</gml:lowerCorner><gml:upperCorner>530800.9 181095.6 29.47</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.46"><gml:posList srsDimension="3">530794.7 180850.6 29.47 530800.9 181095.6 27.84</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00047</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>3.47</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.47">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530800.9 181095.6 30.23</gml:lowerCorner><gml:upperCorner>530800.9 181180.0 30.79</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.47"><gml:posList srsDimension="3">530800.9 181095.6 30.79 530800.9 181180.0 30.23</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00048</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.6</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.48">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.9 180020.0 30.28</gml:lowerCorner><gml:upperCorner>531152.9 180100.4 30.82</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.48"><gml:posList srsDimension="3">531152.9 180020.0 30.82 531152.9 180100.4 30.28</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00049</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.76</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.49">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.9 180100.4 28.6</gml:lowerCorner><gml:upperCorner>531153.2 180355.4 30.3</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.49"><gml:posList srsDimension="3">531152.9 180100.4 30.3 531153.2 180355.4 28.6</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00050</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>2.83</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.50">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531151.0 180355.4 28.43</gml:lowerCorner><gml:upperCorner>531153.2 180604.6 30.09</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.50"><gml:posList srsDimension="3">531153.2 180355.4 30.09 531151.0 180604.6 28.43</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00051</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>3.11</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.51">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531151.0 180604.6 27.12</gml:lowerCorner><gml:upperCorner>531152.7 180849.7 28.75</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.51"><gml:posList srsDimension="3">531151.0 180604.6 28.75 531152.7 180849.7 27.12</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00052</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>150</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>1.84</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.52">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531146.0 180849.7 23.13</gml:lowerCorner><gml:upperCorner>531152.7 181097.6 24.78</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.52"><gml:posList srsDimension="3">531152.7 180849.7 24.78 531146.0 181097.6 23.13</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00053</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>3.29</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.53">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531146.0 181097.6 28.51</gml:lowerCorner><gml:upperCorner>531146 181180 29.06</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.53"><gml:posList srsDimension="3">531146.0 181097.6 29.06 531146 181180 28.51</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00054</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.71</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.54">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.7 180020.0 28.78</gml:lowerCorner><gml:upperCorner>531496.7 180104.3 29.34</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.54"><gml:posList srsDimension="3">531496.7 180020.0 29.34 531496.7 180104.3 28.78</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00055</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>1.88</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.55">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.7 180104.3 30.2</gml:lowerCorner><gml:upperCorner>531497.8 180344.5 31.8</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.55"><gml:posList srsDimension="3">531496.7 180104.3 31.8 531497.8 180344.5 30.2</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00056</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>1.92</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.56">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.8 180344.5 26.65</gml:lowerCorner><gml:upperCorner>531497.8 180595.7 28.32</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.56"><gml:posList srsDimension="3">531497.8 180344.5 28.32 531496.8 180595.7 26.65</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00057</ogr:PIPE_ID>
      <ogr:SYSTEM>FOUL</ogr:SYSTEM>
      <ogr:DIAMETER>450</ogr:DIAMETER>
      <ogr:MATERIAL>VC</ogr:MATERIAL>
      <ogr:DEPTH>2.39</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.57">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531494.3 180595.7 28.49</gml:lowerCorner><gml:upperCorner>531496.8 180855.7 30.22</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.57"><gml:posList srsDimension="3">531496.8 180595.7 30.22 531494.3 180855.7 28.49</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00058</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>225</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>1.89</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.58">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531494.3 180855.7 28.94</gml:lowerCorner><gml:upperCorner>531504.0 181103.6 30.59</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.58"><gml:posList srsDimension="3">531494.3 180855.7 30.59 531504.0 181103.6 28.94</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00059</ogr:PIPE_ID>
      <ogr:SYSTEM>SURFACE</ogr:SYSTEM>
      <ogr:DIAMETER>150</ogr:DIAMETER>
      <ogr:MATERIAL>PVC</ogr:MATERIAL>
      <ogr:DEPTH>3.41</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sewer_pipes gml:id="sewer_pipes.59">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531504.0 181103.6 29.67</gml:lowerCorner><gml:upperCorner>531504 181180 30.18</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:LineString srsName="urn:ogc:def:crs:EPSG::27700" gml:id="sewer_pipes.geom.59"><gml:posList srsDimension="3">531504.0 181103.6 30.18 531504 181180 29.67</gml:posList></gml:LineString></ogr:geometryProperty>
      <ogr:PIPE_ID>S00060</ogr:PIPE_ID>
      <ogr:SYSTEM>COMBINED</ogr:SYSTEM>
      <ogr:DIAMETER>300</ogr:DIAMETER>
      <ogr:MATERIAL>CONC</ogr:MATERIAL>
      <ogr:DEPTH>2.23</ogr:DEPTH>
    </ogr:sewer_pipes>
  </ogr:featureMember>
<ogr:featureMember>
    <ogr:manholes gml:id="manholes.0">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180101.4 33.04</gml:lowerCorner><gml:upperCorner>530020.0 180101.4 33.04</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.0"><gml:pos>530020.0 180101.4 33.04</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0001</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.04</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.93</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.1">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530094.0 180101.4 31.77</gml:lowerCorner><gml:upperCorner>530094.0 180101.4 31.77</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.1"><gml:pos>530094.0 180101.4 31.77</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0002</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.77</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.41</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.2">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.8 180100.5 31.81</gml:lowerCorner><gml:upperCorner>530455.8 180100.5 31.81</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.2"><gml:pos>530455.8 180100.5 31.81</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0003</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.81</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.07</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.3">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530795.1 180101.2 31.57</gml:lowerCorner><gml:upperCorner>530795.1 180101.2 31.57</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.3"><gml:pos>530795.1 180101.2 31.57</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0004</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.57</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.79</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.4">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.9 180100.4 28.35</gml:lowerCorner><gml:upperCorner>531152.9 180100.4 28.35</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.4"><gml:pos>531152.9 180100.4 28.35</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0005</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.35</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.6</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.5">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.7 180104.3 33.49</gml:lowerCorner><gml:upperCorner>531496.7 180104.3 33.49</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.5"><gml:pos>531496.7 180104.3 33.49</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0006</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.49</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.11</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.6">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180352.5 32.42</gml:lowerCorner><gml:upperCorner>530020.0 180352.5 32.42</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.6"><gml:pos>530020.0 180352.5 32.42</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0007</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.42</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.23</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.7">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530096.8 180352.5 32.57</gml:lowerCorner><gml:upperCorner>530096.8 180352.5 32.57</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.7"><gml:pos>530096.8 180352.5 32.57</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0008</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.57</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.19</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.8">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.2 180346.2 30.61</gml:lowerCorner><gml:upperCorner>530455.2 180346.2 30.61</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.8"><gml:pos>530455.2 180346.2 30.61</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0009</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.61</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.09</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.9">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.4 180345.1 29.18</gml:lowerCorner><gml:upperCorner>530794.4 180345.1 29.18</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.9"><gml:pos>530794.4 180345.1 29.18</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0010</ogr:MH_REF>
      <ogr:COVER_LEVEL>29.18</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.43</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.10">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531153.2 180355.4 30.23</gml:lowerCorner><gml:upperCorner>531153.2 180355.4 30.23</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.10"><gml:pos>531153.2 180355.4 30.23</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0011</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.23</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.85</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.11">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531497.8 180344.5 28.54</gml:lowerCorner><gml:upperCorner>531497.8 180344.5 28.54</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.11"><gml:pos>531497.8 180344.5 28.54</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0012</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.54</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.66</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.12">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180594.5 28.78</gml:lowerCorner><gml:upperCorner>530020.0 180594.5 28.78</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.12"><gml:pos>530020.0 180594.5 28.78</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0013</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.78</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.6</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.13">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530099.3 180594.5 28.68</gml:lowerCorner><gml:upperCorner>530099.3 180594.5 28.68</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.13"><gml:pos>530099.3 180594.5 28.68</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0014</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.68</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.86</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.14">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530451.9 180601.5 29.02</gml:lowerCorner><gml:upperCorner>530451.9 180601.5 29.02</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.14"><gml:pos>530451.9 180601.5 29.02</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0015</ogr:MH_REF>
      <ogr:COVER_LEVEL>29.02</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.28</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.15">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530798.8 180598.2 33.65</gml:lowerCorner><gml:upperCorner>530798.8 180598.2 33.65</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.15"><gml:pos>530798.8 180598.2 33.65</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0016</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.65</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.42</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.16">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531151.0 180604.6 28.05</gml:lowerCorner><gml:upperCorner>531151.0 180604.6 28.05</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.16"><gml:pos>531151.0 180604.6 28.05</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0017</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.05</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.88</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.17">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.8 180595.7 33.06</gml:lowerCorner><gml:upperCorner>531496.8 180595.7 33.06</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.17"><gml:pos>531496.8 180595.7 33.06</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0018</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.06</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.72</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.18">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 180852.7 32.39</gml:lowerCorner><gml:upperCorner>530020.0 180852.7 32.39</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.18"><gml:pos>530020.0 180852.7 32.39</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0019</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.39</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.41</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.19">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530095.1 180852.7 31.65</gml:lowerCorner><gml:upperCorner>530095.1 180852.7 31.65</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.19"><gml:pos>530095.1 180852.7 31.65</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0020</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.65</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.95</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.20">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530454.9 180850.6 28.78</gml:lowerCorner><gml:upperCorner>530454.9 180850.6 28.78</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.20"><gml:pos>530454.9 180850.6 28.78</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0021</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.78</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.18</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.21">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.7 180850.6 30.67</gml:lowerCorner><gml:upperCorner>530794.7 180850.6 30.67</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.21"><gml:pos>530794.7 180850.6 30.67</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0022</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.67</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.36</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.22">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.7 180849.7 31.71</gml:lowerCorner><gml:upperCorner>531152.7 180849.7 31.71</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.22"><gml:pos>531152.7 180849.7 31.71</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0023</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.71</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.95</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.23">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531494.3 180855.7 30.88</gml:lowerCorner><gml:upperCorner>531494.3 180855.7 30.88</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.23"><gml:pos>531494.3 180855.7 30.88</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0024</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.88</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.02</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.24">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530020.0 181097.6 29.69</gml:lowerCorner><gml:upperCorner>530020.0 181097.6 29.69</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.24"><gml:pos>530020.0 181097.6 29.69</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0025</ogr:MH_REF>
      <ogr:COVER_LEVEL>29.69</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.02</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.25">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530101.2 181097.6 28.84</gml:lowerCorner><gml:upperCorner>530101.2 181097.6 28.84</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.25"><gml:pos>530101.2 181097.6 28.84</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0026</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.84</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.56</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.26">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530452.7 181105.7 30.52</gml:lowerCorner><gml:upperCorner>530452.7 181105.7 30.52</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.26"><gml:pos>530452.7 181105.7 30.52</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0027</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.52</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.53</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.27">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530800.9 181095.6 28.4</gml:lowerCorner><gml:upperCorner>530800.9 181095.6 28.4</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.27"><gml:pos>530800.9 181095.6 28.4</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0028</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.4</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.4</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.28">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531146.0 181097.6 32.79</gml:lowerCorner><gml:upperCorner>531146.0 181097.6 32.79</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.28"><gml:pos>531146.0 181097.6 32.79</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0029</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.79</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.29</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.29">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531504.0 181103.6 32.18</gml:lowerCorner><gml:upperCorner>531504.0 181103.6 32.18</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.29"><gml:pos>531504.0 181103.6 32.18</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0030</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.18</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.06</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.30">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530094 180020 28.41</gml:lowerCorner><gml:upperCorner>530094 180020 28.41</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.30"><gml:pos>530094 180020 28.41</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0031</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.41</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.49</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.31">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530094.0 180101.4 31.33</gml:lowerCorner><gml:upperCorner>530094.0 180101.4 31.33</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.31"><gml:pos>530094.0 180101.4 31.33</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0032</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.33</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.53</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.32">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530096.8 180352.5 33.44</gml:lowerCorner><gml:upperCorner>530096.8 180352.5 33.44</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.32"><gml:pos>530096.8 180352.5 33.44</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0033</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.44</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.61</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.33">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530099.3 180594.5 31.62</gml:lowerCorner><gml:upperCorner>530099.3 180594.5 31.62</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.33"><gml:pos>530099.3 180594.5 31.62</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0034</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.62</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.93</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.34">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530095.1 180852.7 28.25</gml:lowerCorner><gml:upperCorner>530095.1 180852.7 28.25</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.34"><gml:pos>530095.1 180852.7 28.25</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0035</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.25</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.21</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.35">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530101.2 181097.6 28.42</gml:lowerCorner><gml:upperCorner>530101.2 181097.6 28.42</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.35"><gml:pos>530101.2 181097.6 28.42</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0036</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.42</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.84</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.36">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.8 180020.0 32.76</gml:lowerCorner><gml:upperCorner>530455.8 180020.0 32.76</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.36"><gml:pos>530455.8 180020.0 32.76</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0037</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.76</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.27</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.37">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.8 180100.5 28.63</gml:lowerCorner><gml:upperCorner>530455.8 180100.5 28.63</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.37"><gml:pos>530455.8 180100.5 28.63</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0038</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.63</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.76</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.38">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530455.2 180346.2 30.87</gml:lowerCorner><gml:upperCorner>530455.2 180346.2 30.87</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.38"><gml:pos>530455.2 180346.2 30.87</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0039</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.87</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.53</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.39">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530451.9 180601.5 32.82</gml:lowerCorner><gml:upperCorner>530451.9 180601.5 32.82</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.39"><gml:pos>530451.9 180601.5 32.82</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0040</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.82</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.91</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.40">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530454.9 180850.6 29.54</gml:lowerCorner><gml:upperCorner>530454.9 180850.6 29.54</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.40"><gml:pos>530454.9 180850.6 29.54</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0041</ogr:MH_REF>
      <ogr:COVER_LEVEL>29.54</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.13</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.41">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530452.7 181105.7 30.32</gml:lowerCorner><gml:upperCorner>530452.7 181105.7 30.32</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.41"><gml:pos>530452.7 181105.7 30.32</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0042</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.32</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.86</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.42">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530795.1 180020.0 32.18</gml:lowerCorner><gml:upperCorner>530795.1 180020.0 32.18</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.42"><gml:pos>530795.1 180020.0 32.18</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0043</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.18</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.95</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.43">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530795.1 180101.2 30.28</gml:lowerCorner><gml:upperCorner>530795.1 180101.2 30.28</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.43"><gml:pos>530795.1 180101.2 30.28</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0044</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.28</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.82</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.44">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.4 180345.1 31.53</gml:lowerCorner><gml:upperCorner>530794.4 180345.1 31.53</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.44"><gml:pos>530794.4 180345.1 31.53</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0045</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.53</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.27</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.45">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530798.8 180598.2 29.61</gml:lowerCorner><gml:upperCorner>530798.8 180598.2 29.61</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.45"><gml:pos>530798.8 180598.2 29.61</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0046</ogr:MH_REF>
      <ogr:COVER_LEVEL>29.61</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.39</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.46">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530794.7 180850.6 32.94</gml:lowerCorner><gml:upperCorner>530794.7 180850.6 32.94</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.46"><gml:pos>530794.7 180850.6 32.94</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0047</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.94</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.47</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.47">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>530800.9 181095.6 33.39</gml:lowerCorner><gml:upperCorner>530800.9 181095.6 33.39</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.47"><gml:pos>530800.9 181095.6 33.39</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0048</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.39</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.6</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.48">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.9 180020.0 33.58</gml:lowerCorner><gml:upperCorner>531152.9 180020.0 33.58</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.48"><gml:pos>531152.9 180020.0 33.58</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0049</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.58</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.76</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.49">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.9 180100.4 33.13</gml:lowerCorner><gml:upperCorner>531152.9 180100.4 33.13</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.49"><gml:pos>531152.9 180100.4 33.13</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0050</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.13</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.83</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.50">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531153.2 180355.4 33.2</gml:lowerCorner><gml:upperCorner>531153.2 180355.4 33.2</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.50"><gml:pos>531153.2 180355.4 33.2</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0051</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.2</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.11</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.51">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531151.0 180604.6 30.59</gml:lowerCorner><gml:upperCorner>531151.0 180604.6 30.59</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.51"><gml:pos>531151.0 180604.6 30.59</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0052</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.59</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.84</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.52">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531152.7 180849.7 28.07</gml:lowerCorner><gml:upperCorner>531152.7 180849.7 28.07</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.52"><gml:pos>531152.7 180849.7 28.07</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0053</ogr:MH_REF>
      <ogr:COVER_LEVEL>28.07</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.29</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.53">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531146.0 181097.6 31.77</gml:lowerCorner><gml:upperCorner>531146.0 181097.6 31.77</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.53"><gml:pos>531146.0 181097.6 31.77</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0054</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.77</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.71</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.54">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.7 180020.0 31.22</gml:lowerCorner><gml:upperCorner>531496.7 180020.0 31.22</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.54"><gml:pos>531496.7 180020.0 31.22</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0055</ogr:MH_REF>
      <ogr:COVER_LEVEL>31.22</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.88</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.55">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.7 180104.3 33.72</gml:lowerCorner><gml:upperCorner>531496.7 180104.3 33.72</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.55"><gml:pos>531496.7 180104.3 33.72</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0056</ogr:MH_REF>
      <ogr:COVER_LEVEL>33.72</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.92</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.56">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531497.8 180344.5 30.71</gml:lowerCorner><gml:upperCorner>531497.8 180344.5 30.71</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.56"><gml:pos>531497.8 180344.5 30.71</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0057</ogr:MH_REF>
      <ogr:COVER_LEVEL>30.71</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.39</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.57">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531496.8 180595.7 32.11</gml:lowerCorner><gml:upperCorner>531496.8 180595.7 32.11</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.57"><gml:pos>531496.8 180595.7 32.11</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0058</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.11</ogr:COVER_LEVEL>
      <ogr:DEPTH>1.89</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.58">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531494.3 180855.7 34</gml:lowerCorner><gml:upperCorner>531494.3 180855.7 34</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.58"><gml:pos>531494.3 180855.7 34</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0059</ogr:MH_REF>
      <ogr:COVER_LEVEL>34</ogr:COVER_LEVEL>
      <ogr:DEPTH>3.41</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:manholes gml:id="manholes.59">
      <gml:boundedBy><gml:Envelope srsDimension="3" srsName="urn:ogc:def:crs:EPSG::27700"><gml:lowerCorner>531504.0 181103.6 32.41</gml:lowerCorner><gml:upperCorner>531504.0 181103.6 32.41</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::27700" gml:id="manholes.geom.59"><gml:pos>531504.0 181103.6 32.41</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:MH_REF>MH0060</ogr:MH_REF>
      <ogr:COVER_LEVEL>32.41</ogr:COVER_LEVEL>
      <ogr:DEPTH>2.23</ogr:DEPTH>
    </ogr:manholes>
  </ogr:featureMember>
</ogr:FeatureCollection>
