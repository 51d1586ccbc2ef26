"""A register URL's password is never shown, saved or put in an error message, however it
is written (raw '/' or '@', percent-encoded, or as ?password=)."""

from __future__ import annotations

import socket

import pytest

from asset_register.errors import AssetRegisterError
from asset_register.store import display_name, open_register, without_password
from asset_register.store.credentials import encoded, scrub

URLS = {
    "s3cr/e@t!": "postgresql://editor:s3cr/e@t!@db.council.local:5432/registers?schema=north",
    "p@ss/w": "postgresql://editor:p%40ss%2Fw@db.council.local/registers",
    "qpw#1": "postgres://editor@db.council.local/registers?password=qpw%231&schema=north",
}


@pytest.mark.parametrize("password", sorted(URLS))
def test_display_name_and_saved_url_hold_no_password(password):
    url = URLS[password]
    shown, saved = display_name(url), without_password(url)
    for text in (shown, saved):
        assert password not in text and "s3cr" not in text and "p%40ss" not in text
        assert "qpw" not in text
        assert "editor" in text and "db.council.local" in text and "/registers" in text
    assert "***" in shown
    assert saved.startswith(("postgresql://editor@db.council.local", "postgres://editor@db.council.local"))
    assert ("schema=north" in saved) == ("schema=north" in url)


def test_a_raw_slash_or_at_stays_in_the_password_when_connecting():
    url = encoded(URLS["s3cr/e@t!"])
    assert url == "postgresql://editor:s3cr%2Fe%40t%21@db.council.local:5432/registers?schema=north"
    assert scrub("failed for s3cr/e@t! and s3cr%2Fe%40t%21", URLS["s3cr/e@t!"]).count("***") == 2


def test_file_registers_are_named_as_they_are():
    assert display_name("/data/town.gpkg") == without_password("/data/town.gpkg") == "/data/town.gpkg"


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("password", ["s3cr/e@t!", "p@ss/w", "x:y@z"])
def test_errors_never_print_the_password(password):
    from urllib.parse import quote

    port = _closed_port()
    urls = [
        f"postgresql://editor:{password}@127.0.0.1:{port}/registers",  # nothing listens: refused
        f"postgresql://editor:{quote(password, safe='')}@127.0.0.1:{port}/registers",
        f"postgresql://editor:{password}@127.0.0.1:{port}/registers?schema=Bad-Name",
        f"postgresql://editor:{password}@127.0.0.1:{port}/",
        f"postgresql://editor:{password}@127.0.0.1:notaport/registers",
    ]
    for url in urls:
        with pytest.raises(AssetRegisterError) as err:
            open_register(url)
        text = str(err.value)
        assert password not in text and quote(password, safe="") not in text, text
        assert "\n" not in text
    assert "cannot reach the PostgreSQL server at 127.0.0.1" in _message(urls[0])
    assert "schema 'Bad-Name'" in _message(urls[2])


def _message(url: str) -> str:
    with pytest.raises(AssetRegisterError) as err:
        open_register(url)
    return str(err.value)
