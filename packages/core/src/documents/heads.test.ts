import { describe, expect, it } from 'vitest'
import type { RevisionRow } from '../storage/storage-adapter'
import { type HeadMap, applyRevision, replayRevisions, statusOf } from './heads'

const rev = (
  id: string,
  action: RevisionRow['action'],
  data: RevisionRow['data'],
): RevisionRow => ({
  id,
  collection: 'posts',
  docId: 'p',
  variant: action === 'publish' ? 'published' : 'draft',
  action,
  data,
  author: null,
  autosave: false,
  createdAt: `2026-01-0${id}T00:00:00.000Z`,
})

describe('applyRevision', () => {
  it('a discardDraft revision that carries the published content keeps the published head', () => {
    const heads = replayRevisions([
      { ...rev('1', 'create', { title: 'Live' }), variant: 'published' },
      rev('2', 'update', { title: 'Draft' }),
    ])
    expect(statusOf(heads)).toBe('changed')
    const next: HeadMap = applyRevision(heads, rev('3', 'discardDraft', { title: 'Live' }))
    expect([...next]).toEqual([
      ['published', { rev: '1', data: { title: 'Live' }, updatedAt: '2026-01-01T00:00:00.000Z' }],
    ])
  })

  it('an unpublish revision makes its data the draft and removes the published head', () => {
    const heads = replayRevisions([
      { ...rev('1', 'create', { title: 'Live' }), variant: 'published' },
      rev('2', 'unpublish', { title: 'Edited' }),
    ])
    expect([...heads.keys()]).toEqual(['draft'])
    expect(heads.get('draft')?.data).toEqual({ title: 'Edited' })
  })
})
