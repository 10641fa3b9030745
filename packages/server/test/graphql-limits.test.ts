import { getIntrospectionQuery } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBlog, type Blog, type Res } from './helpers/blog'
import { STORES } from './helpers/stores'

const rep = (n: number, f: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => f(i)).join(' ')

/** `query { ...F0 }` where each of `levels` fragments spreads the next `fan` times; the last holds `leaf`. */
const fanOut = (levels: number, fan: number, leaf: string) =>
  'query { ...F0 } ' +
  rep(levels, (i) => `fragment F${i} on Query { ${rep(fan, () => `...F${i + 1}`)} }`) +
  ` fragment F${levels} on Query { ${leaf} }`

/** A sanity bound on the cost of each refusal; graphql-reject-cost.test.ts holds the real one (10 ms). */
const MAX_CPU_MS = 50

// The limits do not depend on the store: one store is enough.
describe.skipIf(STORES[0]!.skip)('GraphQL document limits', () => {
  let blog: Blog
  const gql = (query: string) => blog.req('POST', '/api/graphql', { body: { query } })
  /** The response and the CPU time the process spent answering it (least of three tries, against GC noise). */
  const timed = async (query: string): Promise<{ res: Res; cpuMs: number }> => {
    let best = Infinity
    let res!: Res
    for (let i = 0; i < 3; i++) {
      const start = process.cpuUsage()
      res = await gql(query)
      const used = process.cpuUsage(start)
      best = Math.min(best, (used.user + used.system) / 1000)
    }
    return { res, cpuMs: best }
  }
  const refused = async (query: string, code: string, message: RegExp) => {
    const { res, cpuMs } = await timed(query)
    expect(res.status).toBe(400)
    expect(res.json.data).toBeUndefined()
    expect(res.json.errors[0].extensions.code).toBe(code)
    expect(res.json.errors[0].message).toMatch(message)
    expect(cpuMs).toBeLessThan(MAX_CPU_MS)
  }

  beforeAll(async () => {
    blog = await setupBlog(STORES[0]!)
    await gql('{ posts { docs { id } } }') // warm up the route and graphql-js
  })
  afterAll(async () => {
    await blog?.close()
  })

  it('the 902-byte exponential document of the review is refused at once', async () => {
    const attack = fanOut(22, 2, '...Nope')
    expect(attack.length).toBeLessThan(1000)
    await refused(attack, 'GRAPHQL_VALIDATION_FAILED', /Unknown fragment "Nope"/)
  })

  it('a request in parallel is not held up by it', async () => {
    const attack = gql(fanOut(22, 2, '...Nope'))
    const start = performance.now()
    const list = await blog.req('GET', '/api/posts')
    const waited = performance.now() - start
    expect(list.status).toBe(200)
    expect((await attack).status).toBe(400)
    expect(waited).toBeLessThan(1000)
  })

  it('valid exponential fan-out is refused by the field limit without expanding it', async () => {
    await refused(fanOut(22, 2, '__typename'), 'QUERY_TOO_COMPLEX', /more than 2000 fields/)
    await refused(fanOut(60, 2, '__typename'), 'QUERY_TOO_COMPLEX', /more than 2000 fields/) // 2^60
    await refused(fanOut(8, 12, '__typename'), 'QUERY_TOO_COMPLEX', /more than 2000 fields/) // wide
    // Fragments that only spread other fragments are counted too.
    await refused(
      `query { ...A } fragment A on Query { ${rep(50, () => '...B')} } fragment B on Query { ${rep(50, () => '...C')} } fragment C on Query { __typename }`,
      'QUERY_TOO_COMPLEX',
      /more than 2000 fields/,
    )
  })

  it('the same measure counts a fragment once per use, within the limit it runs', async () => {
    const ok = await gql(fanOut(9, 2, '__typename')) // 512 fields
    expect(ok.status).toBe(200)
    expect(ok.json).toEqual({ data: { __typename: 'Query' } })
  })

  it('fragment cycles are refused by validation, before any measuring', async () => {
    await refused(
      'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }',
      'GRAPHQL_VALIDATION_FAILED',
      /Cannot spread fragment "A" within itself via "B"/,
    )
    await refused(
      `query { ...A } fragment A on Query { ...A ${rep(30, () => '...A')} }`,
      'GRAPHQL_VALIDATION_FAILED',
      /Cannot spread fragment "A" within itself/,
    )
    await refused(
      'query { ...A } fragment A on Query { __typename } fragment A on Query { __typename }',
      'GRAPHQL_VALIDATION_FAILED',
      /There can be only one fragment named "A"/,
    )
  })

  it('deep nesting is refused, through fields, fragments and brackets', async () => {
    const nested = (n: number) =>
      `{ posts { docs { ${'seo { '.repeat(n)} title ${'} '.repeat(n)} } } }`
    await refused(nested(10), 'QUERY_TOO_COMPLEX', /deeper than 12 levels/)
    // Through fragments: each adds a level of fields.
    const deepFrags =
      'query { posts { ...P0 } } ' +
      rep(12, (i) => `fragment P${i} on PostsPage { docs { author { ...P${i + 1} } } }`) +
      ' fragment P12 on PostsPage { totalDocs }'
    await refused(deepFrags, 'QUERY_TOO_COMPLEX', /deeper than 12 levels/)
    // Nesting the parser would recurse on (it overflowed the stack before) is refused while lexing.
    await refused(
      `{ ${'a { '.repeat(5000)} b ${'} '.repeat(5000)} }`,
      'QUERY_TOO_COMPLEX',
      /nests brackets deeper than 64/,
    )
    await refused(
      `{ posts(where: ${'['.repeat(3000)}${']'.repeat(3000)}) { totalDocs } }`,
      'QUERY_TOO_COMPLEX',
      /nests brackets deeper than 64/,
    )
  })

  it('aliases count as fields; colliding aliases are refused cheaply', async () => {
    await refused(
      `{ ${rep(400, (i) => `a${i}: __typename`)} }`,
      'QUERY_TOO_COMPLEX',
      /more than 1000 tokens/,
    )
    // Fragments counted each time they are used: 3 uses of 700 fields.
    await refused(
      `{ ...F ...G ...H } fragment F on Query { ...A } fragment G on Query { ...A } fragment H on Query { ...A } fragment A on Query { ${rep(700, () => `__typename`)} }`,
      'QUERY_TOO_COMPLEX',
      /more than 2000 fields/,
    )
    await refused(
      `{ posts { docs { ${rep(200, (i) => (i % 2 ? 'x: id' : 'x: title'))} } } }`,
      'GRAPHQL_VALIDATION_FAILED',
      /Fields "x" conflict because "title" and "id" are different fields/,
    )
    await refused(
      `{ a: posts(limit: 1) { totalDocs } a: posts(limit: 2) { totalDocs } }`,
      'GRAPHQL_VALIDATION_FAILED',
      /Fields "a" conflict because they have differing arguments/,
    )
    // Same field, same arguments, merged: fine, also across fragments.
    const merged = await gql(
      '{ posts(limit: 1) { totalDocs } posts(limit: 1) { hasNextPage } ...Q } fragment Q on Query { posts(limit: 1) { limit } }',
    )
    expect(merged.json).toEqual({ data: { posts: { totalDocs: 3, hasNextPage: true, limit: 1 } } })
  })

  it('introspection is asked for once a document: aliases of __schema cost the server 100 ms each', async () => {
    const schema = (alias: string) => `${alias}: __schema { types { fields { name } } }`
    await refused(
      `{ ${rep(80, (i) => schema(`a${i}`))} }`,
      'QUERY_TOO_COMPLEX',
      /__schema more than once/,
    )
    await refused(
      `{ ...S ...T } fragment S on Query { ${schema('a')} } fragment T on Query { ...S }`,
      'QUERY_TOO_COMPLEX',
      /__schema more than once/,
    )
    const type = (i: number) => `t${i}: __type(name: "Query") { fields { name } }`
    await refused(`{ ${rep(21, type)} }`, 'QUERY_TOO_COMPLEX', /__type more than 20 times/)
    expect((await gql(`{ ${rep(20, type)} }`)).status).toBe(200)
    const once = await gql(`{ ${schema('s')} __type(name: "Query") { name } }`)
    expect(once.status).toBe(200)
    expect(once.json.data.s.types.length).toBeGreaterThan(10)
  })

  it("graphql-js's own introspection query runs; introspection still cannot nest fan-out past maxDepth", async () => {
    const full = await gql(getIntrospectionQuery())
    expect(full.status).toBe(200)
    expect(full.json.errors).toBeUndefined()
    expect(full.json.data.__schema.types.length).toBeGreaterThan(10)
    // Only `ofType` (one type, no list) is free; `fields { type { fields … } } }` still counts.
    const fan = `{ __schema { types { ${rep(6, () => 'fields { type {').trim()} name ${'} }'.repeat(6)} } } }`
    await refused(fan, 'QUERY_TOO_COMPLEX', /nested deeper than 12/)
    // And a deep chain of ofType outside introspection is not free (a user type may have one).
    await refused(
      `{ posts { docs { ${'author { '.repeat(12)}id${' }'.repeat(12)} } } }`,
      'QUERY_TOO_COMPLEX',
      /nested deeper than 12/,
    )
  })

  it('a document at the token limit that fails late costs one pass of validation', async () => {
    // Within every limit, so graphql-js validates all of it; the field-merging check comes
    // after the one typed pass and is linear (graphql-js's own rule compares pairs).
    await refused(
      `{ posts { docs { ${rep(325, (i) => (i % 2 ? 'x: id' : 'x: title'))} nope } } }`,
      'GRAPHQL_VALIDATION_FAILED',
      /Cannot query field "nope"/,
    )
    await refused(
      `{ posts { docs { ${rep(325, (i) => (i === 324 ? 'x: title' : 'x: id'))} } } }`,
      'GRAPHQL_VALIDATION_FAILED',
      /Fields "x" conflict because "id" and "title" are different fields/,
    )
  })

  it('many fragments in one selection are cheap to validate and to refuse', async () => {
    const frags = (n: number, extra: string) =>
      `{ posts { docs { ${rep(n, (i) => `...F${i}`)} ${extra} } } } ${rep(n, (i) => `fragment F${i} on Posts { id seo { title } }`)}`
    await refused(frags(60, 'nope'), 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "nope"/)
    const { res, cpuMs } = await timed(frags(60, ''))
    expect(res.status).toBe(200)
    expect(res.json.data.posts.docs).toHaveLength(3)
    expect(cpuMs).toBeLessThan(MAX_CPU_MS * 2) // this one also runs
    const many = `{ __typename } ${rep(101, (i) => `fragment F${i} on Query { a }`)}`
    await refused(many, 'QUERY_TOO_COMPLEX', /more than 100 operations and fragments/)
  })

  it('every operation of a document counts, and tokens are capped', async () => {
    const ops =
      rep(40, (i) => `query Q${i} { ...C0 }`) +
      ' ' +
      rep(55, (i) => `fragment C${i} on Query { ...C${i + 1} }`) +
      ' fragment C55 on Query { __typename }'
    await refused(
      ops,
      'QUERY_TOO_COMPLEX',
      /uses fragments \(named or inline\) more than 2000 times/,
    )
    await refused(`{ ${rep(12_000, () => 'a')} }`, 'QUERY_TOO_COMPLEX', /more than 1000 tokens/)
    await refused(
      `{ ${rep(2, () => 'n'.repeat(257))} }`,
      'QUERY_TOO_COMPLEX',
      /a name longer than 256 characters/,
    )
  })

  it('graphql limits are options, checked when the server is made', async () => {
    const { createServer } = await import('../src/index')
    const galley = blog.galley
    expect(() => createServer({ galley, graphql: { maxTokens: 0 } })).toThrow(
      /graphql.maxTokens must be a whole number ≥ 1, not 0/,
    )
    expect(() => createServer({ galley, graphql: { maxDepth: 2.5 } })).toThrow(/graphql.maxDepth/)
    expect(() => createServer({ galley, graphql: { maxToken: 5000 } as never })).toThrow(
      /graphql.maxToken is not an option; known: maxDepth, maxFields, maxTokens/,
    )
    expect(() => createServer({ galley, graphql: { toString: 5 } as never })).toThrow(
      /graphql.toString is not an option/,
    )
    expect(() => createServer({ galley, graphql: { maxTokens: '1000' } as never })).toThrow(
      /not "1000"/,
    )
    // A raised token limit lets a larger document through to validation.
    const big = `{ posts { docs { ${rep(1200, (i) => (i === 1199 ? 'nope' : 'id'))} } } }`
    const raised = createServer({ galley, graphql: { maxTokens: 2000 } })
    const res = await raised.fetch(
      new Request('http://localhost/api/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: big }),
      }),
    )
    const body = (await res.json()) as { errors: { message: string }[] }
    expect(body.errors[0]!.message).toMatch(/Cannot query field "nope"/)
    await raised.close()
    await refused(big, 'QUERY_TOO_COMPLEX', /more than 1000 tokens/)
  })
})
