// Spellings of perspectives for property tests: every package's entry point runs the same
// arbitrary, so all of them must agree on what is accepted and on its canonical form.
import fc from 'fast-check'

/** One spelling and what it must parse to: the canonical perspective, or null (refused). */
export interface Spelling {
  input: unknown
  /** The canonical perspective when `raw` is allowed; null when it must be refused. */
  canonical: string | null
  /** How it was made, for failure messages. */
  how: string
}

const RELEASES = ['spring', 'r01', 'summer_2', 'x-y', 'Q4', 'a'] as const

/** Canonical perspectives: the names and stacks of releases, with and without drafts. */
export const canonicalArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('published', 'drafts', 'raw'),
  fc
    .tuple(
      fc.uniqueArray(fc.constantFrom(...RELEASES), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([ids, drafts]) => (drafts ? [...ids, 'drafts'] : ids).join(',')),
)

/** Spellings the parser must accept: the canonical string, its list, an explicit `published`. */
const acceptedArb: fc.Arbitrary<Spelling> = canonicalArb.chain((canonical) => {
  const entries = canonical.split(',')
  const forms: Spelling[] = [{ input: canonical, canonical, how: 'canonical string' }]
  if (canonical !== 'raw') {
    forms.push({ input: entries, canonical, how: 'list' })
    if (canonical !== 'published') {
      forms.push({ input: [...entries, 'published'], canonical, how: 'list + published' })
      forms.push({ input: `${canonical},published`, canonical, how: 'string + published' })
    }
  }
  return fc.constantFrom(...forms)
})

const WHITESPACE = [' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\u0085', '\u2028']
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e']
/** Letters and their lookalikes: Cyrillic, Greek, fullwidth, mathematical, combining marks. */
const LOOKALIKES: Record<string, string[]> = {
  a: ['\u0430', '\uff41', '\u0251', 'a\u0301'],
  e: ['\u0435', '\uff45', '\u212e'],
  o: ['\u043e', '\u03bf', '\uff4f', '\u{1d428}'],
  p: ['\u0440', '\uff50', '\u03c1'],
  r: ['\u0433', '\uff52', '\u1d26'],
  s: ['\u0455', '\uff53'],
  d: ['\u0501', '\uff44', '\u217e'],
  i: ['\u0456', '\uff49', '\u0131'],
  u: ['\u03c5', '\uff55'],
  l: ['\u04cf', '\uff4c', '\u2113'],
  b: ['\u0184', '\uff42'],
  h: ['\u04bb', '\uff48'],
  w: ['\u051d', '\uff57'],
  f: ['\uff46'],
  t: ['\uff54'],
  n: ['\uff4e'],
  g: ['\uff47'],
  m: ['\uff4d'],
  y: ['\u0443', '\uff59'],
  x: ['\u0445', '\uff58'],
  Q: ['\uff31'],
  '0': ['\uff10'],
  '1': ['\uff11'],
  '2': ['\uff12'],
  '4': ['\uff14'],
  _: ['\uff3f'],
  '-': ['\u2010', '\u2212', '\uff0d'],
}

type Mutation = (entries: string[], rnd: number, pick: <T>(xs: readonly T[]) => T) => string[]

const at = (s: string, i: number, insert: string) => s.slice(0, i) + insert + s.slice(i)
const NAMES = new Set(['published', 'drafts', 'raw'])

/** Changes that make any spelling wrong (each returns entries that no rule accepts). */
const MUTATIONS: Record<string, Mutation> = {
  whitespace: (e, r, pick) => {
    const i = Math.floor(r * e.length)
    const ws = pick(WHITESPACE)
    const pos = pick(['start', 'end', 'inside'] as const)
    e[i] = pos === 'start' ? ws + e[i] : pos === 'end' ? e[i] + ws : at(e[i], 1, ws)
    return e
  },
  zeroWidth: (e, r, pick) => {
    const i = Math.floor(r * e.length)
    e[i] = at(e[i], Math.floor(r * (e[i].length + 1)), pick(ZERO_WIDTH))
    return e
  },
  lookalike: (e, r, pick) => {
    const i = Math.floor(r * e.length)
    const chars = [...e[i]].map((c, k) => [c, k] as const).filter(([c]) => LOOKALIKES[c])
    if (chars.length === 0) return MUTATIONS.zeroWidth(e, r, pick)
    const [c, k] = pick(chars)
    const s = [...e[i]]
    s[k] = pick(LOOKALIKES[c])
    e[i] = s.join('')
    return e
  },
  nameCase: (e, r, pick) => {
    // Only names: a release id in another case is another (valid) release.
    const names = e.map((x, k) => [x, k] as const).filter(([x]) => NAMES.has(x))
    if (names.length === 0) return MUTATIONS.empty(e, r, pick)
    const [x, k] = pick(names)
    e[k] = pick([
      x.toUpperCase(),
      x[0].toUpperCase() + x.slice(1),
      x.slice(0, -1) + x.at(-1)!.toUpperCase(),
    ])
    return e
  },
  duplicate: (e, r) => {
    const i = Math.floor(r * e.length)
    e.splice(i, 0, e[i])
    return e
  },
  empty: (e, r) => {
    e.splice(Math.floor(r * (e.length + 1)), 0, '')
    return e
  },
  rawStacked: (e, r) => {
    e.splice(Math.floor(r * (e.length + 1)), 0, 'raw')
    return e
  },
  singular: (e, r) => {
    e.splice(Math.floor(r * (e.length + 1)), 0, 'draft')
    return e
  },
}

/** Spellings the parser must refuse, made from canonical ones. */
const refusedArb: fc.Arbitrary<Spelling> = fc
  .tuple(
    canonicalArb,
    fc.constantFrom(...Object.keys(MUTATIONS)),
    fc.double({ min: 0, max: 0.999, noNaN: true }),
    fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    fc.constantFrom('string', 'list'),
  )
  .map(([canonical, name, r, picks, form]) => {
    let n = 0
    const pick = <T>(xs: readonly T[]): T => xs[picks[n++ % picks.length] % xs.length]
    const entries = MUTATIONS[name](canonical.split(','), r, pick)
    // A comma-joined string of one entry with an inserted ',' is covered by `empty`.
    return {
      input: form === 'string' ? entries.join(',') : entries,
      canonical: null,
      how: `${name} of ${canonical} as a ${form}`,
    }
  })

/** Values that are not perspectives at all. */
const junkArb: fc.Arbitrary<Spelling> = fc
  .oneof(
    fc.constantFrom<unknown>('', ',', [], [''], ['raw'], ['drafts', 'raw'], null, 0, {}, true),
    fc.constant(Array(11).fill('r1')),
    fc.constant(['drafts', 'spring']),
    fc.constant('published,drafts'),
    fc.array(fc.oneof(fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 3 }),
  )
  .map((input) => ({ input, canonical: null, how: 'junk' }))

/** Every kind of spelling, about half of them wrong. */
export const spellingArb: fc.Arbitrary<Spelling> = fc.oneof(
  { weight: 4, arbitrary: acceptedArb },
  { weight: 5, arbitrary: refusedArb },
  { weight: 1, arbitrary: junkArb },
)

/** What a preview entry point must answer: as `spellingArb`, but `raw` is always refused. */
export function previewCanonical(s: Spelling): string | null {
  return s.canonical === 'raw' ? null : s.canonical
}
