import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ConfigError, type Config, type Galley } from '@galley/core'
import { withAuth, type ServerOptions } from '@galley/server'

/** What a config function receives. */
export interface ProjectContext {
  /** Where local data lives: `<cwd>/.galley` unless `--data-dir` or GALLEY_DATA_DIR say otherwise. */
  dataDir: string
  env: Record<string, string | undefined>
}

/**
 * What a `galley.config.ts` may export:
 * - `default`: the config (from `defineConfig`), or a function of `ProjectContext` returning it;
 * - `server`: options of `createServer` (allowOrigins, webhooks, preview, …), or a function of
 *   `ProjectContext` returning them (to read secrets such as a webhook's from `env`);
 * - `seed(galley)`: example content for `galley seed` and the first `galley dev`.
 */
export interface ConfigModule {
  default: Config | ((ctx: ProjectContext) => Config | Promise<Config>)
  server?: Omit<ServerOptions, 'galley'> | ((ctx: ProjectContext) => Omit<ServerOptions, 'galley'>)
  seed?: (galley: Galley) => Promise<unknown>
}

export interface Project {
  config: Config
  server: Omit<ServerOptions, 'galley'>
  seed?: (galley: Galley) => Promise<unknown>
  /** The file the config came from. */
  configPath: string
  /** Whether it is the example blog shipped with the CLI. */
  isExample: boolean
  dataDir: string
}

/** Run from the TypeScript sources (this repository) or from the published JavaScript. */
const FROM_SOURCE = import.meta.url.endsWith('.ts')

export const EXAMPLE_CONFIG = join(
  dirname(fileURLToPath(import.meta.url)),
  'example-blog',
  FROM_SOURCE ? 'galley.config.ts' : 'galley.config.js',
)
const CANDIDATES = [
  'galley.config.ts',
  'galley.config.mts',
  'galley.config.js',
  'galley.config.mjs',
]

/**
 * Find and load the project config: `--config`, else `galley.config.ts` in `cwd`, else the
 * example blog. The config always goes through `withAuth`, so users and tokens exist.
 */
export async function loadProject(opts: {
  cwd: string
  env: Record<string, string | undefined>
  config?: string
  dataDir?: string
}): Promise<Project> {
  let configPath: string
  if (opts.config) {
    configPath = isAbsolute(opts.config) ? opts.config : resolve(opts.cwd, opts.config)
    if (!existsSync(configPath))
      throw new ConfigError(`--config ${opts.config}: no such file (looked at ${configPath}).`)
  } else {
    configPath =
      CANDIDATES.map((f) => join(opts.cwd, f)).find((f) => existsSync(f)) ?? EXAMPLE_CONFIG
  }
  const dataDir = opts.dataDir
    ? resolve(opts.cwd, opts.dataDir)
    : opts.env.GALLEY_DATA_DIR
      ? resolve(opts.cwd, opts.env.GALLEY_DATA_DIR)
      : join(opts.cwd, '.galley')
  const mod = await importConfig(configPath)
  if (!mod.default)
    throw new ConfigError(
      `${relative(opts.cwd, configPath)} has no default export: export default defineConfig({ ... }).`,
    )
  const raw =
    typeof mod.default === 'function' ? await mod.default({ dataDir, env: opts.env }) : mod.default
  return {
    config: withAuth(raw),
    server:
      (typeof mod.server === 'function' ? mod.server({ dataDir, env: opts.env }) : mod.server) ??
      {},
    seed: typeof mod.seed === 'function' ? mod.seed : undefined,
    configPath,
    isExample: configPath === EXAMPLE_CONFIG,
    dataDir,
  }
}

/**
 * Import the config module. Run from sources, the caller's loader (tsx, vitest) already
 * compiles TypeScript; the published CLI is plain JavaScript, so a `.ts` config goes through
 * tsx's `tsImport`, which compiles that file and its relative imports and leaves packages
 * to Node (the project's own `@galley/*`, the same copies the CLI uses).
 */
async function importConfig(path: string): Promise<Partial<ConfigModule>> {
  const url = pathToFileURL(path).href
  if (FROM_SOURCE || !/\.[cm]?tsx?$/.test(path)) return (await import(url)) as Partial<ConfigModule>
  const { tsImport } = await import('tsx/esm/api')
  return (await tsImport(url, import.meta.url)) as Partial<ConfigModule>
}
