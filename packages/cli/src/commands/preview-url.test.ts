import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGalley } from '@galley/core'
import { PreviewStore } from '@galley/server'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../cli-io'
import { loadProject } from '../load-project'
import { runCli } from '../run-cli'
import { closeGalley } from './close-galley'

const cwd = mkdtempSync(join(tmpdir(), 'galley-preview-url-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

function io(env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const value: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd, env }
  return { io: value, out, err }
}

/** Validate a secret against the project's database, as the server would. */
async function validate(secret: string) {
  const project = await loadProject({ cwd, env: {} })
  const galley = await createGalley(project.config)
  try {
    return await new PreviewStore(galley).validate(secret)
  } finally {
    await closeGalley(galley)
  }
}

describe('galley preview url', () => {
  it("prints a ready URL for the configured frontend's enable route", async () => {
    const t = io()
    const before = Date.now()
    const { code } = await runCli(['preview', 'url', '--path', '/blog/hello', '--ttl', '600'], t.io)
    expect(code).toBe(0)
    expect(t.out).toHaveLength(1)
    const url = new URL(t.out[0]!)
    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:3000/api/draft')
    expect(url.searchParams.get('galley-preview-pathname')).toBe('/blog/hello')
    const secret = url.searchParams.get('galley-preview-secret')!
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(t.err.join('\n')).toMatch(/Preview of \/blog\/hello \(drafts\) until /)
    const valid = await validate(secret)
    expect(valid).toMatchObject({ kind: 'secret', perspective: 'drafts' })
    const ttl = Date.parse(valid!.expiresAt) - before
    expect(ttl).toBeGreaterThan(590_000)
    expect(ttl).toBeLessThanOrEqual(605_000)
  })

  it('binds a perspective stack, makes single-use secrets, and takes --frontend', async () => {
    const t = io()
    const { code } = await runCli(
      [
        'preview',
        'url',
        '--path',
        '/blog/x',
        '--perspective',
        'spring,drafts',
        '--single-use',
        '--frontend',
        'https://preview.example/api/draft-mode/enable',
      ],
      t.io,
    )
    expect(code).toBe(0)
    const url = new URL(t.out[0]!)
    expect(url.host).toBe('preview.example')
    const secret = url.searchParams.get('galley-preview-secret')!
    expect(await validate(secret)).toMatchObject({ perspective: 'spring,drafts' })
    expect(await validate(secret)).toBeNull()
  })

  it('explains what to change on bad input', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['preview', 'url'], 2, /needs --path/],
      [['preview', 'url', '--path', 'blog'], 2, /--path must be a path/],
      [['preview', 'url', '--path', '/x', '--ttl', 'soon'], 2, /--ttl must be a number/],
      [
        ['preview', 'url', '--path', '/x', '--ttl', '9999999'],
        1,
        /ttlSeconds must be a whole number from 1 to 604800/,
      ],
      [['preview', 'url', '--path', '/x', '--perspective', 'raw'], 1, /never 'raw'/],
      [['preview', 'link'], 2, /use: preview url/],
    ]
    for (const [argv, expected, message] of cases) {
      const t = io()
      const { code } = await runCli(argv, t.io)
      expect(code, argv.join(' ')).toBe(expected)
      expect(t.err.join('\n')).toMatch(message)
      expect(t.out).toEqual([])
    }
  })
})
