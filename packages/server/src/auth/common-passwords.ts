let common: Promise<ReadonlySet<string>> | undefined

/**
 * Whether `normalized` (NFKC) is on the list of commonly used passwords, ignoring case: the
 * ranked list of the maintained `@zxcvbn-ts/language-common` (about 49,000 passwords from
 * public breach corpora, lower case). Loaded on the first check, so processes that never
 * set a password never pay for it.
 * @example await isCommonPassword('Password1') // true
 */
export async function isCommonPassword(normalized: string): Promise<boolean> {
  common ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'] as readonly string[]),
  )
  return (await common).has(normalized.toLowerCase())
}
