import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Field } from './field-types'
import { isUnstorableText, validateFields } from './validate-fields'

const fields: Field[] = [
  { name: 'title', type: 'text', required: true, maxLength: 10 },
  { name: 'email', type: 'email' },
  { name: 'slug', type: 'slug' },
  { name: 'count', type: 'number', min: 0, max: 5, integer: true },
  { name: 'on', type: 'checkbox', defaultValue: false },
  { name: 'when', type: 'date' },
  { name: 'kind', type: 'select', options: ['a', { label: 'B', value: 'b' }] },
  { name: 'meta', type: 'group', fields: [{ name: 'n', type: 'number' }] },
  {
    name: 'rows',
    type: 'array',
    maxRows: 2,
    fields: [{ name: 'k', type: 'text', required: true }],
  },
  { name: 'body', type: 'richText' },
  {
    name: 'odd',
    type: 'text',
    validate: (v) => (typeof v === 'string' && v.length % 2 === 1) || 'Must have odd length.',
  },
]

describe('validateFields', () => {
  it('accepts good data, applies defaults, normalises dates, gives rows ids', async () => {
    const { data, errors } = await validateFields(
      fields,
      {
        title: 'Hi',
        when: '2026-03-01',
        rows: [{ k: 'x' }],
        kind: 'b',
        id: 'ignored',
        _status: 'x',
      },
      { draft: false, applyDefaults: true },
    )
    expect(errors).toEqual([])
    expect(data).toMatchObject({
      title: 'Hi',
      on: false,
      when: '2026-03-01T00:00:00.000Z',
      kind: 'b',
    })
    expect((data.rows as Array<{ id: string }>)[0]!.id).toMatch(/^\w+$/)
    expect(data).not.toHaveProperty('_status')
  })

  it('reports every problem by path', async () => {
    const { errors } = await validateFields(
      fields,
      {
        title: 'far too long title',
        email: 'nope',
        slug: 'Not A Slug',
        count: 2.5,
        on: 'yes',
        when: 'never',
        kind: 'c',
        meta: { n: 'x' },
        rows: [{}, { k: 'a' }, { k: 'b' }],
        body: 'text',
        odd: 'ab',
        extra: 1,
      },
      { draft: false, applyDefaults: false },
    )
    expect(errors.map((e) => e.path)).toEqual([
      'extra',
      'title',
      'email',
      'slug',
      'count',
      'on',
      'when',
      'kind',
      'meta.n',
      'rows',
      'body',
      'odd',
    ])
  })

  it("takes dates by the where language's ISO 8601 rule, nothing looser", async () => {
    const when = async (value: unknown) =>
      validateFields(fields, { when: value }, { draft: true, applyDefaults: false })
    for (const [value, stored] of [
      ['2026-03-01', '2026-03-01T00:00:00.000Z'],
      ['2024-02-29T23:59:59.5+01:00', '2024-02-29T22:59:59.500Z'],
      [new Date('2026-01-31T12:00:00Z'), '2026-01-31T12:00:00.000Z'],
      ['0000-01-01', '0000-01-01T00:00:00.000Z'],
    ] as const) {
      const { data, errors } = await when(value)
      expect(errors).toEqual([])
      expect(data.when).toBe(stored)
    }
    for (const bad of [
      '2026-02-30', // rolled over to March by Date
      '2025-02-29',
      '2026-01-31T24:00',
      'March 7, 2026',
      '12/31/2026',
      1767225600000,
      8640000000000000,
      new Date(Number.NaN),
      new Date('+010000-01-01T00:00:00Z'),
      `2026-01-31${' '.repeat(100)}`,
    ]) {
      const { errors } = await when(bad)
      expect(errors, String(bad)).toHaveLength(1)
      expect(errors[0]!.message).toContain('ISO 8601')
    }
  })

  it('says a number beyond what JSON holds is one, not "a number, got number"', async () => {
    const { errors } = await validateFields(
      fields,
      { count: Number.POSITIVE_INFINITY },
      { draft: true, applyDefaults: false },
    )
    expect(errors[0]!.message).toMatch(/finite number.*beyond what JSON holds/)
  })

  it('drafts skip required but keep every other check', async () => {
    expect(
      (await validateFields(fields, {}, { draft: true, applyDefaults: false })).errors,
    ).toEqual([])
    expect(
      (await validateFields(fields, {}, { draft: false, applyDefaults: false })).errors,
    ).toEqual([{ path: 'title', message: 'This field is required.' }])
    expect(
      (await validateFields(fields, { count: 9 }, { draft: true, applyDefaults: false })).errors,
    ).toEqual([{ path: 'count', message: 'Must be at most 5.' }])
    expect(
      (await validateFields(fields, { rows: [{}] }, { draft: true, applyDefaults: false })).errors,
    ).toEqual([])
    expect(
      (
        await validateFields(fields, { rows: [{}] }, { draft: false, applyDefaults: false })
      ).errors.map((e) => e.path),
    ).toEqual(['title', 'rows.0.k'])
  })

  it('refuses text no store keeps faithfully: NUL and lone surrogates, at any depth', async () => {
    const json: Field[] = [
      { name: 'title', type: 'text' },
      { name: 'extra', type: 'json' },
    ]
    for (const [data, path] of [
      [{ title: 'a\u0000b' }, 'title'],
      [{ title: 'x\ud800' }, 'title'],
      [{ extra: { deep: ['ok', '\udc00y'] } }, 'extra.deep.1'],
      [{ extra: { ['k\u0000']: 1 } }, 'extra.k\u0000'],
    ] as const) {
      const { errors } = await validateFields(json, data, { draft: true, applyDefaults: false })
      expect(errors).toEqual([
        { path, message: expect.stringMatching(/NUL character or broken Unicode/) },
      ])
    }
    expect(
      (
        await validateFields(
          json,
          { title: 'emoji 😀 fine' },
          { draft: true, applyDefaults: false },
        )
      ).errors,
    ).toEqual([])
  })

  it('tells unstorable text exactly as the definition does (NUL, or a surrogate without its pair)', () => {
    const definition =
      /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    const unit = fc.oneof(
      fc.constantFrom('a', '\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '😀', 'é', '\uffff'),
      fc.string({ unit: 'binary', maxLength: 1 }),
    )
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (parts) => {
        const s = parts.join('')
        expect(isUnstorableText(s)).toBe(definition.test(s))
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses data that is not an object', async () => {
    expect(
      (await validateFields(fields, [1], { draft: true, applyDefaults: false })).errors[0]!.message,
    ).toMatch(/must be an object/)
  })
})
