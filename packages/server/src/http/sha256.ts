import * as crypto from 'node:crypto'

type OneShot = (algorithm: string, data: string, encoding: 'base64url') => string
// crypto.hash (Node ≥ 20.12) skips the Hash object: half the cost of createHash on small inputs.
const oneShot = (crypto as { hash?: OneShot }).hash

/** SHA-256 of a string (UTF-8), base64url: 43 characters. */
export function sha256Base64url(text: string): string {
  return oneShot
    ? oneShot('sha256', text, 'base64url')
    : crypto.createHash('sha256').update(text).digest('base64url')
}
