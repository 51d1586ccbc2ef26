"""Ed25519 as the authority signs contractors' extracts: RFC 8032's test vectors, agreement
with OpenSSL, and the key file (owner-only, never printed)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from asset_register import signing
from asset_register.cli.main import main
from asset_register.errors import ValidationError

# RFC 8032, section 7.1, TEST 1 to 3: (secret, public, message, signature)
RFC_VECTORS = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
     "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


@pytest.mark.parametrize("secret,public,message,signature", RFC_VECTORS)
def test_rfc8032_vectors(secret, public, message, signature):
    seed, msg = bytes.fromhex(secret), bytes.fromhex(message)
    assert signing.public_key(seed).hex() == public
    assert signing.sign(seed, msg).hex() == signature
    assert signing.verify(bytes.fromhex(public), msg, bytes.fromhex(signature))


def test_a_changed_message_or_signature_fails():
    seed = bytes(range(32))
    pub, sig = signing.public_key(seed), signing.sign(seed, b"extract digest")
    assert signing.verify(pub, b"extract digest", sig)
    assert not signing.verify(pub, b"extract digesT", sig)
    flipped = bytes([sig[0] ^ 1]) + sig[1:]
    assert not signing.verify(pub, b"extract digest", flipped)
    assert not signing.verify(signing.public_key(bytes(32)), b"extract digest", sig)
    assert not signing.verify(pub, b"extract digest", sig[:63])  # malformed: False, no error


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_openssl_verifies_our_signature_and_we_verify_its(tmp_path):
    seed = bytes.fromhex("a5" * 32)
    der = bytes.fromhex("302e020100300506032b657004220420") + seed  # PKCS#8 Ed25519
    (tmp_path / "k.der").write_bytes(der)
    (tmp_path / "msg").write_bytes(b"asset-register signed extract 1")
    theirs = subprocess.run(
        ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", str(tmp_path / "k.der"),
         "-keyform", "DER", "-in", str(tmp_path / "msg")], capture_output=True, check=True,
        timeout=60).stdout
    assert theirs == signing.sign(seed, b"asset-register signed extract 1")  # deterministic
    assert signing.verify(signing.public_key(seed), b"asset-register signed extract 1", theirs)


def test_key_file_is_the_owners_alone_and_never_printed(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cfg" / "asset-register" / "signing-key"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    assert main(["keys", "new"]) == 0
    assert signing.default_key_path() == path
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert main(["keys", "show"]) == 0
    assert main(["keys", "new"]) == 1  # an existing key is never overwritten
    out = capsys.readouterr()
    seed_hex = path.read_text().split()[-1]
    key = signing.load_key()
    assert key.key_id in out.out and key.public.hex() in out.out
    assert seed_hex not in out.out + out.err and seed_hex not in repr(key)
    assert "already exists" in out.err and out.err.count("\n") == 1


def test_key_file_readable_by_others_or_not_a_key_is_refused(tmp_path):
    key = signing.new_key(tmp_path / "k")
    os.chmod(key.path, 0o644)
    with pytest.raises(ValidationError, match="can be read by other users: .*chmod 600"):
        signing.load_key(key.path)
    bad = tmp_path / "bad"
    bad.write_text("hello")
    bad.chmod(0o600)
    with pytest.raises(ValidationError, match="is not an asset-register signing key"):
        signing.load_key(bad)
    with pytest.raises(ValidationError, match="no signing key at .*keys new"):
        signing.load_key(tmp_path / "missing")
    with pytest.raises(ValidationError, match="looks like a register"):
        signing.new_key(tmp_path / "register.gpkg")
