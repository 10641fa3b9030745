import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

/**
 * Our packages export their built files (dist/) and, under the `@galley/source` condition,
 * their TypeScript sources. Tests run on the sources: Vite resolves with the condition, and
 * so does Node in every process the tests start (workers, `node --import tsx` children,
 * `galley dev`), through NODE_OPTIONS, which child processes inherit.
 */
const SOURCE = '@galley/source'
if (!process.env.NODE_OPTIONS?.includes(`--conditions=${SOURCE}`))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE}`.trim()

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
