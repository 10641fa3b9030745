/**
 * The packages as a user gets them: every publishable package is packed (`npm pack`, which
 * builds it), the tarballs are installed into fresh projects in a temporary folder outside
 * the repository, and there plain Node runs the Local API, the preview handshake, the
 * `galley` bin and a project made from the template (`create-galley`).
 *
 * Third-party dependencies come from the npm registry (`--prefer-offline`: the local cache
 * first). Install scripts are skipped; better-sqlite3's native addon is copied from this
 * repository's install when the versions match (else rebuilt), which keeps the test fast.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishablePackages } from '../scripts/build-packages'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const work = mkdtempSync(join(tmpdir(), 'galley-pack-'))
const tarballs = join(work, 'tarballs')
const packages = publishablePackages()

/** The environment of a user's shell: none of this repository's source condition. */
const userEnv: NodeJS.ProcessEnv = (() => {
  const { NODE_OPTIONS, VITEST, VITEST_POOL_ID, VITEST_WORKER_ID, NODE_ENV, ...env } = process.env
  const options = (NODE_OPTIONS ?? '').replace(/--conditions=@galley\/source/g, '').trim()
  return {
    ...env,
    ...(options ? { NODE_OPTIONS: options } : {}),
    npm_config_update_notifier: 'false',
  }
})()

interface Ran {
  code: number | null
  out: string
  err: string
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: userEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.stderr.on('data', (c: Buffer) => (err += c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`${cmd} ${args.join(' ')} took over ${timeoutMs} ms:\n${out}\n${err}`))
    }, timeoutMs)
    child.on('error', fail)
    child.on('exit', (code) => {
      clearTimeout(timer)
      done({ code, out, err })
    })
  })
}

async function ok(cmd: string, args: string[], cwd: string, timeoutMs?: number): Promise<string> {
  const r = await run(cmd, args, cwd, timeoutMs)
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.out}\n${r.err}`)
  return r.out
}

/** A long-running command in its own process group, read until `ready` matches its output. */
async function start(
  cmd: string,
  args: string[],
  cwd: string,
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; output: () => string; match: RegExpExecArray }> {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...userEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  const match = await new Promise<RegExpExecArray>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${cmd} ${args.join(' ')} did not print ${ready}:\n${output}`)),
      90_000,
    )
    const onData = (c: Buffer) => {
      output += c
      const m = ready.exec(output)
      if (m) {
        clearTimeout(timer)
        done(m)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${output}`))
    })
  })
  return { child, output: () => output, match }
}

function stop(child: ChildProcess | undefined): void {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
}

/** A fresh project with every tarball installed (as a user's `npm install` would). */
async function installTarballs(dir: string): Promise<void> {
  const files = readdirSync(tarballs).map((f) => join(tarballs, f))
  await ok(
    'npm',
    ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...files],
    dir,
    240_000,
  )
  const native = join('build', 'Release', 'better_sqlite3.node')
  const theirs = join(dir, 'node_modules', 'better-sqlite3')
  const ours = join(repo, 'node_modules', 'better-sqlite3')
  const version = (d: string) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).version
  if (existsSync(join(ours, native)) && version(ours) === version(theirs)) {
    mkdirSync(dirname(join(theirs, native)), { recursive: true })
    copyFileSync(join(ours, native), join(theirs, native))
  } else {
    await ok('npm', ['rebuild', 'better-sqlite3'], dir, 600_000)
  }
}

const LOCAL_API = `
import { createGalley, defineConfig } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'

const galley = await createGalley(defineConfig({
  storage: sqlite({ file: 'local-api.db' }),
  collections: [{
    slug: 'posts',
    versions: { drafts: true },
    fields: [{ name: 'title', type: 'text', required: true }],
  }],
}))
const live = await galley.create({ collection: 'posts', data: { title: 'Live' } })
await galley.update({ collection: 'posts', id: live.id, data: { title: 'Live, edited' }, draft: true })
await galley.create({ collection: 'posts', data: { title: 'Unpublished' }, draft: true })
const titles = async (perspective) =>
  (await galley.find({ collection: 'posts', perspective, sort: 'title' })).docs.map((d) => [d.title, d._status])
console.log(JSON.stringify({ published: await titles('published'), drafts: await titles('drafts') }))
await galley.close()
`

const CONFIG = `
import { join } from 'node:path'
import { defineConfig, type CollectionConfig, type Galley } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import type { ProjectContext } from '@galley/cli'

const posts: CollectionConfig = {
  slug: 'posts',
  useAsTitle: 'title',
  versions: { drafts: true },
  fields: [{ name: 'title', type: 'text', required: true }],
}

export default ({ dataDir }: ProjectContext) =>
  defineConfig({ storage: sqlite({ file: join(dataDir, 'site.db') }), collections: [posts] })

export async function seed(galley: Galley): Promise<number> {
  const post = await galley.create({ collection: 'posts', data: { title: 'Hello' } })
  await galley.update({ collection: 'posts', id: post.id, data: { title: 'Hello, draft' }, draft: true })
  return 1
}
`

/** Real types, not `any`: each `@ts-expect-error` fails the check if its line compiles. */
const TYPES_CHECK = `
import { createGalley, defineConfig, type CollectionConfig } from '@galley/core'
import type { StorageAdapter } from '@galley/core/storage'
import { sqlite } from '@galley/storage-sqlite'
import { createClient } from '@galley/client'
import { createDraftMode } from '@galley/preview'
import { createNextDraftModeHandlers } from '@galley/preview/next'
import { createServer } from '@galley/server'
import type { ProjectContext } from '@galley/cli'

const posts: CollectionConfig = { slug: 'posts', fields: [{ name: 'title', type: 'text' }] }
const galley = await createGalley(defineConfig({ storage: sqlite({ file: ':memory:' }), collections: [posts] }))
const found = await galley.find({ collection: 'posts', perspective: 'drafts' })
const total: number = found.totalDocs
// @ts-expect-error totalDocs is a number
const wrong: string = found.totalDocs
// @ts-expect-error a field type that does not exist
const bad: CollectionConfig = { slug: 'x', fields: [{ name: 'a', type: 'no-such-type' }] }
const client = createClient({ url: 'https://cms.example' })
const draftMode = createDraftMode({ client, cookieSecret: 'x' })
const handlers = createNextDraftModeHandlers({ client, cookieSecret: 'x' })
const server = createServer({ galley })
const ctx: ProjectContext = { dataDir: '.', env: {} }
let store: StorageAdapter | undefined
export { total, wrong, bad, draftMode, handlers, server, ctx, store }
`

const PREVIEW = `
import { randomBytes } from 'node:crypto'
import { createClient, stegaClean } from '@galley/client'
import { createDraftMode } from '@galley/preview'

const [url, token, previewUrl] = process.argv.slice(2)
const client = createClient({ url, token })
const draftMode = createDraftMode({ client, cookieSecret: randomBytes(32).toString('base64url'), logger: { warn() {}, error() {} } })
const enable = await draftMode.enable(new Request(previewUrl))
const cookie = (enable.headers.get('set-cookie') ?? '').split(';')[0]
const page = new Request('https://site.test/posts/hello', { headers: { cookie } })
const state = await draftMode.get(page)
const anonymous = await draftMode.get(new Request('https://site.test/posts/hello'))
const preview = client.withConfig({ perspective: state.perspective, previewGrant: state.grant ?? undefined })
console.log(JSON.stringify({
  status: enable.status,
  location: enable.headers.get('location'),
  enabled: state.isEnabled,
  perspective: state.perspective,
  anonymous: anonymous.isEnabled,
  draft: stegaClean((await preview.find('posts')).docs[0].title),
  published: (await client.find('posts')).docs[0].title,
}))
`

beforeAll(async () => {
  mkdirSync(tarballs)
  // `npm pack` runs each package's prepack: the build, and the Studio copy for the server.
  await ok(
    'npm',
    ['pack', '--pack-destination', tarballs, ...packages.flatMap((p) => ['-w', p.manifest.name])],
    repo,
    600_000,
  )
}, 600_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the packed packages in a project outside the repository', () => {
  const app = join(work, 'app')
  let dev: Awaited<ReturnType<typeof start>> | undefined

  beforeAll(async () => {
    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }')
    await installTarballs(app)
  }, 300_000)
  afterAll(() => stop(dev?.child))

  it('ships built JavaScript, types and source maps, and no TypeScript sources', async () => {
    for (const { manifest } of packages) {
      const dir = join(app, 'node_modules', ...manifest.name.split('/'))
      const files = readdirSync(dir, { recursive: true }).map(String)
      expect(files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))).toEqual([])
      expect(files).toContain(join('dist', 'index.js'))
      expect(files).toContain(join('dist', 'index.js.map'))
      expect(files).toContain(join('dist', 'index.d.ts'))
    }
    // A React client entry keeps its 'use client' through the bundle; the others get none.
    const visual = join(app, 'node_modules', '@galley', 'visual-editing', 'dist')
    if (existsSync(visual)) {
      expect(readFileSync(join(visual, 'react', 'index.js'), 'utf8')).toMatch(/^'use client';\n/)
      expect(readFileSync(join(visual, 'index.js'), 'utf8')).not.toMatch(/use client/)
    }
    const server = join(app, 'node_modules', '@galley', 'server', 'dist', 'studio')
    expect(readFileSync(join(server, 'index.html'), 'utf8')).toMatch(
      /<script[^>]+\/admin\/assets\//,
    )
  })

  it('every package declares what its built files import', () => {
    const builtins = new Set(builtinModules)
    for (const { manifest } of packages) {
      const dir = join(app, 'node_modules', ...manifest.name.split('/'))
      const declared = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ])
      const imported = new Set<string>()
      for (const file of readdirSync(join(dir, 'dist'), { recursive: true }).map(String)) {
        if (!file.endsWith('.js')) continue
        const code = readFileSync(join(dir, 'dist', file), 'utf8')
        // esbuild writes every specifier in double quotes (strings in the code, such as
        // create-galley's template, keep their single quotes).
        for (const m of code.matchAll(/(?:\bfrom|\bimport\(?)\s*"([^"./][^"]*)"/g)) {
          const spec = m[1]!
          if (spec.startsWith('node:') || builtins.has(spec)) continue
          imported.add(
            spec
              .split('/')
              .slice(0, spec.startsWith('@') ? 2 : 1)
              .join('/'),
          )
        }
      }
      expect(
        [...imported].filter((p) => !declared.has(p)),
        manifest.name,
      ).toEqual([])
    }
  })

  it('runs a Local API script with plain node: a draft beside a published document', async () => {
    writeFileSync(join(app, 'local-api.mjs'), LOCAL_API)
    const out = JSON.parse(await ok('node', ['local-api.mjs'], app))
    expect(out).toEqual({
      published: [['Live', 'changed']],
      drafts: [
        ['Live, edited', 'changed'],
        ['Unpublished', 'draft'],
      ],
    })
  }, 120_000)

  it('every subpath export loads with node', async () => {
    const script = [
      "import * as next from '@galley/preview/next'",
      "import * as express from '@galley/preview/express'",
      "import * as hono from '@galley/preview/hono'",
      "import * as storage from '@galley/core/storage'",
      'console.log(JSON.stringify([typeof next.createNextDraftModeHandlers, typeof express.createExpressDraftModeHandlers, typeof hono.createHonoDraftModeHandlers, Object.keys(storage).length > 0]))',
    ].join('\n')
    writeFileSync(join(app, 'subpaths.mjs'), script)
    expect(JSON.parse(await ok('node', ['subpaths.mjs'], app))).toEqual([
      'function',
      'function',
      'function',
      true,
    ])
  })

  // Node loads ES modules with require() from 20.19 and 22.12 on.
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
  const requiresEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)
  it.skipIf(!requiresEsm)(
    'CommonJS code can require() every package (no top-level await)',
    async () => {
      const names = packages.map((p) => p.manifest.name).filter((n) => n.startsWith('@galley/'))
      const script = `for (const n of ${JSON.stringify(names)}) require(n); console.log('ok')`
      expect((await ok('node', ['--no-warnings', '-e', script], app)).trim()).toBe('ok')
    },
    120_000,
  )

  it('types: a strict nodenext TypeScript project type-checks against the .d.ts files', async () => {
    writeFileSync(join(app, 'types-check.ts'), TYPES_CHECK)
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(repo, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['types-check.ts'],
      }),
    )
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc')
    const r = await run('node', [tsc, '-p', 'tsconfig.json'], app)
    expect(r.out + r.err).toBe('')
    expect(r.code).toBe(0)
  }, 120_000)

  it('npx galley --help prints the commands', async () => {
    const out = await ok('npx', ['galley', '--help'], app)
    expect(out).toMatch(/^Usage: galley <command>/)
    expect(out).toMatch(/galley dev/)
  }, 120_000)

  it('npx galley dev loads galley.config.ts: the API answers and /admin serves the Studio', async () => {
    writeFileSync(join(app, 'galley.config.ts'), CONFIG)
    dev = await start('npx', ['galley', 'dev', '--port', '0'], app, /^API: (http:\S+)\/api$/m)
    const base = dev.match[1]!
    expect(dev.output()).toMatch(/Galley dev server — galley\.config\.ts/)
    const posts = await (await fetch(`${base}/api/posts`)).json()
    expect(posts.docs.map((d: { title: string }) => d.title)).toEqual(['Hello'])
    expect((await fetch(`${base}/api/posts?draft=true`)).status).toBe(401)

    const page = await fetch(`${base}/admin/collections/posts`)
    expect(page.status).toBe(200)
    const html = await page.text()
    const script = /<script[^>]+src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const asset = await fetch(`${base}${script}`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
  }, 120_000)

  it('@galley/preview and @galley/client handle a preview request against it', async () => {
    expect(dev).toBeDefined()
    const base = dev!.match[1]!
    const token = /Read token: +(gly_\S+)/.exec(dev!.output())?.[1]
    expect(token).toBeDefined()
    const previewUrl = (
      await ok(
        'npx',
        [
          'galley',
          'preview',
          'url',
          '--path',
          '/posts/hello',
          '--frontend',
          'https://site.test/api/draft',
        ],
        app,
      )
    ).trim()
    expect(previewUrl).toMatch(/^https:\/\/site\.test\/api\/draft\?/)
    writeFileSync(join(app, 'preview.mjs'), PREVIEW)
    const out = JSON.parse(await ok('node', ['preview.mjs', base, token!, previewUrl], app))
    expect(out).toEqual({
      status: 307,
      location: '/posts/hello',
      enabled: true,
      perspective: 'drafts',
      anonymous: false,
      draft: 'Hello, draft',
      published: 'Hello',
    })
  }, 120_000)
})

describe('a project from the template (npm create galley)', () => {
  let dev: Awaited<ReturnType<typeof start>> | undefined
  afterAll(() => stop(dev?.child))

  it('create-galley writes the project; npm install and npm run dev start the API and the Studio', async () => {
    const create = readdirSync(tarballs).find((f) => f.startsWith('create-galley-'))!
    // What `npm create galley@latest my-site` runs: the package's bin, from the tarball.
    await ok(
      'npm',
      ['exec', '--yes', `--package=${join(tarballs, create)}`, '--', 'create-galley', 'my-site'],
      work,
    )
    const site = join(work, 'my-site')
    const manifest = JSON.parse(readFileSync(join(site, 'package.json'), 'utf8'))
    expect(manifest.scripts.dev).toBe('galley dev')
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@galley/cli',
      '@galley/core',
      '@galley/storage-sqlite',
    ])
    expect(existsSync(join(site, 'galley.config.ts'))).toBe(true)
    expect(existsSync(join(site, 'collections', 'posts.ts'))).toBe(true)
    // The registry has no 0.x of ours yet: install the same packages from the tarballs.
    await installTarballs(site)
    // The template type-checks against the published types (its own typescript, tsconfig).
    await ok('npm', ['run', 'typecheck'], site)

    dev = await start('npm', ['run', 'dev'], site, /^API: (http:\S+)\/api$/m, { PORT: '0' })
    const base = dev.match[1]!
    const posts = await (await fetch(`${base}/api/posts`)).json()
    expect(posts.docs.map((d: { title: string }) => d.title)).toEqual(['Hello, Galley'])
    const admin = await fetch(`${base}/admin/`)
    expect(admin.status).toBe(200)
    expect(await admin.text()).toMatch(/<title>Galley Studio<\/title>/)
  }, 300_000)
})
