import { afterAll, describe, expect, it } from 'vitest'
import { STORES, dropTestSchemas, makeGalley } from './stores'

afterAll(dropTestSchemas)

for (const store of STORES) {
  describe(`dataVersion [${store.name}]`, () => {
    it(
      store.name === 'sqlite'
        ? 'moves with every commit'
        : 'is undefined: other servers commit unseen, so nothing may be cached on it',
      async () => {
        const g = await makeGalley(store)
        try {
          const before = g.dataVersion()
          await g.create({ collection: 'posts', data: { title: 't', slug: 's' } })
          if (store.name === 'sqlite') expect(g.dataVersion()).not.toBe(before)
          else expect([before, g.dataVersion()]).toEqual([undefined, undefined])
        } finally {
          await g.close()
        }
      },
    )
  })
}
