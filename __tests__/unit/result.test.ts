import type { Run, Stage, Task } from '../../src/model.js'
import type { WaitResult } from '../../src/poller.js'
// The outputs are tested here too: they are made from the same runs as the verdict.
import { outputsOf, stagesJson } from '../../src/outputs.js'
import { decide, findCulprit } from '../../src/result.js'

function task(name: string, over: Partial<Task> = {}): Task {
  return {
    id: name,
    name,
    status: 'completed',
    outcome: 'success',
    startTime: null,
    durationSeconds: 10,
    errorCode: null,
    errorMessage: null,
    ...over
  }
}

function stage(name: string, tasks: Task[], over: Partial<Task> = {}): Stage {
  return { ...task(name), tasks: tasks.map(t => ({ steps: [], ...t })), gates: [], ...over }
}

function run(over: Partial<Run> = {}): Run {
  return {
    pipelineName: 'web',
    runNumber: null,
    artifacts: [],
    leftOut: 0,
    runId: '42',
    status: 'completed',
    outcome: 'success',
    phase: 'completed',
    executor: 'bot',
    startTime: '2024-05-01 10:00:00',
    endTime: '2024-05-01 10:03:04',
    durationSeconds: 184,
    detailUrl: 'https://example.com/run/42',
    sources: [],
    parameters: [],
    stages: [stage('Build', [task('Compile')]), stage('Deploy', [task('Push')])],
    ...over
  }
}

const completed = (r: Run): WaitResult => ({ kind: 'completed', run: r })

describe('decide', () => {
  it('is success only for a completed run with outcome success', () => {
    expect(decide(completed(run()), 'p1', 60_000)).toEqual({ conclusion: 'success' })
  })

  it('names the failed stage, task and error message on outcome error', () => {
    const failing = run({
      outcome: 'error',
      stages: [
        stage('Build', [task('Compile')]),
        stage(
          'Deploy',
          [
            task('Push', {
              outcome: 'error',
              errorCode: 'DEV.123',
              errorMessage: 'registry refused\nthe image'
            }),
            task('Notify', { outcome: 'error', errorMessage: 'second failure' })
          ],
          { outcome: 'error' }
        )
      ]
    })
    const verdict = decide(completed(failing), 'p1', 60_000)
    expect(verdict.conclusion).toBe('failure')
    expect(verdict.message).toContain('run 42')
    expect(verdict.message).toContain('"web"')
    expect(verdict.message).toContain('outcome error')
    expect(verdict.message).toContain('stage "Deploy" task "Push"')
    expect(verdict.message).toContain('DEV.123')
    expect(verdict.message).toContain('registry refused the image')
    expect(verdict.message).not.toContain('\n')
    expect(verdict.message).not.toContain('second failure')
    expect(verdict.culprit).toBe('Deploy › Push')
  })

  it('blames the stage when no task of it is marked', () => {
    const failing = run({
      outcome: 'error',
      stages: [
        stage('Gate', [task('Check')], { outcome: 'error', errorMessage: 'review rejected' })
      ]
    })
    const verdict = decide(completed(failing), 'p1', 60_000)
    expect(verdict.conclusion).toBe('failure')
    expect(verdict.culprit).toBe('Gate')
    expect(verdict.message).toContain('stage "Gate" failed')
    expect(verdict.message).toContain('review rejected')
  })

  it('finds a task failed by status even without an outcome', () => {
    const r = run({ stages: [stage('S', [task('T', { status: 'FAILED', outcome: null })])] })
    expect(findCulprit(r)?.task?.name).toBe('T')
    expect(findCulprit(run())).toBeUndefined()
  })

  it('fails without a culprit when no stage is to blame', () => {
    const verdict = decide(completed(run({ outcome: 'error' })), 'p1', 60_000)
    expect(verdict.conclusion).toBe('failure')
    expect(verdict.culprit).toBeUndefined()
    expect(verdict.message).toContain('outcome error')
  })

  it('calls an aborted run cancelled', () => {
    const verdict = decide(completed(run({ outcome: 'aborted' })), 'p1', 60_000)
    expect(verdict.conclusion).toBe('cancelled')
    expect(verdict.message).toContain('aborted')
    expect(verdict.message).toContain('run 42')
  })

  it.each([null, 'SUCCESS', 'succeeded', 'unknown', ''])(
    'never calls a completed run with outcome %j a success',
    outcome => {
      const verdict = decide(completed(run({ outcome })), 'p1', 60_000)
      expect(verdict.conclusion).toBe('failure')
      expect(verdict.message).toBeDefined()
    }
  )

  it('says "(none)" for a completed run without an outcome', () => {
    expect(decide(completed(run({ outcome: null })), 'p1', 60_000).message).toContain('(none)')
  })

  it('uses the pipeline id when the run has no name', () => {
    const verdict = decide(completed(run({ pipelineName: null, outcome: 'error' })), 'p1', 60_000)
    expect(verdict.message).toContain('pipeline p1')
  })

  it('puts the last status, active stages and last error into a timeout message', () => {
    const last = run({
      status: 'running',
      outcome: null,
      phase: 'in-progress',
      stages: [
        stage('Build', []),
        stage('Deploy', [], { status: 'running', outcome: null }),
        stage('Verify', [], { status: 'waiting', outcome: null })
      ]
    })
    const verdict = decide(
      { kind: 'timed_out', run: last, lastProblem: 'HTTP 503 (APIGW.0201)' },
      'p1',
      5_400_000
    )
    expect(verdict.conclusion).toBe('timed_out')
    expect(verdict.message).toContain('1h30m')
    expect(verdict.message).toContain('last status running')
    expect(verdict.message).toContain('stage "Deploy" running')
    expect(verdict.message).not.toContain('Verify')
    expect(verdict.message).toContain('last error: HTTP 503 (APIGW.0201)')
  })

  it('says when no status was received before the timeout', () => {
    const verdict = decide({ kind: 'timed_out', run: null, lastProblem: 'HTTP 502' }, 'p1', 60_000)
    expect(verdict.conclusion).toBe('timed_out')
    expect(verdict.message).toContain('no usable status was received')
    expect(verdict.message).toContain('HTTP 502')
    expect(verdict.message).toContain('pipeline p1')
  })

  it('says when the pipeline had no run before the timeout', () => {
    const verdict = decide(
      { kind: 'timed_out', run: run({ runId: null, status: null, outcome: null, stages: [] }) },
      'p1',
      60_000
    )
    expect(verdict.message).toContain('no run yet')
    expect(verdict.message).not.toContain('last error')
  })

  it('ends a failed wait in error, with its reason', () => {
    const verdict = decide(
      { kind: 'failed', reason: 'HTTP 401: the token is expired', run: null },
      'p1',
      60_000
    )
    expect(verdict.conclusion).toBe('error')
    expect(verdict.message).toContain('HTTP 401: the token is expired')
    expect(verdict.message).toContain('p1')
  })

  it('quotes server text so a message stays on one line', () => {
    const verdict = decide(
      completed(run({ pipelineName: 'a\nb', runId: '4\n2', outcome: 'bad\noutcome' })),
      'p1',
      60_000
    )
    expect(verdict.message).not.toMatch(/[\r\n]/)
  })
})

describe('outputsOf', () => {
  it('sets only the conclusion without a run', () => {
    expect(outputsOf(null, 'error')).toEqual({ conclusion: 'error' })
  })

  it('sets every known output', () => {
    const outputs = outputsOf(run(), 'success')
    expect(outputs).toMatchObject({
      conclusion: 'success',
      status: 'completed',
      outcome: 'success',
      'build-id': '42',
      'pipeline-name': 'web',
      'detail-url': 'https://example.com/run/42',
      'elapsed-time': '184'
    })
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'build-id',
        'conclusion',
        'detail-url',
        'elapsed-time',
        'outcome',
        'pipeline-name',
        'stages',
        'status'
      ].sort()
    )
  })

  it('leaves unknown outputs unset, and keeps a zero duration', () => {
    const outputs = outputsOf(
      run({
        outcome: null,
        runId: null,
        pipelineName: null,
        detailUrl: null,
        durationSeconds: null,
        stages: []
      }),
      'timed_out'
    )
    expect(outputs).toEqual({ conclusion: 'timed_out', status: 'completed', stages: '[]' })
    expect(outputsOf(run({ durationSeconds: 0 }), 'success')['elapsed-time']).toBe('0')
  })

  it('writes stages as JSON that parses back with their tasks', () => {
    const r = run({
      stages: [
        stage('Build', [task('Compile', { outcome: 'error', errorMessage: 'boom "quoted"\n' })], {
          outcome: 'error',
          durationSeconds: 5
        }),
        stage('Empty', [], { status: null, outcome: null, durationSeconds: null })
      ]
    })
    const stages = JSON.parse(outputsOf(r, 'failure').stages!) as unknown
    expect(stages).toEqual([
      {
        name: 'Build',
        status: 'completed',
        outcome: 'error',
        duration: 5,
        error: null,
        tasks: [
          {
            name: 'Compile',
            status: 'completed',
            outcome: 'error',
            duration: 10,
            error: 'boom "quoted"\n'
          }
        ]
      },
      { name: 'Empty', status: null, outcome: null, duration: null, error: null, tasks: [] }
    ])
  })
})

describe('stagesJson', () => {
  it('cuts long messages short', () => {
    const parsed = JSON.parse(
      stagesJson([stage('Build', [task('Compile', { errorMessage: 'e'.repeat(5000) })])])
    ) as { tasks: { error: string }[] }[]
    expect(parsed[0]?.tasks[0]?.error).toBe(`${'e'.repeat(1000)}…`)
  })

  it('stays valid JSON under 512 KiB however many stages there are', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      stage(`Stage ${i}`, [task('t', { errorMessage: 'x'.repeat(2000) })], {
        errorMessage: 'y'.repeat(2000)
      })
    )
    const json = stagesJson(many)
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(512 * 1024)
    const parsed = JSON.parse(json) as { name: string }[]
    expect(parsed.length).toBeGreaterThan(100)
    expect(parsed.length).toBeLessThan(5000)
    expect(parsed[0]?.name).toBe('Stage 0')
  })
})

describe('findCulprit', () => {
  it('blames the task with the error, not an earlier one aborted because of it', () => {
    const r = run({
      outcome: 'error',
      stages: [
        stage('Test', [
          task('lint', { outcome: 'aborted' }),
          task('unit', { outcome: 'error', errorMessage: 'unit tests failed' })
        ])
      ]
    })
    expect(findCulprit(r)?.task?.name).toBe('unit')
    const verdict = decide(completed(r), 'p1', 60_000)
    expect(verdict.message).toContain('task "unit" failed')
    expect(verdict.message).toContain('unit tests failed')
  })

  it('falls back to an aborted task when nothing carries an error', () => {
    const r = run({
      outcome: 'error',
      stages: [stage('Test', [task('lint', { outcome: 'aborted' })])]
    })
    expect(findCulprit(r)?.task?.name).toBe('lint')
  })

  it('does not blame a successful task for carrying a message', () => {
    const r = run({
      stages: [stage('Build', [task('a', { errorMessage: 'just a note' })])]
    })
    expect(findCulprit(r)).toBeUndefined()
  })

  it('blames a failed stage whose tasks are all fine', () => {
    const r = run({
      stages: [stage('Deploy', [task('push')], { outcome: 'error', errorMessage: 'quota' })]
    })
    expect(findCulprit(r)).toEqual({ stage: r.stages[0] })
  })
})

describe('decide: cancellation and v5 words', () => {
  it('concludes cancelled, naming the run, when the workflow was cancelled during the wait', () => {
    const verdict = decide(
      { kind: 'cancelled', run: run({ status: 'running', outcome: null }) },
      'p1',
      1
    )
    expect(verdict.conclusion).toBe('cancelled')
    expect(verdict.message).toMatch(/cancelled while waiting for run 42 of pipeline "web"/)
  })

  it('concludes cancelled before any run was seen, naming the pipeline', () => {
    const verdict = decide({ kind: 'cancelled', run: null }, 'p1', 1)
    expect(verdict).toEqual({
      conclusion: 'cancelled',
      message: 'The workflow was cancelled while waiting for pipeline p1.'
    })
  })

  it('names running v5 stages in a timeout, but not those that have not begun or have ended', () => {
    const last = run({
      status: 'RUNNING',
      outcome: null,
      phase: 'in-progress',
      stages: [
        stage('Build', [], { status: 'COMPLETED', outcome: 'success' }),
        stage('Deploy', [], { status: 'RUNNING', outcome: null }),
        stage('Verify', [], { status: 'INIT', outcome: null }),
        stage('Notify', [], { status: 'QUEUED', outcome: null })
      ]
    })
    const verdict = decide({ kind: 'timed_out', run: last }, 'p1', 60_000)
    expect(verdict.message).toContain('last status RUNNING (stage "Deploy" RUNNING)')
    expect(verdict.message).not.toMatch(/Build|Verify|Notify/)
  })

  it('fails a v5 run that ended IGNORED, with its outcome in the message', () => {
    const verdict = decide(
      completed(run({ status: 'IGNORED', outcome: 'ignored', stages: [] })),
      'p1',
      1
    )
    expect(verdict.conclusion).toBe('failure')
    expect(verdict.message).toContain('outcome ignored')
    expect(verdict.message).toContain("it never ran, as the pipeline's concurrency rule drops")
  })
})

describe('decide: the watched run is named even when no answer was about it', () => {
  it('names the run asked for in a timeout with no usable answer', () => {
    const verdict = decide({ kind: 'timed_out', run: null }, 'p1', 60_000, 'b-41')
    expect(verdict.message).toBe(
      'Timed out after 1m waiting for run b-41 of pipeline p1: no usable status was received.'
    )
  })
})

describe('outputsOf: detail-url is a web link or nothing', () => {
  it.each(['javascript:alert(1)', 'ftp://x.example/r', 'https://x.example/a\nb'])(
    'leaves out a detail-url that is not a plain web link: %s',
    url => {
      expect(outputsOf(run({ detailUrl: url }), 'success')['detail-url']).toBeUndefined()
    }
  )

  it('gives a link with shell syntax in it only percent-encoded, inert in a script', () => {
    const url = outputsOf(run({ detailUrl: 'https://x.example/$(rm -rf ~) `id` y' }), 'success')[
      'detail-url'
    ]
    expect(url).toBe('https://x.example/%24%28rm%20-rf%20~%29%20%60id%60%20y')
  })

  it('keeps a plain https link', () => {
    expect(outputsOf(run(), 'success')['detail-url']).toBe('https://example.com/run/42')
  })
})
