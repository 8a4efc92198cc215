// `npm run demo [-- --fail]`: the bundled action against the fake CodeArts server, with a run whose
// stages progress over about ten seconds. Prints the log and the job summary; exits with the action's code.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  startFakeCodeArts,
  v3Status,
  type V3StageSpec
} from '../__tests__/support/fake-codearts.js'
import { runAction } from '../__tests__/support/run-action.js'

const fail = process.argv.includes('--fail')
const STAGES = ['Build', 'Test', 'Deploy']
const STAGE_MS = 3_500

/** The run as it stands `elapsedMs` after the first poll. */
function runAt(elapsedMs: number): Record<string, unknown> {
  const current = Math.floor(elapsedMs / STAGE_MS)
  const failedAt = fail ? 1 : -1
  const stages: V3StageSpec[] = STAGES.map((name, i) => {
    const task = (status: string, outcome?: string, errorMsg?: string) => ({
      name,
      status,
      outcome: outcome ?? null,
      errorMsg: errorMsg ?? null,
      elapsed: status === 'waiting' ? '' : String(Math.round(STAGE_MS / 1000)),
      tasks: [
        {
          name: `${name.toLowerCase()}-job`,
          status,
          outcome,
          errorMsg,
          elapsed: status === 'waiting' ? '' : '3'
        }
      ]
    })
    if (failedAt >= 0 && i > failedAt && current > failedAt) return task('waiting')
    if (i === failedAt && current > i) {
      return task('completed', 'error', 'npm test exited with code 1: 2 of 148 tests failed')
    }
    if (i < current) return task('completed', 'success')
    return task(i === current ? 'running' : 'waiting')
  })
  const done = current >= STAGES.length || (failedAt >= 0 && current > failedAt)
  return v3Status({
    buildId: 'demo-run-42',
    pipelineId: 'demo-pipeline',
    name: 'web-release',
    status: done ? 'completed' : 'running',
    outcome: done ? (fail ? 'error' : 'success') : null,
    stages,
    parameters: [
      { name: 'branch', value: 'main' },
      { name: 'release', value: '1.4.0' }
    ],
    elapsed: String(Math.round(elapsedMs / 1000))
  })
}

/** A log line as the job log shows it: commands hidden, annotations spelled out. */
function asTheRunnerShowsIt(line: string): string | undefined {
  const command = /^::([\w-]+)(?: ([^:]*))?::(.*)$/.exec(line)
  if (!command) return line
  const [, name, properties, message] = command
  if (name !== 'error' && name !== 'warning' && name !== 'notice') return undefined
  const title = properties?.match(/title=([^,]*)/)?.[1]
  const text = decodeURIComponent((message ?? '').replace(/%(?![0-9A-F]{2})/g, '%25'))
  return `${name[0]!.toUpperCase()}${name.slice(1)}${title ? ` (${title})` : ''}: ${text}`
}

let firstPollAt: number | undefined
const server = await startFakeCodeArts(request => {
  firstPollAt ??= request.atMs
  return { json: runAt(request.atMs - firstPollAt) }
})
console.log(`Fake CodeArts API listening on ${server.url}; running dist/index.js against it.\n`)

const run = await runAction(
  {
    'pipeline-id': 'demo-pipeline',
    endpoint: server.url,
    token: 'demo-token-not-a-real-secret',
    'poll-interval': '1s',
    timeout: '2m'
  },
  { echo: asTheRunnerShowsIt }
)
await server.close()

const summaryPath = resolve('demo-summary.md')
writeFileSync(summaryPath, run.summary)
console.log(`\n--- job summary (also written to ${summaryPath}) ---\n${run.summary}`)
console.log(`--- outputs ---\n${JSON.stringify(run.outputs, null, 2)}`)
console.log(`\nThe action exited with code ${run.code}.`)
process.exit(run.code ?? 1)
