/**
 * `npm run build` (and `prepare`, so a fresh `npm install` builds): every published package
 * in packages/* to ESM JavaScript with source maps and one `.d.ts` per entry, with tsup.
 *
 * Entries come from the package's own manifest: each `exports` target and `bin` under
 * `./dist/<name>.js` is built from `./src/<name>.ts` (or `.tsx`). A package is skipped when
 * `dist/.build-hash` matches the hash of its sources, manifest and this script, so a second
 * run costs a few milliseconds per package.
 *
 *   npm run build                      # stale packages only
 *   npm run build -- --force           # every package
 *   npm run build -- --studio          # also copy the Studio's build into @galley/server
 *   npm run build -- core preview      # these packages only (folder names)
 *   npm run build -- --warn-only       # report a package that fails, do not exit 1 (prepare, dev)
 *
 * Inside this repository only the `galley` bin link (node_modules/.bin) runs dist/: the
 * `@galley/source` export condition sends TypeScript, Vite, vitest, tsx and Next.js to the
 * sources. dist/ is what `npm pack` ships.
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'tsup'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const STAMP = '.build-hash'
/**
 * Modules a package loads by file URL rather than by import, so they must stay files of
 * their own beside the bundle: the SQLite worker threads, the CLI's example config.
 */
const EXTRA_ENTRIES: Record<string, string[]> = {
  '@galley/storage-sqlite': ['checkpoint-thread', 'slow-read-thread'],
  '@galley/cli': ['example-blog/galley.config'],
}

export interface Manifest {
  name: string
  private?: boolean
  exports?: Record<string, string | Record<string, string>>
  bin?: Record<string, string>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/** Publishable packages in dependency order (a package after the ones it imports). */
export function publishablePackages(): { dir: string; manifest: Manifest }[] {
  const all = readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
    }))
    .filter((p) => !p.manifest.private)
  const byName = new Map(all.map((p) => [p.manifest.name, p]))
  const order: typeof all = []
  const visit = (p: (typeof all)[number], seen: Set<string>) => {
    if (order.includes(p) || seen.has(p.manifest.name)) return
    seen.add(p.manifest.name)
    for (const dep of Object.keys(p.manifest.dependencies ?? {})) {
      const d = byName.get(dep)
      if (d) visit(d, seen)
    }
    order.push(p)
  }
  for (const p of all) visit(p, new Set())
  return order
}

/** `{ 'storage/index': 'src/storage/index.ts', bin: 'src/bin.ts' }` from exports and bin. */
export function entriesOf(dir: string, manifest: Manifest): Record<string, string> {
  const targets: string[] = []
  for (const value of Object.values(manifest.exports ?? {})) {
    if (typeof value === 'string') targets.push(value)
    else if (value.default) targets.push(value.default)
  }
  targets.push(...Object.values(manifest.bin ?? {}))
  targets.push(...(EXTRA_ENTRIES[manifest.name] ?? []).map((e) => `./dist/${e}.js`))
  const entries: Record<string, string> = {}
  for (const target of targets) {
    const m = /^\.\/dist\/(.+)\.js$/.exec(target)
    if (!m) continue
    const source = ['.ts', '.tsx'].map((ext) => `src/${m[1]}${ext}`)
    const found = source.find((s) => existsSync(join(dir, s)))
    if (!found) throw new Error(`${manifest.name}: ${target} has no source (looked for ${source})`)
    entries[m[1]!] = join(dir, found)
  }
  return entries
}

/** SHA-256 of the package's sources (tests excluded), its manifest and this script. */
function sourceHash(dir: string): string {
  const hash = createHash('sha256')
  const files = [join(dir, 'package.json'), fileURLToPath(import.meta.url)]
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (!/\.test\.tsx?$/.test(name)) files.push(path)
    }
  }
  walk(join(dir, 'src'))
  for (const f of files) hash.update(relative(root, f)).update('\0').update(readFileSync(f))
  return hash.digest('hex')
}

async function buildPackage(dir: string, manifest: Manifest): Promise<void> {
  const entry = entriesOf(dir, manifest)
  await build({
    entry,
    outDir: join(dir, 'dist'),
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: { entry: Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'bin')) },
    tsconfig: join(root, 'tsconfig.build.json'),
    sourcemap: true,
    // Code can tell its build from its sources (`typeof __GALLEY_BUILT__ !== 'undefined'`);
    // esbuild then drops the sources-only branch.
    define: { __GALLEY_BUILT__: 'true' },
    // Folds those branches away (with their top-level await, so CommonJS callers on Node
    // 20.19+ can require() the server); names and layout stay as written.
    minifySyntax: true,
    clean: true,
    splitting: true,
    silent: true,
    // Only the package's own modules are bundled: every other import (dependencies, peers
    // such as `next/headers` in the Next.js adapter, other @galley packages) stays an import.
    skipNodeModulesBundle: true,
    external: [/^@galley\//, /^next(\/|$)/],
    esbuildOptions(options) {
      options.sourceRoot = undefined
      options.sourcesContent = true
    },
  })
  restoreUseClient(dir, entry)
}

const USE_CLIENT = /^\s*(['"])use client\1/

/**
 * Whether an entry is a React client boundary: its module, or a module it re-exports from,
 * starts with 'use client'.
 */
function isClientEntry(source: string): boolean {
  const text = readFileSync(source, 'utf8')
  if (USE_CLIENT.test(text)) return true
  for (const m of text.matchAll(/^export\s[^'"]*from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const base = join(dirname(source), m[1]!)
    const file = ['.ts', '.tsx', '/index.ts', '/index.tsx']
      .map((ext) => base + ext)
      .find((f) => existsSync(f))
    if (file && USE_CLIENT.test(readFileSync(file, 'utf8'))) return true
  }
  return false
}

/**
 * esbuild drops module directives when it bundles; put 'use client' back at the top of each
 * client entry (React Server Components look for it at the boundary), moving its source map
 * down one line.
 */
function restoreUseClient(dir: string, entries: Record<string, string>): void {
  for (const [name, source] of Object.entries(entries)) {
    if (!isClientEntry(source)) continue
    const js = join(dir, 'dist', `${name}.js`)
    writeFileSync(js, `'use client';\n${readFileSync(js, 'utf8')}`)
    const mapFile = `${js}.map`
    if (!existsSync(mapFile)) continue
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { mappings: string }
    map.mappings = `;${map.mappings}`
    writeFileSync(mapFile, JSON.stringify(map))
  }
}

/** The Studio's Vite build, copied into @galley/server's dist/studio, the folder it serves. */
async function copyStudio(): Promise<void> {
  const server = join(root, 'packages', 'server', 'dist')
  // @ts-ignore -- resolved through the @galley/source condition; run by tsx
  const { ensureStudioBuilt, STUDIO_DIST } = await import('@galley/studio')
  await ensureStudioBuilt({ quiet: true })
  rmSync(join(server, 'studio'), { recursive: true, force: true })
  mkdirSync(server, { recursive: true })
  cpSync(STUDIO_DIST, join(server, 'studio'), { recursive: true })
}

/** At most `size` builds at once. */
class Semaphore {
  private waiting: (() => void)[] = []
  constructor(private free: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--
    else await new Promise<void>((go) => this.waiting.push(go))
    try {
      return await fn()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.free++
    }
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  const args = process.argv.slice(2)
  const force = args.includes('--force')
  const warnOnly = args.includes('--warn-only')
  const failed: string[] = []
  const only = args.filter((a) => !a.startsWith('--'))
  const started = Date.now()
  const built: string[] = []
  // Packages build side by side, each once the siblings it imports are done (their .d.ts
  // files feed its own), at most one per CPU.
  const slots = new Semaphore(availableParallelism())
  const tasks = new Map<string, Promise<void>>()
  for (const { dir, manifest } of publishablePackages()) {
    if (only.length && !only.includes(relative(join(root, 'packages'), dir))) continue
    try {
      entriesOf(dir, manifest)
    } catch (err) {
      // A package being written (its entry files not there yet) stops a build for a pack.
      if (!warnOnly) throw err
      failed.push(manifest.name)
      process.stderr.write(`Skipped ${manifest.name}: ${(err as Error).message}\n`)
      continue
    }
    const hash = sourceHash(dir)
    const stamp = join(dir, 'dist', STAMP)
    if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) continue
    const deps = Object.keys(manifest.dependencies ?? {}).flatMap((d) => tasks.get(d) ?? [])
    const task = Promise.allSettled(deps).then(async () => {
      await slots.run(() => buildPackage(dir, manifest))
      writeFileSync(stamp, hash)
      built.push(manifest.name)
    })
    tasks.set(manifest.name, task)
  }
  const results = await Promise.allSettled(tasks.values())
  const names = [...tasks.keys()]
  for (const [i, r] of results.entries()) {
    if (r.status === 'fulfilled') continue
    // On `npm install` (prepare) a package that does not build yet must not fail the
    // install: say so and go on; `npm run build` and `npm pack` fail.
    if (!warnOnly) throw r.reason
    failed.push(names[i]!)
    process.stderr.write(`Could not build ${names[i]}: ${(r.reason as Error).message}\n`)
  }
  if (args.includes('--studio')) await copyStudio()
  if (failed.length)
    process.stderr.write(`Not built: ${failed.join(', ')} (npm run build shows why).\n`)
  const took = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(
    built.length ? `Built ${built.join(', ')} in ${took} s\n` : `Packages up to date (${took} s)\n`,
  )
}
