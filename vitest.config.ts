import { defaultClientConditions, defaultServerConditions } from 'vite'
import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Our packages export their built files (dist/) and, under the `@galley/source` condition,
 * their TypeScript sources. Tests run on the sources: Vite resolves with the condition, and
 * so does Node in every process the tests start (workers, `node --import tsx` children,
 * `galley dev`), through NODE_OPTIONS, which child processes inherit.
 */
const SOURCE = '@galley/source'
if (!process.env.NODE_OPTIONS?.includes(`--conditions=${SOURCE}`))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE}`.trim()

const ALL = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'examples/*/test/**/*.test.ts',
  'test/**/*.test.ts',
]

/**
 * Tests that bound CPU or wall time (a refused GraphQL document costs under 10 ms, a revoked
 * preview ends within a second). Run beside 150 other files on a 2-CPU machine they measured
 * the neighbours too (19 ms for a 3 ms refusal in CI), so they run last and alone, where a
 * bound means what it says.
 */
const TIMED = [
  'packages/server/test/graphql-reject-cost.test.ts',
  'packages/server/test/graphql-limits.test.ts',
  'packages/server/test/preview-revocation.e2e.test.ts',
  'packages/server/src/http/read-json-body.test.ts',
  'packages/sql/test/where-parity.test.ts',
]

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ALL, exclude: [...configDefaults.exclude, ...TIMED] },
      },
      // After the rest, one file at a time: see TIMED.
      {
        extends: true,
        test: {
          name: 'timed',
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
