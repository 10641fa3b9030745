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

  it('says what is wrong with a password', () => {
    expect(passwordProblem('short')).toMatch(/at least 8/)
    expect(passwordProblem('x'.repeat(2000))).toMatch(/at most/)
    expect(passwordProblem(42)).toMatch(/string/)
    expect(passwordProblem('long enough')).toBeNull()
  })
})
