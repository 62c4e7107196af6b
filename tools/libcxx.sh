#!/usr/bin/env bash
# tools/libcxx.sh DIR — clang's libc++ for the C++ tests (issue 22, point 5), without installing
# it: on Debian 12 libc++-14-dev depends on libunwind-14-dev, which conflicts with the
# libunwind-dev that attach/ links, so apt cannot install both. Instead the .debs are downloaded
# (`apt-get download`, no root needed) and unpacked under DIR/root with `dpkg-deb -x` — never
# `dpkg -i` — and the examples are built against that tree by the Makefile. When the packages
# cannot be fetched (no network, no clang++-14, another distribution) DIR/unavailable says why
# and the libc++ test skips with that line; the build goes on either way.
set -u
dir=$1
pkgs="libc++-14-dev libc++1-14 libc++abi-14-dev libc++abi1-14 libunwind-14"
mkdir -p "$dir/debs"
rm -f "$dir/unavailable"
unavailable() { echo "$*" >"$dir/unavailable"; echo "libc++: $*"; exit 0; }
command -v clang++-14 >/dev/null || unavailable "clang++-14 is not installed (Debian's clang-14)"
command -v apt-get >/dev/null || unavailable "no apt-get to download $pkgs"
if ! ls "$dir"/debs/libc++-14-dev_*.deb >/dev/null 2>&1; then
  # apt writes the files as the invoking user; _apt cannot write into the tree, which apt only warns about
  (cd "$dir/debs" && timeout 300 apt-get download $pkgs >download.log 2>&1) ||
    unavailable "apt-get download $pkgs failed: $(grep -m1 -E '^E:' "$dir/debs/download.log" || tail -1 "$dir/debs/download.log")"
fi
rm -rf "$dir/root"
for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir/root" || unavailable "dpkg-deb -x $d failed"; done
[ -f "$dir/root/usr/lib/llvm-14/include/c++/v1/mutex" ] || unavailable "the packages hold no libc++ headers"
touch "$dir/stamp"
