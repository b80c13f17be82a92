#!/usr/bin/env bash
# Installs the peer the benchmarks compare against: pandas for the system Python.
# Skips the install when `/usr/bin/python3 -c 'import pandas'` already works.
set -euo pipefail

if /usr/bin/python3 -c 'import pandas' >/dev/null 2>&1; then
  echo "pandas already available: $(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)')"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-pandas

/usr/bin/python3 -c 'import pandas; print("pandas installed:", pandas.__version__)'
