"""Ed25519 signatures for an authority's contractor extracts, and the authority's key file.

An authority signs each contractor extract it issues (``store.seal_extract``) with its own
secret key; whoever opens the extract checks the signature with the public key the extract
carries and compares the key id with the one the authority publishes.

The signature scheme is Ed25519 (RFC 8032), written out here after the RFC's section 6
reference so the packaged app needs no cryptography library (its OpenSSL is left out of the
bundle, packaging/trim_modules.py); tests/core/test_signing.py checks it against the RFC's
test vectors and against OpenSSL. It is not constant-time: the secret key is used only on the
authority's own machine, to sign, never by the app that opens an extract.

The key file holds the 32-byte secret seed as hex after a header line; it is created with
owner-only permissions (0600, in a 0700 folder) outside any register, its content is never
printed, and a key file other users can read is refused.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ValidationError

# -- Ed25519 (RFC 8032, section 6) ------------------------------------------------------
_P = 2 ** 255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_Q = 2 ** 252 + 27742317777372353535851937790883648493
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _sha512(data: bytes) -> bytes:
    return hashlib.sha512(data).digest()


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, point):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, point)
        point = _add(point, point)
        s >>= 1
    return q


def _equal(a, b) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _compress(point) -> bytes:
    zinv = pow(point[2], _P - 2, _P)
    x, y = point[0] * zinv % _P, point[1] * zinv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decompress(data: bytes):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _expand(seed: bytes) -> tuple[int, bytes]:
    if len(seed) != 32:
        raise ValueError("an Ed25519 secret key is 32 bytes")
    h = _sha512(seed)
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed: bytes) -> bytes:
    """The 32-byte public key of a 32-byte secret seed."""
    return _compress(_mul(_expand(seed)[0], _G))


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of ``message``."""
    return _sign(seed, public_key(seed), message)


def _sign(seed: bytes, pub: bytes, message: bytes) -> bytes:
    """``sign`` with the seed's public key ``pub`` already worked out."""
    a, prefix = _expand(seed)
    r = int.from_bytes(_sha512(prefix + message), "little") % _Q
    big_r = _compress(_mul(r, _G))
    h = int.from_bytes(_sha512(big_r + pub + message), "little") % _Q
    return big_r + ((r + h * a) % _Q).to_bytes(32, "little")


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is ``public``'s signature of ``message``."""
    if len(public) != 32 or len(signature) != 64:
        return False
    point_a, point_r = _decompress(public), _decompress(signature[:32])
    if point_a is None or point_r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = int.from_bytes(_sha512(signature[:32] + public + message), "little") % _Q
    return _equal(_mul(s, _G), _add(point_r, _mul(h, point_a)))


def key_id(public: bytes) -> str:
    """A short name of a public key to read out and compare: 16 hex digits of its SHA-256."""
    digest = hashlib.sha256(public).hexdigest()[:16]
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


# -- the authority's key file -------------------------------------------------------------
KEY_HEADER = "asset-register ed25519 signing key (secret: never share this file)"
KEY_ENV = "ASSET_REGISTER_SIGNING_KEY"


@dataclass(frozen=True)
class SigningKey:
    """A secret key loaded from its file; ``repr`` never shows the secret. Its public key
    is worked out once (a scalar multiplication in pure Python), however often it is read."""

    path: Path
    _seed: bytes

    @cached_property
    def public(self) -> bytes:
        return public_key(self._seed)

    @cached_property
    def key_id(self) -> str:
        return key_id(self.public)

    def sign(self, message: bytes) -> bytes:
        return _sign(self._seed, self.public, message)

    def __repr__(self) -> str:
        return f"SigningKey({str(self.path)!r}, key id {self.key_id})"


def default_key_path() -> Path:
    """``$ASSET_REGISTER_SIGNING_KEY``, else the user's configuration folder
    (``$XDG_CONFIG_HOME`` or ``~/.config``)/asset-register/signing-key."""
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "asset-register" / "signing-key"


def _refuse_register_folder(path: Path) -> None:
    if path.suffix.lower() in (".gpkg", ".sqlite", ".db"):
        raise ValidationError(f"{str(path)!r} looks like a register: keep the signing key in its "
                              "own file outside any register, e.g. the default location")


def new_key(path: Path | None = None) -> SigningKey:
    """Create a new secret key file, readable by its owner only; an existing file is never
    overwritten."""
    path = Path(path) if path else default_key_path()
    _refuse_register_folder(path)
    if path.exists():
        raise ValidationError(f"a key file already exists at {str(path)!r}: it is kept; show its "
                              "public key with 'asset-register keys show'")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    seed = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise ValidationError(f"cannot create the key file {str(path)!r}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(f"{KEY_HEADER}\n{seed.hex()}\n")
    return SigningKey(path, seed)


def load_key(path: Path | None = None) -> SigningKey:
    """The secret key in ``path`` (default ``default_key_path()``); a one-line error when it is
    missing, readable by others or not a key file — never its content."""
    path = Path(path) if path else default_key_path()
    if not path.is_file():
        raise ValidationError(f"no signing key at {str(path)!r}: create one with "
                              "'asset-register keys new' (or give --key FILE)")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise ValidationError(f"the signing key {str(path)!r} can be read by other users: "
                              f"make it yours alone with 'chmod 600 {path}'")
    try:
        lines = path.read_text("ascii").split()
        seed = bytes.fromhex(lines[-1]) if lines else b""
    except (OSError, UnicodeDecodeError, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ValidationError(f"{str(path)!r} is not an asset-register signing key: create one "
                              "with 'asset-register keys new'")
    return SigningKey(path, seed)
