/**
 * The rules every package manifest follows, so that inside this repository imports resolve
 * to TypeScript sources and outside it to the built files (see README, "Builds and
 * releases"); and a check that tests and the processes they start really run the sources.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import * as viaPackage from '@galley/core'
import * as viaSource from '../packages/core/src/index'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const manifests = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => ({
    dir: join(root, 'packages', d),
    json: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')),
  }))
const versions = new Map(manifests.map((m) => [m.json.name as string, m.json.version as string]))

describe('package manifests', () => {
  for (const { dir, json } of manifests.filter((m) => !m.json.private)) {
    it(`${json.name}: exports the sources under @galley/source, then types and default in dist/`, () => {
      for (const [subpath, target] of Object.entries(json.exports as Record<string, unknown>)) {
        expect(Object.keys(target as object), subpath).toEqual([
          '@galley/source',
          'types',
          'default',
        ])
        const t = target as Record<string, string>
        const base = /^\.\/src\/(.+)\.tsx?$/.exec(t['@galley/source']!)?.[1]
        expect(base, `${subpath} source`).toBeDefined()
        expect(existsSync(join(dir, t['@galley/source']!)), `${subpath} source file`).toBe(true)
        expect(t.types).toBe(`./dist/${base}.d.ts`)
        expect(t.default).toBe(`./dist/${base}.js`)
      }
      expect(json.files).toEqual(['dist', '!dist/.build-hash'])
      expect(json.publishConfig).toEqual({ access: 'public' })
      expect(json.engines).toEqual({ node: '>=20' })
      expect(json.scripts?.prepack).toMatch(/scripts\/build-packages\.ts/)
      for (const bin of Object.values((json.bin ?? {}) as Record<string, string>))
        expect(bin).toMatch(/^\.\/dist\/.+\.js$/)
    })

    it(`${json.name}: depends on our other packages by a ^range of their version`, () => {
      for (const field of ['dependencies', 'peerDependencies']) {
        for (const [dep, range] of Object.entries((json[field] ?? {}) as Record<string, string>)) {
          const version = versions.get(dep)
          if (!version) continue
          expect(manifests.find((m) => m.json.name === dep)!.json.private, dep).not.toBe(true)
          expect(range, `${field}.${dep}`).toBe(`^${version}`)
        }
      }
    })
  }
})

describe('inside the repository', () => {
  it('tests import @galley/* from the TypeScript sources (one module, not a built copy)', () => {
    expect(viaPackage.createGalley).toBe(viaSource.createGalley)
  })

  it('a process a test starts resolves @galley/* to the sources too', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('@galley/core/storage'))"],
      { cwd: root },
    )
    expect(stdout.trim()).toBe(
      `file://${join(root, 'packages', 'core', 'src', 'storage', 'index.ts')}`,
    )
  })
})
