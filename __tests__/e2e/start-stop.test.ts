// End to end for the v5 API, starting runs (parameters, queued runs, no-wait) and stopping them on cancel
// or timeout: the bundled dist/index.js as a child process against the fake CodeArts server.
import {
  scriptedRun,
  scriptedV5Run,
  startFakeCodeArts,
  v3Status,
  v5Detail,
  type FakeCodeArts,
  type FakeOptions,
  type FakeStep,
  type RecordedRequest,
  type Script
} from '../support/fake-codearts.js'
import {
  annotations,
  expectNoSecret,
  runAction as runBundle,
  type ActionRun,
  type RunOptions
} from '../support/run-action.js'

const TOKEN = 'tok-5c2b8e1f7a-STARTSTOP-SECRET'
const PROJECT = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
const V5_BASE = `/v5/${PROJECT}/api/pipelines/pipe-1`
const V5_DETAIL = `${V5_BASE}/pipeline-runs/detail`
// The runner sends SIGTERM 7.5 s after SIGINT; the step must be done well before.
const CANCEL_BOUND_MS = 5_000

let server: FakeCodeArts | undefined
const runs: ActionRun[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  // Whatever else a test checks, no run may print the token.
  for (const run of runs.splice(0)) expectNoSecret(run, [TOKEN])
})

async function serve(script: Script, options: FakeOptions = {}): Promise<FakeCodeArts> {
  server = await startFakeCodeArts(script, options)
  return server
}

async function runAction(actionInputs: Record<string, string>, options?: RunOptions) {
  const run = await runBundle(actionInputs, { killAfterMs: 20_000, ...options })
  runs.push(run)
  return run
}

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    // v3 unless a test says otherwise (auto without project-id warns that v3 is being retired).
    'api-version': 'v3',
    endpoint: server?.url ?? 'http://127.0.0.1:9',
    token: TOKEN,
    'poll-interval': '0.1',
    timeout: '20',
    ...extra
  }
}

function v5Inputs(extra: Record<string, string> = {}): Record<string, string> {
  return inputs({ 'api-version': 'auto', 'project-id': PROJECT, ...extra })
}

/** A start with IAM password login against the fake server, which also serves IAM. */
function iamStartInputs(fake: FakeCodeArts): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    endpoint: fake.url,
    region: 'cn-north-4',
    'iam-endpoint': fake.url,
    'iam-username': 'ci-user',
    'iam-password': 'Pa55-word-SECRET',
    'iam-domain': 'acme',
    start: 'true',
    'poll-interval': '0.1',
    timeout: '20'
  }
}

function bodyOf(request: RecordedRequest | undefined): unknown {
  return JSON.parse(request?.body ?? 'null') as unknown
}

function stagesOf(run: ActionRun): { name: string; tasks: Record<string, unknown>[] }[] {
  return JSON.parse(run.outputs.stages ?? '[]') as {
    name: string
    tasks: Record<string, unknown>[]
  }[]
}

const v3Running = (buildId: string): FakeStep => ({
  json: v3Status({
    buildId,
    status: 'running',
    stages: [{ name: 'Deploy', status: 'running', tasks: [{ name: 'Rollout', status: 'running' }] }]
  })
})

const v5Running = (runId: string): FakeStep => ({
  json: v5Detail({
    runId,
    status: 'RUNNING',
    stages: [{ name: 'Deploy', status: 'RUNNING', jobs: [{ name: 'Rollout', status: 'RUNNING' }] }]
  })
})

/**
 * A status script that answers with `answer` and sends the action SIGINT shortly after answering status
 * request number `polls` (so the signal lands in the wait). `sentAt` is when the signal went out.
 */
function cancelAfterPolls(polls: number, answer: (index: number) => FakeStep) {
  const cancel = { pid: 0, sentAt: 0 }
  const script: Script = (_request, index) => {
    if (index === polls - 1) {
      setTimeout(() => {
        cancel.sentAt = Date.now()
        process.kill(cancel.pid, 'SIGINT')
      }, 30)
    }
    return answer(index)
  }
  const onSpawn = (pid: number): void => {
    cancel.pid = pid
  }
  return { cancel, script, onSpawn }
}

describe('v5: watching a run', () => {
  it('follows a run to success, with the same outputs as v3 and jobs as tasks', async () => {
    const fake = await serve(scriptedV5Run('r-100', 2, 'COMPLETED'))
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'COMPLETED',
      outcome: 'success',
      conclusion: 'success',
      'build-id': 'r-100',
      'pipeline-name': 'web-release',
      'detail-url': 'https://devcloud.example.com/cicd/project/p/pipeline/detail/pipe-1/r-100',
      'elapsed-time': '180'
    })
    const stages = stagesOf(run)
    expect(stages.map(s => s.name)).toEqual(['Build', 'Deploy'])
    expect(stages[1]?.tasks).toEqual([
      expect.objectContaining({ name: 'Deploy to CCE', status: 'COMPLETED', outcome: 'success' })
    ])
    expect(annotations(run, 'error')).toEqual([])
    expect(annotations(run, 'warning')).toEqual([])
    expect(run.summary).toContain('succeeded')
    expect(run.summary).toContain('Deploy to CCE')
    // Only the v5 run detail: the latest run first, then that run by id.
    expect(fake.requests).toHaveLength(3)
    expect(fake.requests.every(r => r.method === 'GET' && r.path === V5_DETAIL)).toBe(true)
    expect(fake.requests[0]?.query.get('pipeline_run_id')).toBeNull()
    expect(fake.requests.slice(1).map(r => r.query.get('pipeline_run_id'))).toEqual([
      'r-100',
      'r-100'
    ])
    expect(fake.requests.every(r => r.headers['x-auth-token'] === TOKEN)).toBe(true)
  })

  it('fails a FAILED run naming the Deploy stage, its job and its message', async () => {
    await serve(scriptedV5Run('r-101', 1, 'FAILED'))
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({
      conclusion: 'failure',
      outcome: 'error',
      status: 'FAILED',
      'build-id': 'r-101'
    })
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain('r-101')
    expect(error).toContain('stage "Deploy"')
    expect(error).toContain('Deploy to CCE')
    expect(error).toContain('rollout timed out: 0 of 3 pods ready')
    expect(stagesOf(run)[1]?.tasks[0]?.error).toBe('rollout timed out: 0 of 3 pods ready')
    expect(run.summary).toContain('failed')
    expect(run.summary).toContain('rollout timed out: 0 of 3 pods ready')
  })

  it('reports a CANCELED run as cancelled and fails', async () => {
    await serve(scriptedV5Run('r-102', 1, 'CANCELED'))
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({
      conclusion: 'cancelled',
      outcome: 'aborted',
      status: 'CANCELED'
    })
    expect(run.summary).toContain('cancelled')
  })

  it('warns once about an undocumented status and keeps waiting until the run completes', async () => {
    const weird: FakeStep = { json: v5Detail({ runId: 'r-103', status: 'WEIRD' }) }
    const fake = await serve([weird, weird, weird, ...scriptedV5Run('r-103', 1, 'COMPLETED')])
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('WEIRD')
    expect(fake.calls('status')).toHaveLength(5)
  })

  it('uses the v3 API when api-version is v3, even with a project-id', async () => {
    const fake = await serve(scriptedRun('b-104', 1, 'success'))
    const run = await runAction(v5Inputs({ 'api-version': 'v3' }))
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')
    expect(fake.requests.length).toBeGreaterThan(0)
    expect(fake.requests.every(r => r.path === '/v3/pipelines/pipe-1/status')).toBe(true)
  })

  it('uses v5 when api-version is v5 and v3 under auto without a project-id', async () => {
    const v5 = await serve(scriptedV5Run('r-105', 1, 'COMPLETED'))
    expect((await runAction(v5Inputs({ 'api-version': 'v5' }))).code).toBe(0)
    expect(v5.requests.every(r => r.path === V5_DETAIL)).toBe(true)
    await v5.close()
    const v3 = await serve(scriptedRun('b-105', 1, 'success'))
    expect((await runAction(inputs({ 'api-version': 'auto' }))).code).toBe(0)
    expect(v3.requests.every(r => r.path === '/v3/pipelines/pipe-1/status')).toBe(true)
  })
})

describe('starting a run', () => {
  const parameters = [
    'branch=release/2.4',
    'FLAGS=--define=a=b',
    '',
    '# a comment=not a parameter',
    '   ',
    '  # an indented comment',
    'message=hello world'
  ].join('\n')
  const expected = [
    { name: 'branch', value: 'release/2.4' },
    { name: 'FLAGS', value: '--define=a=b' },
    { name: 'message', value: 'hello world' }
  ]

  it('v3: sends one start with build_params in order and waits for that run by id', async () => {
    const fake = await serve(scriptedRun('b-started', 2, 'success'))
    const run = await runAction(inputs({ start: 'true', parameters }))
    expect(run.code).toBe(0)
    const starts = fake.calls('start')
    expect(starts).toHaveLength(1)
    expect(starts[0]?.method).toBe('POST')
    expect(starts[0]?.path).toBe('/v3/pipelines/pipe-1/start')
    expect(bodyOf(starts[0])).toEqual({ build_params: expected })
    expect(starts[0]?.headers['x-auth-token']).toBe(TOKEN)
    // The start comes first; every status request, the first included, asks for the started run.
    expect(fake.requests[0]?.route).toBe('start')
    const statuses = fake.calls('status')
    expect(statuses).toHaveLength(3)
    expect(statuses.map(r => r.query.get('build_id'))).toEqual([
      'b-started',
      'b-started',
      'b-started'
    ])
    expect(run.outputs).toMatchObject({
      conclusion: 'success',
      'build-id': 'b-started',
      'detail-url': 'https://devcloud.example.com/pipeline/detail/pipe-1/b-started'
    })
    const notices = annotations(run, 'notice')
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain('b-started')
    expect(notices[0]).toContain('https://devcloud.example.com/pipeline/detail/pipe-1/b-started')
    expect(run.stdout).toContain('with 3 parameters')
  })

  it('v5: sends one run request with variables and waits for pipeline_run_id', async () => {
    const fake = await serve(scriptedV5Run('r-started', 1, 'COMPLETED'))
    const run = await runAction(v5Inputs({ start: 'true', parameters }))
    expect(run.code).toBe(0)
    const starts = fake.calls('start')
    expect(starts).toHaveLength(1)
    expect(starts[0]?.method).toBe('POST')
    expect(starts[0]?.path).toBe(`${V5_BASE}/run`)
    expect(bodyOf(starts[0])).toEqual({ variables: expected })
    const statuses = fake.calls('status')
    expect(statuses.length).toBe(2)
    expect(statuses.every(r => r.path === V5_DETAIL)).toBe(true)
    expect(statuses.every(r => r.query.get('pipeline_run_id') === 'r-started')).toBe(true)
    expect(run.outputs).toMatchObject({
      conclusion: 'success',
      status: 'COMPLETED',
      'build-id': 'r-started',
      'detail-url': 'https://devcloud.example.com/cicd/project/p/pipeline/detail/pipe-1/r-started'
    })
    expect(annotations(run, 'notice')[0]).toContain(
      'https://devcloud.example.com/cicd/project/p/pipeline/detail/pipe-1/r-started'
    )
  })

  it('sets build-id and detail-url as soon as they are known, before the run ends', async () => {
    // The job is killed outright mid-wait: what was set by then is all there is.
    await serve([v5Running('r-started')])
    const run = await runAction(v5Inputs({ start: 'true' }), { killAfterMs: 1500 })
    expect(run.signal).toBe('SIGKILL')
    expect(run.outputs['build-id']).toBe('r-started')
    expect(run.outputs['detail-url']).toBe(
      'https://devcloud.example.com/cicd/project/p/pipeline/detail/pipe-1/r-started'
    )
    expect(annotations(run, 'notice')).toHaveLength(1)
  })

  it('keeps the started run id when the wait then fails at once', async () => {
    await serve([{ status: 403, json: { error_code: 'DEVPIPE.00011104', error_msg: 'denied' } }])
    const run = await runAction(inputs({ start: 'true' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(run.outputs['build-id']).toBe('b-started')
  })

  it.each([
    [200, 'DEVPIPE.00011169'],
    [400, 'DEVPIPE.00011169'],
    [200, 'DEVPIPE.00011170'],
    [400, 'DEVPIPE.00011170']
  ])('waits for a queued run (HTTP %i, %s)', async (status, code) => {
    const fake = await serve(
      [
        { json: v5Detail({ runId: 'r-queued', status: 'QUEUED' }) },
        ...scriptedV5Run('r-queued', 1, 'COMPLETED')
      ],
      {
        start: [
          {
            status,
            json: {
              error: {
                code,
                message: 'The number of running instances has reached the limit',
                pipeline_run_id: 'r-queued'
              }
            }
          }
        ]
      }
    )
    const run = await runAction(v5Inputs({ start: 'true' }))
    expect(run.code).toBe(0)
    expect(fake.calls('start')).toHaveLength(1)
    expect(run.stdout).toMatch(/r-queued.*queued/)
    const statuses = fake.calls('status')
    expect(statuses).toHaveLength(3)
    expect(statuses.every(r => r.query.get('pipeline_run_id') === 'r-queued')).toBe(true)
    expect(run.outputs).toMatchObject({ conclusion: 'success', 'build-id': 'r-queued' })
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('fails a refused start without waiting or starting again', async () => {
    const fake = await serve([v5Running('r-x')], {
      start: [
        { status: 400, json: { error: { code: 'DEVPIPE.00011107', message: 'bad variable' } } }
      ]
    })
    const run = await runAction(v5Inputs({ start: 'true', parameters: 'x=1' }))
    expect(run.code).toBe(1)
    expect(fake.calls('start')).toHaveLength(1)
    expect(fake.calls('status')).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('error')
    expect(run.outputs['build-id']).toBeUndefined()
    expect(annotations(run, 'error')[0]).toContain('bad variable')
  })
})

describe('a lost start answer', () => {
  it.each([
    ['hangs', { fault: 'hang' } as FakeStep],
    ['is reset', { fault: 'reset' } as FakeStep],
    ['is HTTP 500', { status: 500, json: { error_code: 'DEV.500', error_msg: 'internal' } }],
    ['is HTTP 200 carrying an error', { json: { error: { code: 'DEVPIPE.500', message: 'x' } } }]
  ])(
    'sends the start exactly once when its answer %s, and says the run may have started',
    async (_what, step) => {
      const fake = await serve([v3Running('b-started')], { start: [step] })
      // Time enough for many retries, were any made.
      const run = await runAction(inputs({ start: 'true', timeout: '20' }))
      expect(run.code).toBe(1)
      expect(run.outputs.conclusion).toBe('error')
      expect(fake.calls('start')).toHaveLength(1)
      expect(fake.calls('status')).toHaveLength(0)
      expect(fake.calls('stop')).toHaveLength(0)
      const [error] = annotations(run, 'error')
      expect(error).toMatch(/may (or may not )?have started/)
      // A start's limit is at least 10 s: a hung one ends there.
      expect(run.durationMs).toBeLessThan(13_000)
    }
  )
})

describe('a start after a slow login', () => {
  it('is not sent with too little of its time limit left, so no run is left behind', async () => {
    // A start's limit is 10 s (poll-interval 0.1 alone would give 2 s); the login takes 9.3 s of it.
    const fake = await serve([v3Running('b-started')], {
      auth: {
        iam: { username: 'ci-user', password: 'Pa55-word-SECRET', domain: 'acme', tokens: ['T-1'] },
        loginDelayMs: [9_300]
      }
    })
    const run = await runAction(iamStartInputs(fake))
    expect(run.code).toBe(1)
    expect(fake.calls('login')).toHaveLength(1)
    expect(fake.calls('start')).toHaveLength(0)
    const [error] = annotations(run, 'error')
    expect(error).toContain('too few were left to send it')
    expect(error).not.toMatch(/may (or may not )?have started/)
  })
})

describe('wait: false', () => {
  it('starts, reads the run once for its link, and ends green', async () => {
    const fake = await serve([v3Running('b-started')])
    const run = await runAction(inputs({ start: 'true', wait: 'false', parameters: 'a=1' }))
    expect(run.code).toBe(0)
    expect(fake.calls('start')).toHaveLength(1)
    expect(fake.calls('status').length).toBeLessThanOrEqual(1)
    expect(fake.calls('status')[0]?.query.get('build_id')).toBe('b-started')
    expect(run.outputs).toMatchObject({
      conclusion: 'success',
      'build-id': 'b-started',
      'detail-url': 'https://devcloud.example.com/pipeline/detail/pipe-1/b-started'
    })
    expect(annotations(run, 'notice')[0]).toContain('pipeline/detail/pipe-1/b-started')
    expect(annotations(run, 'error')).toEqual([])
    expect(run.durationMs).toBeLessThan(5000)
  })

  it('on v5 too, and still ends green without a link when the status read fails', async () => {
    const fake = await serve([{ status: 500 }])
    const run = await runAction(v5Inputs({ start: 'true', wait: 'false' }))
    expect(run.code).toBe(0)
    expect(fake.calls('start')).toHaveLength(1)
    expect(fake.calls('start')[0]?.path).toBe(`${V5_BASE}/run`)
    expect(fake.calls('status')).toHaveLength(1)
    expect(run.outputs.conclusion).toBe('success')
    expect(run.outputs['build-id']).toBe('r-started')
    expect(run.outputs['detail-url']).toBeUndefined()
    expect(annotations(run, 'warning')).toHaveLength(1)
    expect(annotations(run, 'notice')[0]).toContain('r-started')
  })
})

describe('cancelling the workflow (SIGINT)', () => {
  it('v3: stops the run it started, writes the summary and exits in time', async () => {
    const { cancel, script, onSpawn } = cancelAfterPolls(3, () => v3Running('b-started'))
    const fake = await serve(script)
    const run = await runAction(inputs({ start: 'true' }), { onSpawn })
    const exitMs = Date.now() - cancel.sentAt
    expect(cancel.sentAt).toBeGreaterThan(0)
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(exitMs).toBeLessThan(CANCEL_BOUND_MS)
    const stops = fake.calls('stop')
    expect(stops).toHaveLength(1)
    expect(stops[0]?.method).toBe('POST')
    expect(stops[0]?.path).toBe('/v3/pipelines/pipe-1/stop')
    expect(stops[0]?.query.get('build_id')).toBe('b-started')
    // No polling once the stop went out.
    expect(fake.calls('status').every(r => r.atMs <= (stops[0]?.atMs ?? 0))).toBe(true)
    expect(run.outputs).toMatchObject({ conclusion: 'cancelled', 'build-id': 'b-started' })
    const [error] = annotations(run, 'error')
    expect(error).toContain('cancelled')
    expect(error).toContain('was stopped')
    expect(run.summary).toContain('was cancelled')
    expect(run.summary).toContain('was stopped')
  })

  it('v5: stops the run it started with POST .../pipeline-runs/{id}/stop', async () => {
    const { cancel, script, onSpawn } = cancelAfterPolls(3, () => v5Running('r-started'))
    const fake = await serve(script)
    const run = await runAction(v5Inputs({ start: 'true' }), { onSpawn })
    const exitMs = Date.now() - cancel.sentAt
    expect(run.code).toBe(1)
    expect(exitMs).toBeLessThan(CANCEL_BOUND_MS)
    const stops = fake.calls('stop')
    expect(stops).toHaveLength(1)
    expect(stops[0]?.method).toBe('POST')
    expect(stops[0]?.path).toBe(`${V5_BASE}/pipeline-runs/r-started/stop`)
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(run.summary).toContain('was cancelled')
    expect(run.summary).toContain('was stopped')
  })

  it('exits well inside the runner’s 7.5 s even when the stop request hangs', async () => {
    const { cancel, script, onSpawn } = cancelAfterPolls(2, () => v3Running('b-started'))
    const fake = await serve(script, {
      stop: [{ delayMs: 10_000, json: { pipeline_id: 'pipe-1', pipeline_name: 'web-release' } }]
    })
    const run = await runAction(inputs({ start: 'true' }), { onSpawn })
    const exitMs = Date.now() - cancel.sentAt
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(exitMs).toBeLessThan(CANCEL_BOUND_MS)
    expect(fake.calls('stop')).toHaveLength(1)
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(annotations(run, 'error')[0]).toContain('Could not stop run b-started')
    expect(run.summary).toContain('was cancelled')
    expect(run.summary).toContain('Could not stop')
  })

  it('does not claim a v5 run stopped when the stop answer says it was not', async () => {
    const { script, onSpawn } = cancelAfterPolls(2, () => v5Running('r-started'))
    const fake = await serve(script, { stop: [{ json: { success: false } }] })
    const run = await runAction(v5Inputs({ start: 'true' }), { onSpawn })
    expect(run.code).toBe(1)
    expect(fake.calls('stop')).toHaveLength(1)
    const [error] = annotations(run, 'error')
    expect(error).not.toContain('was stopped')
    expect(error).toContain('Could not stop run r-started')
  })

  it('sends one stop only when SIGTERM follows SIGINT', async () => {
    const { cancel, script, onSpawn } = cancelAfterPolls(2, () => v3Running('b-started'))
    const fake = await serve(script, {
      stop: () => {
        setTimeout(() => process.kill(cancel.pid, 'SIGTERM'), 50)
        return { delayMs: 400, json: { pipeline_id: 'pipe-1', pipeline_name: 'web-release' } }
      }
    })
    const run = await runAction(inputs({ start: 'true' }), { onSpawn })
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(fake.calls('stop')).toHaveLength(1)
    expect(run.outputs.conclusion).toBe('cancelled')
  })

  it('stops the run it started even before any status answer came back', async () => {
    const cancel = { pid: 0, sentAt: 0 }
    const fake = await serve(() => {
      setTimeout(() => {
        cancel.sentAt = Date.now()
        process.kill(cancel.pid, 'SIGINT')
      }, 200)
      return { fault: 'hang' }
    })
    const run = await runAction(inputs({ start: 'true' }), { onSpawn: pid => (cancel.pid = pid) })
    expect(run.code).toBe(1)
    expect(Date.now() - cancel.sentAt).toBeLessThan(CANCEL_BOUND_MS)
    expect(fake.calls('stop')).toHaveLength(1)
    expect(fake.calls('stop')[0]?.query.get('build_id')).toBe('b-started')
    expect(run.outputs).toMatchObject({ conclusion: 'cancelled', 'build-id': 'b-started' })
    expect(annotations(run, 'error')[0]).toContain('was stopped')
    // The summary still records the cancellation and the stop, though no status was seen.
    expect(run.summary).toContain('cancelled')
    expect(run.summary).toContain('was stopped')
  })

  it('waits a little for a start answer in flight when cancelled, then stops the run it names', async () => {
    const cancel = { pid: 0, sentAt: 0 }
    const fake = await serve([v3Running('b-late')], {
      start: () => {
        setTimeout(() => {
          cancel.sentAt = Date.now()
          process.kill(cancel.pid, 'SIGINT')
        }, 200)
        return { delayMs: 1500, json: { pipeline_id: 'pipe-1', build_id: 'b-late' } }
      }
    })
    const run = await runAction(inputs({ start: 'true' }), { onSpawn: pid => (cancel.pid = pid) })
    expect(run.code).toBe(1)
    expect(Date.now() - cancel.sentAt).toBeLessThan(CANCEL_BOUND_MS)
    expect(fake.calls('start')).toHaveLength(1)
    expect(fake.calls('status')).toHaveLength(0)
    expect(fake.calls('stop').map(r => r.query.get('build_id'))).toEqual(['b-late'])
    expect(run.outputs).toMatchObject({ conclusion: 'cancelled', 'build-id': 'b-late' })
    const [error] = annotations(run, 'error')
    expect(error).toContain('cancelled while run b-late')
    expect(error).toContain('was stopped')
    expect(run.summary).toContain('was stopped')
  })

  it('gives up on a start answer that does not come within 2.5 s of the cancel, saying the run may have started', async () => {
    const cancel = { pid: 0, sentAt: 0 }
    const fake = await serve([v3Running('b-never')], {
      start: () => {
        setTimeout(() => {
          cancel.sentAt = Date.now()
          process.kill(cancel.pid, 'SIGINT')
        }, 200)
        return { fault: 'hang' }
      }
    })
    const run = await runAction(inputs({ start: 'true', 'poll-interval': '10s' }), {
      onSpawn: pid => (cancel.pid = pid)
    })
    expect(run.code).toBe(1)
    const elapsed = Date.now() - cancel.sentAt
    expect(elapsed).toBeGreaterThanOrEqual(2400)
    expect(elapsed).toBeLessThan(CANCEL_BOUND_MS)
    expect(fake.calls('start')).toHaveLength(1)
    expect(fake.calls('stop')).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(annotations(run, 'error')[0]).toContain('may have started')
    expect(run.summary).toContain('may have started')
  })

  it('does not wait past its limits for a slow second login when cancelled during it', async () => {
    const cancel = { pid: 0, sentAt: 0 }
    const fake = await serve([v3Running('b-started')], {
      auth: {
        iam: {
          username: 'ci-user',
          password: 'Pa55-word-SECRET',
          domain: 'acme',
          tokens: ['T-ONE-SECRET', 'T-TWO-SECRET']
        },
        tokenUses: 2,
        loginDelayMs: [0, 25_000]
      }
    })
    const watch = setInterval(() => {
      if (fake.calls('login').length === 2 && cancel.sentAt === 0) {
        cancel.sentAt = Date.now()
        process.kill(cancel.pid, 'SIGINT')
      }
    }, 20)
    const run = await runAction(iamStartInputs(fake), {
      onSpawn: pid => (cancel.pid = pid)
    }).finally(() => clearInterval(watch))
    expect(cancel.sentAt).toBeGreaterThan(0)
    expect(run.code).toBe(1)
    expect(Date.now() - cancel.sentAt).toBeLessThan(CANCEL_BOUND_MS)
    expect(run.outputs.conclusion).toBe('cancelled')
    const [error] = annotations(run, 'error')
    expect(error).toContain('Could not stop run b-started')
    // The second login is cut off by its own time limit, or by the stop's.
    expect(error).toMatch(/IAM login (failed: no complete answer|did not finish)/)
    expect(run.summary).toContain('was cancelled')
    for (const secret of ['Pa55-word-SECRET', 'T-ONE-SECRET']) {
      expect(
        run.stdout
          .split('\n')
          .filter(l => !l.startsWith('::add-mask::'))
          .join('\n')
      ).not.toContain(secret)
    }
  })

  it('fails a wait: false step whose one status read shows the run already failed', async () => {
    const fake = await serve([
      {
        json: v3Status({
          buildId: 'b-started',
          status: 'completed',
          outcome: 'error',
          stages: [
            { name: 'Build', status: 'completed', outcome: 'error', errorMsg: 'compile error' }
          ]
        })
      }
    ])
    const run = await runAction(inputs({ start: 'true', wait: 'false' }))
    expect(run.code).toBe(1)
    expect(fake.calls('status')).toHaveLength(1)
    expect(run.outputs).toMatchObject({
      conclusion: 'failure',
      outcome: 'error',
      'build-id': 'b-started'
    })
    expect(annotations(run, 'error')[0]).toContain('compile error')
  })

  it('leaves running a run it did not start (build-id given)', async () => {
    const { cancel, script, onSpawn } = cancelAfterPolls(3, () => v3Running('b-given'))
    const fake = await serve(script)
    const run = await runAction(inputs({ 'build-id': 'b-given' }), { onSpawn })
    expect(run.code).toBe(1)
    expect(Date.now() - cancel.sentAt).toBeLessThan(CANCEL_BOUND_MS)
    expect(fake.calls('stop')).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('cancelled')
    const [error] = annotations(run, 'error')
    expect(error).toContain('not started by this step')
    expect(error).toContain('left running')
    expect(run.summary).toContain('left running')
  })

  it('leaves running the latest run it was watching on v5', async () => {
    const { script, onSpawn } = cancelAfterPolls(3, () => v5Running('r-latest'))
    const fake = await serve(script)
    const run = await runAction(v5Inputs(), { onSpawn })
    expect(run.code).toBe(1)
    expect(fake.calls('stop')).toHaveLength(0)
    expect(annotations(run, 'error')[0]).toContain('left running')
  })

  it('does not stop a run it started when stop-on-cancel is false', async () => {
    const { script, onSpawn } = cancelAfterPolls(3, () => v3Running('b-started'))
    const fake = await serve(script)
    const run = await runAction(inputs({ start: 'true', 'stop-on-cancel': 'false' }), { onSpawn })
    expect(run.code).toBe(1)
    expect(fake.calls('stop')).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(annotations(run, 'error')[0]).toContain('left running (stop-on-cancel is false)')
  })
})

describe('stop-on-timeout', () => {
  it('stops the watched run once the timeout passes, then fails', async () => {
    const fake = await serve([v3Running('b-long')])
    const run = await runAction(inputs({ timeout: '1', 'stop-on-timeout': 'true' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    const stops = fake.calls('stop')
    expect(stops).toHaveLength(1)
    expect(stops[0]?.query.get('build_id')).toBe('b-long')
    const firstStatus = fake.calls('status')[0]?.atMs ?? 0
    expect((stops[0]?.atMs ?? 0) - firstStatus).toBeGreaterThanOrEqual(900)
    const [error] = annotations(run, 'error')
    expect(error).toContain('Timed out')
    expect(error).toContain('was stopped (stop-on-timeout)')
    expect(run.summary).toContain('was stopped')
  })

  it('v5: stops the run named by build-id', async () => {
    const fake = await serve([v5Running('r-given')])
    const run = await runAction(
      v5Inputs({ 'build-id': 'r-given', timeout: '1', 'stop-on-timeout': 'true' })
    )
    expect(run.code).toBe(1)
    expect(fake.calls('stop').map(r => r.path)).toEqual([`${V5_BASE}/pipeline-runs/r-given/stop`])
  })

  it('leaves the run running by default', async () => {
    const fake = await serve([v3Running('b-long')])
    const run = await runAction(inputs({ start: 'true', timeout: '1' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(fake.calls('stop')).toHaveLength(0)
    expect(annotations(run, 'error')[0]).toContain('left running (stop-on-timeout is false)')
  })
})

describe('inputs for starting and stopping', () => {
  it.each([
    [{ start: 'true', parameters: 'a=1\nsecret-ish-line-no-equals' }, 'Input "parameters" line 2'],
    [{ parameters: 'a=1' }, 'Input "parameters"'],
    [{ wait: 'false' }, 'Input "wait"'],
    [{ start: 'true', 'build-id': 'b-1' }, '"build-id"'],
    [{ 'api-version': 'v4' }, 'Input "api-version"'],
    [{ 'api-version': 'v5' }, 'Input "project-id"'],
    [{ start: 'yes' }, 'Input "start"'],
    [{ start: 'true', 'stop-on-cancel': 'maybe' }, 'Input "stop-on-cancel"'],
    [{ 'project-id': 'has/slash' }, 'Input "project-id"']
  ])('rejects %j before any request, naming %s', async (bad, name) => {
    const fake = await serve([v3Running('b-1')])
    const run = await runAction(inputs(bad as Record<string, string>))
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('error')
    const [error] = annotations(run, 'error')
    expect(error).toContain(name)
    // A parameters line is never echoed: it may hold a value meant to stay out of logs.
    expect(run.stdout).not.toContain('secret-ish-line-no-equals')
  })
})
