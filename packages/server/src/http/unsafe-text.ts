import { InputError } from '@galley/core'

/** NUL, or a UTF-16 surrogate without its pair: text PostgreSQL refuses to store or compare. */
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function isUnsafeText(s: string): boolean {
  return UNSAFE.test(s)
}

/**
 * Refuse input text no store can keep faithfully (NUL bytes, lone surrogates) with a 400,
 * instead of letting the database fail on it. Walks keys and values without recursion;
 * array items are read by index (their keys are digits), so long arrays cost little.
 */
export function assertSafeText(value: unknown, what: string): void {
  const stack: unknown[] = [value]
  while (stack.length) {
    const v = stack.pop()
    if (typeof v === 'string') {
      if (UNSAFE.test(v))
        throw new InputError(
          `${what} contains a NUL character or an unpaired UTF-16 surrogate; remove it.`,
        )
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i]
        if (typeof child === 'string' || (typeof child === 'object' && child !== null))
          stack.push(child)
      }
    } else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) {
        if (UNSAFE.test(k))
          throw new InputError(
            `${what} has a key with a NUL character or an unpaired UTF-16 surrogate.`,
          )
        stack.push((v as Record<string, unknown>)[k])
      }
    }
  }
}
