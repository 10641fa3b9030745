import { InputError } from '@galley/core'

/** NUL, or a UTF-16 surrogate without its pair: text PostgreSQL refuses to store or compare. */
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function isUnsafeText(s: string): boolean {
  return UNSAFE.test(s)
}

/**
 * Refuse input text no store can keep faithfully (NUL bytes, lone surrogates) with a 400,
 * instead of letting the database fail on it. Walks keys and values without recursion.
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
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (UNSAFE.test(k))
          throw new InputError(
            `${what} has a key with a NUL character or an unpaired UTF-16 surrogate.`,
          )
        stack.push(child)
      }
    }
  }
}
