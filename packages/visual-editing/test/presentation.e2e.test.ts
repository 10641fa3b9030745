/**
 * Visual editing end to end in Chromium: the Studio's presentation view frames a frontend
 * of the example blog (test/helpers/draft-site.ts, which renders as examples/next-blog does
 * in draft mode) and the overlay, channel, live preview, diagnosis and shared access are
 * driven as an editor would. Screenshots in artifacts/visual-editing/.
 */
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadProject } from '@galley/cli'
import { stegaClean, stegaDecode } from '@galley/client'
import { createGalley, type Galley } from '@galley/core'
import { AuthStore, createServer, serveNode, type PresentationOptions } from '@galley/server'
import { ensureStudioBuilt } from '@galley/studio'
import { startDraftSite, type DraftSite } from './helpers/draft-site'

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** axe-core on the Studio page (not the framed site): no serious or critical violation. */
async function expectAccessible(target: Page, screen: string) {
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(axeSource)
  const violations = await target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: object, o: object) => Promise<any> } }).axe
    const res = await axe.run({ exclude: [['iframe']] }, { resultTypes: ['violations'] })
    return res.violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: { id: string; help: string }) => `${v.id}: ${v.help}`)
  })
  expect(violations, `axe on ${screen}`).toEqual([])
}

const CHROMIUM = process.env.GALLEY_CHROMIUM ?? '/usr/bin/chromium'
const artifacts = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
  'artifacts',
  'visual-editing',
)
const EDITOR = { email: 'editor@example.com', password: 'correct horse battery staple' }
const PUBLISHED = 'Hello, world'
const DRAFT = 'Hello, draft world'
const eventually = <T>(fn: () => T | Promise<T>, timeout = 15_000) =>
  expect.poll(fn, { timeout, interval: 50 })

let galley: Galley
let site: DraftSite
let browser: Browser
let context: BrowserContext
let page: Page
let hostile: Server
let hostileUrl = ''
let dataDir = ''
const closers: Array<() => Promise<void>> = []
/** Studio servers on one engine, each with its own presentation config. */
const studios: Record<string, string> = {}

async function startStudio(name: string, presentation: Partial<PresentationOptions>, base: object) {
  const server = createServer({
    galley,
    ...base,
    presentation: {
      url: site.url,
      locations: [{ collection: 'posts', path: '/posts/:slug' }],
      ...presentation,
    },
    logger: { error: () => {}, warn: () => {} },
  })
  const http = await serveNode(server, { port: 0, hostname: '127.0.0.1' })
  closers.push(async () => {
    await http.close()
    await server.close()
  })
  studios[name] = http.url
}

beforeAll(async () => {
  await ensureStudioBuilt({ quiet: true })
  dataDir = mkdtempSync(join(tmpdir(), 'visual-editing-e2e-'))
  site = await startDraftSite('localhost')
  const project = await loadProject({ cwd: dataDir, env: { GALLEY_SITE_URL: site.url } })
  galley = await createGalley(project.config)
  await project.seed!(galley)
  await galley.update({
    collection: 'posts',
    id: 'hello-world',
    data: { title: DRAFT },
    draft: true,
  })
  const auth = new AuthStore(galley)
  await auth.createUser({ ...EDITOR, role: 'editor', name: 'Eddie' })
  const base = project.server ?? {}
  await startStudio('main', { initialPath: '/posts/hello-world' }, base)
  await startStudio('plain', { initialPath: '/plain/posts/hello-world' }, base)
  await startStudio('locked', { initialPath: '/locked/posts/hello-world' }, base)
  await startStudio(
    'noEnable',
    { enableUrl: `${site.url}/api/nowhere`, initialPath: '/posts/hello-world' },
    base,
  )
  await startStudio('notAllowed', { allowOrigins: ['https://elsewhere.example'] }, base)
  const token = (await auth.createToken({ name: 'site', scope: 'read:drafts' })).token
  site.connect(
    studios.main!,
    token,
    Object.values(studios).map((u) => new URL(u).origin),
  )
  // A page on an origin nobody listed, which tries to drive both ends of the channel.
  hostile = createHttpServer((_, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Hostile</title><p>hi</p>'),
  )
  await new Promise<void>((done) => hostile.listen(0, '127.0.0.2', done))
  hostileUrl = `http://127.0.0.2:${(hostile.address() as AddressInfo).port}`
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  page = await context.newPage()
  page.setDefaultTimeout(10_000)
  if (process.env.DEBUG_VE) page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`))
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`))
  mkdirSync(artifacts, { recursive: true })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((done) => (hostile ? hostile.close(() => done()) : done()))
  for (const close of closers) await close()
  await site?.close()
  const keepAlive = setInterval(() => {}, 1000)
  await galley?.close().finally(() => clearInterval(keepAlive))
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

const frame = (): Frame => page.frameLocator('iframe[title="Frontend preview"]') as unknown as Frame
const frameTitle = () =>
  page
    .frameLocator('iframe[title="Frontend preview"]')
    .locator('h1')
    .textContent({ timeout: 2000 })
    .then((t) => (t === null ? null : stegaClean(t)))
    .catch(() => null)
const publicTitle = async () => {
  const html = await (await fetch(`${site.url}/posts/hello-world`)).text()
  return /<h1[^>]*>([^<]*)</.exec(html)?.[1] ?? null
}

async function openPresentation(name: string) {
  await page.goto(`${studios[name]}/admin/presentation`)
  const login = page.getByRole('button', { name: 'Log in' })
  await login
    .or(page.getByRole('region', { name: 'Preview' }))
    .first()
    .waitFor()
  if (await login.isVisible()) {
    await page.getByLabel('Email').fill(EDITOR.email)
    await page.getByLabel('Password').fill(EDITOR.password)
    await page.getByRole('button', { name: 'Log in' }).click()
  }
  await page.getByRole('region', { name: 'Preview' }).waitFor()
}

describe.skipIf(!process.env.CI && !(await import('node:fs')).existsSync(CHROMIUM))(
  'visual editing in Chromium',
  () => {
    it('opens the presentation view on the example post in draft mode', async () => {
      await openPresentation('main')
      await eventually(frameTitle).toBe(DRAFT)
      await page.screenshot({ path: join(artifacts, 'presentation-open.png') })
      await expectAccessible(page, 'presentation')
      // The page shown selects its document.
      await eventually(() => page.getByLabel('Document', { exact: true }).inputValue()).toBe(
        'posts/hello-world',
      )
      await eventually(() =>
        page.getByRole('status').filter({ hasText: 'Connected' }).count(),
      ).toBe(1)
      expect(await publicTitle()).toBe(PUBLISHED)
    })

    it('outlines the headline on hover, naming the field and the document', async () => {
      const h1 = page.frameLocator('iframe[title="Frontend preview"]').locator('h1')
      const mark = stegaDecode((await h1.textContent()) ?? '')
      expect(mark).toMatchObject({
        path: ['title'],
        source: { collection: 'posts', id: 'hello-world' },
      })
      await h1.hover()
      const label = page
        .frameLocator('iframe[title="Frontend preview"]')
        .locator('galley-overlay .label')
      await eventually(() => label.textContent()).toBe('Title — posts · hello-world')
      await page.screenshot({ path: join(artifacts, 'presentation-overlay.png') })
    })

    it('keeps the outline when the hovered headline is re-rendered under a resting pointer', async () => {
      const site = page.frameLocator('iframe[title="Frontend preview"]')
      const box = site.locator('galley-overlay .box')
      await eventually(() => box.evaluate((el) => getComputedStyle(el).display)).toBe('block')
      // What a live edit does: the page replaces the element; the pointer does not move.
      await site.locator('h1').evaluate((h1) => {
        h1.replaceWith(h1.cloneNode(true))
      })
      await eventually(() => box.evaluate((el) => getComputedStyle(el).display)).toBe('block')
      await eventually(() => site.locator('galley-overlay .label').textContent()).toBe(
        'Title — posts · hello-world',
      )
    })

    it('focuses "Title" in the Studio when the headline is clicked', async () => {
      await page.frameLocator('iframe[title="Frontend preview"]').locator('h1').click()
      const title = page
        .getByRole('region', { name: 'Document editor' })
        .getByLabel('Title', { exact: true })
        .first()
      await eventually(() => title.evaluate((el) => el === document.activeElement)).toBe(true)
    })

    it('shows typed text in the frame before any save; the public page keeps the published title', async () => {
      const held: Array<() => Promise<void>> = []
      await page.route(
        (url) => url.pathname.startsWith('/api/posts/'),
        (route) =>
          route.request().method() === 'GET'
            ? route.continue()
            : void held.push(() => route.continue()),
      )
      const title = page
        .getByRole('region', { name: 'Document editor' })
        .getByLabel('Title', { exact: true })
        .first()
      await title.fill('')
      await title.pressSequentially('Typed live', { delay: 20 })
      await eventually(frameTitle).toBe('Typed live')
      await page.frames()[1]!.evaluate(() => ((window as any).__sameDocument = true))
      const stored = await galley.findById({ collection: 'posts', id: 'hello-world', draft: true })
      expect(stored?.title).toBe(DRAFT) // nothing saved yet: the frame got it over the channel
      // The autosave is on its way but held: let it through now; the frame is not reloaded.
      await eventually(() => held.length).toBeGreaterThan(0)
      await page.unroute((url) => url.pathname.startsWith('/api/posts/'))
      for (const go of held) await go()
      await eventually(
        async () =>
          (await galley.findById({ collection: 'posts', id: 'hello-world', draft: true }))?.title,
      ).toBe('Typed live')
      expect(await publicTitle()).toBe(PUBLISHED)
      expect(await frameTitle()).toBe('Typed live')
      // The save did not reload the frame.
      expect(await page.frames()[1]!.evaluate(() => (window as any).__sameDocument)).toBe(true)
    })

    it('ignores messages from an origin that is not in the list, on both ends', async () => {
      const before = await page
        .getByRole('region', { name: 'Document editor' })
        .getByLabel('Title', { exact: true })
        .first()
        .inputValue()
      // The hostile page opens the Studio and posts the protocol's messages to it.
      const attacker = await context.newPage()
      await attacker.goto(hostileUrl)
      const popup = attacker.waitForEvent('popup')
      await attacker.evaluate((url) => {
        const w = window.open(url)!
        const say = (m: object) =>
          w.postMessage({ channel: 'galley-visual-editing', version: 1, ...m }, '*')
        setInterval(() => {
          say({ type: 'hello', url: 'http://evil.example/posts/hello-world', title: 'x' })
          say({ type: 'edit', document: 'posts/drafts-and-previews', path: 'title' })
        }, 100)
      }, `${studios.main}/admin/presentation`)
      const studio = await popup
      await studio.getByRole('region', { name: 'Preview' }).waitFor()
      await studio.waitForTimeout(1500)
      // Only the real frame's page (hello-world) was selected; the forged edit changed nothing.
      expect(await studio.getByLabel('Document', { exact: true }).inputValue()).not.toBe(
        'posts/drafts-and-previews',
      )
      expect(await studio.getByRole('heading', { name: 'Drafts and previews' }).count()).toBe(0)
      await studio.close()
      // The hostile page frames the draft page (enabled with a real secret) and drives it.
      const secret = await page.evaluate(async () => {
        const csrf = /galley_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? ''
        const res = await fetch('/api/preview/secrets', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
          body: JSON.stringify({ perspective: 'drafts', pathname: '/posts/hello-world' }),
        })
        return (await res.json()).secret as string
      })
      await attacker.evaluate((src) => {
        const f = document.createElement('iframe')
        f.src = src
        f.onload = () =>
          setInterval(() => {
            for (const m of [
              { type: 'welcome' },
              { type: 'draft', document: 'posts/hello-world', values: { title: 'Hacked' } },
            ])
              f.contentWindow!.postMessage(
                { channel: 'galley-visual-editing', version: 1, ...m },
                '*',
              )
          }, 100)
        document.body.append(f)
      }, `${site.url}/api/draft?galley-preview-secret=${secret}&galley-preview-pathname=/posts/hello-world`)
      const framed = attacker.frameLocator('iframe').locator('h1')
      await eventually(async () => stegaClean((await framed.textContent()) ?? '')).toBe(
        'Typed live',
      )
      await attacker.waitForTimeout(1500)
      expect(stegaClean((await framed.textContent()) ?? '')).toBe('Typed live')
      await attacker.close()
      expect(
        await page
          .getByRole('region', { name: 'Document editor' })
          .getByLabel('Title', { exact: true })
          .first()
          .inputValue(),
      ).toBe(before)
    })

    it('selecting a document navigates the frame, without a new secret', async () => {
      const secrets = () => page.waitForRequest('**/api/preview/secrets', { timeout: 1500 })
      const minted = secrets().then(
        () => true,
        () => false,
      )
      await page
        .getByLabel('Document', { exact: true })
        .selectOption({ label: 'Drafts, previews and releases' })
      await eventually(frameTitle).toBe('Drafts, previews and releases')
      expect(await minted).toBe(false)
      await page.getByLabel('Document', { exact: true }).selectOption('posts/hello-world')
      await eventually(frameTitle).toBe('Typed live')
    })

    it('follows the perspective switcher (a fresh secret) and device widths', async () => {
      const minted = page.waitForRequest('**/api/preview/secrets')
      await page.getByLabel('Perspective', { exact: true }).selectOption('published')
      expect((await minted).postDataJSON()).toMatchObject({ perspective: 'published' })
      await eventually(frameTitle).toBe(PUBLISHED)
      await page.getByLabel('Perspective', { exact: true }).selectOption('drafts')
      await eventually(frameTitle).toBe('Typed live')
      await page.getByRole('button', { name: 'Mobile' }).click()
      const frameBox = () => page.locator('iframe[title="Frontend preview"]').boundingBox()
      await eventually(async () => (await frameBox())?.width).toBe(375)
      await page.getByRole('button', { name: 'Full width' }).click()
      await eventually(async () => (await frameBox())!.width > 375).toBe(true)
    })

    it.each([
      ['notAllowed', /origin http:\/\/localhost:\d+ is not in allowOrigins/],
      ['locked', /refuses to be framed: it sends X-Frame-Options: DENY/],
      ['noEnable', /enable route answered 404/],
      ['plain', /overlay script is not loaded/],
    ])('says why a frontend cannot connect (%s) within 3 s', async (name, reason) => {
      await openPresentation(name)
      const started = Date.now()
      const alert = page.getByRole('alert').filter({ hasText: 'Cannot connect to the frontend' })
      await eventually(() => alert.textContent(), 4500).toMatch(reason)
      expect(Date.now() - started).toBeLessThan(4000)
      if (name === 'locked') {
        await page.screenshot({ path: join(artifacts, 'presentation-error-framing.png') })
        await expectAccessible(page, 'presentation error')
      }
    })

    it('shared access: a link that works until switched off, which ends its sessions at once', async () => {
      await openPresentation('main')
      const toggle = page.getByRole('switch', { name: 'Shared access' })
      await toggle.click()
      await eventually(() => toggle.isChecked()).toBe(true)
      const link = await page.getByLabel('Shared link').inputValue()
      expect(link).toMatch(new RegExp(`^${site.url}/api/draft\\?`))
      const guest = await (await browser.newContext()).newPage()
      await guest.goto(link)
      await eventually(async () =>
        stegaClean((await guest.locator('h1').textContent()) ?? ''),
      ).toBe('Typed live')
      await toggle.click()
      await eventually(() => toggle.isChecked()).toBe(false)
      await guest.reload()
      expect(await guest.locator('h1').textContent()).toBe(PUBLISHED)
      expect(await guest.getByRole('status').textContent()).toBe('Preview ended')
      await guest.context().close()
    })
  },
)
