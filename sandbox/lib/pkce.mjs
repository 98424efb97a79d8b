// RFC 7636 §4.1-4.2: a 43-character verifier from 32 random bytes and its S256 challenge;
// the anti-CSRF state is 256 random bits as well (RFC 9700 §4.7.1).
import { createHash, randomBytes } from 'node:crypto';

export function randomToken(bytes = 32) {
  return randomBytes(bytes).toString('base64url');
}

export function makePkce() {
  const verifier = randomToken(32);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method: 'S256' };
}
