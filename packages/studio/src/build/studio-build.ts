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
import { spawn } from 'node:child_process'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { STUDIO_DIST, STUDIO_ROOT } from './studio-root'

export { STUDIO_DIST, STUDIO_ROOT }
/** Written last into the build: the hash of the sources it was built from. */
const STAMP = 'build-hash.txt'

/** The build's inputs: the page, the app's sources, the package manifest and this build setup. */
function inputs(): string[] {
  const files = [
    join(STUDIO_ROOT, 'index.html'),
    join(STUDIO_ROOT, 'package.json'),
    fileURLToPath(import.meta.url),
    join(dirname(fileURLToPath(import.meta.url)), 'vite-build.ts'),
  ]
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
  const out = join(STUDIO_ROOT, `.dist-${process.pid}-${Date.now()}`)
  try {
    await runViteBuild(out, options.quiet === true)
    writeFileSync(join(out, STAMP), `${hash}\n`)
    const old = `${STUDIO_DIST}-old-${process.pid}-${Date.now()}`
    if (existsSync(STUDIO_DIST)) renameSync(STUDIO_DIST, old)
    renameSync(out, STUDIO_DIST)
    rmSync(old, { recursive: true, force: true })
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/** `vite-build.ts` in a child process with NODE_ENV=production; rejects with its output on failure. */
function runViteBuild(out: string, quiet: boolean): Promise<void> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'vite-build.ts')
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, out], {
      cwd: STUDIO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        ...(quiet ? { GALLEY_STUDIO_BUILD_QUIET: '1' } : {}),
      },
      stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'pipe'],
    })
    let output = ''
    child.stdout?.on('data', (c: Buffer) => (output += c))
    child.stderr?.on('data', (c: Buffer) => {
      output += c
      if (!quiet) process.stderr.write(c)
    })
    child.on('error', fail)
    child.on('exit', (code) =>
      code === 0
        ? done()
        : fail(new Error(`The Studio's Vite build failed (exit ${code}):\n${output}`)),
    )
  })
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
