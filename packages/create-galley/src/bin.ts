#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { createProject, ProjectError } from './create-project'

const USAGE = `Usage: npm create galley@latest <folder>   (or: npx create-galley <folder>)
  Writes a Galley project into <folder> (new or empty): galley.config.ts, an example
  collection, package.json with the dependencies and scripts. Then:
    cd <folder> && npm install && npm run dev`

try {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
  } else if (positionals.length !== 1) {
    process.stderr.write(`create-galley: give one folder to create.\n\n${USAGE}\n`)
    process.exitCode = 2
  } else {
    const created = createProject({ dir: positionals[0]!, cwd: process.cwd() })
    process.stdout.write(
      [
        `Created ${created.name} in ${created.dir}:`,
        ...created.files.map((f) => `  ${f}`),
        '',
        'Next:',
        `  cd ${positionals[0]}`,
        '  npm install',
        '  npm run dev      # the API at http://localhost:4000/api, the Studio at /admin',
        '',
      ].join('\n'),
    )
  }
} catch (err) {
  if (
    !(err instanceof ProjectError) &&
    (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') !== true
  )
    throw err
  process.stderr.write(`create-galley: ${(err as Error).message}\n`)
  process.exitCode = 2
}
