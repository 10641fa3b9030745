// Runs a peer benchmark (another product) in its own process: its dependencies, globals
// and native libraries stay out of the engine's process, while the run is still the same
// `npm run bench` on the same machine a moment apart, so ratios are side by side.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Sizes } from './settings'
import type { RunResult } from './workload'

const RESULT_MARKER = 'GALLEY_BENCH_RESULT '

export async function runPeer(
  script: string,
  sizes: Sizes,
  env: Record<string, string> = {},
): Promise<RunResult & { version?: string }> {
  const tsx = import.meta.resolve('tsx')
  const file = fileURLToPath(new URL(script, import.meta.url))
  const child = spawn(process.execPath, ['--import', tsx, file], {
    env: { ...process.env, ...env, GALLEY_BENCH_SIZES: JSON.stringify(sizes) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER))
  if (code !== 0 || !line)
    throw new Error(`peer ${script} exited with ${code}${line ? '' : ' and printed no result'}`)
  return JSON.parse(line.slice(RESULT_MARKER.length)) as RunResult & { version?: string }
}
