import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// Issue 12's layout rules, checked on every run: small source files and no import cycles.
const ROOT = resolve(import.meta.dirname, '..')
const MAX_LINES = 400

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path)
  }
  return out
}

const packagesDir = join(ROOT, 'packages')
const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'src')))
const files = packages.flatMap((p) => sourceFiles(join(packagesDir, p, 'src')))

/** `@galley/x` and `@galley/x/sub` → the file its package.json exports point at. */
function resolveWorkspace(spec: string): string | undefined {
  const m = /^@galley\/([^/]+)(\/.*)?$/.exec(spec)
  if (!m) return undefined
  const pkgDir = join(packagesDir, m[1])
  const pkgJson = join(pkgDir, 'package.json')
  if (!existsSync(pkgJson)) return undefined
  const exportsField = JSON.parse(readFileSync(pkgJson, 'utf8')).exports ?? {}
  const key = m[2] ? `.${m[2]}` : '.'
  let target = exportsField[key]
  while (target && typeof target === 'object')
    target = target.source ?? target.import ?? target.default ?? target.types
  if (typeof target !== 'string') return undefined
  // Built output maps back to its source for the purpose of this check.
  const candidate = join(
    pkgDir,
    target.replace(/^\.\/dist\//, './src/').replace(/\.(d\.ts|js)$/, '.ts'),
  )
  return existsSync(candidate) ? candidate : undefined
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec)
  const stripped = base.replace(/\.(js|jsx|mjs)$/, '')
  for (const c of [
    base,
    `${stripped}.ts`,
    `${stripped}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ])
    if (existsSync(c) && statSync(c).isFile()) return c
  return undefined
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  const out: string[] = []
  for (const { fileName } of info.importedFiles) {
    const target = fileName.startsWith('.')
      ? resolveRelative(file, fileName)
      : resolveWorkspace(fileName)
    if (target && !/\.test\.tsx?$/.test(target)) out.push(target)
  }
  return out
}

describe('source layout', () => {
  it(`no source file in packages/*/src is over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES)
    expect(long).toEqual([])
  })

  it('no import cycle among source files (type-only imports included)', () => {
    const graph = new Map<string, string[]>()
    for (const f of files) if (!/\.test\.tsx?$/.test(f)) graph.set(f, importsOf(f))
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (node: string): void => {
      state.set(node, 'open')
      stack.push(node)
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open') {
          const loop = stack.slice(stack.indexOf(next)).concat(next)
          cycles.push(loop.map((f) => relative(ROOT, f)).join(' → '))
        } else if (!state.has(next)) visit(next)
      }
      stack.pop()
      state.set(node, 'done')
    }
    for (const node of graph.keys()) if (!state.has(node)) visit(node)
    expect(cycles).toEqual([])
  })
})
