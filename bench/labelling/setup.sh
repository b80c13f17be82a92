#!/usr/bin/env bash
# Installs the peer the labelling benchmark compares against: Pillow for the system Python
# (Debian's python3-pil). Skips the install when `/usr/bin/python3 -c 'import PIL'` already works.
set -euo pipefail

if /usr/bin/python3 -c 'import PIL' >/dev/null 2>&1; then
  echo "PIL already available: $(/usr/bin/python3 -c 'import PIL; print(PIL.__version__)')"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-pil

/usr/bin/python3 -c 'import PIL; print("PIL installed:", PIL.__version__)'
