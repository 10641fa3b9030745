/**
 * The releases screen in Chromium: an editor creates a release, sees a document's change
 * and validation, schedules it in the browser's time zone, unschedules, and publishes it
 * (read back from the public API), with axe-core on each screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { Releases } from '@galley/core'
import {
  EDITOR,
  expectAccessible,
  launchChromium,
  missingChromium,
  screenshot,
  startStudio,
  type RunningStudio,
} from './helpers/studio-harness'

const eventually = <T>(fn: () => T | Promise<T>) =>
  expect.poll(fn, { timeout: 15_000, interval: 50 })

describe.skipIf(missingChromium)('Studio releases in Chromium (sqlite)', () => {
  let studio: RunningStudio
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    studio = await startStudio('sqlite')
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Asia/Tokyo',
    })
    page = await context.newPage()
    page.setDefaultTimeout(10_000)
    page.on('pageerror', (e) => console.error(`[releases e2e] page error: ${e.message}`))
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await studio?.close()
  })

  it('creates, shows changes, schedules in the editor’s time zone and publishes', async () => {
    await page.goto(`${studio.url}/admin`)
    await page.getByLabel('Email', { exact: true }).fill(EDITOR.email)
    await page.getByLabel('Password', { exact: true }).fill(EDITOR.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('link', { name: 'Releases' }).click()
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor()
    await expectAccessible(page, 'releases list')
    await page.getByLabel('Title', { exact: true }).fill('Spring launch')
    await page.getByRole('button', { name: 'Create release' }).click()
    await page.getByRole('heading', { name: 'Spring launch', level: 1 }).waitFor()
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!)

    // From the editor: "Add to release" with the edited title, and a schedule made and cancelled.
    // The picker offers open releases only (the API filters them): not an archived one.
    const local = new Releases(studio.galley)
    const old = await local.create({ title: 'Archived launch' })
    await local.archive({ id: old.id })
    const { docs } = await studio.galley.find({ collection: 'posts', limit: 1 })
    const post = docs[0]!
    await page.goto(`${studio.url}/admin/collections/posts/${encodeURIComponent(post.id)}`)
    await page.getByLabel('Title', { exact: true }).first().fill('Spring title')
    await page.getByText('Release and schedule').click()
    const offered = await page
      .getByLabel('Release', { exact: true })
      .locator('option')
      .allTextContents()
    expect(offered.some((o) => o.includes('Spring launch'))).toBe(true)
    expect(offered.some((o) => o.includes('Archived launch'))).toBe(false)
    await screenshot(page, 'editor-release-picker')
    await page.getByLabel('Release', { exact: true }).selectOption(id)
    await page.getByRole('button', { name: 'Add to release' }).click()
    await eventually(() => page.getByText('Added to “Spring launch”.').count()).toBe(1)
    await page.getByLabel(/^At \(/).fill(`${new Date().getFullYear() + 1}-01-15T08:00`)
    await page.getByRole('button', { name: 'Schedule', exact: true }).click()
    await page.getByRole('button', { name: /^Cancel schedule at/ }).waitFor()
    await expectAccessible(page, 'editor with release controls')
    await page.getByRole('button', { name: /^Cancel schedule at/ }).click()
    await eventually(() => page.getByRole('button', { name: /^Cancel schedule at/ }).count()).toBe(
      0,
    )
    const jobs = await studio.galley.config.storage.releases!.listJobs({ docId: post.id })
    expect(jobs.map((j) => j.state)).toEqual(['cancelled'])
    await page.goto(`${studio.url}/admin/releases/${encodeURIComponent(id)}`)
    await page
      .getByRole('cell', { name: /Spring title/ })
      .first()
      .waitFor()
    await expect(page.getByRole('cell', { name: 'Valid' })).toBeTruthy()
    await eventually(() => page.locator('.release-changes').textContent()).toContain('Spring title')
    await expect(page.getByText('Asia/Tokyo').first().isVisible()).resolves.toBe(true)
    await expectAccessible(page, 'release view')

    // 09:30 in Tokyo is 00:30 UTC.
    const year = new Date().getFullYear() + 1
    await page.getByLabel(/Publish at/).fill(`${year}-03-01T09:30`)
    await page.getByRole('button', { name: 'Schedule', exact: true }).click()
    await eventually(() => page.getByRole('status').textContent()).toMatch(/Scheduled for/)
    const scheduled = await studio.galley.config.storage.releases!.getRelease(id)
    expect(scheduled).toMatchObject({
      state: 'scheduled',
      publishAt: `${year}-03-01T00:30:00.000Z`,
    })
    await page.getByRole('button', { name: 'Unschedule' }).click()
    await eventually(
      async () => (await studio.galley.config.storage.releases!.getRelease(id))?.state,
    ).toBe('active')

    // An unpublish request, added and removed again from the release view.
    const { docs: more } = await studio.galley.find({ collection: 'posts', limit: 2 })
    const other = more.find((d) => d.id !== post.id)!
    await page.getByLabel('Collection', { exact: true }).selectOption('posts')
    await page.getByLabel('Document id').fill(other.id)
    await page.getByRole('button', { name: 'Add unpublish' }).click()
    await page.getByRole('cell', { name: 'Unpublish', exact: true }).waitFor()
    await expectAccessible(page, 'release with an unpublish')
    await page
      .getByRole('button', { name: new RegExp(`Remove .* from the release`) })
      .last()
      .click()
    await eventually(() => page.getByRole('cell', { name: 'Unpublish', exact: true }).count()).toBe(
      0,
    )

    await page.getByRole('button', { name: 'Publish release' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Publish release', exact: true }).click()
    await eventually(() => page.getByRole('status').textContent()).toBe(
      'The release was published.',
    )
    const res = await fetch(`${studio.url}/api/posts/${post.id}`)
    expect((await res.json()).title).toBe('Spring title')
    await page.getByRole('button', { name: 'Revert' }).waitFor()
    await expectAccessible(page, 'published release')
    await screenshot(page, 'releases-published')
  }, 120_000)

  it('pages through the releases, 20 a page, newest first', async () => {
    const releases = new Releases(studio.galley)
    const before = (await releases.list()).length
    for (let i = 1; i <= 21 - before; i++) await releases.create({ title: `Batch ${i}` })
    const newest = (await releases.list())[0]!.title
    await page.goto(`${studio.url}/admin/releases`)
    await page.getByRole('link', { name: newest, exact: true }).waitFor()
    await expect(page.getByRole('row').count()).resolves.toBe(21) // a header and 20 releases
    const pages = page.getByRole('navigation', { name: 'Pages' })
    await expect(pages.textContent()).resolves.toContain('Page 1 of 2 · 21 releases')
    await screenshot(page, 'releases-paged')
    await expect(pages.getByRole('button', { name: 'Previous page' }).isDisabled()).resolves.toBe(
      true,
    )
    await pages.getByRole('button', { name: 'Next page' }).click()
    await eventually(() => pages.textContent()).toContain('Page 2 of 2')
    expect(new URL(page.url()).searchParams.get('page')).toBe('2')
    await eventually(() => page.getByRole('row').count()).toBe(2)
    await page.getByRole('link', { name: 'Spring launch', exact: true }).waitFor()
    await expectAccessible(page, 'releases list, second page')
    await pages.getByRole('button', { name: 'Previous page' }).click()
    await page.getByRole('link', { name: newest, exact: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('page')).toBeNull()
  }, 60_000)
})
