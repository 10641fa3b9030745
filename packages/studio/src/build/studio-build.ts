import { createHash } from 'node:crypto'
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The Studio package's directory (index.html and src/app are its build inputs). */
export const STUDIO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Where the built Studio lives; the server serves it at `/admin`. */
export const STUDIO_DIST = join(STUDIO_ROOT, 'dist')
/** Written last into the build: the hash of the sources it was built from. */
const STAMP = 'build-hash.txt'

/** The build's inputs: the page, the app's sources and the package manifest (dependency ranges). */
function inputs(): string[] {
  const files = [join(STUDIO_ROOT, 'index.html'), join(STUDIO_ROOT, 'package.json')]
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (!name.endsWith('.test.ts') && !name.endsWith('.test.tsx')) files.push(path)
    }
  }
  walk(join(STUDIO_ROOT, 'src', 'app'))
  return files
}

/** SHA-256 over the build's inputs (paths and contents), so a checkout or edit is noticed whatever the mtimes. */
export function studioSourceHash(): string {
  const hash = createHash('sha256')
  for (const file of inputs()) {
    hash.update(relative(STUDIO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex')
}

/** Whether `dist/` holds a build of the current sources. */
export function isStudioBuilt(): boolean {
  const stamp = join(STUDIO_DIST, STAMP)
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === studioSourceHash()
}

/**
 * Build the Studio with Vite into `dist/`. The build goes to a fresh directory first and is
 * swapped in by rename, so a server serving `dist/` never sees half a build and two builds
 * at once (a test run beside `npm run dev`) do not mix their files.
 */
export async function buildStudio(options: { quiet?: boolean } = {}): Promise<void> {
  const hash = studioSourceHash()
  const { build } = await import('vite')
  const { default: react } = await import('@vitejs/plugin-react')
  const out = join(STUDIO_ROOT, `.dist-${process.pid}-${Date.now()}`)
  try {
    await build({
      root: STUDIO_ROOT,
      base: '/admin/',
      configFile: false,
      logLevel: options.quiet ? 'error' : 'info',
      plugins: [react()],
      build: { outDir: out, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
    })
    writeFileSync(join(out, STAMP), `${hash}\n`)
    const old = `${STUDIO_DIST}-old-${process.pid}-${Date.now()}`
    if (existsSync(STUDIO_DIST)) renameSync(STUDIO_DIST, old)
    renameSync(out, STUDIO_DIST)
    rmSync(old, { recursive: true, force: true })
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/**
 * Build the Studio unless `dist/` already holds a build of the current sources. Returns
 * whether it built. Used by `npm run dev` and the browser tests, so a fresh clone needs no
 * separate build step.
 */
export async function ensureStudioBuilt(options: { quiet?: boolean } = {}): Promise<boolean> {
  if (isStudioBuilt()) return false
  await buildStudio(options)
  return true
}
