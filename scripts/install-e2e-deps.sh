#!/usr/bin/env bash
# Installs the Debian packages that `npm run test:e2e` needs (as root: apt-get).
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t pkgs < <(grep -v '^\s*#' e2e-packages.txt | awk 'NF {print $1}' | sort -u)
missing=()
while read -r pkg cmd; do
  [[ -z "${pkg:-}" || "$pkg" == \#* ]] && continue
  # A check starting with / is a path glob that must match (a package with no command).
  if [[ "$cmd" == /* ]]; then
    compgen -G "$cmd" >/dev/null || missing+=("$pkg")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done < e2e-packages.txt
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# apt checks signatures in $TMPDIR as the _apt user: a /tmp that is not world-writable
# (seen on these machines: mode 0755) fails `apt-get update`; /var/tmp is 1777 on Debian.
if [ ! -w /tmp ] || [ "$(stat -c %a /tmp)" != 1777 ]; then export TMPDIR=/var/tmp; fi
# The USB suite fetches a kernel with `apt-get download`: it needs the package index.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  $SUDO env TMPDIR="${TMPDIR:-/tmp}" apt-get update -q
  updated=1
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "e2e packages already installed: ${pkgs[*]}"
  exit 0
fi
[ -n "${updated:-}" ] || $SUDO env TMPDIR="${TMPDIR:-/tmp}" apt-get update -q
$SUDO env TMPDIR="${TMPDIR:-/tmp}" apt-get install -y -q --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u)
