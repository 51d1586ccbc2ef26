"""A full session against a password-protected PostGIS register, and a grep of everything it
left for the password: every command's output and error line, every file written (notices,
extracts, reports, exports, temporary files), and the register's own tables. The password
holds the characters that break a URL: '/', '@', '%' and ':'."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.pg_server import free_port

pytestmark = pytest.mark.postgis

PASSWORD = "Tr0ub/4@d%or:x"
NEEDLES = [PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD), "Tr0ub", "4@d%or"]
DIG = "POLYGON ((530390 180390, 530410 180390, 530410 180394, 530390 180394, 530390 180390))"
AREA = "POLYGON ((530000 180000, 531000 180000, 531000 181000, 530000 181000, 530000 180000))"


def _delivery(path: Path) -> Path:
    features = [{"type": "Feature",
                 "properties": {"id": f"W{i}", "material": "PE", "depth": 1.2,
                                "restricted": "yes" if i == 3 else "no"},
                 "geometry": {"type": "LineString",
                              "coordinates": [[530300 + 20 * i, 180395], [530420, 180400]]}}
                for i in range(6)]
    features.append({"type": "Feature", "properties": {"id": "BAD"}, "geometry": None})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, "crs": {
        "type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}}))
    return path


def _leaks(text: str) -> list[str]:
    return [n for n in NEEDLES if n in text]


def test_a_whole_session_never_shows_or_writes_the_password(pg_server, tmp_path):
    login, schema = f"sess_{uuid.uuid4().hex[:8]}", f"s_{uuid.uuid4().hex[:10]}"
    pg_server.psql(f"CREATE ROLE {login} LOGIN CREATEROLE PASSWORD '{PASSWORD}'; "
                   f"GRANT CREATE ON DATABASE registers TO {login}")
    url = pg_server.url(user=login, password=PASSWORD, schema=schema)
    raw = url.replace(quote(PASSWORD, safe=""), PASSWORD)  # typed as it is, unescaped
    assert _leaks(url) and _leaks(raw)  # (the grep finds the password in every form used)
    work = tmp_path / "work"
    for d in ("work", "home", "config", "cache", "data", "tmp", "keys"):
        (tmp_path / d).mkdir()
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "TMPDIR": str(tmp_path / "tmp"), "ASSET_REGISTER_NOW": "2026-11-23T10:00:00",
           "ASSET_REGISTER_SIGNING_KEY": str(tmp_path / "keys" / "signing-key")}
    env.pop("PGPASSWORD", None)
    delivery = _delivery(work / "mains.geojson")
    dead_port = free_port()
    session = [
        (0, ["init", url]),
        (0, ["settings", url, "authority_name", "Wessex Streetworks"]),
        (0, ["import", url, str(delivery), "--owner", "WSX", "--utility", "water"]),
        (0, ["info", url]), (0, ["info", url, "--json"]),
        (0, ["rejects", url]),
        (0, ["check", url, "--wkt", DIG, "--purpose", "design enquiry"]),
        (0, ["check", url, "--wkt", DIG, "--purpose", "design enquiry", "--json"]),
        (0, ["notice", url, "--wkt", DIG, "--promoter", "Gas Co",
             "--out", str(work / "notice")]),
        (0, ["notices", url]),
        (0, ["roles", url, "--create-viewer", f"v_{login}", "--password", "viewer pw"]),
        (0, ["roles", url, "--list"]),
        (0, ["keys", "new"]),
        (0, ["extract", url, "--area", AREA, "--out", str(work / "field.gpkg")]),
        (0, ["extract", url, "--area", AREA, "--out", str(work / "contractor.gpkg"),
             "--contractor"]),
        (0, ["info", str(work / "contractor.gpkg")]),
        (0, ["sync", str(work / "field.gpkg"), url]),
        (0, ["audit", "export", url, "--owner", "WSX", "--out", str(work / "uses.csv")]),
        (0, ["audit", "export", url, "--out", str(work / "uses.json")]),
        (0, ["audit", "verify", url]),
        (0, ["settings", url]),
        # error paths: a database that does not exist, a host where nothing listens, the URL
        # typed with the password unescaped, and a wrong table of the right kind
        (None, ["info", url.replace("/registers?", "/nosuchdb?")]),
        (None, ["--debug", "info", url.replace("/registers?", "/nosuchdb?")]),
        (None, ["info", url.replace(f":{pg_server.port}/", f":{dead_port}/")]),
        (None, ["check", raw, "--wkt", DIG, "--purpose", "typed raw"]),
        (None, ["info", raw.replace("/registers?", "/nosuchdb?")]),
        (None, ["check", url, "--wkt", DIG]),  # no purpose
        (None, ["import", url.replace("schema=", "schema=x"), str(delivery), "--owner", "WSX"]),
    ]
    outputs = []
    for expected, args in session:
        done = subprocess.run([sys.executable, "-m", "asset_register.cli.main", *args],
                              cwd=work, env=env, capture_output=True, text=True, timeout=300)
        shown = done.stdout + done.stderr
        outputs.append((args[0], shown))
        if expected is not None:
            assert done.returncode == expected, (args[:2], done.stderr[-500:])
        else:  # a refusal: one line, no traceback (except with --debug)
            assert done.returncode != 0, args[:2]
            if "--debug" not in args:
                assert done.stderr.count("\n") == 1, (args[:2], done.stderr[-800:])
        assert not _leaks(shown), (args[:2], _leaks(shown), shown[-800:])
        if os.environ.get("SHOW_SESSION"):
            print(args[0], done.returncode, shown[-300:])
    assert "***" in "".join(text for _, text in outputs)  # the address shown, masked
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"field.gpkg", "contractor.gpkg", "uses.csv", "uses.json", "signing-key"} <= names
    assert any(p.suffix == ".pdf" for p in written) and any(p.suffix == ".json" for p in written)
    for path in written:
        data = path.read_bytes()
        texts = [data.decode("utf-8", "replace"), data.decode("latin-1")]
        if path.suffix == ".pdf":  # its text streams are compressed
            from pypdf import PdfReader

            texts.append("\n".join(page.extract_text() or "" for page in PdfReader(path).pages))
        for text in texts:
            assert not _leaks(text), (path, _leaks(text))
    # ... and nothing the session wrote into the register itself
    import psycopg

    with psycopg.connect(pg_server.url().split("?")[0]) as conn:
        conn.execute(f"SET search_path TO {schema}, public")
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_type = 'BASE TABLE'", (schema,))]
        assert {"audit_log", "settings", "notices"} <= set(tables)
        for table in tables:
            dump = "\n".join(map(str, conn.execute(f'SELECT * FROM "{table}"').fetchall()))
            assert not _leaks(dump), (table, _leaks(dump))
