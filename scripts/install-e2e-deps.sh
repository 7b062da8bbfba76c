#!/usr/bin/env bash
# Installs the Debian packages that `npm run test:e2e` needs (as root: apt-get).
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t pkgs < <(grep -v '^\s*#' e2e-packages.txt | awk 'NF {print $1}' | sort -u)
missing=()
while read -r pkg cmd; do
  [[ -z "${pkg:-}" || "$pkg" == \#* ]] && continue
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done < e2e-packages.txt
if [ ${#missing[@]} -eq 0 ]; then
  echo "e2e packages already installed: ${pkgs[*]}"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u)
