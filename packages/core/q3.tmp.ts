import { createGalley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { rmSync } from 'node:fs'
rmSync('/tmp/qb', { recursive: true, force: true })
const g = await createGalley({ storage: sqlite({ file: '/tmp/qb/x.db' }), collections: [{ slug: 'posts', versions: { drafts: true }, fields: [{ name: 'title', type: 'text', required: true }, { name: 'slug', type: 'slug', unique: true, index: true }, { name: 'body', type: 'textarea' }, { name: 'views', type: 'number' }] }] })
const ids: string[] = []
for (let i = 0; i < 4000; i++) ids.push((await g.create({ collection: 'posts', data: { title: 'T' + i, slug: 's-' + i, body: 'x'.repeat(500), views: i } })).id)
for (let i = 0; i < 4000; i++) await g.update({ collection: 'posts', id: ids[i]!, data: { title: 'D' + i }, draft: true })
await g.close()
