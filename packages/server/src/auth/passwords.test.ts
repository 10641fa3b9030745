import { describe, expect, it } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from './passwords'

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
    // NEL is Unicode whitespace that trim() keeps; the others render as nothing.
    const blanks = [' ', '\t', '\u3000', '\u00A0', '\u2003', '\n', '\u0085', '\u200B']
    for (const ws of [...blanks, '\u3164', '\u2800', '\u180E', '\u2060', '\uFEFF', '\u00AD'])
      expect(await passwordProblem(ws.repeat(12)), JSON.stringify(ws)).toMatch(/only whitespace/)
    expect(await passwordProblem('\u200B \u0085\u3164'.repeat(4))).toMatch(/only whitespace/)
    expect(await passwordProblem('  a  b  c  ')).toBeNull()
    expect(await passwordProblem('\u200Bvisible words')).toBeNull()
  })

  it('refuses commonly used passwords, whatever their case or Unicode form', async () => {
    for (const p of ['password', 'password1', 'Password1', 'iloveyou', 'qwertyuiop', '12345678'])
      expect(await passwordProblem(p), p).toMatch(/commonly used/)
    // Fullwidth letters normalise (NFKC) to the ASCII password.
    expect(await passwordProblem('\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44')).toMatch(
      /commonly used/,
    )
    expect(await passwordProblem('correct horse battery')).toBeNull()
  })
})
