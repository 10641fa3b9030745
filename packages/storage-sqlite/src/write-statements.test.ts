import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { type Galley, createGalley } from '@galley/core'
import { sqlite } from './sqlite-store'

// Statements a write runs, counted on better-sqlite3's statement methods: what a write
// costs does not depend on how busy the machine is.
const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<
  string,
  (...a: unknown[]) => unknown
>
const ran: string[] = []
for (const m of ['run', 'get', 'all', 'iterate']) {
  const orig = proto[m]!
  proto[m] = function (this: { source: string }, ...a: unknown[]) {
    ran.push(this.source)
    return orig.apply(this, a)
  }
}
afterEach(() => {
  ran.length = 0
})

async function open(statementCache?: number): Promise<Galley> {
  return createGalley({
    storage: sqlite({ file: ':memory:', statementCache }),
    collections: [
      {
        slug: 'posts',
        versions: { drafts: true },
        fields: [
          { name: 'title', type: 'text' },
          { name: 'slug', type: 'text', unique: true },
        ],
      },
    ],
  })
}

const counted = async (fn: () => Promise<unknown>) => {
  ran.length = 0
  await fn()
  return [...ran]
}

describe('SQLite write statements', () => {
  it('a create with an id it made reads nothing first; one with a given id reads the document', async () => {
    const g = await open()
    try {
      await g.create({ collection: 'posts', data: { title: 'warm up' } })
      const made = await counted(() => g.create({ collection: 'posts', data: { title: 'a' } }))
      const given = await counted(() =>
        g.create({ collection: 'posts', id: 'given', data: { title: 'b' } }),
      )
      expect(made.some((s) => s.includes('FROM galley_revisions WHERE collection = ?'))).toBe(false)
      expect(given.some((s) => s.includes('FROM galley_revisions WHERE collection = ?'))).toBe(true)
      expect(made.length).toBe(given.length - 1)
      // A given id that exists is still refused, and a unique value still checked.
      await expect(
        g.create({ collection: 'posts', id: 'given', data: { title: 'c' } }),
      ).rejects.toThrow(/already exists/)
      await g.create({ collection: 'posts', data: { title: 'd', slug: 's' } })
      await expect(
        g.create({ collection: 'posts', data: { title: 'e', slug: 's' } }),
      ).rejects.toThrow(/unique/)
      expect((await g.count({ collection: 'posts' })).totalDocs).toBe(4)
    } finally {
      await g.close()
    }
  })

  it('keeps working statements when more shapes run than the statement cache holds', async () => {
    const g = await open(3)
    try {
      for (let i = 0; i < 30; i++) {
        const p = await g.create({ collection: 'posts', data: { title: `t${i}`, slug: `s${i}` } })
        await g.update({ collection: 'posts', id: p.id, data: { title: `d${i}` }, draft: true })
        const found = await g.find({
          collection: 'posts',
          where: { slug: { equals: `s${i}` } },
          perspective: 'drafts',
          limit: 1 + (i % 5),
        })
        expect(found.docs.map((d) => d.title)).toEqual([`d${i}`])
      }
      expect((await g.count({ collection: 'posts' })).totalDocs).toBe(30)
    } finally {
      await g.close()
    }
  })
})
