/**
 * The Studio end to end in Chromium: an editor signs in and goes through the drafts workflow
 * on the example blog — create, autosave, reload, publish (read back from the public API),
 * edit, revert, unpublish, a validation error at its field, history with a diff and a
 * restore, and a conflict between two tabs — with axe-core on every screen and a screenshot
 * of each in artifacts/studio/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  EDITOR,
  expectAccessible,
  launchChromium,
  missingChromium,
  PG_URL,
  screenshot,
  startStudio,
  type RunningStudio,
} from './helpers/studio-harness'

/** Waits up to 15 s: the machine running the suite may be busy with other browsers and builds. */
const eventually = <T>(fn: () => T | Promise<T>) =>
  expect.poll(fn, { timeout: 15_000, interval: 50 })

const STORES = ['sqlite', ...(PG_URL ? (['postgres'] as const) : [])] as const

for (const store of STORES) {
  describe.skipIf(missingChromium)(`Studio in Chromium (${store})`, () => {
    let studio: RunningStudio
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let postUrl = ''
    let postId = ''
    const shot = (name: string) => (store === 'sqlite' ? screenshot(page, name) : null)

    beforeAll(async () => {
      studio = await startStudio(store)
      browser = await launchChromium()
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      page = await context.newPage()
      page.setDefaultTimeout(10_000)
      page.on('pageerror', (e) => console.error(`[studio e2e] page error: ${e.message}`))
    }, 120_000)
    afterAll(async () => {
      await browser?.close()
      await studio?.close()
    })

    const status = () => page.getByRole('status')
    // The first match: a post's own Title comes before its SEO group's Title.
    const field = (label: string) => page.getByLabel(label, { exact: true }).first()
    const publicPost = async (id: string) => {
      const res = await fetch(`${studio.url}/api/posts/${id}`)
      return { status: res.status, body: res.status === 200 ? await res.json() : null }
    }
    async function confirmDialog(action: string) {
      const dialog = page.getByRole('dialog')
      await dialog.getByRole('button', { name: action, exact: true }).click()
      await dialog.waitFor({ state: 'detached' })
    }

    it('shows a wrong password and a lockout as such, then signs in', async () => {
      await page.goto(`${studio.url}/admin`)
      await expectAccessible(page, 'login')
      await shot('01-login')
      // Five failures for one address and email, then the server refuses for a while.
      await field('Email').fill('nobody@example.com')
      await field('Password').fill('guess')
      for (let i = 0; i < 6; i++) {
        const answered = page.waitForResponse('**/api/auth/login')
        await page.getByRole('button', { name: 'Log in' }).click()
        await answered
      }
      await eventually(() => page.getByRole('alert').textContent()).toMatch(
        /^Too many failed sign-ins: locked for now\. Try again in \d+ seconds\.$/,
      )
      await field('Email').fill(EDITOR.email)
      await field('Password').fill('wrong password')
      await page.getByRole('button', { name: 'Log in' }).click()
      await eventually(() => page.getByRole('alert').textContent()).toContain(
        'The email or password is wrong',
      )
      await field('Password').fill(EDITOR.password)
      await page.getByRole('button', { name: 'Log in' }).click()
      const nav = page.getByRole('navigation', { name: 'Content' })
      await nav.getByRole('link', { name: 'Posts' }).click()
      await page.getByRole('heading', { name: 'Posts', level: 1 }).waitFor()
      await page.getByRole('cell', { name: 'Hello, world' }).waitFor()
      await expectAccessible(page, 'list')
      await shot('02-list')
    })

    it('lists with search, a status filter and sorting', async () => {
      await page.getByLabel('Search', { exact: true }).fill('hello')
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      await eventually(() => page.getByRole('row').count()).toBe(2)
      await page.getByLabel('Search', { exact: true }).fill('')
      await page.getByRole('button', { name: 'Search', exact: true }).click()
      await page.getByLabel('Status').selectOption('draft')
      await eventually(async () => {
        const cells = await page.locator('tbody tr td:nth-child(2)').allTextContents()
        return cells.length > 0 && cells.every((t) => t === 'Draft')
      }).toBe(true)
      await page.getByLabel('Status').selectOption('')
      await page.getByRole('button', { name: 'Title' }).click()
      await eventually(() =>
        page.getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort'),
      ).toBe('ascending')
      await eventually(async () => {
        const titles = await page.locator('tbody tr td:first-child').allTextContents()
        return titles.join('|') === [...titles].sort().join('|') && titles.length
      }).toBe(4)
      // A page past the end (an old link) says so and leads to the last page.
      await page.goto(`${studio.url}/admin/collections/posts?page=99`)
      await page.getByText('There is no page 99: this list has 1 page.').waitFor()
      await page.getByRole('button', { name: 'Go to the last page' }).click()
      await page.getByRole('cell', { name: 'Hello, world' }).waitFor()
      expect(new URL(page.url()).searchParams.get('page')).toBe('1')
    })

    it('creates a post: autosave reads "Saved", the text survives a reload', async () => {
      await page.getByRole('link', { name: 'Create new post' }).click()
      await field('Title').waitFor()
      await expectAccessible(page, 'create')
      await field('Title').pressSequentially('Studio end to end', { delay: 20 })
      // The slug follows the title until edited.
      await eventually(() => field('Slug').inputValue()).toBe('studio-end-to-end')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await page.waitForURL(/\/admin\/collections\/posts\/[^/]+$/)
      postUrl = page.url()
      postId = postUrl.split('/').pop()!
      await field('Excerpt').fill('Written in the Studio.')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await page.reload()
      await eventually(() => field('Title').inputValue()).toBe('Studio end to end')
      expect(await field('Excerpt').inputValue()).toBe('Written in the Studio.')
      expect(await page.getByText('Draft', { exact: true }).first().isVisible()).toBe(true)
      expect((await publicPost(postId)).status).toBe(404)
      await expectAccessible(page, 'editor')
      await shot('03-editor-draft')
    })

    it('publishes, and the public API returns it', async () => {
      await page.getByRole('button', { name: 'Publish', exact: true }).click()
      await eventually(() => page.locator('.meta .status').textContent()).toBe('Published')
      const pub = await publicPost(postId)
      expect(pub.status).toBe(200)
      expect(pub.body.title).toBe('Studio end to end')
      expect(await page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0)
    })

    it('an edit makes it "Changed"; "Revert to published" brings the published text back', async () => {
      await field('Title').fill('Studio end to end, edited')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await eventually(() => page.locator('.meta .status').textContent()).toBe('Changed')
      expect(await page.getByRole('button', { name: 'Publish changes' }).isVisible()).toBe(true)
      expect((await publicPost(postId)).body.title).toBe('Studio end to end')
      await shot('04-editor-changed')
      await page.getByRole('button', { name: 'Revert to published' }).click()
      await expectAccessible(page, 'confirm dialog')
      await confirmDialog('Revert to published')
      await eventually(() => field('Title').inputValue()).toBe('Studio end to end')
      await eventually(() => page.locator('.meta .status').textContent()).toBe('Published')
    })

    it('unpublishes after confirmation', async () => {
      await page.getByRole('button', { name: 'Unpublish' }).click()
      await confirmDialog('Unpublish')
      await eventually(() => page.locator('.meta .status').textContent()).toBe('Draft')
      expect((await publicPost(postId)).status).toBe(404)
    })

    it('shows a validation error at its field', async () => {
      await field('Slug').fill('')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await page.getByRole('button', { name: 'Publish', exact: true }).click()
      await eventually(() => field('Slug').getAttribute('aria-invalid')).toBe('true')
      const describedBy = (await field('Slug').getAttribute('aria-describedby'))!
      const message = await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()
      expect(message).toBe('This field is required.')
      await expectAccessible(page, 'editor with a field error')
      await shot('05-field-error')
      // A long title without spaces wraps: the page never scrolls sideways.
      const title = await field('Title').inputValue()
      await field('Title').fill('W'.repeat(190))
      await eventually(() =>
        page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true)
      await field('Title').fill(title)
      await field('Slug').fill('studio-end-to-end')
      await page.getByRole('button', { name: 'Publish', exact: true }).click()
      await eventually(() => page.locator('.meta .status').textContent()).toBe('Published')
      expect(await field('Slug').getAttribute('aria-invalid')).toBeNull()
    })

    it('history compares two versions word by word and restores one as the draft', async () => {
      await field('Title').fill('Studio end to end, rewritten')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await page.getByRole('link', { name: 'History' }).click()
      await page.getByRole('heading', { name: 'History', level: 1 }).waitFor()
      // Published against the draft by default.
      await eventually(async () =>
        (await page.locator('.diffs ins').allTextContents()).join('|'),
      ).toMatch(/rewritten/)
      await expectAccessible(page, 'history')
      await shot('06-history')
      const firstSave = page.getByRole('row').filter({ hasText: 'Created' })
      await firstSave.getByRole('button', { name: /^Restore as draft/ }).click()
      await page.waitForURL(postUrl)
      await eventually(() => field('Title').inputValue()).toBe('Studio end to end')
      expect(await field('Excerpt').inputValue()).toBe('')
      await eventually(() => page.locator('.meta .status').textContent()).toBe('Changed')
    })

    it('keeps every keystroke typed while saves are in flight on a slow network', async () => {
      await page.route('**/api/posts/**', async (route) => {
        await new Promise((r) => setTimeout(r, 300))
        await route.continue()
      })
      const text = 'Slow typing keeps every single character'
      await field('Excerpt').fill('')
      for (const word of text.split(' ')) {
        await field('Excerpt').pressSequentially(`${word} `, { delay: 15 })
        // Past the autosave pause, so a save is in flight while the next word is typed.
        await page.waitForTimeout(850)
      }
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await page.unroute('**/api/posts/**')
      expect(await field('Excerpt').inputValue()).toBe(`${text} `)
      await page.reload()
      await eventually(() => field('Excerpt').inputValue()).toBe(`${text} `)
    })

    it('two tabs on one document: the second save gets the conflict view and loses nothing', async () => {
      const other = await context.newPage()
      await other.goto(postUrl)
      await other.getByLabel('Title', { exact: true }).first().waitFor()
      await field('Title').fill('Mine from tab one')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await other.getByLabel('Title', { exact: true }).first().fill('Theirs from tab two')
      await other.getByRole('heading', { name: 'Someone else changed this document' }).waitFor()
      expect(await other.getByRole('status').textContent()).toBe('Not saved: changed elsewhere')
      expect(await other.getByLabel('Title', { exact: true }).first().inputValue()).toBe(
        'Theirs from tab two',
      )
      await expectAccessible(other, 'conflict')
      if (store === 'sqlite') await screenshot(other, '07-conflict')
      await other.getByRole('button', { name: 'Keep mine' }).click()
      await eventually(() => other.getByRole('status').textContent()).toMatch(/^Saved /)
      const draft = await studio.galley.findById({ collection: 'posts', id: postId, draft: true })
      expect(draft?.title).toBe('Theirs from tab two')
      await other.close()
    })

    it('a session that ends mid-edit asks to sign in again and keeps what was typed', async () => {
      // Tab two wrote last: start from its version.
      await page.reload()
      await eventually(() => field('Title').inputValue()).toBe('Theirs from tab two')
      await context.clearCookies()
      await field('Excerpt').fill('Typed after the session ended')
      const dialog = page.getByRole('dialog', { name: 'Your session ended' })
      await dialog.waitFor()
      await expectAccessible(page, 'sign in again')
      await shot('09-session-ended')
      await dialog.getByLabel('Email').fill(EDITOR.email)
      await dialog.getByLabel('Password').fill(EDITOR.password)
      await dialog.getByRole('button', { name: 'Log in' }).click()
      await dialog.waitFor({ state: 'detached' })
      expect(await field('Excerpt').inputValue()).toBe('Typed after the session ended')
      await page.keyboard.press('Control+s')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      await page.reload()
      await eventually(() => field('Excerpt').inputValue()).toBe('Typed after the session ended')
    })

    it('asks before a link leaves changes that would not be saved (no autosave)', async () => {
      await page.goto(`${studio.url}/admin/collections/authors`)
      await page.getByRole('link', { name: 'Ada Lovelace' }).click()
      await field('Bio').fill('Wrote the first program.')
      const asked: string[] = []
      page.once('dialog', (d) => {
        asked.push(d.message())
        void d.dismiss()
      })
      // A jump within the page asks nothing.
      await page.getByRole('link', { name: 'Skip to content' }).focus()
      await page.keyboard.press('Enter')
      await eventually(() => new URL(page.url()).hash).toBe('#main')
      expect(asked).toEqual([])
      await page
        .getByRole('navigation', { name: 'Content' })
        .getByRole('link', { name: 'Posts' })
        .click()
      await eventually(() => asked).toEqual([
        'This document has unsaved changes. Leave without saving them?',
      ])
      expect(page.url()).toMatch(/\/admin\/collections\/authors\/[^/]+$/)
      expect(await field('Bio').inputValue()).toBe('Wrote the first program.')
      await page.getByRole('button', { name: 'Save draft' }).click()
      await eventually(() => status().textContent()).toMatch(/^Saved /)
    })

    it('asks before Back or Forward leaves unsaved changes, and stays when told no', async () => {
      await page.goto(`${studio.url}/admin/collections/authors`)
      await page.getByRole('link', { name: 'Ada Lovelace' }).click()
      await field('Bio').waitFor()
      const authorUrl = page.url()
      await field('Bio').fill('Kept after Back')
      const asked: string[] = []
      let answer = false
      page.on('dialog', (d) => {
        asked.push(d.message())
        void (answer ? d.accept() : d.dismiss())
      })
      const question = 'This document has unsaved changes. Leave without saving them?'
      // Back, refused: the address returns to the document and the form keeps the text.
      await page.evaluate(() => history.back())
      await eventually(() => asked).toEqual([question])
      await eventually(() => page.url()).toBe(authorUrl)
      expect(await field('Bio').inputValue()).toBe('Kept after Back')
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Ada Lovelace')
      // Back again, accepted: the router shows the list.
      answer = true
      await page.evaluate(() => history.back())
      await eventually(() => asked.length).toBe(2)
      await page.waitForURL(/\/admin\/collections\/authors$/)
      await page.getByRole('heading', { name: 'Authors', level: 1 }).waitFor()
      // Forward to a document without changes asks nothing.
      await page.evaluate(() => history.forward())
      await page.waitForURL(authorUrl)
      await eventually(() => field('Bio').inputValue()).not.toBe('Kept after Back')
      // Forward away from unsaved changes, refused.
      await page.getByRole('link', { name: 'History' }).click()
      await page.waitForURL(/\/history$/)
      await page.evaluate(() => history.back())
      await page.waitForURL(authorUrl)
      await field('Bio').fill('Kept after Forward')
      answer = false
      await page.evaluate(() => history.forward())
      await eventually(() => asked.length).toBe(3)
      await eventually(() => page.url()).toBe(authorUrl)
      expect(await field('Bio').inputValue()).toBe('Kept after Forward')
      await page.getByRole('button', { name: 'Save draft' }).click()
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      // Saved: Back leaves without asking.
      await page.evaluate(() => history.back())
      await page.waitForURL(/\/admin\/collections\/authors$/)
      expect(asked).toHaveLength(3)
      page.removeAllListeners('dialog')
    })

    it('edits a global and deletes the post after confirmation', async () => {
      await page.goto(`${studio.url}/admin/globals/settings`)
      await field('Site name').waitFor()
      await expectAccessible(page, 'global')
      const rows = (await studio.galley.findGlobal({ slug: 'settings', draft: true }))
        .nav as unknown[]
      await page.getByRole('button', { name: 'Add Nav' }).click()
      const row = page.getByRole('group', { name: `Nav ${rows.length + 1}` })
      await row.getByLabel('Label').fill('Home')
      await row.getByLabel('Url').fill('/')
      await page.keyboard.press('Control+s')
      await eventually(() => status().textContent()).toMatch(/^Saved /)
      const settings = await studio.galley.findGlobal({ slug: 'settings', draft: true })
      expect((settings.nav as unknown[]).at(-1)).toMatchObject({ label: 'Home', url: '/' })
      expect(settings.nav).toHaveLength(rows.length + 1)
      await shot('08-global')
      await page.goto(postUrl)
      await page.getByRole('button', { name: 'Delete' }).click()
      await confirmDialog('Delete')
      await page.waitForURL(/\/admin\/collections\/posts$/)
      // The deleted document's address says so and leads back to the list.
      await page.goto(postUrl)
      await page.getByRole('heading', { name: 'Could not open this document' }).waitFor()
      expect(await page.getByRole('alert').textContent()).toMatch(/does not exist/)
      await page.getByRole('link', { name: 'Back to Posts' }).click()
      await page.waitForURL(/\/admin\/collections\/posts$/)
      await page.goto(`${studio.url}/admin/no/such/page`)
      expect(await page.getByRole('main').textContent()).toContain('There is no such page here.')
      expect(
        await studio.galley.count({
          collection: 'posts',
          where: { id: { equals: postId } },
          perspective: 'raw',
        }),
      ).toEqual({ totalDocs: 0 })
    })
  })
}
