// End to end for "say why it failed": the tails of a failed v5 run's failed steps' logs, read once the
// run has failed and shown as server text the runner does not obey (stop-commands), within a budget of
// their own. The bundled dist/index.js as a child process against the fake CodeArts server.
import {
  logScript,
  startFakeCodeArts,
  v3Status,
  v5Detail,
  type FakeCodeArts,
  type FakeOptions,
  type FakeStep,
  type RecordedRequest,
  type Script,
  type V5StageSpec
} from '../support/fake-codearts.js'
import {
  annotations,
  expectNoSecret,
  runAction as runBundle,
  type ActionRun,
  type RunOptions
} from '../support/run-action.js'

const TOKEN = 'tok-3e9d4b2a61-LOGS-SECRET'
const PROJECT = '0123456789abcdef0123456789abcdef'
const V5_BASE = `/v5/${PROJECT}/api/pipelines/pipe-1`
const RUN_ID = 'r-500'
// Stage 1 (Test), job 0 (Unit tests), step 1 (mvn test): the fake's stable ids.
const JOB_ID = 's1j0'
const STEP_ID = 's1j0st1'
const LOG_PATH = `${V5_BASE}/pipeline-runs/${RUN_ID}/jobs/${JOB_ID}/steps/${STEP_ID}/logs`
const STEP_PATH = 'Test › Unit tests › mvn test'

let server: FakeCodeArts | undefined
const runs: ActionRun[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  // Whatever else a test checks, no run may print the token.
  for (const run of runs.splice(0)) expectNoSecret(run, [TOKEN])
})

async function serve(script: Script, options: FakeOptions = {}): Promise<FakeCodeArts> {
  server = await startFakeCodeArts(script, { projectId: PROJECT, ...options })
  return server
}

async function runAction(actionInputs: Record<string, string>, options?: RunOptions) {
  const run = await runBundle(actionInputs, { killAfterMs: 25_000, ...options })
  runs.push(run)
  return run
}

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    'project-id': PROJECT,
    endpoint: server?.url ?? 'http://127.0.0.1:9',
    token: TOKEN,
    'build-id': RUN_ID,
    'poll-interval': '0.1',
    timeout: '20',
    ...extra
  }
}

const BUILD: V5StageSpec = {
  name: 'Build',
  status: 'COMPLETED',
  jobs: [{ name: 'Compile', status: 'COMPLETED', steps: [{ name: 'javac', status: 'COMPLETED' }] }]
}

/** Test › Unit tests › mvn test with `status`; the job and the step carry JSON messages when failed. */
function testStage(status: 'RUNNING' | 'FAILED' | 'COMPLETED'): V5StageSpec {
  const failed = status === 'FAILED'
  return {
    name: 'Test',
    status,
    jobs: [
      {
        name: 'Unit tests',
        status,
        message: failed ? '{"errorMessage":"Job failed","errorCode":"DEV.JOB"}' : null,
        steps: [
          { name: 'checkout', status: 'COMPLETED' },
          {
            name: 'mvn test',
            status,
            message: failed
              ? '{"errorMessage":"Tests run: 120, Failures: 3","errorCode":"DEV.CB.0001"}'
              : null
          }
        ]
      }
    ]
  }
}

const running: FakeStep = {
  json: v5Detail({ runId: RUN_ID, status: 'RUNNING', stages: [BUILD, testStage('RUNNING')] })
}

/** The run, FAILED in Test › Unit tests › mvn test (plus `extra` stages). */
function failedStep(extra: V5StageSpec[] = []): FakeStep {
  return {
    json: v5Detail({
      runId: RUN_ID,
      status: 'FAILED',
      stages: [BUILD, testStage('FAILED'), ...extra]
    })
  }
}

/** `n` lines of a Maven build, the last one saying why it failed. */
function mavenLog(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i === n - 1
      ? '[ERROR] BUILD FAILURE <Tests run: 120, Failures: 3> line ' + n
      : `[INFO] output line ${i + 1}`
  )
}

const bodyOf = (request: RecordedRequest | undefined): unknown =>
  JSON.parse(request?.body ?? 'null') as unknown

interface ServerTextGroup {
  /** Index of the `::group::` line in stdout's lines. */
  at: number
  token: string
  lines: string[]
}

/**
 * The group titled `title`: `::group::title`, `::stop-commands::TOKEN`, the lines, `::TOKEN::`,
 * `::endgroup::`, in that order and nothing else; fails the test when it is not so.
 */
function serverTextGroup(run: ActionRun, title: string): ServerTextGroup {
  const lines = run.stdout.split('\n')
  const at = lines.indexOf(`::group::${title}`)
  expect(at).toBeGreaterThanOrEqual(0)
  const stop = /^::stop-commands::(.+)$/.exec(lines[at + 1] ?? '')
  expect(stop).not.toBeNull()
  const token = stop![1]!
  // Not guessable, so that no log line can end the wrapping.
  expect(token).toMatch(/^[0-9a-f-]{32,}$/i)
  const resume = lines.indexOf(`::${token}::`, at + 2)
  expect(resume).toBeGreaterThan(at + 1)
  expect(lines[resume + 1]).toBe('::endgroup::')
  return { at, token, lines: lines.slice(at + 2, resume) }
}

/** stdout's lines outside every stop-commands wrapping: the ones the runner would obey. */
function obeyedLines(run: ActionRun): string[] {
  const obeyed: string[] = []
  let resumeOn: string | undefined
  for (const line of run.stdout.split('\n')) {
    if (resumeOn !== undefined) {
      if (line === resumeOn) resumeOn = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop) resumeOn = `::${stop[1]}::`
    else obeyed.push(line)
  }
  expect(resumeOn).toBeUndefined()
  return obeyed
}

const logGroups = (run: ActionRun) =>
  run.stdout.split('\n').filter(line => line.startsWith('::group::Log of '))

describe('the log of a failed step', () => {
  it('shows its last lines as server text, after the verdict error line', async () => {
    const log = mavenLog(200)
    const fake = await serve([running, failedStep()], { logs: logScript({ [STEP_ID]: log }) })
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')

    const group = serverTextGroup(run, `Log of ${STEP_PATH} (last 100 lines)`)
    expect(group.lines).toEqual(log.slice(100))

    const requests = fake.calls('logs')
    expect(requests).toHaveLength(1)
    expect(requests[0]?.path).toBe(LOG_PATH)
    expect(bodyOf(requests[0])).toEqual({ limit: 100, sort: 'desc' })
    expect(requests[0]?.headers['content-type']).toMatch(/^application\/json/i)
    // Read once the run had failed, not while it ran.
    const failedAt = fake.calls('status').at(-1)!.atMs
    expect(requests[0]!.atMs).toBeGreaterThanOrEqual(failedAt)

    // One error, the verdict's, after the log and titled with the step.
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`title=${STEP_PATH}`)
    expect(errors[0]).toContain('step "mvn test" failed [DEV.CB.0001]: Tests run: 120, Failures: 3')
    const stdout = run.stdout.split('\n')
    // The error line first: a slow pipe must not lose it behind the bulky log (issue 14).
    expect(stdout.indexOf(errors[0]!)).toBeLessThan(group.at)
  })

  it('puts its last lines in the job summary, escaped', async () => {
    await serve([failedStep()], { logs: logScript({ [STEP_ID]: mavenLog(200) }) })
    const run = await runAction(inputs())
    expect(run.outputs.conclusion).toBe('failure')
    // The summary's layout is not settled: only that the log's last line is in it, as text.
    expect(run.summary).toContain('BUILD FAILURE &lt;Tests run: 120, Failures: 3&gt; line 200')
    expect(run.summary).not.toContain('<Tests run')
  })

  it('shows each failed step’s log, and warns about one it cannot read', async () => {
    const second: V5StageSpec = {
      name: 'Lint',
      status: 'FAILED',
      jobs: [
        {
          name: 'Checks',
          status: 'FAILED',
          steps: [
            { name: 'eslint', status: 'FAILED', message: '2 errors' },
            { name: 'prettier', status: 'FAILED', message: 'not formatted' }
          ]
        }
      ]
    }
    // Lint is stage 2: eslint is s2j0st0 (has a log), prettier s2j0st1 (404).
    const fake = await serve([failedStep([second])], {
      logs: logScript({ [STEP_ID]: mavenLog(3), s2j0st0: ['src/a.ts: 2 errors'] })
    })
    const run = await runAction(inputs())
    expect(run.outputs.conclusion).toBe('failure')
    expect(fake.calls('logs')).toHaveLength(3)
    expect(logGroups(run)).toEqual([
      `::group::Log of ${STEP_PATH} (last 3 lines)`,
      '::group::Log of Lint › Checks › eslint (last 1 lines)'
    ])
    expect(serverTextGroup(run, 'Log of Lint › Checks › eslint (last 1 lines)').lines).toEqual([
      'src/a.ts: 2 errors'
    ])
    const warnings = annotations(run, 'warning').filter(w => w.includes('log'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Lint › Checks › prettier')
    expect(annotations(run, 'error')).toHaveLength(1)
  })

  it('does not obey workflow commands in the log', async () => {
    const log = [
      '[INFO] compiling',
      '::error::injected',
      '::set-output name=x::y',
      '::warning::injected too',
      '::add-mask::[INFO]',
      '::endgroup::',
      '::stop-commands::00000000-0000-0000-0000-000000000000',
      '::00000000-0000-0000-0000-000000000000::',
      '##[error]old form',
      '##[set-output name=z;]w',
      '[ERROR] the real failure'
    ]
    await serve([failedStep()], { logs: logScript({ [STEP_ID]: log }) })
    const run = await runAction(inputs())
    expect(run.outputs.conclusion).toBe('failure')
    const group = serverTextGroup(run, `Log of ${STEP_PATH} (last ${log.length} lines)`)
    expect(group.lines).toEqual(log)
    expect(log).not.toContain(`::${group.token}::`)

    // What the runner obeys: only the verdict's error, no warning, output, mask or group of the log's.
    const obeyed = obeyedLines(run)
    expect(obeyed.filter(l => l.startsWith('::error'))).toHaveLength(1)
    expect(obeyed.filter(l => l.startsWith('::error'))[0]).toContain(`title=${STEP_PATH}`)
    expect(obeyed.filter(l => l.includes('injected'))).toEqual([])
    expect(obeyed.filter(l => l.startsWith('::warning'))).toEqual([])
    expect(obeyed.filter(l => l.includes('::set-output') || l.includes('##['))).toEqual([])
    expect(obeyed.filter(l => l === '::add-mask::[INFO]')).toEqual([])
    expect(obeyed.filter(l => l === '::endgroup::').length).toBe(
      obeyed.filter(l => l.startsWith('::group::')).length
    )
    expect(run.outputs.x).toBeUndefined()
    expect(run.outputs.z).toBeUndefined()
  })

  it('never prints the token a log echoes', async () => {
    const log = [
      `+ curl -H "X-Auth-Token: ${TOKEN}" https://example.com`,
      `token=${TOKEN}`,
      `json: {"token":"${TOKEN}"}`,
      '[ERROR] failed'
    ]
    await serve([failedStep()], { logs: logScript({ [STEP_ID]: log }) })
    const run = await runAction(inputs())
    expect(run.outputs.conclusion).toBe('failure')
    const group = serverTextGroup(run, `Log of ${STEP_PATH} (last 4 lines)`)
    expect(group.lines[1]).toBe('token=***')
    expect(group.lines.join('\n')).not.toContain(TOKEN)
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
    // expectNoSecret (afterEach) checks stdout but ::add-mask::, stderr, summary and outputs.
  })

  it('pages back to log-lines when the API answers fewer lines per request', async () => {
    const log = mavenLog(300)
    const real = logScript({ [STEP_ID]: log })
    if (typeof real !== 'function') throw new Error('logScript is a function')
    // The API gives at most 50 lines a request, whatever the limit asked.
    const capped: Script = (request, index) => {
      const body = JSON.parse(request.body) as { limit: number }
      return real(
        { ...request, body: JSON.stringify({ ...body, limit: Math.min(body.limit, 50) }) },
        index
      )
    }
    const fake = await serve([failedStep()], { logs: capped })
    const run = await runAction(inputs({ 'log-lines': '150' }))
    expect(run.outputs.conclusion).toBe('failure')
    expect(fake.calls('logs').map(bodyOf)).toEqual([
      { limit: 150, sort: 'desc' },
      { limit: 100, sort: 'desc', start_offset: 0, end_offset: 250 },
      { limit: 50, sort: 'desc', start_offset: 0, end_offset: 200 }
    ])
    expect(serverTextGroup(run, `Log of ${STEP_PATH} (last 150 lines)`).lines).toEqual(
      log.slice(150)
    )
  })
})

describe('when the log cannot be had', () => {
  it('ends within about 12 s of the failure when the logs route hangs, still failing', async () => {
    // A slow poll interval lets one log request take the whole 10 s budget.
    const fake = await serve([failedStep()], { logs: [{ fault: 'hang' }] })
    const run = await runAction(inputs({ 'poll-interval': '10s', timeout: '60' }))
    const endedAt = Date.now()
    const failedAt = fake.calls('status').at(-1)!.atMs
    expect(endedAt - failedAt).toBeLessThan(12_000)
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')
    expect(logGroups(run)).toEqual([])
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(STEP_PATH)
    expect(annotations(run, 'error')).toHaveLength(1)
  })

  it('does not outlast the step’s own timeout when the logs route hangs', async () => {
    const fake = await serve([failedStep()], { logs: [{ fault: 'hang' }] })
    const started = Date.now()
    const run = await runAction(inputs({ 'poll-interval': '10s', timeout: '3' }))
    expect(Date.now() - started).toBeLessThan(3_000 + 1_500)
    expect(run.outputs.conclusion).toBe('failure')
    expect(fake.calls('logs').length).toBeLessThanOrEqual(1)
  })

  it('warns once when the logs route answers 500, and still fails', async () => {
    const fake = await serve([failedStep()], {
      logs: [{ status: 500, json: { error_code: 'DEV.500', error_msg: 'log service unavailable' } }]
    })
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')
    expect(fake.calls('logs')).toHaveLength(1)
    expect(logGroups(run)).toEqual([])
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(STEP_PATH)
    expect(annotations(run, 'error')).toHaveLength(1)
  })

  it('ends promptly when cancelled while reading a log, without a warning', async () => {
    const cancel = { pid: 0, sentAt: 0 }
    const fake = await serve([failedStep()], {
      logs: () => {
        setTimeout(() => {
          cancel.sentAt = Date.now()
          process.kill(cancel.pid, 'SIGINT')
        }, 100)
        return { fault: 'hang' }
      }
    })
    const run = await runAction(inputs({ 'poll-interval': '10s', timeout: '60' }), {
      onSpawn: pid => (cancel.pid = pid)
    })
    expect(cancel.sentAt).toBeGreaterThan(0)
    expect(Date.now() - cancel.sentAt).toBeLessThan(5_000)
    expect(run.code).toBe(1)
    expect(fake.calls('logs')).toHaveLength(1)
    expect(logGroups(run)).toEqual([])
    expect(annotations(run, 'warning').filter(w => w.includes('log'))).toEqual([])
  })
})

describe('when no log is read', () => {
  it('asks for no log with log-lines 0', async () => {
    const fake = await serve([failedStep()], { logs: logScript(mavenLog(10)) })
    const run = await runAction(inputs({ 'log-lines': '0' }))
    expect(run.outputs.conclusion).toBe('failure')
    expect(fake.calls('logs')).toHaveLength(0)
    expect(logGroups(run)).toEqual([])
    expect(annotations(run, 'error')[0]).toContain('Tests run: 120, Failures: 3')
  })

  it('asks for no log of a successful run, even one with a failed step', async () => {
    const ok: FakeStep = {
      json: v5Detail({
        runId: RUN_ID,
        status: 'COMPLETED',
        stages: [
          BUILD,
          {
            name: 'Test',
            status: 'COMPLETED',
            jobs: [
              {
                name: 'Unit tests',
                status: 'COMPLETED',
                steps: [{ name: 'flaky (continue on error)', status: 'FAILED', message: 'x' }]
              }
            ]
          }
        ]
      })
    }
    const fake = await serve([running, ok], { logs: logScript(mavenLog(10)) })
    const run = await runAction(inputs())
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(fake.calls('logs')).toHaveLength(0)
    expect(logGroups(run)).toEqual([])
  })

  it('asks for no log of a cancelled run', async () => {
    const canceled: FakeStep = {
      json: v5Detail({
        runId: RUN_ID,
        status: 'CANCELED',
        stages: [
          BUILD,
          {
            name: 'Test',
            status: 'CANCELED',
            jobs: [
              {
                name: 'Unit tests',
                status: 'FAILED',
                steps: [{ name: 'mvn test', status: 'FAILED' }]
              }
            ]
          }
        ]
      })
    }
    const fake = await serve([canceled], { logs: logScript(mavenLog(10)) })
    const run = await runAction(inputs())
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(fake.calls('logs')).toHaveLength(0)
  })

  it('asks for no log of a run that times out with a failed step', async () => {
    const stillRunning: FakeStep = {
      json: v5Detail({
        runId: RUN_ID,
        status: 'RUNNING',
        stages: [BUILD, { ...testStage('FAILED'), status: 'RUNNING' }]
      })
    }
    const fake = await serve([stillRunning], { logs: logScript(mavenLog(10)) })
    const run = await runAction(inputs({ timeout: '1' }))
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(fake.calls('logs')).toHaveLength(0)
  })

  it('asks for no log on v3', async () => {
    const fake = await serve(
      [
        {
          json: v3Status({
            buildId: 'b-1',
            status: 'completed',
            outcome: 'error',
            stages: [
              {
                name: 'Test',
                status: 'completed',
                outcome: 'error',
                tasks: [
                  { name: 'Unit tests', status: 'completed', outcome: 'error', errorMsg: 'boom' }
                ]
              }
            ]
          })
        }
      ],
      { logs: logScript(mavenLog(10)) }
    )
    const run = await runAction({
      ...inputs({ 'api-version': 'v3', 'build-id': 'b-1' }),
      'project-id': ''
    })
    expect(run.outputs.conclusion).toBe('failure')
    expect(fake.requests.filter(r => r.route !== 'status')).toEqual([])
    expect(logGroups(run)).toEqual([])
  })
})
