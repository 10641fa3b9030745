import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createProject } from './create-project'

describe('createProject', () => {
  let cwd: string
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'create-galley-'))
  })
  afterEach(() => rmSync(cwd, { recursive: true, force: true }))

  it('writes a config, an example collection and a package.json with matching @galley versions', () => {
    const created = createProject({ dir: 'my-site', cwd, version: '1.2.3' })
    expect(created.name).toBe('my-site')
    expect(created.files).toEqual(
      expect.arrayContaining(['package.json', 'galley.config.ts', 'collections/posts.ts']),
    )
    const manifest = JSON.parse(readFileSync(join(cwd, 'my-site', 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({
      name: 'my-site',
      type: 'module',
      scripts: { dev: 'galley dev' },
      dependencies: {
        '@galley/cli': '^1.2.3',
        '@galley/core': '^1.2.3',
        '@galley/storage-sqlite': '^1.2.3',
      },
    })
    const config = readFileSync(join(cwd, 'my-site', 'galley.config.ts'), 'utf8')
    expect(config).toContain("from './collections/posts'")
    expect(readFileSync(join(cwd, 'my-site', 'collections', 'posts.ts'), 'utf8')).toContain(
      "slug: 'posts'",
    )
  })

  it('uses its own version by default', () => {
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    createProject({ dir: 'site', cwd })
    const manifest = JSON.parse(readFileSync(join(cwd, 'site', 'package.json'), 'utf8'))
    expect(manifest.dependencies['@galley/core']).toBe(`^${own.version}`)
  })

  it('never writes into a folder that has files, and names the folder', () => {
    mkdirSync(join(cwd, 'taken'))
    writeFileSync(join(cwd, 'taken', 'galley.config.ts'), 'mine')
    expect(() => createProject({ dir: 'taken', cwd })).toThrow(/taken is not empty/)
    expect(readFileSync(join(cwd, 'taken', 'galley.config.ts'), 'utf8')).toBe('mine')
  })

  it('refuses a folder name npm cannot use as a package name', () => {
    expect(() => createProject({ dir: 'My Site', cwd })).toThrow(/cannot name an npm package/)
  })
})
