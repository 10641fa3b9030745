import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGalley } from '@galley/core'
import { AuthStore } from '@galley/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../src/cli-io'
import { closeGalley } from '../src/commands/close-galley'
import { loadProject } from '../src/load-project'
import { runCli } from '../src/run-cli'
import { STORES } from './stores'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts')
const TSX = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'node_modules',
  '.bin',
  'tsx',
)

for (const store of STORES) {
  describe.skipIf(store.skip)(`galley CLI (${store.name})`, () => {
    let cwd: string
    let env: Record<string, string>
    let drop: () => Promise<void>
    const run = async (...argv: string[]) => {
      const out: string[] = []
      const err: string[] = []
      const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd, env }
      const res = await runCli(argv, io)
      return { ...res, out: out.join('\n'), err: err.join('\n') }
    }
    const withStore = async <T>(fn: (store: AuthStore) => Promise<T>): Promise<T> => {
      const project = await loadProject({ cwd, env })
      const galley = await createGalley(project.config)
      try {
        return await fn(new AuthStore(galley))
      } finally {
        await closeGalley(galley)
      }
    }
    beforeAll(() => {
      cwd = mkdtempSync(join(tmpdir(), 'galley-cli-'))
      ;({ env, drop } = store.make())
    })
    afterAll(async () => {
      rmSync(cwd, { recursive: true, force: true })
      await drop?.()
    })

    it('galley dev: first run seeds the example blog, prints an admin login and a read token once, and serves the API', async () => {
      const first = await run('dev', '--port', '0')
      expect(first.code).toBe(0)
      try {
        expect(first.out).toMatch(/Seeded example content \(8 documents\)/)
        expect(first.out).toMatch(/Admin login: {2}admin@galley\.local {2}\/ {2}\S{12,}/)
        const token = /Read token: {3}(gly_\S+)/.exec(first.out)![1]!
        expect(first.out).toMatch(/^API: http:\/\/localhost:\d+\/api$/m)
        const api = /^API: (\S+)$/m.exec(first.out)![1]!
        const posts = await (await fetch(`${api}/posts?sort=title`)).json()
        expect(posts.docs.map((d: any) => d.id)).toEqual([
          'drafts-and-previews',
          'hello-world',
          'release-notes-0-1',
        ])
        const drafts = await (
          await fetch(`${api}/posts?draft=true&where[id][equals]=coming-soon`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()
        expect(drafts.docs[0]).toMatchObject({ id: 'coming-soon', _status: 'draft' })
        expect((await fetch(`${api}/posts?draft=true`)).status).toBe(401)
        const changed = await (
          await fetch(`${api}/posts/drafts-and-previews?draft=true`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()
        expect(changed._status).toBe('changed')
        const settings = await (await fetch(`${api}/globals/settings`)).json()
        expect(settings).toMatchObject({ siteName: 'Galley Blog', _status: 'changed' })
        const author = await (await fetch(`${api}/posts/hello-world?depth=1`)).json()
        expect(author.author).toMatchObject({ id: 'ada', name: 'Ada Lovelace' })
        const gql = await (
          await fetch(`${api}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ posts { totalDocs } }' }),
          })
        ).json()
        expect(gql.data.posts.totalDocs).toBe(3)
      } finally {
        await first.dev!.close()
      }
      const second = await run('dev', '--port', '0')
      try {
        expect(second.out).not.toMatch(/Admin login|Read token|Seeded/)
        expect(second.out).toMatch(/^API: /m)
      } finally {
        await second.dev!.close()
      }
    })

    it('galley token create | list | revoke', async () => {
      const created = await run('token', 'create', '--name', 'site', '--scope', 'read:published')
      expect(created.code).toBe(0)
      const token = created.out.split('\n')[1]!
      expect(token).toMatch(/^gly_[A-Za-z0-9_-]{43}$/)
      expect(await withStore(async (s) => (await s.resolveToken(token))?.scope)).toBe(
        'read:published',
      )
      const list = await run('token', 'list')
      expect(list.out).toMatch(/^site\s+read:published\s+gly_\S{8}…/m)
      expect(list.out).not.toContain(token)
      const dup = await run('token', 'create', '--name', 'site', '--scope', 'write')
      expect(dup.code).toBe(1)
      const revoked = await run('token', 'revoke', 'site')
      expect(revoked.out).toMatch(/Revoked token "site"/)
      expect(await withStore((s) => s.resolveToken(token))).toBeNull()
      expect((await run('token', 'revoke', 'site')).code).toBe(1)
    })

    it('galley user create (with a generated or given password)', async () => {
      const gen = await run(
        'user',
        'create',
        '--email',
        'Ed@Example.com',
        '--role',
        'editor',
        '--name',
        'Ed',
      )
      expect(gen.code).toBe(0)
      const password = /Password \(shown only now\): (\S+)/.exec(gen.out)![1]!
      expect(
        await withStore(async (s) => (await s.verifyLogin('ed@example.com', password))?.role),
      ).toBe('editor')
      const given = await run(
        'user',
        'create',
        '--email',
        'v@example.com',
        '--role',
        'viewer',
        '--password',
        'given password',
      )
      expect(given.out).not.toMatch(/Password/)
      expect(
        await withStore(async (s) => !!(await s.verifyLogin('v@example.com', 'given password'))),
      ).toBe(true)
      expect(
        (await run('user', 'create', '--email', 'x@example.com', '--password', 'short')).code,
      ).toBe(1)
    })

    it('galley seed is safe to run twice; galley migrate reports an up-to-date store', async () => {
      const seed = await run('seed')
      expect(seed.code).toBe(0)
      expect(seed.out).toMatch(/0 documents created/)
      const migrate = await run('migrate')
      expect(migrate.code).toBe(0)
      expect(migrate.out).toMatch(/up to date|Applied migration/)
    })
  })
}

describe('galley CLI usage', () => {
  // Inside the repository, so a project config there resolves @galley/* from node_modules.
  const cwd = mkdtempSync(join(dirname(fileURLToPath(import.meta.url)), '..', '.tmp-'))
  afterAll(() => rmSync(cwd, { recursive: true, force: true }))
  const run = async (...argv: string[]) => {
    const err: string[] = []
    const out: string[] = []
    const res = await runCli(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      cwd,
      env: {},
    })
    return { ...res, err: err.join('\n'), out: out.join('\n') }
  }

  it('mistakes print usage and exit 2', async () => {
    for (const argv of [
      ['nope'],
      ['token', 'create', '--name', 'x'],
      ['token', 'create', '--name', 'x', '--scope', 'admin'],
      ['token', 'frob'],
      ['user', 'create', '--email', 'a@b.co', '--role', 'root'],
      ['user', 'create'],
      ['dev', '--port', 'abc'],
      ['token', 'list', '--bogus'],
    ]) {
      const res = await run(...argv)
      expect(res.code, argv.join(' ')).toBe(2)
      expect(res.err).toMatch(/Usage: galley/)
    }
    expect((await run('help')).out).toMatch(/galley dev/)
  })

  it('--config that does not exist is an error naming the path', async () => {
    const res = await run('token', 'list', '--config', 'missing.config.ts')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/missing\.config\.ts: no such file/)
  })

  it("uses the project's galley.config.ts when there is one", async () => {
    writeFileSync(
      join(cwd, 'galley.config.ts'),
      `import { defineConfig } from '@galley/core'\nimport { sqlite } from '@galley/storage-sqlite'\nexport default defineConfig({ storage: sqlite({ file: ':memory:' }), collections: [{ slug: 'notes', fields: [{ name: 'text', type: 'text' }] }] })\n`,
    )
    try {
      const res = await run('dev', '--port', '0')
      try {
        expect(res.out).toMatch(/galley\.config\.ts/)
        const api = /^API: (\S+)$/m.exec(res.out)![1]!
        expect((await (await fetch(`${api}/notes`)).json()).totalDocs).toBe(0)
        expect(res.out).not.toMatch(/Seeded/) // no seed export
        expect(res.out).toMatch(/Admin login/)
      } finally {
        await res.dev!.close()
      }
    } finally {
      rmSync(join(cwd, 'galley.config.ts'))
    }
  })
})

describe('bin.ts', () => {
  it('runs `galley dev` as a process, prints the API URL, and stops cleanly on SIGINT', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'galley-bin-'))
    const child = spawn(TSX, [BIN, 'dev', '--port', '0'], {
      cwd,
      env: { ...process.env, DATABASE_URL: '', PORT: '' },
    })
    try {
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (out += d))
      const api = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no API line in time:\n${out}`)), 30_000)
        child.stdout.on('data', () => {
          const m = /^API: (\S+)$/m.exec(out)
          if (m) {
            clearTimeout(t)
            resolve(m[1]!)
          }
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)))
      })
      expect((await fetch(`${api}/posts`)).status).toBe(200)
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', resolve)
        child.kill('SIGINT')
      })
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(cwd, { recursive: true, force: true })
    }
  }, 60_000)
})
