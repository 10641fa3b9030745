import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// A cycle among source modules makes load order matter and hides which module owns what
// (issue 12): every import, type-only ones included, must point one way.
const SRC = resolve(import.meta.dirname, '../src')
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : []
  })
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')])
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate
  return undefined
}

/** Every cycle's files, each found once from its first file in sorted order. */
function findCycles(files: string[]): string[][] {
  const graph = new Map<string, string[]>()
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    const deps: string[] = []
    for (const m of text.matchAll(IMPORT)) {
      const target = resolveImport(f, (m[1] ?? m[2])!)
      if (target !== undefined) deps.push(target)
    }
    graph.set(f, deps)
  }
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (f: string) => {
    state.set(f, 'open')
    stack.push(f)
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') cycles.push(stack.slice(stack.indexOf(d)))
      else if (!state.has(d)) visit(d)
    }
    stack.pop()
    state.set(f, 'done')
  }
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f)
  return cycles
}

describe('packages/server/src', () => {
  it('has no import cycle', () => {
    const cycles = findCycles(sourceFiles(SRC)).map((c) =>
      [...c, c[0]!].map((f) => relative(SRC, f)).join(' → '),
    )
    expect(cycles).toEqual([])
  })

  it('the check finds a cycle where there is one, type-only imports included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'galley-cycle-'))
    try {
      mkdirSync(join(dir, 'rest'))
      writeFileSync(
        join(dir, 'context.ts'),
        "import type { R } from './rest/read'\nexport type C = R\n",
      )
      writeFileSync(
        join(dir, 'rest/read.ts'),
        "import { x } from '../leaf'\nexport type R = 1\nexport { y } from '../context'\n",
      )
      writeFileSync(join(dir, 'leaf.ts'), 'export const x = 1\n')
      const cycles = findCycles(sourceFiles(dir)).map((c) => c.map((f) => relative(dir, f)))
      expect(cycles).toEqual([['context.ts', 'rest/read.ts']])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
