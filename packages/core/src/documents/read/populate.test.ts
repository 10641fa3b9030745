import { describe, expect, it } from 'vitest'
import type { Field } from '../../fields/field-types'
import { hasRelationships, populateRelationships } from './populate'

const rel = (name: string): Field =>
  ({ name, type: 'relationship', relationTo: 'authors' }) as Field

describe('hasRelationships', () => {
  it('finds a relationship at the top, in a group, in an array, and in an array in a group', () => {
    const text: Field = { name: 'title', type: 'text' } as Field
    expect(hasRelationships([text])).toBe(false)
    expect(hasRelationships([text, rel('author')])).toBe(true)
    expect(
      hasRelationships([{ name: 'meta', type: 'group', fields: [text, rel('a')] } as Field]),
    ).toBe(true)
    expect(hasRelationships([{ name: 'rows', type: 'array', fields: [rel('a')] } as Field])).toBe(
      true,
    )
    const deep = [
      { name: 'g', type: 'group', fields: [{ name: 'rows', type: 'array', fields: [rel('a')] }] },
    ] as Field[]
    expect(hasRelationships(deep)).toBe(true)
    expect(hasRelationships([{ name: 'g', type: 'group', fields: [text] } as Field])).toBe(false)
  })

  it('agrees with what populateRelationships fills: every slot it finds, it says so', async () => {
    const shapes: Array<[Field[], Record<string, unknown>]> = [
      [[rel('author')], { author: 'a1' }],
      [[{ name: 'g', type: 'group', fields: [rel('author')] } as Field], { g: { author: 'a1' } }],
      [
        [{ name: 'rows', type: 'array', fields: [rel('author')] } as Field],
        { rows: [{ author: 'a1' }] },
      ],
    ]
    for (const [fields, doc] of shapes) {
      let asked = 0
      await populateRelationships([doc], fields, 1, { left: 10 }, async (_r, ids) => {
        asked += ids.length
        return []
      })
      expect(asked).toBe(1)
      expect(hasRelationships(fields)).toBe(true)
    }
  })
})
