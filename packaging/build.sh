#!/usr/bin/env bash
# Build the packaged app: dist/asset-register/ (one folder: asset-register-gui and
# asset-register) and dist/asset-register-<version>-<os>-<arch>.tar.gz for distribution.
#
#   packaging/build.sh            # uses .venv/bin/python (or $PYTHON); fails without PyInstaller
#   NO_ARCHIVE=1 packaging/build.sh   # skip the tar.gz (CI smoke test, local checks)
#
# Prints the bundle's unpacked size and the archive's size. Takes a few minutes; the
# analysis cache in build/pyinstaller makes a rebuild after a small change faster.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
# Never another Python: the system one has no PyInstaller (nor the app's dependencies).
if [ ! -x "$PYTHON" ]; then
  echo "build.sh: error: $PYTHON not found: run \`make setup\` first (it makes .venv with PyInstaller)" >&2
  exit 1
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build.sh: error: $PYTHON has no PyInstaller: run \`make setup\` (installs the build extra)" >&2
  exit 1
fi

# The bundled CLI discovers its commands from the installed package metadata: refresh it
# when pyproject.toml's version or entry points are newer than what is installed.
if ! "$PYTHON" - <<'PY'
import sys, tomllib
from importlib.metadata import distribution, PackageNotFoundError
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
try:
    d = distribution("asset-register")
except PackageNotFoundError:
    sys.exit(1)
eps = {e.name: e.value for e in d.entry_points if e.group == "asset_register.cli"}
sys.exit(0 if (eps == project["entry-points"]["asset_register.cli"] and d.version == project["version"]) else 1)
PY
then
  echo "build.sh: refreshing the installed asset-register metadata (pip install -e . --no-deps)"
  "$PYTHON" -m pip install -q -e . --no-deps
fi

"$PYTHON" -m PyInstaller build.spec --noconfirm --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller"

BUNDLE=$ROOT/dist/asset-register
VERSION=$("$BUNDLE/asset-register" --version | awk '{print $NF}')
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m)
bytes=$(du -sb "$BUNDLE" | cut -f1)
echo "bundle: $BUNDLE  version $VERSION  unpacked $((bytes / 1000000)) MB ($bytes bytes)"

if [ -z "${NO_ARCHIVE:-}" ]; then
  ARCHIVE=$ROOT/dist/asset-register-$VERSION-$OS-$ARCH.tar.gz
  tar -czf "$ARCHIVE" -C "$ROOT/dist" asset-register
  abytes=$(stat -c %s "$ARCHIVE" 2>/dev/null || stat -f %z "$ARCHIVE")
  echo "archive: $ARCHIVE  $((abytes / 1000000)) MB"
fi
