import type { Config, SanitizedCollection, SanitizedConfig } from '../config/config-types'
import { sanitizeConfig } from '../config/sanitize-config'
import type { StorageTransaction } from '../storage/storage-adapter'
import {
  type ChangeEvent,
  type ChangeListener,
  type EngineState,
  collectionOf,
  globalOf,
  inTransaction,
} from './engine-state'
import type * as T from './galley-types'
import { findGlobalDocument, updateGlobalOperation } from './globals'
import { createOperation } from './operations/create'
import { deleteOperation } from './operations/delete'
import { discardDraftOperation } from './operations/discard-draft'
import { publishOperation } from './operations/publish'
import { restoreRevisionOperation } from './operations/restore-revision'
import { unpublishOperation } from './operations/unpublish'
import { updateOperation } from './operations/update'
import { countDocuments } from './read/count'
import { findDocuments } from './read/find'
import { findDocumentById } from './read/find-by-id'
import { listDocumentRevisions } from './read/list-revisions'

export type { ChangeEvent, ChangeListener } from './engine-state'
export { toDoc } from './read/to-doc'

type Data = Record<string, unknown>
type Doc<R> = Promise<T.GalleyDoc<R>>

/**
 * Create the engine: validates the config (throwing a `ConfigError` that names the
 * collection and field), runs the store's migrations, and returns the Local API.
 */
export async function createGalley(config: Config): Promise<Galley> {
  const sanitized = sanitizeConfig(config)
  const specs = [...sanitized.collections.values(), ...sanitized.globals.values()].map((c) => ({
    storageKey: c.storageKey,
    drafts: c.drafts,
    indexes: [...c.paths.values()]
      .filter((p) => !p.column && (p.field.index || p.field.unique))
      .map((info) => ({ info, unique: !!info.field.unique && c.kind === 'collection' })),
  }))
  await sanitized.storage.init(specs)
  return new Galley(sanitized)
}

/**
 * The Local API: one line per method over `operations/` (writes), `read/` and
 * `globals.ts`. Every method is one transaction (or joins the one a hook runs in).
 */
export class Galley implements T.GalleyContext {
  readonly config: SanitizedConfig
  readonly #s: EngineState

  constructor(
    config: SanitizedConfig,
    tx?: StorageTransaction,
    pending?: ChangeEvent[],
    listeners?: Set<ChangeListener>,
  ) {
    this.config = config
    const listenersSet = listeners ?? new Set()
    this.#s = { config, tx, pending, listeners: listenersSet, api: this, bind: Galley.#bind }
  }

  static #bind(this: EngineState, tx: StorageTransaction, pending: ChangeEvent[]): EngineState {
    return new Galley(this.config, tx, pending, this.listeners).#s
  }

  /**
   * Be told of every committed change (after the transaction commits, never for a rollback),
   * from any caller: REST, GraphQL, hooks or server code. Returns an unsubscribe function.
   * @example galley.subscribe((e) => e.published && purge(e.collection, e.id))
   */
  subscribe(listener: ChangeListener): () => void {
    this.#s.listeners.add(listener)
    return () => this.#s.listeners.delete(listener)
  }

  /**
   * Run several Local API calls as one transaction: `fn` gets the API bound to it (and the
   * store's transaction, for server code that keeps its own rows in it, such as releases);
   * if it throws, nothing it wrote is kept.
   */
  async transaction<X>(fn: (galley: Galley, tx: StorageTransaction) => Promise<X>): Promise<X> {
    return inTransaction(this.#s, (tx, inner) => fn(inner.api as Galley, tx))
  }

  /** The sanitised collection, or a `NotFoundError` listing the known ones. */
  collection(slug: string): SanitizedCollection {
    return collectionOf(this.config, slug)
  }

  /** The sanitised global, or a `NotFoundError` listing the known ones. */
  global(slug: string): SanitizedCollection {
    return globalOf(this.config, slug)
  }

  /** Close the store (a no-op on an API bound to a transaction). */
  async close(): Promise<void> {
    if (!this.#s.tx) await this.config.storage.close()
  }

  /**
   * A number that changes whenever anything is committed — through this engine, another
   * one, or another process on the same database — or undefined when the store cannot
   * tell (PostgreSQL) or inside a transaction. For caches built on reads: take it before
   * reading, keep the result with it, and reuse the result only while it is unchanged.
   * @example const v = galley.dataVersion(); const page = await galley.find(…); cache.set(key, { v, page })
   */
  dataVersion(): number | undefined {
    if (this.#s.tx) return undefined
    return this.config.storage.dataVersion?.()
  }

  /** A new document: published, or a never-published draft with `draft: true`. */
  async create<R = Data>(args: T.CreateArgs): Doc<R> {
    return createOperation(this.#s, this.collection(args.collection), args)
  }

  /** Change fields of the draft (`draft`, `autosave`), a release, or the published content. */
  async update<R = Data>(args: T.UpdateArgs): Doc<R> {
    return updateOperation(this.#s, this.collection(args.collection), args)
  }

  /** Promote the draft to published content. */
  async publish<R = Data>(args: T.DocumentActionArgs): Doc<R> {
    return publishOperation(this.#s, this.collection(args.collection), args)
  }

  /** Turn the published content back into the draft. */
  async unpublish<R = Data>(args: T.DocumentActionArgs): Doc<R> {
    return unpublishOperation(this.#s, this.collection(args.collection), args)
  }

  /** "Revert to published": drop the draft. */
  async discardDraft<R = Data>(args: T.DocumentActionArgs): Doc<R> {
    return discardDraftOperation(this.#s, this.collection(args.collection), args)
  }

  /** Make an old revision the draft, or publish it with `draft: false`. */
  async restoreRevision<R = Data>(args: T.RestoreRevisionArgs): Doc<R> {
    return restoreRevisionOperation(this.#s, this.collection(args.collection), args)
  }

  /** Remove a document with all its variants and history. */
  async delete(args: T.DeleteArgs): Promise<{ id: string }> {
    return deleteOperation(this.#s, this.collection(args.collection), args)
  }

  /** One document in a perspective, or null. */
  async findById<R = Data>(args: T.FindByIdArgs): Promise<T.GalleyDoc<R> | null> {
    const coll = this.collection(args.collection)
    return findDocumentById(this.#s, coll, args) as Promise<T.GalleyDoc<R> | null>
  }

  /** A page of documents matching `where`, resolved in a perspective. */
  async find<R = Data>(args: T.FindArgs): Promise<T.PaginatedDocs<T.GalleyDoc<R>>> {
    const coll = this.collection(args.collection)
    return findDocuments(this.#s, coll, args) as Promise<T.PaginatedDocs<T.GalleyDoc<R>>>
  }

  /** How many documents match `where` in a perspective. */
  async count(args: T.CountArgs): Promise<{ totalDocs: number }> {
    return countDocuments(this.#s, this.collection(args.collection), args)
  }

  /** A document's history, newest first (needs readDrafts). */
  async listRevisions(args: T.ListRevisionsArgs): Promise<T.PaginatedDocs<T.Revision>> {
    return listDocumentRevisions(this.#s, this.collection(args.collection), args.id, args)
  }

  /** A global in a perspective; its defaults when it was never saved. */
  async findGlobal<R = Data>(args: T.FindGlobalArgs): Doc<R> {
    return findGlobalDocument(this.#s, this.global(args.slug), args) as Doc<R>
  }

  /** Write a global's draft (`draft`, `autosave`) or publish it. */
  async updateGlobal<R = Data>(args: T.UpdateGlobalArgs): Doc<R> {
    return updateGlobalOperation(this.#s, this.global(args.slug), args)
  }

  /** Promote a global's draft. */
  async publishGlobal<R = Data>(args: T.GlobalActionArgs): Doc<R> {
    return publishOperation(this.#s, this.global(args.slug), { ...args, id: args.slug })
  }

  /**
   * Take a global's published content down: it becomes the draft (unless a newer draft
   * exists), and published reads answer with its defaults.
   * @example await galley.unpublishGlobal({ slug: 'settings', ifRevision: doc._rev })
   */
  async unpublishGlobal<R = Data>(args: T.GlobalActionArgs): Doc<R> {
    return unpublishOperation(this.#s, this.global(args.slug), { ...args, id: args.slug })
  }

  /** Drop a global's draft ("revert to published"). */
  async discardGlobalDraft<R = Data>(args: T.GlobalActionArgs): Doc<R> {
    return discardDraftOperation(this.#s, this.global(args.slug), { ...args, id: args.slug })
  }

  /** Make an old revision of a global its draft, or publish it. */
  async restoreGlobalRevision<R = Data>(args: T.RestoreGlobalRevisionArgs): Doc<R> {
    return restoreRevisionOperation(this.#s, this.global(args.slug), { ...args, id: args.slug })
  }

  /** A global's history, newest first (needs readDrafts). */
  async listGlobalRevisions(args: T.ListGlobalRevisionsArgs): Promise<T.PaginatedDocs<T.Revision>> {
    return listDocumentRevisions(this.#s, this.global(args.slug), args.slug, args)
  }
}
