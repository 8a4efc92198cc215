// The tails of failed steps' logs: which steps, how the tail is cut, and how it is read (paging back,
// within a budget, one warning per log that cannot be read).
import type { FailedAnswer } from '../../src/codearts/answer.js'
import type { LogPage, PipelineApi, Read, StepRef } from '../../src/codearts/pipeline-api.js'
import {
  LOGS_BUDGET_MS,
  MAX_LOG_BYTES,
  failedSteps,
  fetchLogs,
  tailOf
} from '../../src/flows/logs.js'
import type { Job, Run, Stage, Step, Task } from '../../src/model.js'
import { contextFor, fakeApi, fakeStep, never, settingsFor } from '../support/fake-step.js'

// --- runs --------------------------------------------------------------------------------------------

function item(name: string, outcome: string | null, over: Partial<Task> = {}): Task {
  return {
    id: name.toLowerCase().replace(/\W+/g, '-'),
    name,
    status: outcome === 'error' ? 'FAILED' : outcome === null ? 'RUNNING' : 'COMPLETED',
    outcome,
    startTime: null,
    durationSeconds: null,
    errorCode: null,
    errorMessage: null,
    ...over
  }
}

function step(name: string, outcome: string | null = 'success', over: Partial<Task> = {}): Step {
  return { ...item(name, outcome, over), task: 'official_devcloud_cloudBuild' }
}

function job(name: string, steps: Step[], outcome: string | null = 'success'): Job {
  return { ...item(name, outcome), steps }
}

function stage(name: string, tasks: Job[], gates: Step[] = []): Stage {
  return {
    ...item(name, tasks.some(t => t.outcome === 'error') ? 'error' : 'success'),
    tasks,
    gates
  }
}

function runOf(stages: Stage[], runId: string | null = 'r-1'): Run {
  return {
    pipelineName: 'web',
    runNumber: 7,
    runId,
    status: 'FAILED',
    outcome: 'error',
    phase: 'completed',
    executor: 'bot',
    startTime: null,
    endTime: null,
    durationSeconds: null,
    detailUrl: null,
    parameters: [],
    stages,
    sources: [],
    artifacts: [],
    leftOut: 0
  }
}

/** Test › Unit tests › mvn test failed (job id `unit-tests`, step id `mvn-test`). */
function oneFailure(): Run {
  return runOf([
    stage('Build', [job('Compile', [step('compile')])]),
    stage('Test', [job('Unit tests', [step('checkout'), step('mvn test', 'error')], 'error')])
  ])
}

const PATH = 'Test › Unit tests › mvn test'

// --- a scripted stepLog ------------------------------------------------------------------------------

interface LogCall {
  step: StepRef
  limit: number
  endOffset: number | undefined
  timeoutMs: number
  atMs: number
}

type StepLogFn = NonNullable<PipelineApi['stepLog']>

/** A v5-like fake API whose stepLog is `stepLog`, recording each call. */
function apiWithLog(stepLog: StepLogFn): { api: PipelineApi; calls: LogCall[] } {
  const { api } = fakeApi()
  const calls: LogCall[] = []
  api.stepLog = (step, limit, endOffset, timeoutMs) => {
    calls.push({ step, limit, endOffset, timeoutMs, atMs: Date.now() })
    return stepLog(step, limit, endOffset, timeoutMs)
  }
  return { api, calls }
}

const ok = (page: LogPage): Read<LogPage> => ({ kind: 'ok', value: page })
const failed = (answer: FailedAnswer | null): Read<LogPage> => ({ kind: 'failed', answer })

/**
 * A log of `lines` paged as the API does, offsets counting lines: up to `limit` (and at most `cap`)
 * lines before `endOffset`, `hasMore` while lines precede. `trailingNewline`: each page's text ends
 * with a newline, as a log file's does.
 */
function pagedLog(lines: string[], { cap = Infinity, trailingNewline = false } = {}): StepLogFn {
  return (_step, limit, endOffset) => {
    const to = endOffset === undefined ? lines.length : Math.min(endOffset, lines.length)
    const from = Math.max(0, to - Math.min(limit, cap))
    const text = lines.slice(from, to).join('\n') + (trailingNewline && to > from ? '\n' : '')
    return Promise.resolve(ok({ text, hasMore: from > 0, startOffset: from }))
  }
}

const numbered = (n: number, prefix = 'line') =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`)

function setup(stepLog: StepLogFn | undefined, cancel?: AbortSignal) {
  const out = fakeStep()
  const { api, calls } = stepLog ? apiWithLog(stepLog) : { api: fakeApi().api, calls: [] }
  const context = contextFor(
    out.io,
    api,
    settingsFor({ apiVersion: 'v5', projectId: 'a'.repeat(32) }),
    cancel
  )
  return { out, api, calls, context }
}

// --- tailOf --------------------------------------------------------------------------------------------

describe('tailOf', () => {
  it('keeps the last `count` lines, oldest first', () => {
    expect(tailOf('a\nb\nc\nd', 2)).toEqual(['c', 'd'])
    expect(tailOf('a\nb', 10)).toEqual(['a', 'b'])
    expect(tailOf('a\nb', 0)).toEqual([])
  })

  it('reads nothing out of nothing', () => {
    expect(tailOf('', 5)).toEqual([])
  })

  it('drops one trailing newline, and reads CRLF like LF', () => {
    expect(tailOf('a\nb\n', 5)).toEqual(['a', 'b'])
    expect(tailOf('a\r\nb\r\n', 5)).toEqual(['a', 'b'])
    expect(tailOf('a\r\nb\nc', 2)).toEqual(['b', 'c'])
  })

  it('keeps blank lines inside the log', () => {
    expect(tailOf('a\n\nb\n', 5)).toEqual(['a', '', 'b'])
    expect(tailOf('a\n\n', 5)).toEqual(['a', ''])
  })

  it('keeps whole newest lines within the byte cap, counting a newline each', () => {
    // Each line is 9 bytes + 1: two fit in 25 bytes, three do not.
    expect(tailOf('line0001\nline0002\nline0003\n'.replace(/line/g, 'line_'), 10, 25)).toEqual([
      'line_0002',
      'line_0003'
    ])
    expect(tailOf('123456789\n123456789', 10, 20)).toEqual(['123456789', '123456789'])
    expect(tailOf('123456789\n123456789', 10, 19)).toEqual(['123456789'])
  })

  it('counts bytes, not characters', () => {
    // '€' is 3 bytes: '€€€' + newline is 10 bytes.
    expect(tailOf('€€€\n€€€\n€€€', 10, 20)).toEqual(['€€€', '€€€'])
  })

  it('keeps no line rather than part of one', () => {
    expect(tailOf(`short\n${'x'.repeat(100)}`, 10, 50)).toEqual([])
  })

  it('caps at 64 KiB by default, keeping the newest lines', () => {
    const line = 'y'.repeat(1023)
    const text = numbered(200, line).join('\n')
    const kept = tailOf(text, 1000)
    const bytes = kept.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0)
    expect(bytes).toBeLessThanOrEqual(MAX_LOG_BYTES)
    expect(kept.at(-1)).toBe(`${line} 200`)
    expect(kept.length).toBeGreaterThan(50)
    expect(kept.length).toBeLessThan(70)
  })
})

// --- failedSteps ------------------------------------------------------------------------------------

describe('failedSteps', () => {
  it('lists failed steps in run order with their path and log ids', () => {
    const run = runOf([
      stage('Build', [
        job('Compile', [step('javac', 'error')], 'error'),
        job('Lint', [step('eslint'), step('prettier', 'error')], 'error')
      ]),
      stage('Test', [job('Unit tests', [step('mvn test', 'error')], 'error')])
    ])
    expect(failedSteps(run)).toEqual([
      {
        path: 'Build › Compile › javac',
        ref: { runId: 'r-1', jobRunId: 'compile', stepRunId: 'javac' }
      },
      {
        path: 'Build › Lint › prettier',
        ref: { runId: 'r-1', jobRunId: 'lint', stepRunId: 'prettier' }
      },
      {
        path: 'Test › Unit tests › mvn test',
        ref: { runId: 'r-1', jobRunId: 'unit-tests', stepRunId: 'mvn-test' }
      }
    ])
  })

  it('lists at most 5, the first ones', () => {
    const steps = Array.from({ length: 8 }, (_, i) => step(`s${i}`, 'error'))
    const found = failedSteps(runOf([stage('Test', [job('Many', steps, 'error')])]))
    expect(found.map(f => f.ref.stepRunId)).toEqual(['s0', 's1', 's2', 's3', 's4'])
  })

  it('lists only steps whose outcome is error', () => {
    const run = runOf([
      stage('Test', [
        job(
          'Unit tests',
          [
            step('ok'),
            step('aborted', 'aborted'),
            step('running', null),
            step('message only', 'success', { errorMessage: 'warning: deprecated' }),
            step('failed', 'error')
          ],
          'error'
        )
      ])
    ])
    expect(failedSteps(run).map(f => f.ref.stepRunId)).toEqual(['failed'])
  })

  it('leaves out stage gates (they have no log)', () => {
    const run = runOf([stage('Deploy', [], [step('Quality gate', 'error')])])
    expect(failedSteps(run)).toEqual([])
  })

  it('lists nothing without a run id', () => {
    expect(failedSteps(runOf(oneFailure().stages, null))).toEqual([])
  })
})

// --- fetchLogs -----------------------------------------------------------------------------------

describe('fetchLogs reading one log', () => {
  it('reads the tail in one request when the page holds it all', async () => {
    const { out, calls, context } = setup(pagedLog(numbered(300)))
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(logs).toEqual([{ path: PATH, lines: numbered(300).slice(200) }])
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({
      step: { runId: 'r-1', jobRunId: 'unit-tests', stepRunId: 'mvn-test' },
      limit: 100,
      endOffset: undefined
    })
    expect(out.annotations('warning')).toEqual([])
  })

  it('pages back from where the last page started while a page is short and has_more', async () => {
    const { calls, context } = setup(pagedLog(numbered(300), { cap: 50 }))
    const logs = await fetchLogs(context, oneFailure(), 150, 60_000)
    expect(logs).toEqual([{ path: PATH, lines: numbered(300).slice(150) }])
    expect(calls.map(c => [c.limit, c.endOffset])).toEqual([
      [150, undefined],
      [100, 250],
      [50, 200]
    ])
  })

  it('asks the second time with the first answer’s start offset as end offset', async () => {
    const { calls, context } = setup((_s, _l, endOffset) =>
      Promise.resolve(
        endOffset === undefined
          ? ok({ text: 'c\nd', hasMore: true, startOffset: 4711 })
          : ok({ text: 'a\nb', hasMore: false, startOffset: 4000 })
      )
    )
    const logs = await fetchLogs(context, oneFailure(), 10, 60_000)
    expect(calls.map(c => c.endOffset)).toEqual([undefined, 4711])
    expect(logs[0]?.lines).toEqual(['a', 'b', 'c', 'd'])
  })

  it('stops once it has `count` lines', async () => {
    const { calls, context } = setup(pagedLog(numbered(300), { cap: 60 }))
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls).toHaveLength(2)
    expect(logs[0]?.lines).toEqual(numbered(300).slice(200))
  })

  it('stops when there is no more (a log shorter than asked)', async () => {
    const { calls, context } = setup(pagedLog(numbered(30)))
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls).toHaveLength(1)
    expect(logs[0]?.lines).toEqual(numbered(30))
  })

  it('stops when has_more comes without an offset to page back from', async () => {
    const { calls, context } = setup(() =>
      Promise.resolve(ok({ text: 'a\nb', hasMore: true, startOffset: null }))
    )
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls).toHaveLength(1)
    expect(logs[0]?.lines).toEqual(['a', 'b'])
  })

  it('stops when the offset does not move', async () => {
    const { calls, context } = setup(() =>
      Promise.resolve(ok({ text: 'a\nb', hasMore: true, startOffset: 500 }))
    )
    await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls.map(c => c.endOffset)).toEqual([undefined, 500])
  })

  it('does not ask with end offset 0 (which means "to the end") after a page starting at 0', async () => {
    const { calls, context } = setup((_s, _l, endOffset) =>
      Promise.resolve(
        endOffset === undefined
          ? ok({ text: 'c\nd', hasMore: true, startOffset: 0 })
          : ok({ text: 'c\nd', hasMore: false, startOffset: 0 })
      )
    )
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls).toHaveLength(1)
    expect(logs[0]?.lines).toEqual(['c', 'd'])
  })

  it('asks for at most 20 pages of a log that never ends', async () => {
    let offset = 1_000_000
    const { calls, context } = setup(() => {
      offset -= 1
      return Promise.resolve(ok({ text: '', hasMore: true, startOffset: offset }))
    })
    await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls.length).toBeLessThanOrEqual(20)
  })

  it('stops paging at 64 KiB and keeps whole newest lines under it', async () => {
    const big = numbered(400, 'z'.repeat(999))
    const { calls, context } = setup(pagedLog(big, { cap: 50 }))
    const logs = await fetchLogs(context, oneFailure(), 1000, 60_000)
    const lines = logs[0]?.lines ?? []
    expect(calls.length).toBeLessThanOrEqual(2)
    expect(lines.at(-1)).toBe(big.at(-1))
    expect(lines.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0)).toBeLessThanOrEqual(
      MAX_LOG_BYTES
    )
    expect(lines).toEqual(big.slice(big.length - lines.length))
  })

  it('joins pages whose text ends with a newline without a blank line between them', async () => {
    const { context } = setup(pagedLog(numbered(10), { cap: 4, trailingNewline: true }))
    const logs = await fetchLogs(context, oneFailure(), 10, 60_000)
    expect(logs[0]?.lines).toEqual(numbered(10))
  })

  it('returns no log, and no warning, for an empty log', async () => {
    const { out, context } = setup(() =>
      Promise.resolve(ok({ text: '', hasMore: false, startOffset: 0 }))
    )
    expect(await fetchLogs(context, oneFailure(), 100, 60_000)).toEqual([])
    expect(out.annotations('warning')).toEqual([])
  })
})

describe('fetchLogs when a log cannot be read', () => {
  it('warns once, naming the step, and returns no log for it', async () => {
    const { out, calls, context } = setup(() =>
      Promise.resolve(
        failed({ kind: 'fatal', reason: 'HTTP 500 Internal Server Error: DEV.500 internal error' })
      )
    )
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(logs).toEqual([])
    expect(calls).toHaveLength(1)
    const warnings = out.annotations('warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toContain(PATH)
    expect(warnings[0]?.message).toContain('DEV.500 internal error')
    expect(out.annotations('error')).toEqual([])
  })

  it('warns once for an answer that is not a log', async () => {
    const { out, context } = setup(() => Promise.resolve(failed(null)))
    expect(await fetchLogs(context, oneFailure(), 100, 60_000)).toEqual([])
    expect(out.annotations('warning')).toHaveLength(1)
    expect(out.annotations('warning')[0]?.message).toContain(PATH)
  })

  it('keeps what it read when a later page fails, without a warning', async () => {
    const { out, calls, context } = setup((_s, _l, endOffset) =>
      Promise.resolve(
        endOffset === undefined
          ? ok({ text: 'c\nd', hasMore: true, startOffset: 2 })
          : failed({ kind: 'transient', reason: 'timed out' })
      )
    )
    const logs = await fetchLogs(context, oneFailure(), 100, 60_000)
    expect(calls).toHaveLength(2)
    expect(logs).toEqual([{ path: PATH, lines: ['c', 'd'] }])
    expect(out.annotations('warning')).toEqual([])
  })

  it('warns for each failing log and returns the others', async () => {
    const run = runOf([
      stage('Test', [
        job('Unit tests', [step('mvn test', 'error')], 'error'),
        job('Lint', [step('eslint', 'error')], 'error')
      ])
    ])
    const { out, context } = setup(ref =>
      Promise.resolve(
        ref.stepRunId === 'eslint'
          ? failed({ kind: 'fatal', reason: 'HTTP 404: no log' })
          : ok({ text: 'Tests run: 3, Failures: 1', hasMore: false, startOffset: 0 })
      )
    )
    const logs = await fetchLogs(context, run, 100, 60_000)
    expect(logs).toEqual([{ path: PATH, lines: ['Tests run: 3, Failures: 1'] }])
    const warnings = out.annotations('warning').map(w => w.message)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Test › Lint › eslint')
  })

  it('reads up to 5 logs side by side', async () => {
    const steps = Array.from({ length: 7 }, (_, i) => step(`s${i}`, 'error'))
    const run = runOf([stage('Test', [job('Many', steps, 'error')])])
    let inFlight = 0
    let most = 0
    const { calls, context } = setup(async () => {
      most = Math.max(most, ++inFlight)
      await new Promise(resolve => setTimeout(resolve, 50))
      inFlight--
      return ok({ text: 'x', hasMore: false, startOffset: 0 })
    })
    const logs = await fetchLogs(context, run, 10, 60_000)
    expect(calls).toHaveLength(5)
    expect(logs.map(l => l.path)).toEqual([0, 1, 2, 3, 4].map(i => `Test › Many › s${i}`))
    expect(most).toBe(5)
  })
})

describe('fetchLogs within its budget', () => {
  it('exports a 10 s budget', () => {
    expect(LOGS_BUDGET_MS).toBe(10_000)
  })

  it('gives no request more time than is left (an API that honours its timeout)', async () => {
    const { out, calls, context } = setup(
      (_s, _l, _e, timeoutMs) =>
        new Promise(resolve =>
          setTimeout(
            () => resolve(failed({ kind: 'transient', reason: `timed out after ${timeoutMs} ms` })),
            timeoutMs
          )
        )
    )
    const started = Date.now()
    const logs = await fetchLogs(context, oneFailure(), 100, 300)
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(logs).toEqual([])
    expect(calls).toHaveLength(1)
    expect(calls[0]!.timeoutMs).toBeLessThanOrEqual(300)
    expect(out.annotations('warning')).toHaveLength(1)
    expect(out.annotations('warning')[0]?.message).toContain(PATH)
  })

  it('never gives a request more than the 10 s budget', async () => {
    const { calls, context } = setup(pagedLog(numbered(5)))
    const slow = contextFor(
      context.io,
      context.api,
      settingsFor({ apiVersion: 'v5', projectId: 'a'.repeat(32), pollIntervalMs: 60_000 })
    )
    await fetchLogs(slow, oneFailure(), 100, 3_600_000)
    expect(calls[0]!.timeoutMs).toBeLessThanOrEqual(LOGS_BUDGET_MS)
    expect(calls[0]!.timeoutMs).toBeGreaterThan(0)
  })

  it('returns within the time left even when a request never settles', async () => {
    const { context } = setup(() => never())
    const started = Date.now()
    const logs = await Promise.race([
      fetchLogs(context, oneFailure(), 100, 300),
      new Promise<'hung'>(resolve => setTimeout(() => resolve('hung'), 3_000))
    ])
    expect(logs).not.toBe('hung')
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('asks nothing for count 0', async () => {
    const { calls, context } = setup(pagedLog(numbered(5)))
    expect(await fetchLogs(context, oneFailure(), 0, 60_000)).toEqual([])
    expect(calls).toHaveLength(0)
  })

  it('asks nothing of an API without logs (v3), and says nothing', async () => {
    const { out, api, context } = setup(undefined)
    expect(api.stepLog).toBeUndefined()
    expect(await fetchLogs(context, oneFailure(), 100, 60_000)).toEqual([])
    expect(out.calls).toEqual([])
  })

  it('asks nothing when no step failed', async () => {
    const { calls, context } = setup(pagedLog(numbered(5)))
    const run = runOf([stage('Test', [job('Unit tests', [step('mvn test')], 'error')])])
    expect(await fetchLogs(context, run, 100, 60_000)).toEqual([])
    expect(calls).toHaveLength(0)
  })

  it('returns promptly, with nothing and no warning, on cancel', async () => {
    const controller = new AbortController()
    const { out, calls, context } = setup(() => never(), controller.signal)
    const started = Date.now()
    const pending = fetchLogs(context, oneFailure(), 100, 60_000)
    setTimeout(() => controller.abort('SIGINT'), 50)
    expect(await pending).toEqual([])
    expect(Date.now() - started).toBeLessThan(500)
    expect(calls).toHaveLength(1)
    expect(out.annotations('warning')).toEqual([])
  })

  it('returns at once when cancelled before it starts', async () => {
    const controller = new AbortController()
    controller.abort('SIGINT')
    const { context } = setup(() => never(), controller.signal)
    const started = Date.now()
    expect(await fetchLogs(context, oneFailure(), 100, 60_000)).toEqual([])
    expect(Date.now() - started).toBeLessThan(200)
  })
})
