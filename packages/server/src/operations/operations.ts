import {
  InputError,
  isValidId,
  NotFoundError,
  Releases,
  requireAccess,
  type Galley,
  type GalleyDoc,
  type PaginatedDocs,
  type Perspective,
  type Revision,
  type SanitizedCollection,
  type Where,
} from '@galley/core'
import { AuthStore } from '../auth/auth-store'
import { hashPassword, passwordProblem } from '../auth/passwords'
import { INTERNAL_PREFIX, USERS } from '../auth/with-auth'
import type { RequestAuth } from '../auth/request-auth'
import type { PasswordHashes } from '../auth/password-hashes'
import { assertTokenMayWrite } from './write-access'

type Data = Record<string, unknown>

export interface ReadArgs {
  perspective?: Perspective
  draft?: boolean
  depth?: number
}

export interface FindArgs extends ReadArgs {
  where?: Where
  sort?: string
  limit?: number
  page?: number
}

/**
 * The Local API as the HTTP layers call it: one method per route, each passing the
 * request's caller so access rules apply, refusing writes to read-only tokens, hiding the
 * server's own collections. REST and GraphQL both go through here, so they cannot drift
 * apart. Cache-tag purges are not sent from here but from the engine's change events
 * (`purgeOnChange`), so writes by hooks and server code purge too.
 */
export class Operations {
  readonly #galley: Galley
  readonly #store: AuthStore | null
  readonly #prehashed: PasswordHashes | undefined

  /** `prehashed`: passwords hashed before the transaction these writes run in opened. */
  constructor(galley: Galley, store: AuthStore | null, prehashed?: PasswordHashes) {
    this.#galley = galley
    this.#store = store
    this.#prehashed = prehashed
  }

  /** A collection the API exposes, or a 404 naming the ones it does. */
  collection(slug: string): SanitizedCollection {
    const c = this.#galley.config.collections.get(slug)
    if (!c || slug.startsWith(INTERNAL_PREFIX)) {
      throw new NotFoundError(
        `Unknown collection ${JSON.stringify(String(slug).slice(0, 60))}. Known: ${
          this.collections()
            .map((x) => x.slug)
            .join(', ') || 'none'
        }.`,
      )
    }
    return c
  }

  /** Collections the API exposes (never the server's own `galley-*` ones). */
  collections(): SanitizedCollection[] {
    return [...this.#galley.config.collections.values()].filter(
      (c) => !c.slug.startsWith(INTERNAL_PREFIX),
    )
  }

  /** The releases API of the engine, or null when its store keeps no releases. */
  releases(): Releases | null {
    return this.#galley.config.storage.releases ? new Releases(this.#galley) : null
  }

  globals(): SanitizedCollection[] {
    return [...this.#galley.config.globals.values()]
  }

  global(slug: string): SanitizedCollection {
    return this.#galley.global(slug)
  }

  // ---------------------------------------------------------------- reads

  async find(auth: RequestAuth, slug: string, args: FindArgs): Promise<PaginatedDocs<GalleyDoc>> {
    this.collection(slug)
    return this.#galley.find({ collection: slug, ...args, user: auth.user })
  }

  async findById(auth: RequestAuth, slug: string, id: string, args: ReadArgs): Promise<GalleyDoc> {
    this.#document(slug, id)
    const doc = await this.#galley.findById({ collection: slug, id, ...args, user: auth.user })
    if (!doc)
      throw new NotFoundError(
        `'${slug}' ${JSON.stringify(String(id).slice(0, 80))} does not exist in this perspective, or you may not read it.`,
      )
    return doc
  }

  async listRevisions(
    auth: RequestAuth,
    slug: string,
    id: string,
    args: { limit?: number; page?: number },
  ): Promise<PaginatedDocs<Revision>> {
    this.#document(slug, id)
    return this.#galley.listRevisions({ collection: slug, id, ...args, user: auth.user })
  }

  async findGlobal(auth: RequestAuth, slug: string, args: ReadArgs): Promise<GalleyDoc> {
    this.global(slug)
    return this.#galley.findGlobal({ slug, ...args, user: auth.user })
  }

  async listGlobalRevisions(
    auth: RequestAuth,
    slug: string,
    args: { limit?: number; page?: number },
  ): Promise<PaginatedDocs<Revision>> {
    return this.#galley.listGlobalRevisions({ slug, ...args, user: auth.user })
  }

  // ---------------------------------------------------------------- writes

  async create(
    auth: RequestAuth,
    slug: string,
    data: Data,
    args: { draft?: boolean; depth?: number; id?: string; release?: string },
  ): Promise<GalleyDoc> {
    this.collection(slug)
    assertTokenMayWrite(auth)
    // Checked in the create's own transaction (see update).
    const release = args.release
    const authUsers = slug === USERS && this.#store !== null
    if (release !== undefined && authUsers) throw new InputError(`'users' takes no release.`)
    if (release !== undefined)
      return this.#galley.transaction(async (g) => {
        await new Releases(g).requireOpen({ id: release, collection: slug, user: auth.user })
        return g.create({ collection: slug, data, ...args, user: auth.user })
      })
    let doc: GalleyDoc
    if (slug === USERS && this.#store) {
      const { password, ...rest } = data
      if (password === undefined)
        throw new InputError(`A new user needs a 'password' (at least 8 characters).`)
      if (args.draft) throw new InputError(`'users' has no drafts.`)
      doc = await this.#store.createUser(
        {
          ...(rest as { email: string; role?: never; name?: string }),
          password: password as string,
          id: args.id,
        },
        { user: auth.user },
        { hash: this.#prehashed?.take(password as string) },
      )
    } else {
      doc = await this.#galley.create({ collection: slug, data, ...args, user: auth.user })
    }
    return doc
  }

  async update(
    auth: RequestAuth,
    slug: string,
    id: string,
    data: Data,
    args: {
      draft?: boolean
      autosave?: boolean
      ifRevision?: string
      depth?: number
      /** Write the document's content in this release. */
      release?: string
    },
  ): Promise<GalleyDoc> {
    this.#document(slug, id)
    assertTokenMayWrite(auth)
    // Only into a release that exists and is open, and only by who may change releases:
    // checked in the write's transaction (the release row locked on PostgreSQL), so a
    // publish cannot slip in between and leave this content behind a published release.
    const release = args.release
    if (release !== undefined)
      return this.#galley.transaction(async (g) => {
        await new Releases(g).requireOpen({ id: release, collection: slug, user: auth.user })
        return g.update({ collection: slug, id, data, ...args, user: auth.user })
      })
    let doc: GalleyDoc
    if (slug === USERS && this.#store && 'password' in data) {
      const { password, ...rest } = data
      // Access first: a caller who may not update users learns nothing from the password's
      // checks, and cannot spend scrypt time.
      await requireAccess(this.#galley.collection(USERS), 'update', {
        user: auth.user ?? null,
        overrideAccess: false,
      })
      // Checked before anything is written: a bad password must not leave the other fields saved.
      const problem = await passwordProblem(password)
      if (problem) throw new InputError(problem)
      const hash =
        this.#prehashed?.take(password as string) ?? (await hashPassword(password as string))
      // The fields and the password are one change: both are kept, or neither.
      doc = await this.#galley.transaction(async (tx) => {
        const updated = await tx.update({
          collection: slug,
          id,
          data: rest,
          ...args,
          user: auth.user,
        })
        await new AuthStore(tx).setPasswordHash(updated.id, hash)
        return updated
      })
    } else {
      doc = await this.#galley.update({ collection: slug, id, data, ...args, user: auth.user })
    }
    return doc
  }

  async delete(
    auth: RequestAuth,
    slug: string,
    id: string,
    args: { ifRevision?: string },
  ): Promise<{ id: string }> {
    this.#document(slug, id)
    assertTokenMayWrite(auth)
    const res = await this.#galley.delete({ collection: slug, id, ...args, user: auth.user })
    if (slug === USERS && this.#store) await this.#store.forgetUser(res.id)
    return res
  }

  publish(
    auth: RequestAuth,
    slug: string,
    id: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    return this.#documentAction('publish', auth, slug, id, args)
  }

  unpublish(
    auth: RequestAuth,
    slug: string,
    id: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    return this.#documentAction('unpublish', auth, slug, id, args)
  }

  /** Drops the draft; the published content is unchanged. */
  discardDraft(
    auth: RequestAuth,
    slug: string,
    id: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    return this.#documentAction('discardDraft', auth, slug, id, args)
  }

  /** The three document actions share their checks; purges follow from `galley.subscribe`. */
  async #documentAction(
    action: 'publish' | 'unpublish' | 'discardDraft',
    auth: RequestAuth,
    slug: string,
    id: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    this.#document(slug, id)
    assertTokenMayWrite(auth)
    return this.#galley[action]({ collection: slug, id, ...args, user: auth.user })
  }

  async restoreRevision(
    auth: RequestAuth,
    slug: string,
    id: string,
    revisionId: string,
    args: { draft?: boolean; ifRevision?: string },
  ): Promise<GalleyDoc> {
    this.#document(slug, id)
    if (!isValidId(revisionId))
      throw new NotFoundError(
        `Revision ${JSON.stringify(String(revisionId).slice(0, 80))} does not exist.`,
      )
    assertTokenMayWrite(auth)
    const doc = await this.#galley.restoreRevision({
      collection: slug,
      id,
      revisionId,
      ...args,
      user: auth.user,
    })
    return doc
  }

  async updateGlobal(
    auth: RequestAuth,
    slug: string,
    data: Data,
    args: { draft?: boolean; autosave?: boolean; ifRevision?: string },
  ): Promise<GalleyDoc> {
    assertTokenMayWrite(auth)
    const doc = await this.#galley.updateGlobal({ slug, data, ...args, user: auth.user })
    return doc
  }

  async publishGlobal(
    auth: RequestAuth,
    slug: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    assertTokenMayWrite(auth)
    const doc = await this.#galley.publishGlobal({ slug, ...args, user: auth.user })
    return doc
  }

  /** Take a global's published content down: it becomes the draft; published reads get its defaults. */
  async unpublishGlobal(
    auth: RequestAuth,
    slug: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    assertTokenMayWrite(auth)
    return this.#galley.unpublishGlobal({ slug, ...args, user: auth.user })
  }

  async discardGlobalDraft(
    auth: RequestAuth,
    slug: string,
    args: { ifRevision?: string },
  ): Promise<GalleyDoc> {
    assertTokenMayWrite(auth)
    return this.#galley.discardGlobalDraft({ slug, ...args, user: auth.user })
  }

  // ---------------------------------------------------------------- internals

  /** The collection, and a 404 for an id no document can have (before it reaches storage). */
  #document(slug: string, id: string): SanitizedCollection {
    const coll = this.collection(slug)
    if (!isValidId(id)) {
      throw new NotFoundError(
        `'${slug}' ${JSON.stringify(String(id).slice(0, 80))} does not exist: ids are 1–64 letters, digits, - or _.`,
      )
    }
    return coll
  }

  /** A token's scope is a ceiling no access rule can lift: read tokens never write. */
}
