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
// Long enough to be folded into a <details> in the summary.
const TEST_FAILURE = [
  'npm test exited with code 1: 2 of 148 tests failed',
  '  ✕ cart › applies the member discount (expected 90, received 100)',
  '  ✕ checkout › rejects an expired card (timed out after 5000 ms)',
  'Test Suites: 2 failed, 31 passed, 33 total'
].join('\n')

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
      return task('completed', 'error', TEST_FAILURE)
    }
    if (i < current) return task('completed', 'success')
    return task(i === current ? 'running' : 'waiting')
  })
  const done = current >= STAGES.length || (failedAt >= 0 && current > failedAt)
  return oneAfterAnother(
    v3Status({
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
  )
}

/** `2026-11-26 10:00:00` (v3's form) `seconds` later. */
function later(time: unknown, seconds: number): unknown {
  if (typeof time !== 'string') return time
  const ms = Date.parse(`${time.replace(' ', 'T')}Z`) + seconds * 1000
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** v3Status starts every stage with the run; here each starts when the one before it ends. */
function oneAfterAnother(body: Record<string, unknown>): Record<string, unknown> {
  const shift = (item: Record<string, unknown>, seconds: number) => ({
    ...item,
    start_time: later(item.start_time, seconds),
    end_time: later(item.end_time, seconds)
  })
  const states = body.states as Record<string, unknown>[]
  return {
    ...body,
    states: states.map((state, i) => {
      const seconds = Math.round((i * STAGE_MS) / 1000)
      const children = state.children as Record<string, unknown>[]
      return { ...shift(state, seconds), children: children.map(c => shift(c, seconds)) }
    })
  }
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
    'api-version': 'v3',
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
