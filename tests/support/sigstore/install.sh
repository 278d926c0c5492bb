#!/bin/bash
# install.sh DEST: sets up the @sigstore/verify interop verifier in DEST: copies package.json,
# package-lock.json and verify.js there and runs `npm ci` (the exact versions of the lock file)
# when DEST/node_modules is missing or the lock file changed. Idempotent, and safe to run from
# several test processes at once (it holds a lock on DEST/.install.lock).
# Then: node DEST/verify.js <bundle.json> <artifact|-> <public-key.der> <hint>
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: install.sh DEST" >&2
  exit 2
fi
dest=$1
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for tool in node npm flock; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install.sh: '$tool' is not installed (the interop verifier needs node >= 20.17 and npm)" >&2
    exit 3
  fi
done

mkdir -p "$dest"
exec 9>"$dest/.install.lock"
flock 9

for file in package.json package-lock.json verify.js; do
  if ! cmp -s "$source_dir/$file" "$dest/$file"; then
    cp "$source_dir/$file" "$dest/$file.tmp"
    mv "$dest/$file.tmp" "$dest/$file"
  fi
done

# .installed-lock is the lock file of the last successful `npm ci`.
if [[ ! -d "$dest/node_modules/@sigstore/verify" ]] ||
   ! cmp -s "$dest/package-lock.json" "$dest/.installed-lock"; then
  rm -f "$dest/.installed-lock"
  if ! (cd "$dest" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2); then
    echo "install.sh: 'npm ci' in $dest failed (is the npm registry or cache reachable?)" >&2
    exit 4
  fi
  cp "$dest/package-lock.json" "$dest/.installed-lock"
fi
