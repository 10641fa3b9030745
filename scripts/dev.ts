/**
 * `npm run dev`: the Galley API (`galley dev`) with the Studio at /admin and, beside it, the
 * example Next.js site (examples/next-blog, `next dev`) pointed at it. The Studio is built
 * (Vite, into packages/studio/dist) first when its sources changed since the last build. The site's secrets — its read token, the
 * draft-mode cookie key and the revalidation secret — are made on the first run and kept in
 * `<data dir>/next-blog.json` (mode 600); the API gets the revalidation secret so that every
 * publish purges the site's cache.
 *
 *   npm run dev                      # API on PORT or 4000, site on SITE_PORT or 3000
 *   npm run dev -- --api-only        # just `galley dev` (and the Studio)
 *   npm run dev -- --port 4100       # other flags go to `galley dev`
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGalley } from '@galley/core'
import { AuthStore } from '@galley/server'
import { loadProject, runCli, type CliIo } from '@galley/cli'
import { ensureStudioBuilt, isStudioBuilt } from '@galley/studio'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const siteDir = join(root, 'examples', 'next-blog')
const SITE_TOKEN_NAME = 'next-blog'

interface SiteSecrets {
  readToken: string
  cookieSecret: string
  revalidateSecret: string
}

const io: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  cwd: process.cwd(),
  env: process.env,
}

const argv = process.argv.slice(2)
const apiOnly = argv.includes('--api-only') || !existsSync(join(siteDir, 'package.json'))
const cliArgs = argv.filter((a) => a !== '--api-only')

if (apiOnly) {
  await runDev()
} else {
  const sitePort = process.env.SITE_PORT || '3000'
  const siteUrl = `http://localhost:${sitePort}`
  const dataDir = dataDirOf(cliArgs)
  const secrets = await ensureSiteSecrets(dataDir)
  // Read by the example config's `server` export: preview links and signed purges go to the site.
  process.env.GALLEY_SITE_URL ??= siteUrl
  process.env.REVALIDATE_SECRET = secrets.revalidateSecret
  const dev = await runDev()
  if (dev) {
    const site = startSite(sitePort, dev.url, secrets)
    io.out(
      `Site: ${siteUrl}  (examples/next-blog, Next.js; static for the public, drafts in preview)`,
    )
    io.out(`Preview link: npm run galley -- preview url --path /posts/drafts-and-previews`)
    stopOnSignal(async () => {
      if (site.exitCode === null && site.pid) site.kill('SIGTERM')
      await dev.close()
    })
  }
}

async function runDev() {
  await buildStudio()
  const { code, dev } = await runCli(['dev', ...cliArgs], io)
  if (!dev) {
    process.exitCode = code
    return null
  }
  io.out(
    `Studio: ${dev.url}/admin  (sign in with the admin login; 'npm run galley -- user create --email <email> --role editor' adds editors)`,
  )
  if (apiOnly) stopOnSignal(() => dev.close())
  return dev
}

/** Build the Studio when its sources changed since the last build; the API runs either way. */
async function buildStudio(): Promise<void> {
  if (isStudioBuilt()) return
  io.out('Building the Studio (packages/studio, Vite)…')
  try {
    await ensureStudioBuilt({ quiet: true })
  } catch (err) {
    io.err(`The Studio could not be built, so /admin is unavailable: ${(err as Error).message}`)
  }
}

function startSite(port: string, apiUrl: string, secrets: SiteSecrets): ChildProcess {
  // PORT is the API's; the site gets its own with -p.
  const { PORT: _apiPort, ...env } = process.env
  const child = spawn(join(root, 'node_modules', '.bin', 'next'), ['dev', '-p', port], {
    cwd: siteDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      GALLEY_URL: apiUrl,
      GALLEY_READ_TOKEN: secrets.readToken,
      GALLEY_DRAFT_COOKIE_SECRET: secrets.cookieSecret,
      REVALIDATE_SECRET: secrets.revalidateSecret,
      NEXT_TELEMETRY_DISABLED: '1',
    },
  })
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) stream.write(`[site] ${line}\n`)
  }
  child.stdout?.on('data', prefix(process.stdout))
  child.stderr?.on('data', prefix(process.stderr))
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM')
      io.err(`[site] next dev stopped (${signal ?? `exit ${code}`}); the API keeps running.`)
  })
  return child
}

/** The site's secrets, made once per data dir; the read token is re-made when the store lost it. */
async function ensureSiteSecrets(dataDir: string): Promise<SiteSecrets> {
  const file = join(dataDir, 'next-blog.json')
  let saved: Partial<SiteSecrets> = {}
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<SiteSecrets>
  } catch {
    saved = {}
  }
  const secret = () => randomBytes(32).toString('base64url')
  const project = await loadProject({
    cwd: io.cwd,
    env: io.env,
    config: configOf(cliArgs),
    dataDir,
  })
  const galley = await createGalley(project.config)
  let readToken = saved.readToken
  try {
    const store = new AuthStore(galley)
    if (!readToken || !(await store.resolveToken(readToken))) {
      await store.revokeToken(SITE_TOKEN_NAME)
      const created = await store.createToken({
        name: SITE_TOKEN_NAME,
        scope: 'read:drafts',
        createdBy: 'npm run dev',
      })
      readToken = created.token
    }
  } finally {
    // The SQLite store waits for an unref'd worker: keep the loop alive until it is closed.
    const keepAlive = setInterval(() => {}, 1000)
    await galley.close().finally(() => clearInterval(keepAlive))
  }
  const secrets: SiteSecrets = {
    readToken,
    cookieSecret: saved.cookieSecret ?? secret(),
    revalidateSecret: saved.revalidateSecret ?? secret(),
  }
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}

function flag(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (i < 0) return undefined
  return args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1]
}

function configOf(args: string[]): string | undefined {
  return flag(args, '--config') ?? flag(args, '-c')
}

function dataDirOf(args: string[]): string {
  const dir = flag(args, '--data-dir') ?? process.env.GALLEY_DATA_DIR
  return dir ? resolve(io.cwd, dir) : join(io.cwd, '.galley')
}

function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false
  const onSignal = async () => {
    if (stopping) return
    stopping = true
    await stop()
    process.exit(0)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}
