import { describe, expect, it } from 'vitest'
import { FormStore, getIn } from './form-store'
import { slugify } from './slugify'

describe('FormStore', () => {
  it('changes one value by copying only its path, so other fields keep their identity', () => {
    const seo = { title: 'a', description: 'b' }
    const nav = [
      { id: 'r1', label: 'Home' },
      { id: 'r2', label: 'Blog' },
    ]
    const store = new FormStore({ title: 'T', seo, nav })
    const before = store.values
    let told = 0
    store.subscribe(() => told++)
    store.set('nav.1.label', 'Posts')
    expect(told).toBe(1)
    expect(store.values).not.toBe(before)
    expect(store.values.seo).toBe(seo)
    expect((store.values.nav as unknown[])[0]).toBe(nav[0])
    expect(getIn(store.values, 'nav.1.label')).toBe('Posts')
    expect(nav[1]!.label).toBe('Blog')
    const navNow = store.values.nav
    store.set('seo.title', 'x')
    expect(store.values.nav).toBe(navNow)
    expect(getIn(store.values, 'seo')).toEqual({ title: 'x', description: 'b' })
  })

  it('creates missing groups on the way', () => {
    const store = new FormStore({})
    store.set('seo.title', 'x')
    expect(store.values).toEqual({ seo: { title: 'x' } })
    expect(getIn(store.values, 'meta.missing')).toBeUndefined()
  })
})

describe('slugify', () => {
  it.each([
    ['Hello, world', 'hello-world'],
    ['  Crème brûlée!  ', 'creme-brulee'],
    ['Release notes 0.1', 'release-notes-0-1'],
    ['---', ''],
  ])('%s → %s', (text, slug) => {
    expect(slugify(text)).toBe(slug)
  })
})
