#!/usr/bin/env bash
# server_durability_test.sh: kill -9 ensignd while concurrent clients sign, restart it, and show
# that every signature a client received is in the log at the index its bundle names, and that
# each bundle's checkpoint is consistent with the log after the restart (log before sign: an
# answer is sent only once its batch is committed).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/server_lib.sh"

clients=${ENSIGN_DURABILITY_CLIENTS:-6}
expect_exit 0 "$ensign" init
expect_exit 0 "$ensign" key create release
token=$(token_for sign:release read)
start_server
mkdir -p bundles

# client N: signs distinct digests until the server goes away; keeps each complete answer.
client() {
  local n=0
  while :; do
    local digest
    digest=$(printf 'client %s signature %s' "$1" "$n" | openssl dgst -sha256 -binary | base64 -w0)
    local status
    status=$(curl -sS --cacert "$ca" -o "bundles/.c$1-$n" -w '%{http_code}' \
      -H "Authorization: Bearer $token" --data-binary "{\"digest\":\"$digest\"}" \
      "$url/v1/keys/release/sign" 2>/dev/null) || return 0
    [ "$status" = 200 ] || return 0
    mv "bundles/.c$1-$n" "bundles/c$1-$n.json"
    n=$((n + 1))
  done
}
pids=()
for i in $(seq "$clients"); do client "$i" & pids+=($!); done
sleep "${ENSIGN_DURABILITY_SECONDS:-3}"
stop_server KILL
for pid in "${pids[@]}"; do wait "$pid" || true; done
received=$(find bundles -name 'c*.json' | wc -l)
[ "$received" -gt 0 ] || die "no client received a signature before the kill"
pass

# Restarted, the log holds every received signature at its index, byte for byte.
start_server
node - "$url" "$ca" "$token" bundles <<'JS' || die "a received signature is not in the log"
const [url, ca, token, dir] = process.argv.slice(2);
const fs = require('fs'), https = require('https');
const agent = new https.Agent({ ca: fs.readFileSync(ca), keepAlive: true });
const get = (path) => new Promise((resolve, reject) => {
  https.get(url + path, { agent, headers: { Authorization: 'Bearer ' + token } }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(body))));
  }).on('error', reject);
});
(async () => {
  const files = fs.readdirSync(dir).filter((f) => /^c.*\.json$/.test(f));
  const seen = new Set();
  for (const file of files) {
    const entry = JSON.parse(fs.readFileSync(`${dir}/${file}`)).verificationMaterial.tlogEntries[0];
    const index = Number(entry.logIndex);
    if (seen.has(index)) throw new Error(`two bundles name log index ${index}`);
    seen.add(index);
    const stored = (await get(`/v1/log/entries?start=${index}&count=1`)).entries[0];
    const body = Buffer.from(entry.canonicalizedBody, 'base64').toString();
    if (!stored || stored.index !== index || stored.body !== body) {
      throw new Error(`${file}: log index ${index} does not hold its entry`);
    }
  }
  console.log(`${files.length} received signatures all in the log`);
})().catch((e) => { console.error(e.message); process.exit(1); });
JS
pass
stop_server

# Each bundle's inclusion proof holds, and its checkpoint is consistent with today's log.
for bundle in bundles/c*.json; do
  expect_exit 0 "$ensign" log verify-bundle "$bundle"
done
expect_exit 0 "$ensign" log verify
echo "received $received signatures from $clients clients before kill -9; none lost" >&2
finish
