#!/bin/sh
# Installs the Debian packages of the named groups in scripts/debian-packages.txt that are
# not installed yet, and says which ones it installs. Runs apt-get as root, or via sudo.
# Usage: scripts/install-deps.sh [GROUP...]   (default groups: build test)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/debian-packages.txt"
[ $# -gt 0 ] || set -- build test

wanted=""
for g in "$@"; do
    pkgs=$(awk -v g="$g" '$1 == g { print $2 }' "$list")
    [ -n "$pkgs" ] || { echo "install-deps: no group '$g' in $list" >&2; exit 2; }
    wanted="$wanted $pkgs"
done

missing=""
for p in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -n "$missing" ] || exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
