// rfc9162_check.js: an auditor's check of ensignd's log, written from RFC 9162 and C2SP
// signed-note/tlog-checkpoint with Node's crypto alone, sharing no code with ensign.
//   node rfc9162_check.js inclusion PROOF.json ENTRY_BODY_FILE LOG_KEY.pem
//   node rfc9162_check.js consistency PROOF.json LOG_KEY.pem
// PROOF.json is the answer of /v1/log/proof/inclusion or /v1/log/proof/consistency. Checks each
// checkpoint's signature with the log key, that the proof's sizes and roots are the checkpoints',
// and the proof itself (RFC 9162 sections 2.1.3.2 and 2.1.4.2). Exit 0 when all hold.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const node = (left, right) => sha256(Buffer.from([1]), left, right);
const b64 = (text) => Buffer.from(text, 'base64');
const lsb = (n) => (n & 1n) === 1n;

function fail(why) {
  console.error('rfc9162_check: ' + why);
  process.exit(1);
}

// openCheckpoint verifies the note's signature line by the log key and returns its size and root.
function openCheckpoint(note, keyPem) {
  const split = note.indexOf('\n\n');
  if (split < 0) fail('the checkpoint is not a signed note');
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split('\n');
  const spki = crypto.createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  const keyId = sha256(spki).subarray(0, 4);
  const verified = note.slice(split + 2).split('\n').filter(Boolean).some((line) => {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match || match[1] !== origin) return false;
    const signature = b64(match[2]);
    return signature.subarray(0, 4).equals(keyId) &&
      crypto.verify('sha256', Buffer.from(text), keyPem, signature.subarray(4));
  });
  if (!verified) fail(`no signature by the log key on the checkpoint of ${origin}`);
  return { size: BigInt(size), root: b64(root) };
}

function checkInclusion(proof, entryBody, keyPem) {
  const tree = openCheckpoint(proof.checkpoint, keyPem);
  if (tree.size !== BigInt(proof.tree_size)) fail('tree_size is not the checkpoint\'s');
  const leaf = sha256(Buffer.from([0]), entryBody);
  if (!leaf.equals(b64(proof.leaf_hash))) fail('leaf_hash is not SHA-256(0x00 || entry)');
  let fn = BigInt(proof.index);
  let sn = tree.size - 1n;
  if (fn > sn) fail('the index is outside the tree');
  let r = leaf;
  for (const p of proof.proof.map(b64)) {
    if (sn === 0n) fail('the proof is too long');
    if (lsb(fn) || fn === sn) {
      r = node(p, r);
      while (!lsb(fn) && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = node(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n || !r.equals(tree.root)) fail('the inclusion proof does not lead to the root');
  return `entry ${proof.index} is in the signed tree of ${tree.size} leaves`;
}

function checkConsistency(proof, keyPem) {
  const first = openCheckpoint(proof.first_checkpoint, keyPem);
  const second = openCheckpoint(proof.second_checkpoint, keyPem);
  if (first.size !== BigInt(proof.first_size) || second.size !== BigInt(proof.second_size)) {
    fail('the sizes are not the checkpoints\'');
  }
  let path = proof.proof.map(b64);
  if (first.size === second.size) {
    if (path.length !== 0 || !first.root.equals(second.root)) fail('equal trees differ');
    return `the tree of ${first.size} leaves is its own prefix`;
  }
  if (first.size === 0n || first.size > second.size || path.length === 0) fail('no proof');
  if ((first.size & (first.size - 1n)) === 0n) path = [first.root, ...path];
  let fn = first.size - 1n;
  let sn = second.size - 1n;
  while (lsb(fn)) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) fail('the proof is too long');
    if (lsb(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while (!lsb(fn) && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n || !fr.equals(first.root) || !sr.equals(second.root)) {
    fail('the consistency proof does not lead to both roots');
  }
  return `the signed tree of ${first.size} leaves is a prefix of the signed tree of ${second.size}`;
}

const [kind, proofFile, ...rest] = process.argv.slice(2);
const proof = JSON.parse(fs.readFileSync(proofFile, 'utf8'));
if (kind === 'inclusion') {
  console.log(checkInclusion(proof, fs.readFileSync(rest[0]), fs.readFileSync(rest[1], 'utf8')));
} else if (kind === 'consistency') {
  console.log(checkConsistency(proof, fs.readFileSync(rest[0], 'utf8')));
} else {
  fail('usage: rfc9162_check.js inclusion|consistency ...');
}
