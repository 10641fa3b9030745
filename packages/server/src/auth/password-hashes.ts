/**
 * Hashes made before a transaction opened, taken by the writes inside it. Each hash is
 * used once (two users given one password still get two salts).
 */
export class PasswordHashes {
  readonly #ready = new Map<string, string[]>()

  add(password: string, hash: string): void {
    const list = this.#ready.get(password)
    if (list) list.push(hash)
    else this.#ready.set(password, [hash])
  }

  /** A hash of `password` made earlier, or undefined (the caller hashes it itself). */
  take(password: string): string | undefined {
    return this.#ready.get(password)?.shift()
  }
}
