/**
 * The example site end to end: `next build` once against a seeded Galley server, then
 * `next start` against a Galley server per store (SQLite, and PostgreSQL when
 * GALLEY_TEST_POSTGRES_URL is set), driven in Debian's Chromium.
 *
 * Each store publishes `Hello from <store>` as the title of `hello-world`, so a page can only
 * show it if it was rendered from that store. The build is made against SQLite; the
 * PostgreSQL run starts from the same pristine build and must first purge it through the
 * signed revalidation webhook — what a deployment that changes its store would do — before
 * the public page shows PostgreSQL's content.
 *
 * GALLEY_E2E_REUSE_BUILD=1 skips `next build` when examples/next-blog/.next is there (for
 * working on the test; the build then needs the same secrets, which this file makes fresh).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadProject, runCli, type CliIo } from '@galley/cli'
import { stegaClean, stegaDecode } from '@galley/client'
import { createGalley, type Galley } from '@galley/core'
import { AuthStore, createServer, serveNode, signWebhook, type GalleyServer } from '@galley/server'
import { ensureStudioBuilt } from '@galley/studio'

const siteDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = resolve(siteDir, '..', '..')
const nextBin = join(repoRoot, 'node_modules', '.bin', 'next')
const artifacts = join(repoRoot, 'artifacts', 'next-blog')

const CHROMIUM = process.env.GALLEY_CHROMIUM ?? '/usr/bin/chromium'
const PG_URL = process.env.GALLEY_TEST_POSTGRES_URL
const missingChromium = !existsSync(CHROMIUM)
if (missingChromium && process.env.CI)
  throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}: apt-get install chromium.`)
if (missingChromium)
  console.log(`[next-blog e2e] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium).`)
if (!PG_URL && process.env.CI)
  throw new Error('CI is set but GALLEY_TEST_POSTGRES_URL is not: the PostgreSQL run must happen.')

type StoreName = 'sqlite' | 'postgres'
const STORES: StoreName[] = ['sqlite', ...(PG_URL ? (['postgres'] as const) : [])]

const cookieSecret = randomBytes(32).toString('base64url')
const revalidateSecret = randomBytes(32).toString('base64url')
const quiet = { error: () => {}, warn: () => {} }

/** A Galley API on a free port, seeded with the example blog, as `galley dev` would run it. */
interface RunningGalley {
  store: StoreName
  url: string
  env: Record<string, string | undefined>
  galley: Galley
  server: GalleyServer
  readToken: string
  writeToken: string
  close(): Promise<void>
}

async function startGalley(store: StoreName, siteUrl: string): Promise<RunningGalley> {
  const dataDir = mkdtempSync(join(tmpdir(), `next-blog-e2e-${store}-`))
  const schema = `e2e_${randomBytes(6).toString('hex')}`
  const env: Record<string, string | undefined> = {
    GALLEY_DATA_DIR: dataDir,
    GALLEY_SITE_URL: siteUrl,
    REVALIDATE_SECRET: revalidateSecret,
    ...(store === 'postgres' ? { DATABASE_URL: PG_URL, GALLEY_PG_SCHEMA: schema } : {}),
  }
  // The example config (there is no galley.config.ts in dataDir), with its `server` options:
  // the preview URL and the signed webhook both point at the site.
  const project = await loadProject({ cwd: dataDir, env })
  expect(project.isExample).toBe(true)
  const galley = await createGalley(project.config)
  await project.seed!(galley)
  await galley.update({
    collection: 'posts',
    id: 'hello-world',
    data: { title: `Hello from ${store}` },
  })
  const auth = new AuthStore(galley)
  const token = async (name: string, scope: 'read:drafts' | 'write') =>
    (await auth.createToken({ name, scope, createdBy: 'e2e' })).token
  const readToken = await token('next-blog', 'read:drafts')
  const writeToken = await token('editor', 'write')
  const server = createServer({
    galley,
    ...project.server,
    webhookRetry: { attempts: 3, baseDelayMs: 200 },
    logger: quiet,
  })
  const http = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
  return {
    store,
    url: http.url,
    env,
    galley,
    server,
    readToken,
    writeToken,
    async close() {
      await http.close()
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

function siteEnv(api: RunningGalley): NodeJS.ProcessEnv {
  const { PORT: _port, ...env } = process.env
  return {
    ...env,
    GALLEY_URL: api.url,
    GALLEY_READ_TOKEN: api.readToken,
    GALLEY_DRAFT_COOKIE_SECRET: cookieSecret,
    REVALIDATE_SECRET: revalidateSecret,
    NEXT_TELEMETRY_DISABLED: '1',
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(nextBin, args, { cwd: siteDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c))
    child.stderr.on('data', (c: Buffer) => (output += c))
    child.on('error', fail)
    child.on('exit', (code) =>
      code === 0 ? done(output) : fail(new Error(`next ${args[0]} exited ${code}:\n${output}`)),
    )
  })
}

async function startSite(port: number, api: RunningGalley): Promise<ChildProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSiteOnce(port, api)
    } catch (err) {
      // The previous store's server may still hold the port for a moment.
      if (attempt >= 5 || !/EADDRINUSE/.test(String(err))) throw err
      await sleep(500)
    }
  }
}

async function startSiteOnce(port: number, api: RunningGalley): Promise<ChildProcess> {
  const child = spawn(nextBin, ['start', '-p', String(port)], {
    cwd: siteDir,
    env: siteEnv(api),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => (output += c))
  child.stderr!.on('data', (c: Buffer) => (output += c))
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`)
    const res = await fetch(`http://localhost:${port}/about`).catch(() => null)
    if (res?.ok) return child
    if (Date.now() > deadline) throw new Error(`next start did not answer:\n${output}`)
    await sleep(200)
  }
}

function stopSite(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve()
  return new Promise((done) => {
    child.once('exit', () => done())
    process.kill(-child.pid!, 'SIGTERM')
  })
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createNetServer()
    srv.once('error', fail)
    srv.listen(0, () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => done(port))
    })
  })
}

/** The status the site's change-feed route answers the page's session (the stream is dropped at once). */
function changeFeedStatus(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const stop = new AbortController()
    const res = await fetch('/api/galley-events', { signal: stop.signal })
    stop.abort()
    return res.status
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000
  let last: T
  for (;;) {
    last = await probe()
    if (ok(last)) return last
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(last)}`)
    await sleep(250)
  }
}

/** The `<h1>` text of a page, and its status, as a visitor without cookies gets it. */
async function publicPage(
  url: string,
): Promise<{ status: number; title: string | null; cache: string | null }> {
  const res = await fetch(url, { redirect: 'manual' })
  const html = await res.text()
  const title = /<h1 data-testid="(?:post-title|not-found)">([^<]*)</.exec(html)?.[1] ?? null
  return { status: res.status, title, cache: res.headers.get('x-nextjs-cache') }
}

async function rest(api: RunningGalley, method: string, path: string, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${api.writeToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await res.json()) as Record<string, unknown>
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

async function previewSecret(api: RunningGalley, body: Record<string, unknown> = {}) {
  return (await rest(api, 'POST', '/api/preview/secrets', body)) as {
    secret: string
    previewUrl?: string
  }
}

/** The headline's text, without the click-to-edit marks draft mode adds. */
async function titleOf(page: Page): Promise<string | null> {
  const text = await page.locator('h1').first().textContent()
  return text === null ? null : stegaClean(text)
}

const INVISIBLE_RUN = /[\u200b\u200c\u200d\ufeff]{8,}/
/** Strings only the overlay bundle holds (its channel name and the attribute it sets). */
const OVERLAY_CODE = /galley-visual-editing/

/** A page's HTML and every script it loads from this site. */
async function pageAndScripts(url: string): Promise<{ html: string; scripts: string[] }> {
  const html = await (await fetch(url)).text()
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => new URL(m[1], url).href)
  const scripts = await Promise.all(srcs.map(async (src) => (await fetch(src)).text()))
  return { html, scripts }
}

// First and in the same file as the build, which rewrites next-env.d.ts and .next/types.
describe('examples/next-blog: types', () => {
  it('type-checks (site and this test) with tsc', async () => {
    const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc')
    await new Promise<void>((done, fail) => {
      const child = spawn(tsc, ['-p', join(siteDir, 'tsconfig.json')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout.on('data', (c: Buffer) => (output += c))
      child.stderr.on('data', (c: Buffer) => (output += c))
      child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`tsc failed:\n${output}`))))
    })
  }, 120_000)
})

describe.skipIf(missingChromium)(
  'examples/next-blog: static for the public, live in draft mode',
  () => {
    let browser: Browser
    let sitePort: number
    let siteUrl: string
    let pristine: string
    let builder: RunningGalley | undefined
    const buildDir = join(siteDir, '.next')

    beforeAll(async () => {
      mkdirSync(artifacts, { recursive: true })
      sitePort = await freePort()
      siteUrl = `http://localhost:${sitePort}`
      const reuse =
        process.env.GALLEY_E2E_REUSE_BUILD === '1' && existsSync(join(buildDir, 'BUILD_ID'))
      builder = await startGalley('sqlite', siteUrl)
      if (!reuse) {
        const started = Date.now()
        const output = await run(['build'], siteEnv(builder))
        console.log(`[next-blog e2e] next build: ${((Date.now() - started) / 1000).toFixed(1)} s`)
        // Published posts are prerendered (●), the list is static (○), draft routes are dynamic (ƒ).
        expect(output).toMatch(/○ \/\s/)
        expect(output).toMatch(/● \/posts\/hello-world/)
        expect(output).not.toMatch(/● \/posts\/coming-soon/)
        expect(output).toMatch(/ƒ \/api\/draft/)
      }
      pristine = mkdtempSync(join(tmpdir(), 'next-blog-build-'))
      cpSync(buildDir, pristine, { recursive: true })
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      })
    }, 300_000)

    afterAll(async () => {
      await browser?.close()
      await builder?.close()
      if (pristine) rmSync(pristine, { recursive: true, force: true })
    }, 60_000)

    for (const store of STORES) {
      describe(store, () => {
        let api: RunningGalley
        let site: ChildProcess | undefined
        let editor: BrowserContext
        const post = () => `${siteUrl}/posts/hello-world`
        const published = `Hello from ${store}`
        const draftTitle = `Hello again from ${store} (edited)`

        beforeAll(async () => {
          // SQLite serves from the server the build was made against; PostgreSQL gets its own.
          if (store === 'sqlite' && builder) {
            api = builder
            builder = undefined
          } else api = await startGalley(store, siteUrl)
          // Every store starts from the build as `next build` left it.
          rmSync(buildDir, { recursive: true, force: true })
          cpSync(pristine, buildDir, { recursive: true })
          site = await startSite(sitePort, api)
          editor = await browser.newContext()
        }, 120_000)

        afterAll(async () => {
          await editor?.close()
          await stopSite(site)
          await api?.close()
        }, 60_000)

        it('refuses revalidation without the secret or with a bad signature', async () => {
          const body = JSON.stringify({ event: 'publish', tags: ['posts'] })
          const post = (headers: Record<string, string>) =>
            fetch(`${siteUrl}/api/revalidate`, { method: 'POST', headers, body }).then(
              (r) => r.status,
            )
          expect(await post({})).toBe(401)
          expect(await post({ 'X-Galley-Signature': signWebhook(body, 'x'.repeat(32)) })).toBe(401)
          expect(await post({ Authorization: `Bearer ${'x'.repeat(43)}` })).toBe(401)
          // A signature wins over a right bearer secret: a signed request must verify.
          expect(
            await post({
              Authorization: `Bearer ${revalidateSecret}`,
              'X-Galley-Signature': 'sha256=00',
            }),
          ).toBe(401)
        })

        it('shows the published title from a static page', async () => {
          if (store !== 'sqlite') {
            // The build holds SQLite's pages: purge them as the Galley webhook would.
            const body = JSON.stringify({
              event: 'publish',
              tags: ['posts', 'authors', 'globals:settings'],
            })
            const res = await fetch(`${siteUrl}/api/revalidate`, {
              method: 'POST',
              headers: {
                'Content-Type': 'application/json',
                'X-Galley-Signature': signWebhook(body, revalidateSecret),
              },
              body,
            })
            expect(res.status).toBe(200)
            await until(
              'the purged page',
              () => publicPage(post()),
              (p) => p.title === published,
            )
          }
          const first = await publicPage(post())
          expect(first).toMatchObject({ status: 200, title: published })
          // Served from Next's cache, not rendered for this request.
          expect(['HIT', 'STALE']).toContain(first.cache)

          const page = await (await browser.newContext()).newPage()
          const res = await page.goto(post())
          expect(res?.status()).toBe(200)
          expect(await titleOf(page)).toBe(published)
          expect(await page.getByTestId('preview-banner').count()).toBe(0)
          await page.screenshot({ path: join(artifacts, `${store}-public.png`), fullPage: true })
          await page.context().close()
        })

        it('ships no overlay script and no stega marks to the public', async () => {
          for (const url of [post(), `${siteUrl}/`, `${siteUrl}/about`]) {
            const { html, scripts } = await pageAndScripts(url)
            expect(INVISIBLE_RUN.test(html), url).toBe(false)
            expect(OVERLAY_CODE.test(html), url).toBe(false)
            expect(scripts.length, url).toBeGreaterThan(0)
            for (const script of scripts) expect(OVERLAY_CODE.test(script), url).toBe(false)
          }
        })

        it('keeps the public page unchanged when an editor saves a draft', async () => {
          const sent = api.server.webhooks.deliveries().length
          await rest(api, 'PATCH', '/api/posts/hello-world?draft=true', { title: draftTitle })
          await rest(api, 'PATCH', '/api/globals/settings?draft=true', {
            tagline: `Draft tagline (${store})`,
          })
          expect(api.server.webhooks.deliveries().length).toBe(sent) // drafts purge nothing
          expect(await publicPage(post())).toMatchObject({ status: 200, title: published })
          expect((await (await fetch(`${siteUrl}/about`)).text()).includes('Draft tagline')).toBe(
            false,
          )
        })

        it('shows the draft through the preview URL, with a banner, and the public still sees the published title', async () => {
          const { previewUrl } = await previewSecret(api, { pathname: '/posts/hello-world' })
          expect(previewUrl).toMatch(new RegExp(`^${siteUrl}/api/draft\\?`))
          const page = await editor.newPage()
          const res = await page.goto(previewUrl!)
          expect(res?.status()).toBe(200)
          expect(page.url()).toBe(post()) // the secret is not left in the address bar
          expect(await titleOf(page)).toBe(draftTitle)
          await expect
            .poll(() => page.getByTestId('preview-banner').textContent())
            .toMatch(/Preview mode/)
          expect(await page.getByRole('button', { name: 'Exit preview' }).count()).toBe(1)
          expect(stegaClean(await page.locator('.tagline').textContent())).toBe(
            `Draft tagline (${store})`,
          )
          // Draft mode marks text for click-to-edit and loads the overlay.
          const mark = stegaDecode((await page.locator('h1').first().textContent()) ?? '')
          expect(mark).toMatchObject({
            source: { kind: 'collection', collection: 'posts', id: 'hello-world' },
            path: ['title'],
          })
          await expect.poll(() => page.locator('html[data-galley-visual-editing]').count()).toBe(1)
          // A saved change re-renders the page in place (the change feed, no reload).
          await expect
            .poll(() => page.locator('html[data-galley-events="open"]').count(), {
              timeout: 15_000,
            })
            .toBe(1)
          await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1))
          await rest(api, 'PATCH', '/api/posts/hello-world?draft=true', {
            title: `${draftTitle} (live)`,
          })
          try {
            await expect
              .poll(async () => titleOf(page), { timeout: 15_000 })
              .toBe(`${draftTitle} (live)`)
            expect(
              await page.evaluate(() => (window as unknown as { marker: number }).marker),
            ).toBe(1)
          } finally {
            await rest(api, 'PATCH', '/api/posts/hello-world?draft=true', { title: draftTitle })
          }
          // The change feed is for draft mode only.
          expect((await fetch(`${siteUrl}/api/galley-events`)).status).toBe(401)
          const cookies = await editor.cookies(siteUrl)
          const galleyCookie = cookies.find((c) => c.name === '__galley_draft')
          expect(galleyCookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'None' })
          expect(cookies.some((c) => c.name === '__prerender_bypass')).toBe(true)
          await page.screenshot({ path: join(artifacts, `${store}-draft.png`), fullPage: true })
          await page.close()

          expect(await publicPage(post())).toMatchObject({ status: 200, title: published })
        })

        it('shows the post in the Studio presentation view, with overlays and live edits', async () => {
          await ensureStudioBuilt({ quiet: true })
          const person = {
            email: `editor-${store}@example.com`,
            password: 'correct horse battery staple',
          }
          await new AuthStore(api.galley).createUser({ ...person, role: 'editor', name: 'Eddie' })
          const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
          const studio = await context.newPage()
          await studio.goto(`${api.url}/admin/presentation`)
          await studio.getByLabel('Email').fill(person.email)
          await studio.getByLabel('Password').fill(person.password)
          await studio.getByRole('button', { name: 'Log in' }).click()
          await studio
            .getByRole('status')
            .filter({ hasText: 'Connected' })
            .waitFor({ timeout: 20_000 })
          await studio.getByLabel('Document', { exact: true }).selectOption('posts/hello-world')
          const frame = studio.frameLocator('iframe[title="Frontend preview"]')
          const headline = frame.locator('h1').first()
          await expect
            .poll(async () => stegaClean((await headline.textContent()) ?? ''), { timeout: 15_000 })
            .toBe(draftTitle)
          // The overlay is a lazy chunk that may arrive after the channel says "Connected";
          // a pointer that rested before it existed is only seen once it moves.
          await expect
            .poll(() => frame.locator('galley-overlay').count(), { timeout: 15_000 })
            .toBe(1)
          await headline.hover()
          await expect
            .poll(() => frame.locator('galley-overlay .label').textContent(), { timeout: 5_000 })
            .toBe('Title — posts · hello-world')
          if (store === 'sqlite') {
            mkdirSync(join(repoRoot, 'artifacts', 'visual-editing'), { recursive: true })
            await studio.screenshot({
              path: join(repoRoot, 'artifacts', 'visual-editing', 'next-blog-presentation.png'),
            })
          }
          await headline.click()
          const title = studio
            .getByRole('region', { name: 'Document editor' })
            .getByLabel('Title', { exact: true })
            .first()
          await expect.poll(() => title.evaluate((el) => el === document.activeElement)).toBe(true)
          await title.fill(`${draftTitle} typed`)
          await expect
            .poll(async () => stegaClean((await headline.textContent()) ?? ''), { timeout: 15_000 })
            .toBe(`${draftTitle} typed`)
          // Another author, picked before any save reaches the server: fetched in draft mode.
          const before = (await rest(api, 'GET', '/api/posts/hello-world?draft=true')) as {
            author: string | { id: string } | null
          }
          const held: Array<() => Promise<void>> = []
          await studio.route('**/api/posts/**', (route) =>
            route.request().method() === 'GET'
              ? route.continue()
              : void held.push(() => route.continue()),
          )
          await studio
            .getByRole('region', { name: 'Document editor' })
            .getByLabel('Author', { exact: true })
            .selectOption('grace')
          await expect
            .poll(async () => stegaClean((await frame.locator('.meta').textContent()) ?? ''), {
              timeout: 15_000,
            })
            .toContain('Grace Hopper')
          expect(
            (
              (await rest(api, 'GET', '/api/posts/hello-world?draft=true&depth=0')) as {
                author: unknown
              }
            ).author,
          ).not.toBe('grace')
          await studio.unrouteAll({ behavior: 'ignoreErrors' })
          for (const go of held) await go().catch(() => {})
          await context.close()
          const author = typeof before.author === 'object' ? before.author?.id : before.author
          await rest(api, 'PATCH', '/api/posts/hello-world?draft=true', {
            title: draftTitle,
            author,
          })
          expect(await publicPage(post())).toMatchObject({ status: 200, title: published })
        })

        it('opens the draft from the Studio editor with "Open preview"', async () => {
          await ensureStudioBuilt({ quiet: true })
          const person = {
            email: `opener-${store}@example.com`,
            password: 'correct horse battery staple',
          }
          await new AuthStore(api.galley).createUser({ ...person, role: 'editor', name: 'Olga' })
          const context = await browser.newContext()
          const studio = await context.newPage()
          await studio.goto(`${api.url}/admin/collections/posts/hello-world`)
          await studio.getByLabel('Email').fill(person.email)
          await studio.getByLabel('Password').fill(person.password)
          await studio.getByRole('button', { name: 'Log in' }).click()
          const open = studio.getByRole('button', { name: 'Open preview' })
          await open.waitFor({ timeout: 20_000 })
          const popup = context.waitForEvent('page')
          await open.click()
          const preview = await popup
          await expect.poll(async () => titleOf(preview), { timeout: 15_000 }).toBe(draftTitle)
          expect(new URL(preview.url()).pathname).toBe('/posts/hello-world')
          await context.close()
        })

        it('shows a release through a preview secret for it, the public keeps the published title', async () => {
          const release = (await rest(api, 'POST', '/api/releases', {
            title: `Spring (${store})`,
          })) as { id: string }
          await rest(
            api,
            'PATCH',
            `/api/posts/hello-world?release=${encodeURIComponent(release.id)}`,
            {
              title: `Release title (${store})`,
            },
          )
          const { previewUrl } = await previewSecret(api, {
            perspective: `${release.id},drafts`,
            pathname: '/posts/hello-world',
          })
          const context = await browser.newContext()
          const page = await context.newPage()
          await page.goto(previewUrl!)
          expect(await titleOf(page)).toBe(`Release title (${store})`)
          await context.close()
          expect(await publicPage(post())).toMatchObject({ status: 200, title: published })
        })

        it('404s a never-published post for the public and renders it in draft mode (link from `galley preview url`)', async () => {
          expect(await publicPage(`${siteUrl}/posts/coming-soon`)).toMatchObject({ status: 404 })

          const lines: string[] = []
          const io: CliIo = {
            out: (l) => lines.push(l),
            err: () => {},
            cwd: api.env.GALLEY_DATA_DIR!,
            env: api.env,
          }
          const { code } = await runCli(['preview', 'url', '--path', '/posts/coming-soon'], io)
          expect(code).toBe(0)
          expect(lines[0]).toMatch(new RegExp(`^${siteUrl}/api/draft\\?galley-preview-secret=`))

          const page = await editor.newPage()
          const res = await page.goto(lines[0])
          expect(res?.status()).toBe(200)
          expect(page.url()).toBe(`${siteUrl}/posts/coming-soon`)
          expect(await titleOf(page)).toBe('Coming soon: scheduled publishing')
          expect(await page.getByText('Never published', { exact: true }).count()).toBe(1)
          await page.close()

          expect(await publicPage(`${siteUrl}/posts/coming-soon`)).toMatchObject({ status: 404 })
        })

        it('answers 401 without a cookie to an invalid or expired secret', async () => {
          const enable = (secret: string) =>
            fetch(
              `${siteUrl}/api/draft?galley-preview-secret=${secret}&galley-preview-pathname=/posts/hello-world`,
              {
                redirect: 'manual',
              },
            )
          const wrong = await enable(randomBytes(32).toString('base64url'))
          expect(wrong.status).toBe(401)
          expect(wrong.headers.getSetCookie()).toEqual([])

          const { secret } = await previewSecret(api, {
            pathname: '/posts/hello-world',
            ttlSeconds: 1,
          })
          await sleep(1500)
          const expired = await enable(secret)
          expect(expired.status).toBe(401)
          expect(expired.headers.getSetCookie()).toEqual([])
          expect(expired.headers.get('location')).toBeNull()
        })

        it('never redirects off-site nor sets a cookie for a foreign or unknown path', async () => {
          const { secret } = await previewSecret(api)
          const enable = (query: string) =>
            fetch(`${siteUrl}/api/draft?galley-preview-secret=${secret}&${query}`, {
              redirect: 'manual',
            })
          for (const query of [
            'slug=//evil.example',
            'galley-preview-pathname=//evil.example',
            'galley-preview-pathname=%2F%2Fevil.example%2Fposts%2Fhello-world',
            'galley-preview-pathname=/%5Cevil.example',
            'galley-preview-pathname=https://evil.example/posts/hello-world',
            'galley-preview-pathname=/posts/does-not-exist',
            'galley-preview-pathname=/posts/hello-world/../../evil',
            'galley-preview-pathname=/nowhere',
          ]) {
            const res = await enable(query)
            expect(res.status, query).toBe(404)
            expect(res.headers.get('location'), query).toBeNull()
            expect(res.headers.getSetCookie(), query).toEqual([])
          }
          // The same secret with a real path works, and goes to the path built from the document.
          const ok = await enable('galley-preview-pathname=/posts/hello-world?utm=x')
          expect(ok.status).toBe(307)
          expect(ok.headers.get('location')).toBe('/posts/hello-world')
          expect(
            ok.headers
              .getSetCookie()
              .map((c) => c.split('=')[0])
              .sort(),
          ).toEqual(['__galley_draft', '__prerender_bypass'])
          // A hand-made Galley cookie next to Next's bypass cookie unlocks nothing.
          const bypass = ok.headers.getSetCookie().find((c) => c.startsWith('__prerender_bypass='))!
          const forged = await fetch(post(), {
            headers: { Cookie: `${bypass.split(';')[0]}; __galley_draft=drafts` },
          })
          const html = await forged.text()
          expect(html).toContain(published)
          expect(html).not.toContain(draftTitle)
        })

        it('ends draft mode with a POST only, and shows the published title again', async () => {
          expect((await fetch(`${siteUrl}/api/disable-draft`)).status).toBe(405)
          const page = await editor.newPage()
          await page.goto(post())
          expect(await titleOf(page)).toBe(draftTitle)
          await Promise.all([
            page.waitForURL(post()),
            page.getByRole('button', { name: 'Exit preview' }).click(),
          ])
          await expect.poll(() => titleOf(page)).toBe(published)
          expect(await page.getByTestId('preview-banner').count()).toBe(0)
          const names = (await editor.cookies(siteUrl)).map((c) => c.name)
          expect(names).not.toContain('__galley_draft')
          expect(names).not.toContain('__prerender_bypass')
          await page.close()
        })

        it('ends the preview of a revoked shared link on the next page load', async () => {
          const share = (await rest(api, 'POST', '/api/preview/shares', {
            name: 'Legal review',
            pathname: '/posts/hello-world',
          })) as { id: string; previewUrl: string }
          const visitor = await browser.newContext()
          const page = await visitor.newPage()
          await page.goto(share.previewUrl)
          expect(page.url()).toBe(post())
          expect(await titleOf(page)).toBe(draftTitle)
          await expect
            .poll(() => page.locator('html[data-galley-events="open"]').count(), {
              timeout: 15_000,
            })
            .toBe(1)
          const feedStatus = () => changeFeedStatus(page)
          expect(await feedStatus()).toBe(200)
          await rest(api, 'DELETE', `/api/preview/shares/${share.id}`)
          // The change feed ends with the link: the open stream closes, a new one is refused,
          // and the page renders again without the draft, with no reload.
          await expect
            .poll(() => page.locator('html[data-galley-events="closed"]').count(), {
              timeout: 10_000,
            })
            .toBe(1)
          expect(await feedStatus()).toBe(403)
          await expect.poll(() => titleOf(page), { timeout: 10_000 }).toBe(published)
          // The very next load shows published content: the Galley server refuses the
          // session's reads from the revocation on (no cookie lifetime, no cache between).
          const revokedAt = Date.now()
          await page.reload()
          expect(await titleOf(page)).toBe(published)
          expect(await page.getByTestId('preview-banner').textContent()).toMatch(/Preview ended/)
          expect(await page.locator('.badge').count()).toBe(0) // published: no draft status shown
          // A request-time render takes about a second on a loaded test machine by itself.
          expect(Date.now() - revokedAt).toBeLessThan(5000)
          await page.screenshot({ path: join(artifacts, `${store}-preview-ended.png`) })
          // Exit clears the cookies; the page is the public one again.
          await Promise.all([
            page.waitForURL(post()),
            page.getByRole('button', { name: 'Exit preview' }).click(),
          ])
          await expect.poll(() => page.getByTestId('preview-banner').count()).toBe(0)
          expect((await visitor.cookies(siteUrl)).map((c) => c.name)).not.toContain(
            '__galley_draft',
          )
          await visitor.close()
        })

        it('ends the preview of a revoked link in the published perspective too', async () => {
          // Found by review: such a session's reads and change feed named no grant, so it
          // kept its preview (marks, the site's token reads) until its cookie expired.
          const share = (await rest(api, 'POST', '/api/preview/shares', {
            name: 'Published look',
            perspective: 'published',
            pathname: '/posts/hello-world',
          })) as { id: string; previewUrl: string }
          const visitor = await browser.newContext()
          const page = await visitor.newPage()
          await page.goto(share.previewUrl)
          expect(page.url()).toBe(post())
          expect(await page.getByTestId('preview-banner').textContent()).toMatch(
            /Preview mode — showing published content/,
          )
          const feedStatus = () => changeFeedStatus(page)
          expect(await feedStatus()).toBe(200)
          await rest(api, 'DELETE', `/api/preview/shares/${share.id}`)
          await page.reload()
          expect(await page.getByTestId('preview-banner').textContent()).toMatch(/Preview ended/)
          expect(await feedStatus()).toBe(403)
          await visitor.close()
        })

        it('shows the new title to the public after publishing (webhook → revalidateTag)', async () => {
          await rest(api, 'POST', '/api/posts/hello-world/publish')
          await rest(api, 'POST', '/api/posts/coming-soon/publish')
          await api.server.webhooks.idle()
          const deliveries = api.server.webhooks.deliveries()
          expect(deliveries[0]).toMatchObject({
            ok: true,
            status: 200,
            url: `${siteUrl}/api/revalidate`,
          })

          await until(
            'the new title',
            () => publicPage(post()),
            (p) => p.title === draftTitle,
          )
          await until(
            'the newly published post',
            () => publicPage(`${siteUrl}/posts/coming-soon`),
            (p) => p.status === 200,
          )
          const page = await (await browser.newContext()).newPage()
          await page.goto(post())
          expect(await titleOf(page)).toBe(draftTitle)
          await page.goto(siteUrl)
          expect(
            await page.getByRole('link', { name: 'Coming soon: scheduled publishing' }).count(),
          ).toBe(1)
          await page.screenshot({ path: join(artifacts, `${store}-published.png`), fullPage: true })
          await page.context().close()
        })
      })
    }
  },
)
