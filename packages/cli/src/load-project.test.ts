import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadProject } from './load-project'

const cwd = mkdtempSync(join(tmpdir(), 'galley-load-project-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('loadProject: the example blog’s server options', () => {
  it('point preview links and signed purges at the example site', async () => {
    const secret = 'r'.repeat(32)
    const project = await loadProject({
      cwd,
      env: { GALLEY_SITE_URL: 'http://localhost:3999/', REVALIDATE_SECRET: secret },
    })
    expect(project.isExample).toBe(true)
    expect(project.server.preview?.url).toBe('http://localhost:3999/api/draft')
    expect(project.server.webhooks).toEqual([
      { url: 'http://localhost:3999/api/revalidate', secret },
    ])
  })

  it('send no webhook without a secret, and default to localhost:3000', async () => {
    const project = await loadProject({ cwd, env: {} })
    expect(project.server.preview?.url).toBe('http://localhost:3000/api/draft')
    expect(project.server.webhooks).toEqual([])
  })
})
