import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { type Galley, type Where } from '@galley/core'
import {
  type HeadRow,
  type RevisionRow,
  matchWhere,
  parseWhere,
  replayRevisions,
} from '@galley/core/storage'
import { STORES, dropTestSchemas, makeGalley, matchTargetOf } from './stores'

afterAll(dropTestSchemas)

type Op =
  | { kind: 'create'; draft: boolean; title: string }
  | {
      kind: 'update'
      doc: number
      draft: boolean
      autosave: boolean
      title: string
      author: string
    }
  | { kind: 'publish' | 'unpublish' | 'discardDraft' | 'delete'; doc: number }
  | { kind: 'restore'; doc: number; back: number; draft: boolean }

const title = fc.constantFrom('a', 'b', 'c', 'd')
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), draft: fc.boolean(), title }),
  fc.record({
    kind: fc.constant('update' as const),
    doc: fc.nat(4),
    draft: fc.boolean(),
    autosave: fc.boolean(),
    title,
    author: fc.constantFrom('x', 'y'),
  }),
  fc.record({
    kind: fc.constantFrom(
      'publish' as const,
      'unpublish' as const,
      'discardDraft' as const,
      'delete' as const,
    ),
    doc: fc.nat(4),
  }),
  fc.record({
    kind: fc.constant('restore' as const),
    doc: fc.nat(4),
    back: fc.nat(6),
    draft: fc.boolean(),
  }),
)

async function apply(g: Galley, ids: string[], o: Op): Promise<void> {
  const id = 'doc' in o ? ids[o.doc % Math.max(ids.length, 1)] : undefined
  try {
    switch (o.kind) {
      case 'create':
        ids.push(
          (await g.create({ collection: 'posts', data: { title: o.title }, draft: o.draft })).id,
        )
        return
      case 'update':
        if (id)
          await g.update({
            collection: 'posts',
            id,
            data: { title: o.title },
            draft: o.draft || o.autosave,
            autosave: o.autosave,
            user: { id: o.author },
            overrideAccess: true,
          })
        return
      case 'restore': {
        if (!id) return
        const revs = (await g.listRevisions({ collection: 'posts', id, limit: 100 })).docs.filter(
          (r) => r.data,
        )
        const rev = revs[o.back % Math.max(revs.length, 1)]
        if (rev)
          await g.restoreRevision({ collection: 'posts', id, revisionId: rev.id, draft: o.draft })
        return
      }
      case 'delete':
        if (id) {
          await g.delete({ collection: 'posts', id })
          ids.splice(ids.indexOf(id), 1)
        }
        return
      default:
        if (id) await g[o.kind]({ collection: 'posts', id })
    }
  } catch (err) {
    // Refusals (unpublish of a draft, discard of a never-published doc) are part of the model.
    if (!(err as { status?: number }).status || (err as { status: number }).status >= 500) throw err
  }
}

/** Heads and history straight from the store, so the check sees what is really stored. */
async function storedState(g: Galley, id: string) {
  const storage = g.config.storage
  const heads: HeadRow[] = await storage.getHeads('posts', id)
  const history: RevisionRow[] = (
    await storage.listRevisions('posts', id, { limit: 1000, offset: 0 })
  ).rows.reverse()
  return { heads, history }
}

for (const store of STORES) {
  describe(`properties [${store.name}]`, () => {
    it('after any sequence of writes, the heads equal the replay of the revision history', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const g = await makeGalley(store)
          try {
            const ids: string[] = []
            for (const o of ops) await apply(g, ids, o)
            for (const id of ids) {
              const { heads, history } = await storedState(g, id)
              const replayed = replayRevisions(history)
              const stored = new Map(heads.map((h) => [h.variant, { rev: h.rev, data: h.data }]))
              expect(
                new Map([...replayed].map(([v, h]) => [v, { rev: h.rev, data: h.data }])),
              ).toEqual(stored)
              // status and the drafts view flag agree on every head
              const status = !stored.has('published')
                ? 'draft'
                : stored.has('draft')
                  ? 'changed'
                  : 'published'
              for (const h of heads) {
                expect(h.status).toBe(status)
                expect(h.inDrafts).toBe(
                  h.variant === 'draft' || (h.variant === 'published' && !stored.has('draft')),
                )
              }
            }
          } finally {
            await g.close()
          }
        }),
        { numRuns: store.name === 'sqlite' ? 60 : 15 },
      )
    })

    it('SQL where results equal the in-memory matcher on the resolved content', async () => {
      const g = await makeGalley(store)
      const docs = await fc.sample(
        fc.record(
          {
            title: fc.constantFrom('Alpha', 'beta', 'Gamma ray', 'delta', ''),
            views: fc.integer({ min: 0, max: 5 }),
            featured: fc.boolean(),
            category: fc.constantFrom('news', 'guide', 'opinion'),
            tagsList: fc.subarray(['a', 'b', 'c']),
            meta: fc.record({ score: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }),
            tags: fc.array(fc.record({ name: fc.constantFrom('red', 'blue') }), { maxLength: 2 }),
          },
          { requiredKeys: ['title'] },
        ),
        { numRuns: 30, seed: 7 },
      )
      try {
        for (const [i, d] of docs.entries()) {
          const created = await g.create({
            collection: 'posts',
            data: { ...d, title: d.title || 'x' },
            draft: i % 4 === 0,
          })
          if (i % 3 === 0)
            await g.update({
              collection: 'posts',
              id: created.id,
              data: { views: ((d.views ?? 0) + 2) % 6, title: 'draft Beta' },
              draft: true,
            })
        }
        const path = fc.constantFrom(
          'title',
          'views',
          'featured',
          'category',
          'tagsList',
          'meta.score',
          'tags.name',
          '_status',
        )
        const values: Record<string, fc.Arbitrary<unknown>> = {
          title: fc.constantFrom('Alpha', 'beta', 'ray', 'ALPHA', 'Beta draft', null),
          views: fc.integer({ min: -1, max: 6 }),
          featured: fc.boolean(),
          category: fc.constantFrom('news', 'guide', null),
          tagsList: fc.constantFrom('a', 'b', 'c'),
          'meta.score': fc.integer({ min: 0, max: 3 }),
          'tags.name': fc.constantFrom('red', 'blue'),
          _status: fc.constantFrom('draft', 'published', 'changed'),
        }
        const cond: fc.Arbitrary<Where> = path.chain((p) =>
          fc
            .constantFrom(
              'equals',
              'not_equals',
              'in',
              'not_in',
              'exists',
              'gt',
              'lte',
              'like',
              'contains',
            )
            .chain((opName) => {
              const numeric = p === 'views' || p === 'meta.score'
              if (opName === 'exists')
                return fc.boolean().map((v) => ({ [p]: { exists: v } }) as Where)
              if (opName === 'in' || opName === 'not_in')
                return fc
                  .array(
                    values[p]!.filter((v) => v !== null),
                    { maxLength: 3 },
                  )
                  .map((v) => ({ [p]: { [opName]: v } }) as Where)
              if ((opName === 'like' || opName === 'contains') && (numeric || p === 'featured'))
                return fc.constant({ [p]: { exists: true } } as Where)
              if ((opName === 'gt' || opName === 'lte') && p === 'featured')
                return fc.constant({ [p]: { exists: false } } as Where)
              const v =
                opName === 'equals' || opName === 'not_equals'
                  ? values[p]!
                  : values[p]!.filter((x) => x !== null)
              return v.map((value) => ({ [p]: { [opName]: value } }) as Where)
            }),
        )
        // Nesting stays within the where language's depth limit (8).
        const treeOf = (depth: number): fc.Arbitrary<Where> =>
          depth === 0
            ? cond
            : fc.oneof(
                cond,
                fc.record({ and: fc.array(treeOf(depth - 1), { minLength: 1, maxLength: 3 }) }),
                fc.record({ or: fc.array(treeOf(depth - 1), { minLength: 1, maxLength: 3 }) }),
              )
        const tree = treeOf(4)
        const all = {
          published: (await g.find({ collection: 'posts', limit: 1000 })).docs,
          drafts: (await g.find({ collection: 'posts', limit: 1000, draft: true })).docs,
        }
        const coll = g.collection('posts')
        await fc.assert(
          fc.asyncProperty(
            tree,
            fc.constantFrom('published' as const, 'drafts' as const),
            async (where, perspective) => {
              const node = parseWhere(where, coll.paths, 'posts')
              const expected = all[perspective]
                .filter((d) => matchWhere(node, matchTargetOf(d)))
                .map((d) => d.id)
                .sort()
              const got = (
                await g.find({ collection: 'posts', where, perspective, limit: 1000 })
              ).docs
                .map((d) => d.id)
                .sort()
              expect(got).toEqual(expected)
            },
          ),
          { numRuns: 300 },
        )
      } finally {
        await g.close()
      }
    })
  })
}
