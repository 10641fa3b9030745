import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGalley, defineConfig, Releases, type Galley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import { AuthStore, createServer, withAuth, type GalleyServer } from '../src/index'

/**
 * Every surface that shows document content applies the read rules reads apply (found by
 * session 8's audit): release documents, revision history and the answers of writes.
 * `notes` may be read only where visibility = public (readDrafts: the default, viewers).
 * PRIV marks content no caller but an admin may read (its published variant is private).
 */
const PRIV = 'PRIVX'
const PASSWORD = 'correct horse battery'

describe('read rules hold beyond find and findById', () => {
  let galley: Galley
  let server: GalleyServer
  let store: AuthStore
  let viewerTok: string
  let writeTok: string
  const req = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await server.app.request(`http://localhost${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, text, headers: res.headers }
  }

  beforeAll(async () => {
    galley = await createGalley(
      withAuth(
        defineConfig({
          storage: sqlite({ file: ':memory:' }),
          collections: [
            {
              slug: 'notes',
              versions: { drafts: true },
              access: { read: () => ({ visibility: { equals: 'public' } }) },
              fields: [
                { name: 'title', type: 'text', required: true },
                { name: 'visibility', type: 'text' },
                { name: 'memo', type: 'relationship', relationTo: 'memos' },
              ],
            },
            {
              // Drafts of memos are for admins only.
              slug: 'memos',
              versions: { drafts: true },
              access: { readDrafts: ({ user }) => (user as { role?: string })?.role === 'admin' },
              fields: [{ name: 'title', type: 'text' }],
            },
          ],
          globals: [
            {
              slug: 'vault',
              versions: { drafts: true },
              access: { read: ({ user }) => user?.role === 'admin' },
              fields: [{ name: 'code', type: 'text' }],
            },
          ],
        }),
      ),
    )
    store = new AuthStore(galley)
    for (const role of ['admin', 'editor', 'viewer'] as const)
      await store.createUser({ email: `${role}@example.com`, password: PASSWORD, role, name: role })
    viewerTok = (await store.createToken({ name: 'v', scope: 'read:drafts' })).token
    writeTok = (await store.createToken({ name: 'w', scope: 'write' })).token
    // n1: published private; a release makes it public.
    await galley.create({
      collection: 'notes',
      id: 'n1',
      data: { title: `${PRIV} published n1`, visibility: 'private' },
    })
    // n2: published private, newer draft public.
    await galley.create({
      collection: 'notes',
      id: 'n2',
      data: { title: `${PRIV} published n2`, visibility: 'private' },
    })
    await galley.update({
      collection: 'notes',
      id: 'n2',
      data: { title: 'draft n2', visibility: 'public' },
      draft: true,
    })
    server = createServer({ galley, logger: { error: () => {}, warn: () => {} }, jobs: false })
  })
  afterAll(async () => {
    await server?.close()
    await galley?.close()
  })

  it('baseline: the viewer cannot read the private published content through find/findById', async () => {
    for (const p of [
      '/api/notes',
      '/api/notes/n1',
      '/api/notes/n2',
      '/api/notes?draft=true',
      '/api/notes/n1?draft=true',
    ]) {
      const r = await req('GET', p, viewerTok)
      expect(r.text, p).not.toContain(PRIV)
    }
  })

  it('releases.get shows no published content the read rule hides beside a release copy', async () => {
    const releases = new Releases(galley)
    const rel = await releases.create({ title: 'spring' })
    await galley.update({
      collection: 'notes',
      id: 'n1',
      data: { title: 'spring n1', visibility: 'public' },
      release: rel.id,
    })
    const r = await req('GET', `/api/releases/${rel.id}`, viewerTok)
    const gql = await req('POST', '/api/graphql', viewerTok, {
      query: `{ contentRelease(id: "${rel.id}") { documents } }`,
    })
    expect(r.status).toBe(200)
    expect(r.text).not.toContain(PRIV)
    expect(gql.text).not.toContain(PRIV)
    // The release copy itself is shown, with its published side left out.
    const doc = JSON.parse(r.text).documents[0]
    expect(doc).toMatchObject({ id: 'n1', published: null, content: { title: 'spring n1' } })
  })

  it('revision history leaves out content the read rule hides', async () => {
    const r = await req('GET', '/api/notes/n2/revisions', viewerTok)
    expect(r.status).toBe(200)
    expect(r.text).not.toContain(PRIV)
    // Its entries stay, without their content; the public draft's content is shown.
    const docs = JSON.parse(r.text).docs as { variant: string; data: unknown }[]
    expect(docs.find((d) => d.variant === 'published')?.data).toBeNull()
    expect(docs.some((d) => JSON.stringify(d.data).includes('draft n2'))).toBe(true)
  })

  it('a write answers only what the caller may read: REST, GraphQL, globals, no-op publishes', async () => {
    await galley.create({
      collection: 'notes',
      id: 'n3',
      data: { title: `${PRIV} published n3`, visibility: 'private' },
    })
    const get = await req('GET', '/api/notes/n3?draft=true', writeTok)
    expect(get.status).toBe(404)
    const r = await req('PATCH', '/api/notes/n3?draft=true', writeTok, {})
    expect(r.status).toBe(200)
    expect(JSON.parse(r.text)).toEqual({ id: 'n3' })
    // The write happened all the same.
    expect((await galley.findById({ collection: 'notes', id: 'n3', draft: true }))?.title).toBe(
      `${PRIV} published n3`,
    )
    const gql = await req('POST', '/api/graphql', writeTok, {
      query: 'mutation { updateNotes(id: "n3", draft: true, data: {}) { id title _rev } }',
    })
    expect(gql.text).not.toContain(PRIV)
    expect(JSON.parse(gql.text).data.updateNotes.id).toBe('n3')
    // A publish with nothing to publish writes nothing and answers nothing hidden.
    const quiet = await req('POST', '/api/notes/n3/publish', writeTok)
    expect(quiet.text).not.toContain(PRIV)
    await galley.updateGlobal({ slug: 'vault', data: { code: `${PRIV} vault` } })
    const vault = await req('PATCH', '/api/globals/vault?draft=true', writeTok, {})
    expect(vault.status).toBe(200)
    expect(vault.text).not.toContain(PRIV)
    // The Local API (trusted, no caller) still answers in full.
    expect(
      (await galley.update({ collection: 'notes', id: 'n3', data: {}, draft: true })).title,
    ).toBe(`${PRIV} published n3`)
  })

  it('a stale revision or a taken id names the current revision only to a caller who may read it', async () => {
    await galley.create({
      collection: 'notes',
      id: 'n9',
      data: { title: `${PRIV} published n9`, visibility: 'private' },
    })
    const n9 = await galley.findById({ collection: 'notes', id: 'n9', draft: true })
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${writeTok}` }
    const write = (method: string, path: string, h: Record<string, string>, body?: unknown) =>
      server.app.request(`http://localhost${path}`, {
        method,
        headers: { ...headers, ...h },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    // Hidden by the read rule: the conflict is reported without the revision.
    for (const [method, path] of [
      ['PATCH', '/api/notes/n9?draft=true'],
      ['POST', '/api/notes/n9/publish'],
      ['DELETE', '/api/notes/n9'],
    ] as const) {
      const r = await write(
        method,
        path,
        { 'if-match': '"stale"' },
        method === 'PATCH' ? {} : undefined,
      )
      const text = await r.text()
      expect(r.status, `${method} ${path}`).toBe(409)
      expect(text).not.toContain(n9!._rev)
      expect(JSON.parse(text).error.currentRevision).toBeNull()
    }
    const taken = await write(
      'POST',
      '/api/notes',
      {},
      { id: 'n9', title: 'again', visibility: 'public' },
    )
    expect(taken.status).toBe(409)
    expect(await taken.text()).not.toContain(n9!._rev)
    // n2's draft is public: the same conflict names its revision.
    const n2 = await galley.findById({ collection: 'notes', id: 'n2', draft: true })
    const shown = await write('PATCH', '/api/notes/n2?draft=true', { 'if-match': '"stale"' }, {})
    expect(shown.status).toBe(409)
    expect(JSON.parse(await shown.text()).error.currentRevision).toBe(n2!._rev)
  })

  it('a rule on createdAt hides the revision of a conflict too (matched on the real creation time)', async () => {
    const g = await createGalley(
      defineConfig({
        storage: sqlite({ file: ':memory:' }),
        collections: [
          {
            slug: 'old',
            versions: { drafts: true },
            // Only documents made before 2000: none.
            access: { read: () => ({ createdAt: { lt: '2000-01-01T00:00:00.000Z' } }) },
            fields: [{ name: 'title', type: 'text' }],
          },
        ],
      }),
    )
    try {
      const made = await g.create({ collection: 'old', id: 'o1', data: { title: 'x' } })
      const user = { id: 'u1' }
      expect(await g.findById({ collection: 'old', id: 'o1', user })).toBeNull()
      const conflicts = [
        g.update({ collection: 'old', id: 'o1', data: {}, ifRevision: 'stale', user }),
        g.create({ collection: 'old', id: 'o1', data: { title: 'y' }, user }),
        g.delete({ collection: 'old', id: 'o1', ifRevision: 'stale', user }),
      ]
      for (const c of conflicts) {
        const err = await c.then(
          () => null,
          (e: unknown) => e as { currentRevision?: string | null; message: string },
        )
        expect(err?.currentRevision ?? null).toBeNull()
        expect(err?.message).not.toContain(made._rev)
      }
    } finally {
      await g.close()
    }
  })

  it('releases.get shows no hidden published content for unpublish requests or `before`', async () => {
    const releases = new Releases(galley)
    await galley.create({
      collection: 'notes',
      id: 'n4',
      data: { title: `${PRIV} published n4`, visibility: 'private' },
    })
    await galley.update({
      collection: 'notes',
      id: 'n4',
      data: { title: 'draft n4', visibility: 'public' },
      draft: true,
    })
    const rel = await releases.create({ title: 'unpub' })
    await releases.addUnpublish({ id: rel.id, collection: 'notes', docId: 'n4' })
    const r = await req('GET', `/api/releases/${rel.id}`, viewerTok)
    const rel2 = await releases.create({ title: 'pubd' })
    await galley.update({
      collection: 'notes',
      id: 'n2',
      data: { title: 'rel n2', visibility: 'public' },
      release: rel2.id,
    })
    await releases.publish({ id: rel2.id })
    const r2 = await req('GET', `/api/releases/${rel2.id}`, viewerTok)
    expect(r.text + r2.text).not.toContain(PRIV)
  })

  it('a drafts read or write with depth leaves related documents it may not read as ids', async () => {
    await galley.create({ collection: 'memos', id: 'm1', data: { title: 'memo' } })
    await galley.create({
      collection: 'notes',
      id: 'n5',
      data: { title: 'open n5', visibility: 'public' },
    })
    const write = await req('PATCH', '/api/notes/n5?draft=true&depth=1', writeTok, { memo: 'm1' })
    expect(write.status).toBe(200)
    expect(JSON.parse(write.text).memo).toBe('m1')
    const read = await req('GET', '/api/notes/n5?draft=true&depth=1', viewerTok)
    expect(read.status).toBe(200)
    expect(JSON.parse(read.text).memo).toBe('m1')
    // Published reads populate it as before.
    await galley.publish({ collection: 'notes', id: 'n5' })
    const live = await req('GET', '/api/notes/n5?depth=1', viewerTok)
    expect(JSON.parse(live.text).memo).toMatchObject({ id: 'm1', title: 'memo' })
  })
})
