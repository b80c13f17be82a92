#!/usr/bin/env bash
# Installs the peer the training benchmark compares against: PyTorch (CPU) for the system Python,
# from Debian's packages. Skips the install when `/usr/bin/python3 -c 'import torch'` already works.
set -euo pipefail

if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  echo "torch already available: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-torch

/usr/bin/python3 -c 'import torch; print("torch installed:", torch.__version__)'
