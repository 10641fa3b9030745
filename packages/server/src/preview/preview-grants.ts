import type { MiddlewareHandler } from 'hono'
import { isValidId, type Galley } from '@galley/core'
import { PRIVATE_CACHE } from '../http/cache-headers'
import { addCors, type CorsPolicy } from '../http/cors'
import type { ServerEnv } from '../server-context'
import { PREVIEW_SECRETS } from './preview-collection'
import type { GrantState, PreviewStore } from './preview-store'

/**
 * The request header of a read made for a preview session: the id of the grant (preview
 * secret or shared link) the session's draft-mode cookie was made from. `@galley/client`
 * sends it with every non-published read when given `previewGrant`.
 */
export const PREVIEW_GRANT_HEADER = 'Galley-Preview-Grant'

/** The error code of a read refused because its preview grant was revoked or expired. */
export const PREVIEW_ENDED = 'PREVIEW_ENDED'

const HEADER = PREVIEW_GRANT_HEADER.toLowerCase()
/** Bounds of the two caches: past them the oldest entry goes (it is looked up again if needed). */
const MAX_CACHED = 10_000
const MAX_DEAD = 10_000

/** Options of {@link PreviewGrants}. */
export interface PreviewGrantOptions {
  /**
   * How long a grant found live is trusted without a new look-up when the store cannot say
   * whether anything was committed (PostgreSQL: another server process may have revoked it,
   * and its notification of the commit did not arrive). Default 500 ms. Revocations through
   * this process, and through others when the store notifies (`NOTIFY`), end sessions at once.
   */
  cacheMs?: number
}

interface LiveEntry {
  expiresAtMs: number | null
  /** `galley.dataVersion()` before the look-up; undefined: trusted until `until`. */
  version: number | undefined
  until: number
}

/**
 * Whether preview grants still hold, answered from memory on the hot path. A grant found
 * live is kept until a commit could have changed it: any change to the preview collection
 * through this engine drops it at once (`galley.subscribe`), and where the store has a data
 * version (SQLite, also across processes on one file) any commit does; where it has none
 * (PostgreSQL) it is kept at most `cacheMs`. A grant found dead stays dead: ids are never reused.
 *
 * @example
 * const grants = new PreviewGrants(galley, store)
 * await grants.isLive(grantId) // false once the shared link is revoked
 */
export class PreviewGrants {
  readonly #galley: Galley
  readonly #store: PreviewStore
  readonly #cacheMs: number
  readonly #live = new Map<string, LiveEntry>()
  readonly #dead = new Set<string>()
  /** Bumped by every change to a grant: a look-up that started before it is not kept. */
  #generation = 0
  readonly #unsubscribe: () => void
  readonly #unwatch: () => void

  constructor(galley: Galley, store: PreviewStore, options: PreviewGrantOptions = {}) {
    this.#galley = galley
    this.#store = store
    this.#cacheMs = options.cacheMs ?? 500
    this.#unsubscribe = galley.subscribe((event) => {
      if (event.collection !== PREVIEW_SECRETS) return
      this.#generation++
      this.#live.delete(event.id)
    })
    // Where the store wakes readers of its change feed when another process commits
    // (PostgreSQL NOTIFY), a revocation anywhere drops what this process trusted at once.
    this.#unwatch =
      galley.config.storage.changeFeed?.watch?.(() => {
        this.#generation++
        this.#live.clear()
      }) ?? (() => {})
  }

  /** Whether the grant `id` still holds (exists, not revoked, not expired). */
  async isLive(id: string): Promise<boolean> {
    if (this.#dead.has(id)) return false
    const now = Date.now()
    const version = this.#galley.dataVersion()
    const cached = this.#live.get(id)
    if (
      cached !== undefined &&
      (cached.version !== undefined ? cached.version === version : now < cached.until)
    )
      return this.#stillBefore(id, cached.expiresAtMs, now)
    const generation = this.#generation
    const state: GrantState = await this.#store.grantState(id)
    if (!state.live) {
      this.#markDead(id)
      return false
    }
    if (generation === this.#generation) {
      if (this.#live.size >= MAX_CACHED) this.#live.delete(this.#live.keys().next().value!)
      this.#live.set(id, {
        expiresAtMs: state.expiresAtMs,
        version,
        until: now + this.#cacheMs,
      })
    }
    return this.#stillBefore(id, state.expiresAtMs, Date.now())
  }

  /** Stop listening to the engine's changes. */
  close(): void {
    this.#unsubscribe()
    this.#unwatch()
  }

  #stillBefore(id: string, expiresAtMs: number | null, now: number): boolean {
    if (expiresAtMs === null || now < expiresAtMs) return true
    this.#live.delete(id)
    this.#markDead(id)
    return false
  }

  #markDead(id: string): void {
    if (this.#dead.size >= MAX_DEAD) this.#dead.delete(this.#dead.values().next().value!)
    this.#dead.add(id)
  }
}

/**
 * Refuses, with 403 `PREVIEW_ENDED`, any request that names a preview grant that no longer
 * holds, so that revoking a shared link (or its expiry) ends every preview session made from
 * it on the session's next read. Requests without the header pass untouched. It runs before
 * the response cache (a cached draft must not outlive the grant either), so it answers with
 * the CORS headers of `cors` itself.
 */
export function previewGrantCheck(
  grants: PreviewGrants | null,
  cors: CorsPolicy,
): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const grant = c.req.header(HEADER)
    if (grant === undefined) return next()
    const refuse = (status: number, code: string, message: string) =>
      new Response(JSON.stringify({ error: { code, message } }), {
        status,
        headers: addCors(
          { 'Content-Type': 'application/json; charset=utf-8', ...PRIVATE_CACHE },
          cors.configured ? cors.forOrigin(c.req.header('origin')) : undefined,
        ),
      })
    if (!isValidId(grant))
      return refuse(
        400,
        'INPUT_INVALID',
        `${PREVIEW_GRANT_HEADER} must be the grant id from a preview validation (1–64 characters of A-Z a-z 0-9 _ -).`,
      )
    // A server without preview secrets issued no grant, so none of them holds.
    if (grants !== null && (await grants.isLive(grant))) return next()
    return refuse(
      403,
      PREVIEW_ENDED,
      'This preview has ended: its link was revoked or has expired. Show published content and clear the draft-mode cookie.',
    )
  }
}
