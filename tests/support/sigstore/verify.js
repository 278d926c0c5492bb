// verify.js: checks a Sigstore bundle with @sigstore/verify, offline, against a plain public key
// (no certificate or timestamp authority), as RECIPES.md section b found works, and the bundle's
// transparency log entry against the installation's log key.
//
//   node verify.js <bundle.json> <artifact|-> <public-key.der> <hint> [<log-key.der> <log-origin>]
//
// <artifact> is required for a messageSignature bundle; "-" means none (DSSE). <public-key.der> is
// a DER SubjectPublicKeyInfo, registered under <hint> (the bundle's verificationMaterial.publicKey
// .hint). <log-key.der> is the log's (`ensign log public-key`), <log-origin> its checkpoints'
// origin line; given them, the entry's inclusion proof and checkpoint signature must verify
// (tlogThreshold 1). Without them the bundle must carry no log entry (formats' unit tests).
// Prints one line; exits 0 when verified, 1 when verification fails, 2 on a usage error.
// The modules come from a node_modules folder beside this file (install.sh DEST puts a copy of
// it in DEST) or from NODE_PATH=DEST/node_modules.
'use strict';
const fs = require('fs');

function usage(message) {
  console.error(`usage: node verify.js <bundle.json> <artifact|-> <public-key.der> <hint>: ${message}`);
  process.exit(2);
}

function read(path, what) {
  try {
    return fs.readFileSync(path);
  } catch (error) {
    return usage(`cannot read ${what} ${path}: ${error.code || error.message}`);
  }
}

const args = process.argv.slice(2);
if (args.length !== 4 && args.length !== 6) {
  usage(`expected 4 or 6 arguments, got ${args.length}`);
}
const [bundlePath, artifactPath, publicKeyPath, hint, logKeyPath, logOrigin] = args;
const bundleText = read(bundlePath, 'bundle').toString('utf8');
const artifact = artifactPath === '-' ? undefined : read(artifactPath, 'artifact');
const publicKey = read(publicKeyPath, 'public key');
const logKey = logKeyPath === undefined ? undefined : read(logKeyPath, 'log key');

const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

try {
  // bundleFromJSON validates the v0.x shape (media type, one DSSE signature, ...).
  const bundle = bundleFromJSON(JSON.parse(bundleText));
  // The log, as a Rekor v2 log: its id is SHA-256 of the key, and the checkpoint's signature line
  // names the origin, which the verifier matches against baseUrl.
  const { PublicKeyDetails } = require('@sigstore/protobuf-specs');
  const tlogs = [];
  if (logKey !== undefined) {
    tlogs.push({
      baseUrl: `https://${logOrigin}`,
      hashAlgorithm: 1,  // SHA2_256
      publicKey: { rawBytes: logKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 },
      logId: { keyId: require('crypto').createHash('sha256').update(logKey).digest() },
    });
  }
  // No CAs, TSAs or CT logs; the signing key is trusted by its hint alone.
  const trustedRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs, ctlogs: [] };
  const trust = toTrustMaterial(trustedRoot, { [hint]: { rawBytes: publicKey } });
  // timestampThreshold defaults to 1: without timestamps it must be 0 (RECIPES.md GOTCHA).
  const verifier = new Verifier(trust, { tlogThreshold: tlogs.length, ctlogThreshold: 0, timestampThreshold: 0 });
  const signer = verifier.verify(toSignedEntity(bundle, artifact));
  console.log(`VERIFIED ${bundlePath} (${bundle.content.$case}, ${signer.key.asymmetricKeyType} key)`);
  process.exit(0);
} catch (error) {
  console.log(`FAILED ${bundlePath}: ${error.code || error.name} ${error.message}`);
  process.exit(1);
}
