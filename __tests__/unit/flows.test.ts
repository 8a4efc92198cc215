// The flows in-process: a fake StepIO that records every call, a scripted PipelineApi, settings built
// directly. Timeouts and poll intervals are a few hundred milliseconds so that the suite stays fast.
import { jest } from '@jest/globals'
import { report } from '../../src/flows/report.js'
import { startRun, type Started } from '../../src/flows/start.js'
import { watchRun } from '../../src/flows/watch.js'
import {
  contextFor,
  deferred,
  detailUrl,
  fakeApi,
  fakeStep,
  failedRun,
  never,
  ok,
  PIPELINE_ID,
  runOf,
  settingsFor
} from '../support/fake-step.js'
import type { StartResult } from '../../src/codearts/pipeline-api.js'
import type { Settings } from '../../src/input-helper.js'

const PARAMETERS = [{ name: 'branch', value: 'main' }]
const starting = (overrides: Partial<Settings> = {}) =>
  settingsFor({ start: { parameters: PARAMETERS, ref: undefined }, ...overrides })
const started = (runId = '42', queued = false): StartResult => ({ kind: 'started', runId, queued })

/** Lets the flow run up to its next wait on something other than a promise already settled. */
const settle = () => new Promise(resolve => setImmediate(resolve))

describe('startRun', () => {
  test('a started run: build-id is set before it returns, and "Started run" is logged', async () => {
    const step = fakeStep()
    const fake = fakeApi({ start: started('42') })

    const result = await startRun(contextFor(step.io, fake.api, starting()))

    expect(result).toMatchObject({ runId: '42', choice: undefined })
    expect(result).not.toHaveProperty('verdict')
    expect(step.outputCalls()).toEqual([{ name: 'build-id', value: '42' }])
    expect(step.lines('info')).toContain('Started run 42.')
    expect(step.lines('info')[0]).toMatch(
      /^Starting a run of pipeline pipe-1 at .* with 1 parameter\.$/
    )
    // Sent once, with the parameters, and a limit long enough for an IAM login; what was sent is returned.
    expect(fake.startCalls).toHaveLength(1)
    expect(fake.startCalls[0]?.timeoutMs).toBe(10_000)
    const sent = fake.startCalls[0]?.request
    expect(sent?.parameters).toEqual(PARAMETERS)
    // The runner said nothing about the workflow: no description, and (v3) no source to choose.
    expect(sent?.description).toBeUndefined()
    expect(sent?.build).toBeUndefined()
    expect(result).toHaveProperty('sent', sent)
    expect(fake.stopCalls).toEqual([])
    expect(step.annotations('warning')).toEqual([])
  })

  test('a queued start says the run is queued, and still gives its id', async () => {
    const step = fakeStep()
    const fake = fakeApi({ start: started('43', true) })

    const result = await startRun(contextFor(step.io, fake.api, starting()))

    expect(result).toMatchObject({ runId: '43' })
    expect(result).not.toHaveProperty('verdict')
    expect(step.outputs()['build-id']).toBe('43')
    expect(step.lines('info')).toContain(
      'Run 43 is queued behind other runs (a concurrency limit); waiting for it to start.'
    )
    expect(step.lines('info')).not.toContain('Started run 43.')
  })

  test('a failed start: verdict error with the reason, and no build-id', async () => {
    const step = fakeStep()
    const fake = fakeApi({ start: { kind: 'failed', reason: 'HTTP 400: the API refused' } })

    const result = await startRun(contextFor(step.io, fake.api, starting()))

    expect(result).toEqual({
      verdict: {
        conclusion: 'error',
        message: `Could not start a run of pipeline ${PIPELINE_ID}: HTTP 400: the API refused`
      }
    })
    expect(step.outputCalls()).toEqual([])
    expect(fake.stopCalls).toEqual([])
  })

  test('a start that fails after a cancel ends cancelled, not in error', async () => {
    const step = fakeStep()
    const answer = deferred<StartResult>()
    const fake = fakeApi({ start: () => answer.promise })
    const cancel = new AbortController()

    const pending = startRun(contextFor(step.io, fake.api, starting(), cancel.signal))
    // The request is out: the cancel comes while it is under way.
    await settle()
    cancel.abort('SIGINT')
    await settle()
    answer.resolve({ kind: 'failed', reason: 'HTTP 503' })
    const result = await pending

    expect(result).toEqual({
      verdict: {
        conclusion: 'cancelled',
        message: `Could not start a run of pipeline ${PIPELINE_ID}: HTTP 503`
      }
    })
    expect(fake.stopCalls).toEqual([])
  })

  test('cancelled mid-start, answered within the grace: the run is stopped (stop-on-cancel)', async () => {
    const step = fakeStep()
    const answer = deferred<StartResult>()
    const fake = fakeApi({ start: () => answer.promise })
    const cancel = new AbortController()

    const pending = startRun(contextFor(step.io, fake.api, starting(), cancel.signal))
    // The request is out: the cancel comes while it is under way.
    await settle()
    cancel.abort('SIGINT')
    await settle()
    expect(fake.stopCalls).toEqual([])
    answer.resolve(started('44'))
    const result = (await pending) as Extract<Started, { verdict: unknown }>

    expect(fake.stopCalls.map(c => c.runId)).toEqual(['44'])
    expect(result.runId).toBe('44')
    expect(result.verdict.conclusion).toBe('cancelled')
    expect(result.verdict.message).toBe(
      `The workflow was cancelled while run 44 of pipeline ${PIPELINE_ID} was being started. Run 44 was stopped (stop-on-cancel).`
    )
    // The id is still an output: the run exists.
    expect(step.outputs()['build-id']).toBe('44')
    expect(step.lines('info')).toContain('Stopping run 44.')
  })

  test('cancelled mid-start with stop-on-cancel false: the run is left running', async () => {
    const step = fakeStep()
    const answer = deferred<StartResult>()
    const fake = fakeApi({ start: () => answer.promise })
    const cancel = new AbortController()

    const pending = startRun(
      contextFor(step.io, fake.api, starting({ stopOnCancel: false }), cancel.signal)
    )
    // The request is out: the cancel comes while it is under way.
    await settle()
    cancel.abort('SIGINT')
    await settle()
    answer.resolve(started('45'))
    const result = (await pending) as Extract<Started, { verdict: unknown }>

    expect(fake.stopCalls).toEqual([])
    expect(result.verdict.conclusion).toBe('cancelled')
    expect(result.verdict.message).toContain('Run 45 was left running (stop-on-cancel is false).')
  })

  test('cancelled while the v5 definition is read: nothing started, at once', async () => {
    const step = fakeStep()
    const fake = fakeApi({ start: started('42') })
    const api = { ...fake.api, sources: () => never<never>() }
    const cancel = new AbortController()
    const pending = startRun(contextFor(step.io, api, starting(), cancel.signal))
    await settle()
    cancel.abort('SIGINT')
    const began = Date.now()
    const result = (await pending) as Extract<Started, { verdict: unknown }>
    expect(Date.now() - began).toBeLessThan(1_000)
    expect(result.verdict.conclusion).toBe('cancelled')
    expect(result.verdict.message).toContain('no run was started')
    expect(fake.startCalls).toEqual([])
  })

  test('cancelled before the start request went out: not started, at once, without the grace', async () => {
    const step = fakeStep()
    const fake = fakeApi({ start: () => never<StartResult>() })
    const cancel = new AbortController()
    const pending = startRun(contextFor(step.io, fake.api, starting(), cancel.signal))
    // Cancelled while the start is still being prepared (a login under way, say).
    cancel.abort('SIGINT')
    const began = Date.now()
    const result = (await pending) as Extract<Started, { verdict: unknown }>
    expect(Date.now() - began).toBeLessThan(1_000)
    expect(result.verdict.conclusion).toBe('cancelled')
    expect(result.verdict.message).toContain('no run was started')
    expect(result.verdict.message).not.toContain('may have started')
  })

  test('cancelled mid-start, never answered: cancelled after the 2.5 s grace, "may have started"', async () => {
    jest.useFakeTimers()
    try {
      const step = fakeStep()
      const fake = fakeApi({ start: () => never<StartResult>() })
      const cancel = new AbortController()
      let result: Started | undefined

      void startRun(contextFor(step.io, fake.api, starting(), cancel.signal)).then(r => {
        result = r
      })
      // The request is out: the cancel comes while it is under way.
      await jest.advanceTimersByTimeAsync(0)
      expect(fake.startCalls).toHaveLength(1)
      cancel.abort('SIGINT')
      await jest.advanceTimersByTimeAsync(2_400)
      expect(result).toBeUndefined()
      await jest.advanceTimersByTimeAsync(200)

      expect(result).toBeDefined()
      expect(result).not.toHaveProperty('runId')
      const { verdict } = result as Extract<Started, { verdict: unknown }>
      expect(verdict.conclusion).toBe('cancelled')
      expect(verdict.message).toContain('the run may have started')
      expect(verdict.message).toContain('could not be stopped as its id is unknown')
      expect(fake.stopCalls).toEqual([])
      expect(step.outputCalls()).toEqual([])
    } finally {
      jest.useRealTimers()
    }
  })
})

describe('watchRun', () => {
  test('follows a run it started to success, announcing it once with its link', async () => {
    const step = fakeStep()
    const fake = fakeApi({
      status: [ok(runOf('42')), ok(runOf('42')), ok(runOf('42', 'success'))]
    })

    const outcome = await watchRun(contextFor(step.io, fake.api, settingsFor()), '42', {
      startedHere: true
    })

    expect(outcome.verdict).toEqual({ conclusion: 'success' })
    expect(outcome.run?.runId).toBe('42')
    expect(outcome.run?.phase).toBe('completed')
    expect(outcome.runId).toBe('42')
    expect(outcome.worthSummary).toBe(true)
    expect(fake.statusCalls.map(c => c.runId)).toEqual(['42', '42', '42'])
    expect(step.annotations('notice')).toEqual([
      {
        message: `Started run 42 of pipeline "web-release": ${detailUrl('42')}`,
        properties: { title: 'CodeArts pipeline run started' }
      }
    ])
    expect(step.outputCalls()).toEqual([{ name: 'detail-url', value: detailUrl('42') }])
    expect(step.lines('info')[0]).toMatch(/^Waiting for run 42 of pipeline pipe-1 at /)
    expect(step.annotations('warning')).toEqual([])
  })

  test('watching the latest run, not started here: it sticks to the run seen, and announces nothing', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(runOf('42')), ok(runOf('42', 'success'))] })

    const outcome = await watchRun(contextFor(step.io, fake.api, settingsFor()), undefined, {
      startedHere: false
    })

    expect(outcome.verdict).toEqual({ conclusion: 'success' })
    expect(outcome.runId).toBe('42')
    expect(fake.statusCalls.map(c => c.runId)).toEqual([undefined, '42'])
    expect(step.annotations('notice')).toEqual([])
    expect(step.outputCalls()).toEqual([])
  })

  test('follows a run to failure: the verdict names the culprit', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(runOf('42')), ok(failedRun('42'))] })

    const outcome = await watchRun(contextFor(step.io, fake.api, settingsFor()), '42', {
      startedHere: true
    })

    expect(outcome.verdict.conclusion).toBe('failure')
    expect(outcome.verdict.culprit).toBe('Test › unit tests')
    expect(outcome.verdict.message).toBe(
      `The run 42 of pipeline "web-release" (${PIPELINE_ID}) ended with outcome error; ` +
        'stage "Test" task "unit tests" failed [PIPE.0001]: unit tests failed: 3 of 120.'
    )
    expect(outcome.run?.outcome).toBe('error')
    expect(fake.stopCalls).toEqual([])
  })

  test('timeout with stop-on-timeout true: the run is stopped', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(runOf('42'))] })
    const settings = settingsFor({ stopOnTimeout: true })

    const began = Date.now()
    const outcome = await watchRun(contextFor(step.io, fake.api, settings), '42', {
      startedHere: false
    })

    expect(Date.now() - began).toBeGreaterThanOrEqual(400)
    expect(outcome.verdict.conclusion).toBe('timed_out')
    expect(outcome.verdict.message).toMatch(/^Timed out after .* waiting for run 42 of pipeline/)
    expect(outcome.verdict.message).toContain(' Run 42 was stopped (stop-on-timeout).')
    expect(fake.stopCalls).toEqual([{ runId: '42', timeoutMs: 3_000 }])
    expect(fake.statusCalls.length).toBeGreaterThan(1)
    // Watched, not started here: no announcement.
    expect(step.annotations('notice')).toEqual([])
    expect(step.outputCalls()).toEqual([])
  })

  test('timeout with stop-on-timeout false: the run is left running', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(runOf('42'))] })

    const outcome = await watchRun(contextFor(step.io, fake.api, settingsFor()), '42', {
      startedHere: true
    })

    expect(outcome.verdict.conclusion).toBe('timed_out')
    expect(outcome.verdict.message).toContain(
      ' Run 42 was left running (stop-on-timeout is false).'
    )
    expect(outcome.verdict.message).not.toContain('was stopped')
    expect(fake.stopCalls).toEqual([])
  })

  test('timeout, and the stop is refused: the message says it could not be stopped', async () => {
    const step = fakeStep()
    const fake = fakeApi({
      status: [ok(runOf('42'))],
      stop: { stopped: false, reason: 'HTTP 500' }
    })
    const settings = settingsFor({ stopOnTimeout: true })

    const outcome = await watchRun(contextFor(step.io, fake.api, settings), '42', {
      startedHere: true
    })

    expect(fake.stopCalls.map(c => c.runId)).toEqual(['42'])
    expect(outcome.verdict.message).toContain(' Could not stop run 42: HTTP 500.')
    expect(outcome.verdict.message).not.toContain('was stopped')
  })

  test('cancel while watching a run not started here: not stopped, and the message says so', async () => {
    const step = fakeStep()
    const cancel = new AbortController()
    // The second request hangs; the cancel must not wait for it.
    const fake = fakeApi({
      status: [
        ok(runOf('42')),
        () => {
          setTimeout(() => cancel.abort('SIGINT'), 20)
          return never()
        }
      ]
    })
    const settings = settingsFor({ timeoutMs: 10_000 })

    const began = Date.now()
    const outcome = await watchRun(contextFor(step.io, fake.api, settings, cancel.signal), '42', {
      startedHere: false
    })

    expect(Date.now() - began).toBeLessThan(2_000)
    expect(fake.statusCalls).toHaveLength(2)
    expect(outcome.verdict.conclusion).toBe('cancelled')
    expect(outcome.verdict.message).toBe(
      `The workflow was cancelled while waiting for run 42 of pipeline "web-release" (${PIPELINE_ID}). ` +
        'Run 42 was not started by this step, so it was left running.'
    )
    expect(outcome.run?.runId).toBe('42')
    expect(fake.stopCalls).toEqual([])
    expect(step.annotations('notice')).toEqual([])
  })

  test('cancel while watching a run started here: it is stopped (stop-on-cancel)', async () => {
    const step = fakeStep()
    const cancel = new AbortController()
    const fake = fakeApi({
      status: [
        ok(runOf('42')),
        () => {
          cancel.abort('SIGINT')
          return never()
        }
      ]
    })

    const outcome = await watchRun(
      contextFor(step.io, fake.api, settingsFor({ timeoutMs: 10_000 }), cancel.signal),
      '42',
      { startedHere: true }
    )

    expect(outcome.verdict.conclusion).toBe('cancelled')
    expect(outcome.verdict.message).toContain(' Run 42 was stopped (stop-on-cancel).')
    expect(fake.stopCalls.map(c => c.runId)).toEqual(['42'])
  })

  test('wait false, the run already completed: its verdict, with a summary worth writing', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(failedRun('42'))] })

    const outcome = await watchRun(
      contextFor(step.io, fake.api, settingsFor({ wait: false })),
      '42',
      { startedHere: true }
    )

    expect(fake.statusCalls.map(c => c.runId)).toEqual(['42'])
    expect(outcome.verdict.conclusion).toBe('failure')
    expect(outcome.verdict.culprit).toBe('Test › unit tests')
    expect(outcome.run?.runId).toBe('42')
    expect(outcome.worthSummary).toBe(true)
    expect(step.annotations('notice')).toHaveLength(1)
    expect(step.outputs()['detail-url']).toBe(detailUrl('42'))
    expect(step.lines('info')).not.toContain('Not waiting for run 42 (wait: false).')
  })

  test('wait false, the run still going: success, its link, and nothing worth a summary', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(runOf('42'))] })

    const outcome = await watchRun(
      contextFor(step.io, fake.api, settingsFor({ wait: false })),
      '42',
      { startedHere: true }
    )

    expect(fake.statusCalls).toHaveLength(1)
    expect(outcome.verdict).toEqual({ conclusion: 'success' })
    expect(outcome.run?.phase).toBe('in-progress')
    expect(outcome.worthSummary).toBe(false)
    expect(step.outputs()['detail-url']).toBe(detailUrl('42'))
    expect(step.lines('info')).toContain('Not waiting for run 42 (wait: false).')
    expect(step.annotations('warning')).toEqual([])
  })

  test('wait false, the run unreadable: a warning, success, and nothing worth a summary', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [{ kind: 'transient', reason: 'HTTP 503' }] })

    const outcome = await watchRun(
      contextFor(step.io, fake.api, settingsFor({ wait: false })),
      '42',
      { startedHere: true }
    )

    expect(fake.statusCalls).toHaveLength(1)
    expect(outcome.verdict).toEqual({ conclusion: 'success' })
    expect(outcome.run).toBeNull()
    expect(outcome.runId).toBe('42')
    expect(outcome.worthSummary).toBe(false)
    expect(step.annotations('warning').map(w => w.message)).toEqual([
      'Could not read run 42 yet, so its link is not known.'
    ])
    // Still announced, without a link.
    expect(step.annotations('notice').map(n => n.message)).toEqual([
      `Started run 42 of pipeline ${PIPELINE_ID}.`
    ])
    expect(step.outputCalls()).toEqual([])
  })

  test('wait false, an answer about another run: treated as unreadable', async () => {
    const step = fakeStep()
    const fake = fakeApi({ status: [ok(runOf('41', 'success'))] })

    const outcome = await watchRun(
      contextFor(step.io, fake.api, settingsFor({ wait: false })),
      '42',
      { startedHere: true }
    )

    expect(outcome.run).toBeNull()
    expect(outcome.verdict).toEqual({ conclusion: 'success' })
    expect(outcome.worthSummary).toBe(false)
    expect(step.annotations('warning')).toHaveLength(1)
    expect(step.outputCalls()).toEqual([])
  })
})

describe('report', () => {
  test('success with a completed run: "succeeded", the outputs and the summary', async () => {
    const step = fakeStep()
    const run = runOf('42', 'success')

    await report(step.io, {
      run,
      verdict: { conclusion: 'success' },
      pipelineId: PIPELINE_ID,
      runId: '42',
      summary: true
    })

    expect(step.lines('info')).toContain('Pipeline web-release succeeded.')
    expect(step.annotations('error')).toEqual([])
    const group = step.calls.find(c => c.kind === 'group')
    expect(group).toMatchObject({ kind: 'group', title: 'CodeArts run report' })
    expect(step.outputs()).toMatchObject({
      conclusion: 'success',
      'build-id': '42',
      status: 'completed',
      outcome: 'success',
      'pipeline-name': 'web-release',
      'detail-url': detailUrl('42'),
      'elapsed-time': '180'
    })
    expect(JSON.parse(step.outputs().stages ?? 'null')).toHaveLength(2)
    expect(step.summaries()).toHaveLength(1)
    expect(step.summaries()[0]).toContain('web-release')
    expect(step.annotations('warning')).toEqual([])
  })

  test('summary false: the outputs, and no summary', async () => {
    const step = fakeStep()

    await report(step.io, {
      run: runOf('42', 'success'),
      verdict: { conclusion: 'success' },
      pipelineId: PIPELINE_ID,
      runId: '42',
      summary: false
    })

    expect(step.summaries()).toEqual([])
    expect(step.outputs().conclusion).toBe('success')
  })

  test('success with the run still going (wait false): no "succeeded" line', async () => {
    const step = fakeStep()

    await report(step.io, {
      run: runOf('42'),
      verdict: { conclusion: 'success' },
      pipelineId: PIPELINE_ID,
      runId: '42',
      summary: false
    })

    expect(step.lines('info').some(line => line.includes('succeeded'))).toBe(false)
    expect(step.outputs()).toMatchObject({ conclusion: 'success', status: 'running' })
  })

  test('failure: exactly one error annotation, titled with the culprit', async () => {
    const step = fakeStep()
    const message = 'The run 42 failed.'

    await report(step.io, {
      run: failedRun('42'),
      verdict: { conclusion: 'failure', message, culprit: 'Test › unit tests' },
      pipelineId: PIPELINE_ID,
      runId: '42',
      summary: true
    })

    expect(step.annotations('error')).toEqual([
      { message, properties: { title: 'Test › unit tests' } }
    ])
    expect(step.lines('info').some(line => line.includes('succeeded'))).toBe(false)
    expect(step.outputs()).toMatchObject({ conclusion: 'failure', outcome: 'error' })
    expect(step.summaries()).toHaveLength(1)
  })

  test('no run known: the error is titled "CodeArts pipeline", build-id comes from runId', async () => {
    const step = fakeStep()

    await report(step.io, {
      run: null,
      verdict: { conclusion: 'cancelled', message: 'Cancelled.' },
      pipelineId: PIPELINE_ID,
      runId: '44',
      summary: false
    })

    expect(step.annotations('error')).toEqual([
      { message: 'Cancelled.', properties: { title: 'CodeArts pipeline' } }
    ])
    expect(step.calls.some(c => c.kind === 'group')).toBe(false)
    expect(step.outputs()).toEqual({ conclusion: 'cancelled', 'build-id': '44' })
  })

  test('a throwing setOutput becomes a warning, and the summary is still written', async () => {
    const step = fakeStep({ setOutputError: new Error('output file is gone') })

    await expect(
      report(step.io, {
        run: runOf('42', 'success'),
        verdict: { conclusion: 'success' },
        pipelineId: PIPELINE_ID,
        runId: '42',
        summary: true
      })
    ).resolves.toBeUndefined()

    expect(step.annotations('warning').map(w => w.message)).toEqual([
      'Could not set the outputs: output file is gone'
    ])
    expect(step.summaries()).toHaveLength(1)
    expect(step.annotations('error')).toEqual([])
  })

  test('a failing appendSummary becomes a warning, and does not throw', async () => {
    const step = fakeStep({ summaryError: new Error('summary file too large') })

    await expect(
      report(step.io, {
        run: failedRun('42'),
        verdict: { conclusion: 'failure', message: 'Failed.', culprit: 'Test › unit tests' },
        pipelineId: PIPELINE_ID,
        runId: '42',
        summary: true
      })
    ).resolves.toBeUndefined()

    expect(step.annotations('warning').map(w => w.message)).toEqual([
      'Could not write the job summary: summary file too large'
    ])
    // The real error is still told, once.
    expect(step.annotations('error')).toHaveLength(1)
    expect(step.outputs().conclusion).toBe('failure')
  })
})
