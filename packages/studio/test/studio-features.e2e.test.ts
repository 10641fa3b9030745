/**
 * The rest of the Studio in Chromium, on the example blog: rich text in Lexical, "Open
 * preview" showing the draft on the (stand-in) site, shared preview links, the admin screens
 * for users and API tokens, who updated each document, a global's history, and continuous
 * typing through autosaves on a slowed network — axe-core on every screen, a screenshot of
 * each in artifacts/studio/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { AuthStore } from '@galley/server'
import {
  ADMIN,
  ARTIFACTS,
  EDITOR,
  expectAccessible,
  launchChromium,
  missingChromium,
  PG_URL,
  screenshot,
  startStudio,
  type RunningStudio,
} from './helpers/studio-harness'

const eventually = <T>(fn: () => T | Promise<T>) =>
  expect.poll(fn, { timeout: 15_000, interval: 50 })

const STORES = ['sqlite', ...(PG_URL ? (['postgres'] as const) : [])] as const

for (const store of STORES) {
  describe.skipIf(missingChromium)(`Studio features in Chromium (${store})`, () => {
    let studio: RunningStudio
    let browser: Browser
    let context: BrowserContext
    let page: Page
    const shot = (name: string, p: Page = page) => (store === 'sqlite' ? screenshot(p, name) : null)
    const field = (label: string) => page.getByLabel(label, { exact: true }).first()
    const saved = () => eventually(() => page.getByRole('status').textContent()).toMatch(/^Saved /)

    async function signIn(p: Page, who: { email: string; password: string }) {
      await p.goto(`${studio.url}/admin`)
      await p.getByLabel('Email').fill(who.email)
      await p.getByLabel('Password').fill(who.password)
      await p.getByRole('button', { name: 'Log in' }).click()
      await p.getByRole('navigation', { name: 'Content' }).waitFor()
    }
    async function openPost(title: RegExp | string) {
      await page.goto(`${studio.url}/admin/collections/posts`)
      await page.getByRole('link', { name: title }).first().click()
      await field('Title').waitFor()
    }

    beforeAll(async () => {
      // Posts get a hasMany relationship too, for the picker's many-document form.
      studio = await startStudio(store, {
        extend: (config) => ({
          ...config,
          collections: config.collections!.map((c) =>
            c.slug === 'posts'
              ? {
                  ...c,
                  fields: [
                    ...c.fields,
                    { name: 'related', type: 'relationship', relationTo: 'posts', hasMany: true },
                    { name: 'rating', type: 'number', max: 5 },
                  ],
                }
              : c,
          ),
        }),
      })
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

    it('edits rich text in Lexical and stores Galley’s block format', async () => {
      await signIn(page, ADMIN)
      await openPost('Hello, world')
      const body = page.getByRole('textbox', { name: 'Body' })
      await body.click()
      await page.keyboard.press('Control+End')
      await page.keyboard.press('Enter')
      await page.getByLabel('Text style').selectOption('h2')
      await page.keyboard.type('Why Galley')
      await page.keyboard.press('Enter')
      await page.keyboard.type('Drafts are ')
      await page.getByRole('button', { name: 'Bold', exact: true }).click()
      await page.keyboard.type('safe')
      await page.getByRole('button', { name: 'Bold', exact: true }).click()
      await page.keyboard.type(' and ')
      await page.getByRole('button', { name: 'Code', exact: true }).click()
      await page.keyboard.type('If-Match')
      await page.getByRole('button', { name: 'Code', exact: true }).click()
      await page.keyboard.press('Enter')
      await page.getByLabel('Text style').selectOption('bullet')
      await page.keyboard.type('one')
      await page.keyboard.press('Enter')
      await page.keyboard.type('two')
      await page.keyboard.press('Enter')
      await page.keyboard.press('Enter') // an empty item ends the list
      await page.keyboard.type('docs')
      await page.keyboard.press('Shift+Home')
      await page.getByRole('button', { name: 'Link', exact: true }).click()
      await page.getByLabel('Link address').fill('https://example.com/docs')
      await page.getByRole('button', { name: 'Apply link' }).click()
      await saved()
      const id = page.url().split('/').pop()!
      const draft = await studio.galley.findById({ collection: 'posts', id, draft: true })
      expect(draft!.body).toEqual([
        {
          type: 'paragraph',
          children: [{ text: 'Welcome to the example blog. This post is published.' }],
        },
        { type: 'heading', level: 2, children: [{ text: 'Why Galley' }] },
        {
          type: 'paragraph',
          children: [
            { text: 'Drafts are ' },
            { text: 'safe', bold: true },
            { text: ' and ' },
            { text: 'If-Match', code: true },
          ],
        },
        {
          type: 'list',
          ordered: false,
          children: [
            { type: 'listItem', children: [{ text: 'one' }] },
            { type: 'listItem', children: [{ text: 'two' }] },
          ],
        },
        {
          type: 'paragraph',
          children: [
            { type: 'link', url: 'https://example.com/docs', children: [{ text: 'docs' }] },
          ],
        },
      ])
      await expectAccessible(page, 'rich text editor')
      await shot('10-rich-text')
      await page.reload()
      await eventually(() => page.getByRole('textbox', { name: 'Body' }).textContent()).toContain(
        'Drafts are safe and If-Match',
      )
      expect(await page.getByRole('heading', { name: 'Why Galley' }).count()).toBe(1)
      // Loading the document changed nothing.
      expect(await page.getByRole('status').textContent()).not.toMatch(/^Saving/)
    })

    it('the rich text toolbar is one Tab stop, with arrow keys between its controls', async () => {
      const toolbar = page.getByRole('toolbar', { name: 'Text formatting' })
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null
          if (!el?.closest('[role="toolbar"]')) return `outside: ${el?.getAttribute('role')}`
          return el.tagName === 'SELECT' ? 'Text style' : el.textContent
        })
      await page.getByRole('textbox', { name: 'Body' }).click()
      await page.keyboard.press('Control+Home')
      // Let the editor commit the caret move first: Lexical sets the DOM selection when it
      // commits, which takes focus back into the text if that lands after Shift+Tab.
      await page.evaluate(
        () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
      )
      await page.keyboard.press('Shift+Tab')
      expect(await focused()).toBe('Text style')
      expect(await toolbar.locator('[tabindex="0"]').count()).toBe(1)
      await page.keyboard.press('ArrowRight')
      expect(await focused()).toBe('Bold')
      await page.keyboard.press('ArrowRight')
      expect(await focused()).toBe('Italic')
      await page.keyboard.press('End')
      expect(await focused()).toBe('Link')
      await page.keyboard.press('ArrowRight') // wraps around
      expect(await focused()).toBe('Text style')
      await page.keyboard.press('ArrowLeft')
      expect(await focused()).toBe('Link')
      await page.keyboard.press('Home')
      expect(await focused()).toBe('Text style')
      await page.keyboard.press('ArrowRight')
      // Tab leaves the toolbar for the text; Shift+Tab comes back to the control used last.
      await page.keyboard.press('Tab')
      expect(await focused()).toBe('outside: textbox')
      await page.keyboard.press('Shift+Tab')
      expect(await focused()).toBe('Bold')
      expect(await toolbar.locator('[tabindex="0"]').count()).toBe(1)
      expect(await toolbar.getByRole('button', { name: 'Bold' }).getAttribute('tabindex')).toBe('0')
      await expectAccessible(page, 'rich text toolbar')
    })

    it('"Open preview" opens the draft on the site; the public still sees what is published', async () => {
      await field('Title').fill('Hello, draft world')
      await saved()
      const popup = context.waitForEvent('page')
      await page.getByRole('button', { name: 'Open preview' }).click()
      const site = await popup
      await site.waitForURL(/\/posts\/hello-world$/)
      await eventually(() => site.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Hello, draft world',
      )
      expect(await site.getByRole('status').textContent()).toBe('Draft preview')
      expect(new URL(site.url()).search).toBe('') // the secret is gone from the address
      await shot('11-open-preview-site', site)
      await site.close()
      const visitor = await browser.newPage()
      await visitor.goto(`${studio.site.url}/posts/hello-world`)
      expect(await visitor.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, world')
      await visitor.close()
    })

    it('shares a named preview link, shows when it was used, and revokes it', async () => {
      await page.getByRole('button', { name: 'Share preview' }).click()
      await page.getByLabel('Link name').fill('Legal review')
      await page.getByLabel('Expires after').selectOption('1')
      await page.getByRole('button', { name: 'Create link' }).click()
      const url = await page.getByLabel('Shared link').inputValue()
      expect(url).toMatch(new RegExp(`^${studio.site.url}/api/draft\\?`))
      const row = page.getByRole('row').filter({ hasText: 'Legal review' })
      await eventually(() => row.getByRole('cell').nth(1).textContent()).toBe(ADMIN.email)
      expect(await row.getByRole('cell').nth(4).textContent()).toBe('Not yet')
      await expectAccessible(page, 'share preview')
      await shot('12-share-preview')
      const reviewer = await browser.newContext()
      const tab = await reviewer.newPage()
      await tab.goto(url)
      await eventually(() => tab.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Hello, draft world',
      )
      await page.getByRole('button', { name: 'Share preview' }).click() // close
      await page.getByRole('button', { name: 'Share preview' }).click() // and open: a fresh list
      await eventually(() => row.getByRole('cell').nth(4).textContent()).not.toBe('Not yet')
      await row.getByRole('button', { name: 'Revoke Legal review' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click()
      await eventually(() => row.count()).toBe(0)
      const again = await (await reviewer.newPage()).goto(url)
      expect(again!.status()).toBeGreaterThanOrEqual(400)
      await reviewer.close()
    })

    it('a relationship field answers to its label; its search box has a name of its own', async () => {
      await openPost('Hello, draft world')
      // Even a loose lookup by the label finds only the field's own control.
      const author = page.getByLabel('Author')
      expect(await author.count()).toBe(1)
      expect(await author.evaluate((el) => el.tagName)).toBe('SELECT')
      const search = page.getByRole('searchbox', { name: 'Search Authors for Author' })
      await search.fill('Ada')
      await eventually(() => author.locator('option').allTextContents()).toContain('Ada Lovelace')
      await search.fill('')
    })

    it('a number the browser cannot read stays on screen, said so, and is never saved', async () => {
      await openPost('Hello, draft world')
      const id = page.url().split('/').pop()!
      const rating = async () =>
        (await studio.galley.findById({ collection: 'posts', id, draft: true }))!.rating
      await field('Rating').fill('4')
      await saved()
      await eventually(rating).toBe(4)
      // '4e' is no number: the browser reads it as '' (what an emptied field reads).
      await field('Rating').press('End')
      await page.keyboard.type('e')
      await eventually(() => field('Rating').getAttribute('aria-invalid')).toBe('true')
      expect(await page.locator('.field-number .field-error').textContent()).toBe(
        'Not a number this field can hold; it is not saved until it is one.',
      )
      await page.keyboard.press('Control+s')
      await saved()
      expect(await rating()).toBe(4) // not emptied behind the editor's back
      await expectAccessible(page, 'number field error')
      await page.keyboard.press('Backspace')
      await eventually(() => field('Rating').getAttribute('aria-invalid')).toBe(null)
      await field('Rating').fill('5')
      await saved()
      await eventually(rating).toBe(5)
    })

    it('picks many related documents: search, add, reorder, remove', async () => {
      await openPost('Hello, draft world')
      const related = page.getByRole('group', { name: 'Related' })
      await related.getByRole('searchbox').fill('draft')
      // The unfiltered list stays until the search's answer replaces it.
      const addButtons = () => related.getByRole('button', { name: /^Add / }).allTextContents()
      await eventually(async () => {
        const adds = await addButtons()
        return adds.length > 0 && adds.every((t) => /draft/i.test(t))
      }).toBe(true)
      const adds = await addButtons()
      expect(adds).not.toContain('Add Hello, draft world') // not the document itself
      await related.getByRole('button', { name: adds[0] }).click()
      await related.getByRole('searchbox').fill('')
      const second = related.getByRole('button', { name: /^Add / }).first()
      const secondTitle = (await second.textContent())!.replace(/^Add /, '')
      await second.click()
      const chosen = related.getByRole('list', { name: 'Chosen Related' })
      await eventually(() => chosen.getByRole('listitem').count()).toBe(2)
      await chosen.getByRole('button', { name: `Move ${secondTitle} up` }).click()
      await saved()
      const id = page.url().split('/').pop()!
      const stored = async () =>
        ((await studio.galley.findById({ collection: 'posts', id, draft: true }))!.related ??
          []) as string[]
      await eventually(async () => (await stored()).length).toBe(2)
      const [first] = await stored()
      const firstDoc = await studio.galley.findById({
        collection: 'posts',
        id: first!,
        draft: true,
      })
      expect(firstDoc!.title).toBe(secondTitle)
      await expectAccessible(page, 'relationship picker (many)')
      await related.scrollIntoViewIfNeeded()
      if (store === 'sqlite')
        await page.screenshot({ path: `${ARTIFACTS}/17-relationship-many.png` })
      await chosen.getByRole('button', { name: `Remove ${secondTitle}` }).click()
      await saved()
      await eventually(async () => (await stored()).length).toBe(1)
    })

    it('lists who updated each document, by name', async () => {
      await page.goto(`${studio.url}/admin/collections/posts`)
      const row = page.getByRole('row').filter({ hasText: 'Hello, draft world' })
      await eventually(() => row.getByRole('cell').nth(3).textContent()).toBe('Ada Admin')
      expect(await page.getByRole('columnheader', { name: 'Updated by' }).count()).toBe(1)
      await expectAccessible(page, 'list with who updated')
    })

    it('keeps every character typed without a pause through several autosaves on a slow network', async () => {
      await openPost('Hello, draft world')
      let saves = 0
      await page.route('**/api/posts/**', async (route) => {
        if (route.request().method() === 'PATCH') saves++
        await new Promise((r) => setTimeout(r, 300))
        await route.continue()
      })
      const text = 'Continuous typing through autosaves loses nothing at all, not one letter.'
      await field('Excerpt').fill('')
      await field('Excerpt').pressSequentially(text, { delay: 60 })
      const whileTyping = saves
      await saved()
      await page.unroute('**/api/posts/**')
      expect(whileTyping).toBeGreaterThanOrEqual(2)
      expect(await field('Excerpt').inputValue()).toBe(text)
      await page.reload()
      await eventually(() => field('Excerpt').inputValue()).toBe(text)
    })

    it('restores an old version of a global from its history', async () => {
      await page.goto(`${studio.url}/admin/globals/settings`)
      await field('Tagline').fill('A tagline to take back')
      await page.keyboard.press('Control+s')
      await saved()
      await page.getByRole('link', { name: 'History' }).click()
      await page.getByRole('heading', { name: 'History', level: 1 }).waitFor()
      await eventually(async () =>
        (await page.locator('.diffs ins').allTextContents()).join(' '),
      ).toMatch(/take back/)
      await expectAccessible(page, 'global history')
      await shot('13-global-history')
      const created = page.getByRole('row').filter({ hasText: 'Created' })
      await created.getByRole('button', { name: /^Restore as draft/ }).click()
      await page.waitForURL(/\/admin\/globals\/settings$/)
      const settings = await studio.galley.findGlobal({ slug: 'settings', draft: true })
      expect(settings.tagline).not.toBe('A tagline to take back')
    })

    it('admins invite users and change roles; API tokens are shown once and revoked', async () => {
      await page.goto(`${studio.url}/admin/users`)
      await page.getByLabel('Email', { exact: true }).fill('new.writer@example.com')
      await page.getByLabel('Name', { exact: true }).fill('New Writer')
      await page.getByLabel('Role', { exact: true }).selectOption('editor')
      const password = await page.getByLabel('Temporary password').inputValue()
      expect(password.length).toBeGreaterThanOrEqual(16)
      await page.getByRole('button', { name: 'Create user' }).click()
      expect(await page.getByLabel('Password of new.writer@example.com').inputValue()).toBe(
        password,
      )
      const roleOf = page.getByLabel('Role of new.writer@example.com')
      await eventually(() => roleOf.inputValue()).toBe('editor')
      await roleOf.selectOption('viewer')
      await eventually(async () => {
        const users = await studio.galley.find({
          collection: 'users',
          where: { email: { equals: 'new.writer@example.com' } },
        })
        return users.docs[0]?.role
      }).toBe('viewer')
      await expectAccessible(page, 'users')
      await shot('14-users')
      // The new user can sign in with the password they were given.
      const login = await fetch(`${studio.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: studio.url },
        body: JSON.stringify({ email: 'new.writer@example.com', password }),
      })
      expect(login.status).toBe(200)
      // The same email again is said once, in words, and the form keeps what was typed.
      await page.getByLabel('Email', { exact: true }).fill('New.Writer@example.com')
      await page.getByRole('button', { name: 'Create user' }).click()
      await eventually(() => page.getByRole('alert').first().textContent()).toBe(
        'Not created: A user with this email already exists.',
      )
      expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(
        'New.Writer@example.com',
      )

      // Tokens made outside the Studio name their tool; one of a deleted user says so.
      const auth = new AuthStore(studio.galley)
      await auth.createToken({ name: 'dev-preview', scope: 'read:drafts', createdBy: 'galley dev' })
      await auth.createToken({
        name: 'orphan',
        scope: 'read:published',
        createdBy: '01m91nypzs0000805mvf',
      })
      await page.getByRole('link', { name: 'API tokens' }).click()
      const madeBy = (name: string) =>
        page.getByRole('row').filter({ hasText: name }).getByRole('cell').nth(3).textContent()
      await eventually(() => madeBy('dev-preview')).toBe('galley dev')
      expect(await madeBy('orphan')).toBe('Deleted user')
      await page.getByLabel('Token name').fill('Build bot')
      await page.getByLabel('Scope').selectOption('read:drafts')
      await page.getByRole('button', { name: 'Create token' }).click()
      const token = await page.getByLabel('Token Build bot').inputValue()
      expect(token).toMatch(/^gly_/)
      const read = () =>
        fetch(`${studio.url}/api/posts?draft=true`, {
          headers: { authorization: `Bearer ${token}` },
        })
      expect((await read()).status).toBe(200)
      await expectAccessible(page, 'tokens')
      await shot('15-tokens')
      await page.reload()
      expect(await page.getByText(token).count()).toBe(0) // shown once
      // Cancel keeps it; a failed DELETE says why, refetches the list, and keeps the token.
      await page.getByRole('button', { name: 'Revoke Build bot' }).click()
      await expect(page.getByRole('dialog').getByRole('heading').textContent()).resolves.toBe(
        'Revoke “Build bot”?',
      )
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
      expect(await page.getByRole('dialog').count()).toBe(0)
      let lists = 0
      await page.route('**/api/auth/tokens**', (route) => {
        if (route.request().method() === 'GET') lists++
        if (route.request().method() !== 'DELETE') return route.continue()
        return route.fulfill({
          status: 503,
          json: { error: { code: 'UNAVAILABLE', message: 'The store is down.' } },
        })
      })
      await page.getByRole('button', { name: 'Revoke Build bot' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click()
      await eventually(() => page.getByRole('alert').textContent()).toBe(
        'Not revoked: The store is down.',
      )
      await eventually(() => lists).toBeGreaterThan(0)
      expect((await read()).status).toBe(200)
      await page.unroute('**/api/auth/tokens**')
      await page.getByRole('button', { name: 'Revoke Build bot' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click()
      await eventually(() =>
        page.getByRole('cell', { name: 'Build bot', exact: true }).count(),
      ).toBe(0)
      expect(await page.getByRole('alert').count()).toBe(0) // a success clears the failure
      expect((await read()).status).toBe(401)
    })

    it('tells an editor why the admin screens are not for them', async () => {
      const other = await browser.newContext({ viewport: { width: 1280, height: 700 } })
      const p = await other.newPage()
      await signIn(p, EDITOR)
      await p.getByRole('link', { name: 'Users' }).click()
      await eventually(() => p.getByRole('note').textContent()).toMatch(
        /^Only admins manage users\. You are signed in as an editor/,
      )
      await p.getByRole('link', { name: 'API tokens' }).click()
      await eventually(() => p.getByRole('note').textContent()).toMatch(
        /^Only admins manage API tokens/,
      )
      await expectAccessible(p, 'admin screen for an editor')
      await shot('16-not-admin', p)
      await other.close()
    })

    it('asks before leaving the page with changes that are not saved', async () => {
      await page.goto(`${studio.url}/admin/collections/authors`)
      await page.getByRole('link', { name: 'Ada Lovelace' }).click()
      await field('Bio').fill('Unsaved words')
      const asked = new Promise<string>((resolve) =>
        page.once('dialog', (d) => {
          resolve(d.type())
          void d.dismiss()
        }),
      )
      await page.close({ runBeforeUnload: true })
      expect(await asked).toBe('beforeunload')
      page = await context.newPage()
    })
  })
}
