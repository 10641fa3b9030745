/**
 * The files of a new project, as text. Versions of the @galley packages are this package's
 * own: all of them are released together (one Changesets group), so they always match.
 */
export function templateFiles(name: string, version: string): Record<string, string> {
  const range = `^${version}`
  const manifest = {
    name,
    version: '0.0.0',
    private: true,
    type: 'module',
    scripts: {
      dev: 'galley dev',
      seed: 'galley seed',
      migrate: 'galley migrate',
      token: 'galley token',
      typecheck: 'tsc --noEmit',
    },
    dependencies: {
      '@galley/cli': range,
      '@galley/core': range,
      '@galley/storage-sqlite': range,
    },
    devDependencies: {
      '@types/node': '^20.19.0',
      typescript: '^5.9.0',
    },
    engines: { node: '>=20' },
  }
  return {
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'galley.config.ts': CONFIG,
    'collections/posts.ts': POSTS,
    'tsconfig.json': TSCONFIG,
    '.gitignore': 'node_modules/\n.galley/\n',
    'README.md': readme(name),
  }
}

const CONFIG = `import { join } from 'node:path'
import { defineConfig } from '@galley/core'
import { sqlite } from '@galley/storage-sqlite'
import type { ProjectContext } from '@galley/cli'
import { posts } from './collections/posts'

export { seed } from './collections/posts'

/**
 * The project's config, read by \`galley dev\` (and every other galley command). Data lives in
 * SQLite under .galley/ (or --data-dir / GALLEY_DATA_DIR).
 */
export default function config({ dataDir }: ProjectContext) {
  return defineConfig({
    storage: sqlite({ file: join(dataDir, 'content.db') }),
    collections: [posts],
  })
}
`

const POSTS = `import type { CollectionConfig, Galley } from '@galley/core'

/** An example collection: posts with drafts and autosave. Change it, or add more beside it. */
export const posts: CollectionConfig = {
  slug: 'posts',
  labels: { singular: 'Post', plural: 'Posts' },
  useAsTitle: 'title',
  versions: { drafts: { autosave: true } },
  fields: [
    { name: 'title', type: 'text', required: true, maxLength: 200 },
    { name: 'slug', type: 'slug', required: true, unique: true },
    { name: 'body', type: 'textarea' },
    { name: 'publishedAt', type: 'date' },
  ],
}

/** Example content for the first \`galley dev\` (and \`galley seed\`): one post, with a draft. */
export async function seed(galley: Galley): Promise<number> {
  const post = await galley.create({
    collection: 'posts',
    data: { title: 'Hello, Galley', slug: 'hello-galley', body: 'Published for everyone.' },
  })
  await galley.update({
    collection: 'posts',
    id: post.id,
    data: { title: 'Hello, Galley (edited)', body: 'A draft only editors see.' },
    draft: true,
  })
  return 1
}
`

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["**/*.ts"],
  "exclude": ["node_modules"]
}
`

function readme(name: string): string {
  return `# ${name}

A [Galley](https://www.npmjs.com/package/@galley/core) project.

\`\`\`sh
npm install
npm run dev        # API at http://localhost:4000/api, the Studio at http://localhost:4000/admin
\`\`\`

The first \`npm run dev\` seeds an example post and prints an admin login and a read token,
once. The content model is in \`galley.config.ts\` and \`collections/\`; \`npx galley --help\`
lists the other commands (tokens, users, preview links, migrations).
`
}
