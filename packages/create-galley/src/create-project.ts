import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { templateFiles } from './template'

/** A caller's mistake (bad name, folder not empty): the message says what to change. */
export class ProjectError extends Error {
  override name = 'ProjectError'
}

export interface CreateProjectOptions {
  /** The folder to create (relative to `cwd`); its last segment names the package. */
  dir: string
  cwd: string
  /** Version range base of the @galley packages; default: this package's version. */
  version?: string
}

export interface CreatedProject {
  name: string
  /** Absolute path of the project. */
  dir: string
  /** The files written, relative to `dir`. */
  files: string[]
}

/** npm's rules for a package name without a scope: lower case, URL-safe, at most 214. */
const NAME = /^[a-z0-9][a-z0-9._~-]{0,213}$/

/** The files `createProject` writes for a project called `name`. */
export function projectFiles(name: string, version = ownVersion()): Record<string, string> {
  return templateFiles(name, version)
}

/**
 * Write a new Galley project into `dir`, which must be new or empty (nothing is ever
 * overwritten).
 * @example createProject({ dir: 'my-site', cwd: process.cwd() })
 */
export function createProject(options: CreateProjectOptions): CreatedProject {
  const dir = resolve(options.cwd, options.dir)
  const name = basename(dir)
  if (!NAME.test(name))
    throw new ProjectError(
      `${JSON.stringify(name)} cannot name an npm package: use lower-case letters, digits, '-', '.' or '_' (for example my-site).`,
    )
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new ProjectError(`${dir} is not empty; choose a new folder name.`)
  const files = projectFiles(name, options.version ?? ownVersion())
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text, { flag: 'wx' })
  }
  return { name, dir, files: Object.keys(files) }
}

/** This package's version (its package.json is one folder above both src/ and dist/). */
function ownVersion(): string {
  const manifest = new URL('../package.json', import.meta.url)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}
