import { describe, expect, it } from 'vitest'
import { MAX_RAW_PASSWORD_LENGTH, hashPassword, passwordProblem, verifyPassword } from './passwords'

describe('passwords (scrypt)', () => {
  it('hashes with a random salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery')
    const b = await hashPassword('correct horse battery')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse battery', a)).toBe(true)
    expect(await verifyPassword('correct horse batterY', a)).toBe(false)
    expect(await verifyPassword('', a)).toBe(false)
  })

  it('treats Unicode forms of the same password alike (NFKC)', async () => {
    const h = await hashPassword('caf\u00e9 au lait')
    expect(await verifyPassword('cafe\u0301 au lait', h)).toBe(true)
  })

  it('never matches a malformed or tampered hash, and never asks for unbounded work', async () => {
    const h = await hashPassword('secret password')
    const parts = h.split('$')
    const cases = [
      '',
      'plain',
      'bcrypt$x',
      parts.slice(0, 5).join('$'),
      [...parts.slice(0, 1), String(2 ** 30), ...parts.slice(2)].join('$'),
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'),
      [...parts.slice(0, 5), 'AAAA'].join('$'),
    ]
    for (const c of cases) expect(await verifyPassword('secret password', c)).toBe(false)
  })

  it('says what is wrong with a password', async () => {
    expect(await passwordProblem('short')).toMatch(/at least 8/)
    expect(await passwordProblem('x'.repeat(2000))).toMatch(/at most/)
    expect(await passwordProblem(42)).toMatch(/string/)
    expect(await passwordProblem('long enough')).toBeNull()
  })

  it('counts characters after NFKC normalisation, as Unicode code points', async () => {
    // 8 UTF-16 units before normalisation, 7 characters after (e + combining acute → é).
    expect(await passwordProblem('abcdefe\u0301')).toMatch(/at least 8 .*it has 7/)
    // Four emoji are 8 UTF-16 units but 4 characters.
    expect(await passwordProblem('\u{1F600}'.repeat(4))).toMatch(/at least 8 .*it has 4/)
    // A ligature that NFKC expands counts as what it expands to: 3 units, 9 characters ("ffi" × 3).
    expect(await passwordProblem('\uFB03\uFB03\uFB03')).toBeNull()
  })

  it('refuses a password that is only whitespace or invisible characters, of any kind', async () => {
    // Whitespace counts as characters, but not alone; NEL is whitespace that trim() keeps.
    for (const ws of [' ', '\u3000', '\u00A0', '\u2003'])
      expect(await passwordProblem(ws.repeat(12)), JSON.stringify(ws)).toMatch(/only whitespace/)
    // Characters that render as nothing do not count at all.
    for (const inv of ['\u200B', '\u3164', '\u2800', '\u180E', '\u2060', '\uFEFF', '\u00AD'])
      expect(await passwordProblem(inv.repeat(12)), JSON.stringify(inv)).toMatch(
        /at least 8 .*it has 0/,
      )
    expect(await passwordProblem('\u200B \u3164'.repeat(12))).toMatch(/only whitespace/)
    expect(await passwordProblem('  a  b  c  ')).toBeNull()
    expect(await passwordProblem('\u200Bvisible words')).toBeNull()
  })

  it('counts what a person sees: invisible characters and accents on one letter add nothing', async () => {
    // One visible letter and seven zero-width or variation characters (the review's finds).
    for (const inv of ['\u200B', '\u200D', '\uFE0F', '\u{E0041}', '\u00AD'])
      expect(await passwordProblem(`a${inv.repeat(7)}`), JSON.stringify(inv)).toMatch(
        /at least 8 .*it has 1/,
      )
    // Combining marks alone, or stacked on one letter, are one character.
    expect(await passwordProblem('\u0301'.repeat(10))).toMatch(/at least 8 .*it has 1/)
    expect(await passwordProblem(`a${'\u0301'.repeat(9)}`)).toMatch(/at least 8 .*it has 1/)
    // Accented words count their letters: 8 letters, 10 code points.
    expect(await passwordProblem('e\u0301te\u0301 aux')).toMatch(/at least 8 .*it has 7/)
    expect(await passwordProblem('e\u0301te\u0301 au bal')).toBeNull()
  })

  it('refuses control characters, which no one can type at a prompt', async () => {
    for (const c of ['\t', '\n', '\u0001', '\u0008', '\u007F', '\u0085', '\u009F'])
      expect(await passwordProblem(`long enough${c}words`), JSON.stringify(c)).toMatch(
        /control characters/,
      )
    expect(await passwordProblem('\u0001'.repeat(8))).toMatch(/control characters/)
  })

  it('signs in with any password it accepts: the same length bound on both sides', async () => {
    // 700 letters written decomposed: 1,400 code points, 700 after NFKC.
    const decomposed = 'e\u0301'.repeat(700)
    expect(await passwordProblem(decomposed)).toBeNull()
    expect(decomposed.length).toBeLessThanOrEqual(MAX_RAW_PASSWORD_LENGTH)
    expect(await passwordProblem('x'.repeat(MAX_RAW_PASSWORD_LENGTH + 1))).toMatch(/at most/)
  })

  it('refuses commonly used passwords, whatever their case or Unicode form', async () => {
    for (const p of ['password', 'password1', 'Password1', 'iloveyou', 'qwertyuiop', '12345678'])
      expect(await passwordProblem(p), p).toMatch(/commonly used/)
    // Fullwidth letters normalise (NFKC) to the ASCII password.
    expect(await passwordProblem('\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44')).toMatch(
      /commonly used/,
    )
    expect(await passwordProblem('correct horse battery')).toBeNull()
    // Invisible characters inside do not make it another password.
    for (const p of ['password\u200b', 'pass\u00adword', '\u2060iloveyou', 'qwerty\uFE0Fuiop'])
      expect(await passwordProblem(p), JSON.stringify(p)).toMatch(/commonly used/)
  })
})
