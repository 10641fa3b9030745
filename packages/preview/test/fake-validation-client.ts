import type { PreviewSecretValidation, PreviewValidationClient } from '../src/index'

/** A 32+ character key that passes the strength check. */
export const KEY_A = 'kA7#pQ2!vX9$mZ4&wR6*tY8^uI1@oP3%'
export const KEY_B = 'Bn5)Lc8(Jd2_He7+Gf4=Ki9~Mj1{Nl6}'

/** A validate client answering from a table of secrets, recording what it was asked. */
export function fakeValidationClient(
  answers: Record<string, PreviewSecretValidation>,
): PreviewValidationClient & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async validatePreviewSecret(secret) {
      calls.push(secret)
      return answers[secret] ?? { isValid: false }
    },
  }
}

/** An ISO time `seconds` from now. */
export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString()
}
