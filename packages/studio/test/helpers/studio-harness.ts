import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { loadProject } from '@galley/cli'
import { createGalley, type Config, type Galley } from '@galley/core'
import { AuthStore, createServer, serveNode } from '@galley/server'
import { ensureStudioBuilt } from '../../src/index'
import { startPreviewSite, type PreviewSite } from './preview-site'

export const CHROMIUM = process.env.GALLEY_CHROMIUM ?? '/usr/bin/chromium'
export const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
export const missingChromium = !existsSync(CHROMIUM)
if (missingChromium && process.env.CI)
  throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}: apt-get install chromium.`)
if (missingChromium)
  console.log(`[studio e2e] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium).`)

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
export const ARTIFACTS = join(repoRoot, 'artifacts', 'studio')
export const EDITOR = { email: 'editor@example.com', password: 'correct horse battery staple' }
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' }

/** The example blog (as `npm run dev` serves it) with an editor, on a free port. */
export interface RunningStudio {
  url: string
  galley: Galley
  /** The example site's stand-in, whose draft-mode route "Open preview" opens. */
  site: PreviewSite
  close(): Promise<void>
}

export async function startStudio(
  store: 'sqlite' | 'postgres',
  options: { extend?: (config: Config) => Config } = {},
): Promise<RunningStudio> {
  // Built once per change of the Studio's sources (a no-op when dist/ is current).
  await ensureStudioBuilt({ quiet: true })
  const dataDir = mkdtempSync(join(tmpdir(), `studio-e2e-${store}-`))
  const schema = `studio_${randomBytes(6).toString('hex')}`
  const site = await startPreviewSite()
  const env: Record<string, string | undefined> = {
    GALLEY_SITE_URL: site.url,
    ...(store === 'postgres' ? { DATABASE_URL: PG_URL, GALLEY_PG_SCHEMA: schema } : {}),
  }
  const project = await loadProject({ cwd: dataDir, env })
  const galley = await createGalley(
    options.extend ? options.extend(project.config as Config) : project.config,
  )
  await project.seed!(galley)
  const auth = new AuthStore(galley)
  await auth.createUser({ ...EDITOR, role: 'editor', name: 'Eddie' })
  await auth.createUser({ ...ADMIN, role: 'admin', name: 'Ada Admin' })
  const server = createServer({
    galley,
    ...project.server,
    logger: { error: () => {}, warn: () => {} },
  })
  const http = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
  site.connect(http.url, (await auth.createToken({ name: 'site', scope: 'read:drafts' })).token)
  return {
    url: http.url,
    galley,
    site,
    async close() {
      await site.close()
      await http.close()
      await server.close()
      const keepAlive = setInterval(() => {}, 1000)
      await galley.close().finally(() => clearInterval(keepAlive))
      if (store === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await client.end()
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** Run axe-core in the page; fail on any serious or critical violation, naming each. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<any> } }).axe
    const res = await axe.run({ resultTypes: ['violations'] })
    return res.violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v: { id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      )
  })
  expect(violations, `axe on ${screen}`).toEqual([])
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
