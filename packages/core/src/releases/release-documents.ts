import { type Caller, decideAccess } from '../access/access'
import type { SanitizedCollection, SanitizedConfig } from '../config/config-types'
import { WHERE_LIMITS, andNodes, parseWhere } from '../where/parse-where'
import { matchWhere } from '../where/match-where'
import { allows, readAccess } from '../documents/read/read-access'
import { type FieldError, InputError } from '../errors'
import { validateFields } from '../fields/validate-fields'
import { matchTarget } from '../documents/read/to-doc'
import type { HeadRow, StorageReader } from '../storage/storage-adapter'
import type { ReleaseItemRow, ReleaseRow } from './release-storage'

type Data = Record<string, unknown>

/** One field that a release changes: what the public sees now, and what it will see. */
export interface FieldChange {
  field: string
  published: unknown
  release: unknown
}

/** A document in a release, as `releases.get` lists it. */
export interface ReleaseDocument {
  collection: string
  id: string
  /** `publish` its release content, or `unpublish` it. */
  action: 'publish' | 'unpublish'
  /** The release content (null for `unpublish`), and the published content now (null: none). */
  content: Data | null
  published: Data | null
  /**
   * Top-level fields whose value differs from the published content (once the release is
   * published: from what was published before it to what it published).
   */
  changes: FieldChange[]
  /** Whether the release content passes full validation, and what fails. */
  valid: boolean
  errors: FieldError[]
  /** Once the release is published: the published content before it (what revert puts back). */
  before?: Data | null
}

/** Most documents a release may hold (publishing is one transaction). */
export const MAX_RELEASE_DOCUMENTS = 5000

/**
 * The documents of a release: every document with a `release:<id>` variant, plus its
 * unpublish requests; once published, what its items recorded. Only collections the
 * caller may read drafts of, and only documents its read rules let it see.
 */
export async function releaseDocuments(
  config: SanitizedConfig,
  reader: StorageReader,
  release: ReleaseRow,
  items: ReleaseItemRow[],
  caller: Caller,
  /** Publishing and scheduling: refuse a release over the limit rather than leave part out. */
  strict = false,
): Promise<ReleaseDocument[]> {
  const out: ReleaseDocument[] = []
  for (const coll of config.collections.values()) {
    const access = await draftAccess(coll, caller)
    if (access === false) continue
    // Published content (now, or before the release) is shown only where the caller may
    // read it as published content: a release copy it may read does not open the published
    // one. (draftAccess above already refused a caller whose `read` rule denies everything.)
    const live = await readAccess(coll, { kind: 'published' }, caller)
    const mine = items.filter((i) => i.collection === coll.slug)
    const rows =
      release.state === 'published' ? [] : await releaseHeads(reader, coll, release.id, strict)
    const seen = new Set<string>()
    const visible = rows.filter((row) => !access || matchWhere(access, matchTarget(row)))
    const published = await publishedOf(
      reader,
      coll,
      visible.map((r) => r.id),
    )
    for (const row of visible) {
      seen.add(row.id)
      const head = published.get(row.id)
      const shownLive = head && allows(live, matchTarget(head)) ? head.data : null
      out.push(await describe(coll, row.id, 'publish', row.data, shownLive))
    }
    for (const item of mine) {
      if (seen.has(item.docId)) continue
      const heads = await reader.getHeads(coll.storageKey, item.docId)
      const shown = heads.find((h) => h.inDrafts) ?? heads[0]
      if (access && shown && !matchWhere(access, matchTarget(shown))) continue
      const head = heads.find((h) => h.variant === 'published')
      const published = head && allows(live, matchTarget(head)) ? head.data : null
      // What was published before the release, judged as published content of its time.
      const base = head ?? shown
      const before =
        item.before && base && allows(live, { ...matchTarget(base), data: item.before })
          ? item.before
          : null
      // Once published: what the release changed, from what was before to what it published.
      const doc = item.done
        ? await describe(
            coll,
            item.docId,
            item.action,
            item.action === 'publish' ? published : null,
            before,
          )
        : await describe(coll, item.docId, item.action, null, published)
      if (item.done) Object.assign(doc, { published, before })
      out.push(doc)
    }
  }
  return out
}

/** The published heads of documents `ids`, read 500 at a time (one statement each). */
async function publishedOf(
  reader: StorageReader,
  coll: SanitizedCollection,
  ids: string[],
): Promise<Map<string, HeadRow>> {
  const out = new Map<string, HeadRow>()
  for (let i = 0; i < ids.length; i += WHERE_LIMITS.listValues) {
    const chunk = ids.slice(i, i + WHERE_LIMITS.listValues)
    const { rows } = await reader.findResolved({
      collection: coll.storageKey,
      perspective: { kind: 'published' },
      where: parseWhere({ id: { in: chunk } }, coll.paths, coll.slug),
      sort: [],
      limit: chunk.length,
      offset: 0,
      skipCount: true,
    })
    for (const row of rows) out.set(row.id, row)
  }
  return out
}

/** The heads of `coll` in release `id`. */
export async function releaseHeads(
  reader: StorageReader,
  coll: SanitizedCollection,
  id: string,
  strict = false,
): Promise<HeadRow[]> {
  const { rows } = await reader.findResolved({
    collection: coll.storageKey,
    perspective: { kind: 'stack', layers: [`release:${id}`] },
    sort: [],
    limit: MAX_RELEASE_DOCUMENTS + 1,
    offset: 0,
    skipCount: true,
  })
  if (rows.length > MAX_RELEASE_DOCUMENTS && strict)
    throw new InputError(
      `Release ${id} holds more than ${MAX_RELEASE_DOCUMENTS.toLocaleString('en')} '${coll.slug}' documents, more than one publish may take; move some into another release.`,
    )
  return rows.slice(0, MAX_RELEASE_DOCUMENTS)
}

async function describe(
  coll: SanitizedCollection,
  id: string,
  action: 'publish' | 'unpublish',
  content: Data | null,
  published: Data | null,
): Promise<ReleaseDocument> {
  const changes: FieldChange[] = []
  let errors: FieldError[] = []
  if (content) {
    const keys = new Set([...Object.keys(published ?? {}), ...Object.keys(content)])
    for (const field of keys) {
      const before = published?.[field]
      const after = content[field]
      if (JSON.stringify(before) !== JSON.stringify(after))
        changes.push({ field, published: before ?? null, release: after ?? null })
    }
    errors = (await validateFields(coll.fields, content, { draft: false, applyDefaults: false }))
      .errors
  }
  return {
    collection: coll.slug,
    id,
    action,
    content,
    published,
    changes,
    valid: errors.length === 0,
    errors,
  }
}

/** readDrafts (and read) of a collection: false, everything (undefined) or a constraint. */
async function draftAccess(coll: SanitizedCollection, caller: Caller) {
  if (coll.kind !== 'collection') return false
  const read = await decideAccess(coll, 'read', caller)
  const drafts = await decideAccess(coll, 'readDrafts', caller)
  if (!read.allowed || !drafts.allowed) return false as const
  return andNodes(read.where, drafts.where) ?? undefined
}
