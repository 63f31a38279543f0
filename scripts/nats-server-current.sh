#!/usr/bin/env bash
# Fetches a current nats-server (Debian trixie's package, 2.10) into .cache/nats-server/ for bench:ingest, which
# runs it with NATS_SERVER_BIN=$(scripts/nats-server-current.sh). Debian 12's own nats-server 2.9.10 stays what
# CI tests against; a work-queue stream on 2.9 drains a backlog of per-device subjects at a few thousand
# messages a second (docs/DECISIONS.md D17), so the ceiling of the pipeline shows only on a later server.
# Nothing is installed system-wide: the package is unpacked with dpkg-deb, and the path of its binary printed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/nats-server
bin=$dir/usr/sbin/nats-server
if [ ! -x "$bin" ]; then
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  mkdir -p "$dir"
  curl -fsSL "$mirror/dists/trixie/main/binary-amd64/Packages.xz" -o "$dir/Packages.xz"
  file=$(xz -dc "$dir/Packages.xz" | awk '/^Package: nats-server$/ { p = 1 } p && /^Filename:/ && !f { print $2; f = 1 }')
  rm "$dir/Packages.xz"
  [ -n "$file" ] || { echo "nats-server not found in trixie's package list" >&2; exit 1; }
  curl -fsSL "$mirror/$file" -o "$dir/nats-server.deb"
  dpkg-deb -x "$dir/nats-server.deb" "$dir"
  rm "$dir/nats-server.deb"
fi
"$bin" --version >&2
echo "$PWD/$bin"
