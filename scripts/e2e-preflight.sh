#!/usr/bin/env bash
# `npm run test:e2e` needs system packages; refuse to start without them and say how to get them.
set -uo pipefail
cd "$(dirname "$0")"
missing=()
while read -r pkg cmd; do
  [[ -z "${pkg:-}" || "$pkg" == \#* ]] && continue
  if [[ "$cmd" == /* ]]; then
    # A path (glob) for a package without a command, e.g. an rsyslog module.
    compgen -G "$cmd" >/dev/null || missing+=("$pkg ($cmd)")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg ($cmd)")
  fi
done < e2e-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  echo "test:e2e needs system packages that are missing: ${missing[*]}" >&2
  echo "Install them with: sudo bash scripts/install-e2e-deps.sh   (Debian/Ubuntu, apt-get)" >&2
  exit 2
fi
