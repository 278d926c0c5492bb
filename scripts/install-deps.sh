#!/usr/bin/env bash
# install-deps.sh: installs every Debian package ensign needs to build, test and benchmark.
# Idempotent: when everything is present it returns at once without touching apt.
set -euo pipefail

packages=(
  build-essential cmake pkg-config g++ clang libclang-rt-14-dev
  libssl-dev openssl
  libtss2-dev   # tpm2-tss (ESYS, TCTIs, Tss2_MU, Tss2_RC): the tpm platform
  nlohmann-json3-dev libcli11-dev libseccomp-dev libsqlite3-dev sqlite3 xxd
  libpqxx-dev postgresql   # the PostgreSQL store; the server for its tests' throwaway clusters
  libcpp-httplib-dev   # ensignd's HTTPS server and the CLI's remote client
  curl   # test-only: the end-to-end tests' plain HTTPS client
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  nodejs npm   # test-only: @sigstore/verify and jose, the interoperability peers
  swtpm swtpm-tools tpm2-tools   # test-only: a real TPM emulator and the TCG's tools
  wrk   # bench-only: the HTTP load generator for the server benchmark
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# npm may come bundled with a nodejs package instead of as its own package.
if [ ${#missing[@]} -eq 1 ] && [ "${missing[0]}" = npm ] && command -v npm >/dev/null; then
  missing=()
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
# nodejs packages that bundle npm conflict with Debian's npm package: install npm only if absent.
if printf '%s\n' "${missing[@]}" | grep -qx npm && command -v npm >/dev/null; then
  missing=("${missing[@]/npm}")
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends ${missing[*]}
