"""`asset-register keys new|show`: the authority's signing key for contractors' extracts.

The secret never leaves its file: neither command prints it, and ``show`` prints only the
public key and its id, which the authority publishes so contractors can compare the key id
an extract shows (`asset-register info EXTRACT`)."""

from __future__ import annotations

from pathlib import Path


def _new(args) -> int:
    from ..signing import new_key

    key = new_key(Path(args.key) if args.key else None)
    print(f"new signing key {key.key_id} written to {key.path} (yours alone: mode 600); "
          "keep it out of registers and backups others read")
    print(f"public key {key.public.hex()}: publish its id {key.key_id} so contractors can "
          "check the extracts you sign")
    return 0


def _show(args) -> int:
    from ..signing import load_key

    key = load_key(Path(args.key) if args.key else None)
    print(f"signing key {key.path}")
    print(f"key id      {key.key_id}")
    print(f"public key  {key.public.hex()}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("keys", help="the authority's key that signs contractors' extracts",
                       description="Create or show the Ed25519 key that signs contractors' "
                                   "extracts (extract --contractor). The secret is never "
                                   "printed.")
    ksub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    for name, func, text in (
            ("new", _new, "create a new signing key, readable by you alone"),
            ("show", _show, "show the public key and key id (never the secret)")):
        k = ksub.add_parser(name, help=text, description=text)
        k.add_argument("--key", metavar="FILE",
                       help="key file (default: $ASSET_REGISTER_SIGNING_KEY, else "
                            "~/.config/asset-register/signing-key)")
        k.set_defaults(func=func)
