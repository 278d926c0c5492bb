#!/usr/bin/env bash
# enclave-tcb.sh BUILD_DIR [LIMIT]: counts the lines of the trusted computing base: the ensign
# sources compiled into the ensign-enclave binary (OpenSSL, libseccomp and the C++ library
# aside). The linker map says which object files the binary holds; the compiler's dependency
# files say which of ensign's sources and headers each was built from. Lines are counted without
# blank lines and comment-only lines. Prints the count per folder and fails when the enclave's
# own code is over LIMIT (default 10000, DESIGN.md's budget) or the evidence verifier it carries
# to sign attestation results (src/attest) is over VERIFIER_LIMIT (default 8000): two budgets,
# since the verifier is a separate body of code that is due to move into its own enclave binary
# (docs/architecture.md).
set -euo pipefail

build_dir=${1:?usage: enclave-tcb.sh BUILD_DIR [LIMIT [VERIFIER_LIMIT]]}
limit=${2:-10000}
verifier_limit=${3:-8000}
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
map=$build_dir/ensign-enclave.map
if [[ ! -f $map ]]; then
  echo "enclave-tcb.sh: $map is missing; build ensign-enclave in $build_dir first" >&2
  exit 2
fi

if grep -q 'libensign_[a-z_]*\.a(unity_[0-9]*_cxx\.cxx\.o)' "$map"; then
  echo "enclave-tcb.sh: $build_dir is a unity build, whose objects each hold several sources;" \
    "count in a build without CMAKE_UNITY_BUILD (the dev preset)" >&2
  exit 2
fi

# Every object the binary holds: main.cpp.o and the archive members the linker pulled in.
dependency_files=$(
  {
    find "$build_dir" -path '*/ensign-enclave.dir/*' -name 'main.cpp.o.d'
    grep -o 'libensign_[a-z_]*\.a([a-z_0-9]*\.cpp\.o)' "$map" | sort -u |
      while IFS='()' read -r archive member _; do
        target=${archive%.a}
        target=${target#lib}
        find "$build_dir" -path "*/$target.dir/*" -name "$member.d"
      done
  } | sort -u)
if [[ -z $dependency_files ]]; then
  echo "enclave-tcb.sh: no dependency files found under $build_dir" >&2
  exit 2
fi

# The ensign sources those objects were compiled from, headers included.
sources=$(cat $dependency_files | tr ' \\' '\n\n' | grep "^$source_dir/src/" | sort -u)

total=0
report=$(for file in $sources; do
  lines=$(grep -cvE '^[[:space:]]*(//.*)?$' "$file" || true)
  echo "$(dirname "${file#"$source_dir"/}") $lines"
done | awk '{sum[$1] += $2} END {for (d in sum) printf "%-28s %6d\n", d, sum[d]}' | sort)
echo "$report"
total=$(echo "$report" | awk '{t += $2} END {print t}')
verifier=$(echo "$report" | awk '$1 ~ /^src\/attest(\/|$)/ {t += $2} END {print t + 0}')
own=$((total - verifier))
files=$(echo "$sources" | wc -w)
echo "ensign-enclave TCB: $total lines of code in $files files: $own of the enclave's own" \
  "(limit $limit), $verifier of the evidence verifier in src/attest (limit $verifier_limit)"
if (( own > limit )); then
  echo "enclave-tcb.sh: the enclave's own trusted code is over its budget of $limit lines" >&2
  exit 1
fi
if (( verifier > verifier_limit )); then
  echo "enclave-tcb.sh: the verifier in the enclave is over its budget of $verifier_limit lines" >&2
  exit 1
fi
