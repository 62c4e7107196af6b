#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are missing, saying which.
# Runs `apt-get update` once, only when something must be installed.
set -u
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "make deps: installing missing Debian packages: ${missing[*]}"
sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq || { echo "make deps: apt-get update failed"; exit 1; }
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/turbowish-deps.log 2>&1 \
  || { echo "make deps: apt-get install failed; see /tmp/turbowish-deps.log"; tail -5 /tmp/turbowish-deps.log; exit 1; }
echo "make deps: installed ${#missing[@]} package(s)"
