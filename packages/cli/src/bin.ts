#!/usr/bin/env node
import { processIo } from './cli-io'
import { runCli } from './run-cli'

const { code, dev } = await runCli(process.argv.slice(2), processIo)
if (dev) {
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await dev.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} else {
  process.exitCode = code
}
