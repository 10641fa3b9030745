import fc from 'fast-check'
import { parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { checkQueryLimits } from '../src/graphql/query-limits'

/** A selection: a field (with a selection of its own, or none) or a spread of a later fragment. */
type Item = { field: Item[] | null } | { spread: number }

const item = (maxTarget: number, depth: number): fc.Arbitrary<Item> => {
  const field: fc.Arbitrary<Item> =
    depth === 0
      ? fc.constant({ field: null })
      : fc.oneof(
          fc.constant({ field: null }),
          fc
            .array(item(maxTarget, depth - 1), { minLength: 1, maxLength: 3 })
            .map((f) => ({ field: f })),
        )
  return maxTarget < 0
    ? field
    : fc.oneof(
        field,
        fc.integer({ min: 0, max: maxTarget }).map((n) => ({ spread: n })),
      )
}

/** The items with every spread of a fragment at or before `i` replaced by a field: no cycles. */
const forward = (items: Item[], i: number): Item[] =>
  items.map((x) =>
    'spread' in x
      ? x.spread <= i
        ? { field: null }
        : x
      : { field: x.field && forward(x.field, i) },
  )

/** Fragments F0…Fn-1 where Fi spreads only Fj with j > i (no cycles), and an operation. */
const documents = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    fragments: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.array(item(n - 1, 2), { minLength: 1, maxLength: 4 }).map((items) => forward(items, i)),
      ),
    ),
    operation: fc.array(item(n - 1, 2), { minLength: 1, maxLength: 4 }),
  }),
)

const print = (items: Item[], k = { n: 0 }): string =>
  `{ ${items.map((x) => ('spread' in x ? `...F${x.spread}` : `f${k.n++}${x.field ? ` ${print(x.field, k)}` : ''}`)).join(' ')} }`

/** The sizes by expanding every spread, as graphql-js would execute it. */
function expand(
  items: Item[],
  fragments: Item[][],
): { fields: number; spreads: number; depth: number } {
  let fields = 0
  let spreads = 0
  let depth = 1
  for (const x of items) {
    if ('spread' in x) {
      const inner = expand(fragments[x.spread]!, fragments)
      spreads += 1 + inner.spreads
      fields += inner.fields
      depth = Math.max(depth, inner.depth)
    } else {
      fields += 1
      if (x.field) {
        const inner = expand(x.field, fragments)
        fields += inner.fields
        spreads += inner.spreads
        depth = Math.max(depth, 1 + inner.depth)
      }
    }
  }
  return { fields, spreads, depth }
}

describe('checkQueryLimits', () => {
  it('refuses exactly the documents whose expansion breaks a limit, without expanding', () => {
    fc.assert(
      fc.property(
        documents,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 60 }),
        ({ fragments, operation }, maxDepth, maxFields) => {
          const source =
            `query ${print(operation)} ` +
            fragments.map((f, i) => `fragment F${i} on Query ${print(f)}`).join(' ')
          const size = expand(operation, fragments)
          const err = checkQueryLimits(parse(source), { maxDepth, maxFields })
          const over = size.depth > maxDepth || size.fields > maxFields || size.spreads > maxFields
          expect(err !== null).toBe(over)
          if (size.depth > maxDepth) expect(err?.message).toMatch(/deeper than/)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('MergeableFieldsRule', () => {
  it('refuses exactly the documents graphql-js OverlappingFieldsCanBeMergedRule refuses', async () => {
    const { createGalley } = await import('@galley/core')
    const { sqlite } = await import('@galley/storage-sqlite')
    const { validate, NoUnusedFragmentsRule, OverlappingFieldsCanBeMergedRule } =
      await import('graphql')
    const { withAuth } = await import('../src/index')
    const { Operations } = await import('../src/operations/operations')
    const { buildGraphQLSchema } = await import('../src/graphql/build-schema')
    const { MergeableFieldsRule } = await import('../src/graphql/mergeable-fields-rule')
    const { blogConfig } = await import('./helpers/blog')
    const galley = await createGalley(withAuth(blogConfig(sqlite({ file: ':memory:' }))))
    const schema = buildGraphQLSchema(new Operations(galley, null))

    const alias = fc.constantFrom('', 'x: ', 'y: ')
    const leaf = fc.tuple(alias, fc.constantFrom('id', 'title', 'views')).map(([a, f]) => a + f)
    const postField = (n: number): fc.Arbitrary<string> =>
      fc.oneof(
        leaf,
        fc
          .tuple(alias, fc.array(fc.constantFrom('title'), { minLength: 1, maxLength: 2 }))
          .map(([a, f]) => `${a}seo { ${f.join(' ')} }`),
        fc
          .tuple(
            alias,
            fc.array(fc.constantFrom('id', 'name', 'x: id', 'x: name'), {
              minLength: 1,
              maxLength: 3,
            }),
          )
          .map(([a, f]) => `${a}author { ${f.join(' ')} }`),
        ...(n > 0 ? [fc.integer({ min: 0, max: n - 1 }).map((i) => `...P${i}`)] : []),
      )
    const doc = fc.integer({ min: 0, max: 3 }).chain((n) =>
      fc
        .tuple(
          fc.tuple(
            ...Array.from({ length: n }, (_, i) =>
              fc.array(postField(0), { minLength: 1, maxLength: 3 }).map(
                // P(i) may spread P(j) for j < i only: no cycles.
                (fs) => (i > 0 ? [...fs, `...P${i - 1}`] : fs).join(' '),
              ),
            ),
          ),
          fc.array(
            fc.tuple(
              fc.constantFrom('', 'p: '),
              fc.constantFrom(1, 2),
              fc.array(postField(n), { minLength: 1, maxLength: 4 }),
            ),
            { minLength: 1, maxLength: 3 },
          ),
        )
        .map(
          ([frags, roots]) =>
            `{ ${roots.map(([a, l, fs]) => `${a}posts(limit: ${l}) { docs { ${fs.join(' ')} } }`).join(' ')} } ` +
            frags.map((f, i) => `fragment P${i} on Posts { ${f} }`).join(' '),
        ),
    )
    fc.assert(
      fc.property(doc, (source) => {
        const document = parse(source)
        // Unused fragments are not expanded (the limits do not measure them); validation refuses them.
        const theirs = validate(schema, document, [
          OverlappingFieldsCanBeMergedRule,
          NoUnusedFragmentsRule,
        ])
        const ours = validate(schema, document, [MergeableFieldsRule, NoUnusedFragmentsRule])
        expect(ours.length > 0).toBe(theirs.length > 0)
      }),
      { numRuns: 400 },
    )
    await galley.close()
  })
})

describe('breaksFragmentRules', () => {
  it('is true exactly when graphql-js reports unknown, duplicate or cyclic fragments', async () => {
    const { breaksFragmentRules } = await import('../src/graphql/fragment-graph')
    const {
      GraphQLObjectType,
      GraphQLSchema,
      GraphQLString,
      validate,
      ExecutableDefinitionsRule,
      KnownFragmentNamesRule,
      NoFragmentCyclesRule,
      UniqueFragmentNamesRule,
    } = await import('graphql')
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLString } } }),
    })
    // Fragments F0..F4 (names may repeat), each spreading any names, some unknown (F5..F6).
    const spread = fc.integer({ min: 0, max: 6 }).map((i) => `...F${i}`)
    const body = fc
      .array(
        fc.oneof(
          fc.constant('a'),
          spread,
          spread.map((s) => `... on Query { ${s} }`),
        ),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((items) => `{ ${items.join(' ')} }`)
    const doc = fc.record({
      operation: body,
      fragments: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), body), { maxLength: 6 }),
      schemaDef: fc.boolean(),
    })
    fc.assert(
      fc.property(doc, ({ operation, fragments, schemaDef }) => {
        const source =
          `query ${operation} ` +
          fragments.map(([n, b]) => `fragment F${n} on Query ${b}`).join(' ') +
          (schemaDef ? ' scalar Extra' : '')
        const document = parse(source)
        const theirs = validate(schema, document, [
          ExecutableDefinitionsRule,
          UniqueFragmentNamesRule,
          KnownFragmentNamesRule,
          NoFragmentCyclesRule,
        ])
        expect(breaksFragmentRules(document), source).toBe(theirs.length > 0)
      }),
      { numRuns: 1000 },
    )
  })

  it('inline fragments and variables count against maxFields like spreads', () => {
    const limits = { maxDepth: 12, maxFields: 10 }
    const inline = (n: number) => `{ ${'... on Query { '.repeat(n)} a ${'} '.repeat(n)} }`
    expect(checkQueryLimits(parse(inline(10)), limits)).toBeNull()
    expect(checkQueryLimits(parse(inline(11)), limits)?.message).toMatch(/named or inline/)
    const vars = (n: number) =>
      `query Q($v: Int) { ...F ...F } fragment F on Query { a(x: [${'$v '.repeat(n)}], y: {z: $v}) }`
    expect(checkQueryLimits(parse(vars(4)), limits)).toBeNull() // (4 + 1) × 2 uses
    expect(checkQueryLimits(parse(vars(5)), limits)?.message).toMatch(/uses variables more than 10/)
  })
})

describe('checkDocument', () => {
  it('refuses exactly what graphql-js validate refuses, directives at every location', async () => {
    const { createGalley } = await import('@galley/core')
    const { sqlite } = await import('@galley/storage-sqlite')
    const { validate, specifiedRules } = await import('graphql')
    const { Operations } = await import('../src/operations/operations')
    const { buildGraphQLSchema } = await import('../src/graphql/build-schema')
    const { checkDocument } = await import('../src/graphql/check-document')
    const { blogConfig } = await import('./helpers/blog')
    const galley = await createGalley(blogConfig(sqlite({ file: ':memory:' })))
    const schema = buildGraphQLSchema(new Operations(galley, null))
    const limits = { maxDepth: 12, maxFields: 2000, maxTokens: 1000 }
    // Zero to two directives at each place an executable document may carry them.
    const dirs = fc
      .array(fc.constantFrom('@skip(if: false)', '@include(if: true)', '@nope'), { maxLength: 2 })
      .map((d) => d.join(' '))
    const doc = fc
      .tuple(dirs, dirs, dirs, dirs, dirs, dirs)
      .map(
        ([op, varDef, field, spread, inline, frag]) =>
          `query Q($v: Int ${varDef}) ${op} { posts(limit: $v) ${field} { totalDocs ...F ${spread} ... on PostsPage ${inline} { limit } } } fragment F on PostsPage ${frag} { page }`,
      )
    fc.assert(
      fc.property(doc, (source) => {
        const theirs = validate(schema, parse(source), specifiedRules).map((e) => e.message)
        const ours = (checkDocument(schema, source, limits).errors ?? [])
          .map((e) => e.message)
          .filter((m) => !m.startsWith('Too many validation errors'))
        // Refused by both or neither; each error ours reports (up to 5) is one of theirs.
        expect(ours.length > 0, source).toBe(theirs.length > 0)
        for (const m of ours) expect(theirs, source).toContain(m)
        if (theirs.some((m) => m.includes('can only be used once')))
          expect(ours.some((m) => m.includes('can only be used once')) || ours.length === 5).toBe(
            true,
          )
      }),
      { numRuns: 300 },
    )
    await galley.close()
  })
})
