// verify.mjs TOKEN_FILE JWK_FILE: verifies an ensign attestation-result JWT with the jose
// package, ES256 only, against the verifier's public JWK (`ensign attest verifier-key --jwk`),
// and prints the verified claims as JSON. Exit 0: verified; 1: not; 2: usage.
import { readFileSync } from 'node:fs';
import * as jose from 'jose';

if (process.argv.length !== 4) {
  console.error('usage: node verify.mjs TOKEN_FILE JWK_FILE');
  process.exit(2);
}
const token = readFileSync(process.argv[2], 'utf8').trim();
const jwk = JSON.parse(readFileSync(process.argv[3], 'utf8'));
try {
  const key = await jose.importJWK(jwk, 'ES256');
  const { payload, protectedHeader } = await jose.jwtVerify(token, key, { algorithms: ['ES256'] });
  if (protectedHeader.kid !== jwk.kid) {
    throw new Error(`token kid ${protectedHeader.kid} is not the JWK's ${jwk.kid}`);
  }
  console.log(JSON.stringify(payload));
} catch (error) {
  console.error(`jose: ${error.code ?? 'error'}: ${error.message}`);
  process.exit(1);
}
