import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGalley, type Galley } from '@galley/core'
import { postgres } from '@galley/storage-postgres'
import { sqlite } from '@galley/storage-sqlite'
import { AuthStore, withAuth } from '../src/index'
import { blogConfig } from './helpers/blog'
import { startApiProcesses } from './helpers/api-processes'
import { sseReader } from './helpers/sse'
import { STORES } from './helpers/stores'

// Several API processes on one database each deliver every committed change to their own
// listeners: PostgreSQL through LISTEN/NOTIFY, SQLite through the file's data version.
for (const store of STORES) {
  const processes = store.name === 'postgres' ? 3 : 2
  describe.skipIf(store.skip)(
    `live events across ${processes} API processes (${store.name})`,
    () => {
      let writer: Galley
      let urls: string[] = []
      let stop: () => Promise<void> = async () => {}
      let cleanup: () => Promise<void> = async () => {}

      beforeAll(async () => {
        if (store.name === 'sqlite') {
          const dir = mkdtempSync(join(tmpdir(), 'galley-events-'))
          const file = join(dir, 'data.db')
          writer = await createGalley(withAuth(blogConfig(sqlite({ file }))))
          ;({ urls, stop } = await startApiProcesses(processes, file))
          cleanup = async () => rmSync(dir, { recursive: true, force: true })
        } else {
          const made = await store.make()
          const { DATABASE_URL: url, GALLEY_PG_SCHEMA: schema } = made.env
          await made.storage.close()
          writer = await createGalley(
            withAuth(blogConfig(postgres({ connectionString: url!, schema, pool: { max: 2 } }))),
          )
          ;({ urls, stop } = await startApiProcesses(processes, url!, schema))
          cleanup = made.drop
        }
      }, 120_000)
      afterAll(async () => {
        await stop()
        await writer?.close()
        await cleanup()
      })

      it('a publish through one of them reaches the listeners of every one', async () => {
        const listeners = await Promise.all(
          urls.map(async (url) => {
            const res = await fetch(`${url}/api/events`)
            expect(res.status).toBe(200)
            const sse = sseReader(res.body!)
            expect((await sse.next(10_000))?.event).toBe('ready')
            return sse
          }),
        )
        const { token } = await new AuthStore(writer).createToken({ name: 'w', scope: 'write' })
        const api = (url: string, path: string, body?: unknown) =>
          fetch(`${url}/api${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          })
        // A draft saved through the first process: no anonymous listener hears of it.
        const draft = await api(urls[0]!, '/posts?draft=true', { id: 'multi', title: 'Not yet' })
        expect(draft.status).toBe(201)
        // Published through the last one: every process delivers it to its listeners.
        const at = performance.now()
        expect((await api(urls.at(-1)!, '/posts/multi/publish')).status).toBe(200)
        for (const sse of listeners) {
          const e = await sse.next(5000)
          expect(e?.data).toMatchObject({
            collection: 'posts',
            id: 'multi',
            operation: 'publish',
            status: 'published',
          })
        }
        expect(performance.now() - at).toBeLessThan(2000)
        // And a change by yet another engine (a script, a seed) as well.
        await writer.update({ collection: 'posts', id: 'multi', data: { title: 'Everywhere' } })
        for (const sse of listeners) {
          expect((await sse.next(5000))?.data).toMatchObject({ id: 'multi', operation: 'update' })
          sse.close()
        }
      })
    },
  )
}
