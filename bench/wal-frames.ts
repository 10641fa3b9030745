/**
 * bench/wal-frames: WAL frames (pages) each write operation commits, per B-tree. A commit
 * costs about one page write per frame, so this is the write cost that does not depend on
 * how busy the machine is. Seeds the bench's data set, then for create, draft save and
 * publish: resets the WAL, runs 80 operations with no checkpoint, reads the page number of
 * every frame from the log and names its B-tree with SQLite's dbstat.
 * @example npx tsx bench/wal-frames.ts
 */
import Database from 'better-sqlite3'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqlite } from '@galley/storage-sqlite'
import { open } from './engine'
import { changedIndices, draftOf, seededPost } from './lib/workload'
import { createRng, randomInt } from './lib/rng'

const dir = join(tmpdir(), 'galley-wal-frames')
mkdirSync(dir, { recursive: true })
const file = join(dir, 'frames.db')
for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true })
// No checkpoints from a worker: the log must hold every frame of the measured operations.
const galley = await open(sqlite({ file, checkpointWorker: false }))
const DOCS = 10_000
const ids: string[] = []
for (let i = 0; i < DOCS; i += 500)
  await galley.transaction(async (g) => {
    for (let j = i; j < i + 500; j++)
      ids.push((await g.create({ collection: 'posts', data: { ...seededPost(j) } })).id)
  })
const changed = changedIndices({ docs: DOCS, changed: 2000 } as never)
for (let r = 1; r <= 5; r++)
  for (let i = 0; i < changed.length; i += 500)
    await galley.transaction(async (g) => {
      for (const k of changed.slice(i, i + 500))
        await g.update({
          collection: 'posts',
          id: ids[k]!,
          data: { ...draftOf(k, r) },
          draft: true,
        })
    })

const side = new Database(file)
// 80 operations of ≤ 12 frames stay under SQLite's automatic checkpoint (1,000 frames).
const OPS = 80

/** Page numbers of the valid frames in the log (a frame's salt must match the header's). */
function framePages(): number[] {
  const log = readFileSync(`${file}-wal`)
  const pageSize = log.readUInt32BE(8)
  const pages: number[] = []
  for (let at = 32; at + 24 + pageSize <= log.length; at += 24 + pageSize) {
    if (
      log.readUInt32BE(at + 8) !== log.readUInt32BE(16) ||
      log.readUInt32BE(at + 12) !== log.readUInt32BE(20)
    )
      break
    pages.push(log.readUInt32BE(at))
  }
  return pages
}

async function measure(name: string, op: (k: number) => Promise<unknown>): Promise<void> {
  // Warm up, then measure the operations that follow, as the workload's phases run.
  for (let k = 0; k < 200; k++) await op(k)
  side.pragma('wal_checkpoint(TRUNCATE)')
  for (let k = 200; k < 200 + OPS; k++) await op(k)
  const pages = framePages()
  const owner = new Map<number, string>()
  for (const r of side.prepare('SELECT name, pageno FROM dbstat').all() as Array<{
    name: string
    pageno: number
  }>)
    owner.set(r.pageno, r.name)
  const by = new Map<string, number>()
  for (const p of pages) {
    const name = p === 1 ? 'page 1' : (owner.get(p) ?? 'new or free page')
    by.set(name, (by.get(name) ?? 0) + 1)
  }
  const parts = [...by].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${(c / OPS).toFixed(2)}`)
  console.log(
    `${name}: ${(pages.length / OPS).toFixed(2)} frames per operation (${parts.join(', ')})`,
  )
}

// As the workload creates: slug new-<n>.
await measure('create', (k) =>
  galley.create({
    collection: 'posts',
    data: { ...seededPost(DOCS + k), slug: `new-${DOCS + k}` },
  }),
)
const rng = createRng(21)
const withDraft = new Set<number>(changed)
await measure('draft save', (k) => {
  const i = randomInt(rng, DOCS)
  withDraft.add(i)
  return galley.update({
    collection: 'posts',
    id: ids[i]!,
    data: { ...draftOf(i, 7 + k) },
    draft: true,
  })
})
const pending = [...withDraft]
let next = 0
await measure('publish', () => galley.publish({ collection: 'posts', id: ids[pending[next++]!]! }))
side.close()
await galley.close()
rmSync(dir, { recursive: true, force: true })
