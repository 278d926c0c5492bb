#!/bin/bash
# npm_peer.sh PEER DEST: sets up the npm interop peer tests/support/PEER (sigstore: the
# @sigstore/verify bundle verifier; jose: the jose JWT verifier) in DEST: copies the peer's
# files (package.json, package-lock.json, its scripts) there and runs `npm ci` (the exact
# versions of the lock file) when DEST/node_modules is missing or the lock file changed.
# Idempotent, and safe to run from several test processes at once (it holds a lock on
# DEST/.install.lock). Exit 3: node or npm is missing; 4: npm ci failed.
set -euo pipefail

if [[ $# -ne 2 || -z "$1" || -z "$2" ]]; then
  echo "usage: npm_peer.sh PEER DEST" >&2
  exit 2
fi
peer=$1
dest=$2
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$peer
if [[ ! -f $source_dir/package-lock.json ]]; then
  echo "npm_peer.sh: no npm peer '$peer' in $(dirname "$source_dir")" >&2
  exit 2
fi

for tool in node npm flock; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "npm_peer.sh: '$tool' is not installed (the interop peers need node >= 20.17 and npm)" >&2
    exit 3
  fi
done

mkdir -p "$dest"
exec 9>"$dest/.install.lock"
flock 9

for path in "$source_dir"/*; do
  file=$(basename "$path")
  [[ -f $path ]] || continue
  if ! cmp -s "$path" "$dest/$file"; then
    cp "$path" "$dest/$file.tmp"
    mv "$dest/$file.tmp" "$dest/$file"
  fi
done

# .installed-lock is the lock file of the last successful `npm ci`.
if [[ ! -d "$dest/node_modules" ]] || ! cmp -s "$dest/package-lock.json" "$dest/.installed-lock"; then
  rm -f "$dest/.installed-lock"
  if ! (cd "$dest" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2); then
    echo "npm_peer.sh: 'npm ci' in $dest failed (is the npm registry or cache reachable?)" >&2
    exit 4
  fi
  cp "$dest/package-lock.json" "$dest/.installed-lock"
fi
