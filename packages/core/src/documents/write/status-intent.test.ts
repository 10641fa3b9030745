import { describe, expect, it } from 'vitest'
import { sanitizeConfig } from '../../config/sanitize-config'
import type { StorageAdapter } from '../../storage/storage-adapter'
import type { HeadMap } from '../heads'
import { changesNothing, statusIntent } from './status-intent'

const config = sanitizeConfig({
  storage: { transaction: () => {} } as unknown as StorageAdapter,
  collections: [
    { slug: 'posts', versions: { drafts: true }, fields: [{ name: 'title', type: 'text' }] },
    { slug: 'notes', fields: [{ name: 'title', type: 'text' }] },
  ],
})
const posts = config.collections.get('posts')!
const notes = config.collections.get('notes')!
const head = { rev: 'r', data: {}, updatedAt: '' }

describe('statusIntent', () => {
  it('leaves data without _status as it is', () => {
    const data = { title: 'a' }
    expect(statusIntent(posts, data, true)).toEqual({
      data,
      draft: true,
      unpublish: false,
      statusOnly: false,
    })
    expect(statusIntent(posts, { _status: undefined }, false).draft).toBe(false)
  })

  it("reads 'draft' as a draft write that unpublishes unless a draft flag was given", () => {
    expect(statusIntent(posts, { _status: 'draft', title: 'a' }, undefined)).toEqual({
      data: { title: 'a' },
      draft: true,
      unpublish: true,
      statusOnly: false,
    })
    expect(statusIntent(posts, { _status: 'draft' }, true)).toMatchObject({
      draft: true,
      unpublish: false,
      statusOnly: true,
    })
  })

  it("reads 'published' as a publishing write, refused next to a draft flag", () => {
    expect(statusIntent(notes, { _status: 'published' }, false)).toEqual({
      data: {},
      draft: false,
      unpublish: false,
      statusOnly: true,
    })
    expect(() => statusIntent(posts, { _status: 'published' }, true)).toThrow(/contradicts/)
  })

  it('refuses every other value and drafts where there are none', () => {
    for (const bad of ['changed', '', 'PUBLISHED', null, 0, false, [], {}, 10n, Symbol('s')])
      expect(() => statusIntent(posts, { _status: bad }, false)).toThrow(
        /_status: must be 'draft' or 'published'/,
      )
    expect(() => statusIntent(posts, { _status: 'x'.repeat(500) }, false)).toThrow(/…'/)
    expect(() => statusIntent(notes, { _status: 'draft' }, false)).toThrow(/no drafts/)
  })
})

describe('changesNothing', () => {
  const only = (status: string, asked = false) => statusIntent(posts, { _status: status }, asked)
  it('skips only a lone _status that would not change the document', () => {
    const published: HeadMap = new Map([['published', head]])
    const draftOnly: HeadMap = new Map([['draft', head]])
    const changed: HeadMap = new Map([
      ['published', head],
      ['draft', head],
    ])
    expect(changesNothing(only('draft'), draftOnly)).toBe(true)
    expect(changesNothing(only('draft'), published)).toBe(false)
    expect(changesNothing(only('draft', true), draftOnly)).toBe(false)
    expect(changesNothing(only('published'), published)).toBe(true)
    expect(changesNothing(only('published'), changed)).toBe(false)
    expect(
      changesNothing(statusIntent(posts, { _status: 'draft', title: 'a' }, false), draftOnly),
    ).toBe(false)
  })
})
