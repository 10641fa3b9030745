import { createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { rmSync } from 'node:fs'
rmSync('/tmp/qb', { recursive: true, force: true })
const g = await createGalley({ storage: sqlite({ file: '/tmp/qb/x.db' }), collections: [{ slug: 'posts', versions: { drafts: true }, fields: [{ name: 'title', type: 'text', required: true }, { name: 'slug', type: 'slug', unique: true, index: true }, { name: 'body', type: 'textarea' }, { name: 'views', type: 'number' }] }] })
const N = Number(process.env.N ?? 3000)
const time = async (name: string, fn: (i: number) => Promise<unknown>) => { const t = performance.now(); for (let i = 0; i < N; i++) await fn(i); const s = (performance.now() - t) / 1000; console.log(name, Math.round(N / s), 'ops/s') }
const ids: string[] = []
await time('create', async (i) => ids.push((await g.create({ collection: 'posts', data: { title: 'T' + i, slug: 's-' + i, body: 'x'.repeat(500), views: i } })).id))
await time('draft save', (i) => g.update({ collection: 'posts', id: ids[i]!, data: { title: 'D' + i }, draft: true }))
await time('find published', (i) => g.find({ collection: 'posts', where: { slug: { equals: 's-' + i } }, limit: 1 }))
await time('find drafts', (i) => g.find({ collection: 'posts', where: { slug: { equals: 's-' + i } }, limit: 1, draft: true }))
await time('findById published', (i) => g.findById({ collection: 'posts', id: ids[i]! }))
await time('findById drafts', (i) => g.findById({ collection: 'posts', id: ids[i]!, draft: true }))
await time('publish', (i) => g.publish({ collection: 'posts', id: ids[i]! }))
await g.close()
