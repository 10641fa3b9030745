import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { NextConfig } from 'next'

/**
 * Inside the Galley repository, `@galley/*` imports resolve to the packages' TypeScript
 * sources (their `@galley/source` export condition), as everywhere else in the repo, so an
 * edit to a package shows up here without a build. Turbopack has no option for export
 * conditions: each export is aliased to its source instead. Outside the repository (an app
 * installing the published packages) there is nothing to alias and the built files are used.
 */
function galleySources(): Record<string, string> {
  const packages = join(process.cwd(), '..', '..', 'packages')
  if (!existsSync(packages)) return {}
  const alias: Record<string, string> = {}
  for (const dir of readdirSync(packages)) {
    const file = join(packages, dir, 'package.json')
    if (!existsSync(file)) continue
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string
      exports?: Record<string, string | Record<string, string>>
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'string' ? target : target['@galley/source']
      if (!source) continue
      // Exact keys: Turbopack matches an alias against the whole request.
      alias[manifest.name + subpath.slice(1)] = relative(process.cwd(), join(packages, dir, source))
    }
  }
  return alias
}

const nextConfig: NextConfig = {
  // Our packages' sources are TypeScript: let Next compile them.
  transpilePackages: [
    '@galley/client',
    '@galley/preview',
    '@galley/perspectives',
    '@galley/visual-editing',
  ],
  turbopack: { resolveAlias: galleySources() },
  poweredByHeader: false,
  reactStrictMode: true,
}

export default nextConfig
