/** Bytes to unpadded base64url (RFC 4648 §5), with Web APIs only. */
export function encodeBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Unpadded base64url to bytes; `null` for anything that is not strictly base64url,
 * including a last character whose unused low bits are set: otherwise several texts
 * decode to the same bytes and a signed value could be altered and still verify.
 */
export function decodeBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return encodeBase64url(bytes) === text ? bytes : null
}
