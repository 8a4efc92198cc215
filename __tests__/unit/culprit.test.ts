// Whom a failed run blames, down to the step: findCulprit, culpritPath, and the verdict's message and
// annotation title that come of them.
import { parseV5Detail } from '../../src/codearts/v5.js'
import { report } from '../../src/flows/report.js'
import type { Job, Run, Stage, Step, Task } from '../../src/model.js'
import type { WaitResult } from '../../src/poller.js'
import { culpritPath, decide, findCulprit } from '../../src/result.js'
import { v5Detail } from '../support/fake-codearts.js'
import { fakeStep } from '../support/fake-step.js'

const OK = { status: 'COMPLETED', outcome: 'success' }
const FAILED = { status: 'FAILED', outcome: 'error' }
const CANCELED = { status: 'CANCELED', outcome: 'aborted' }

function item(name: string, over: Partial<Task> = {}): Task {
  return {
    id: name.toLowerCase().replace(/\W+/g, '-'),
    name,
    ...OK,
    startTime: '2026-11-26T10:00:00Z',
    durationSeconds: 30,
    errorCode: null,
    errorMessage: null,
    ...over
  }
}

function step(name: string, over: Partial<Step> = {}): Step {
  return { ...item(name, over), task: over.task ?? 'official_devcloud_cloudBuild' }
}

function job(name: string, steps: Step[], over: Partial<Task> = {}): Job {
  return { ...item(name, over), steps }
}

function stage(name: string, tasks: Job[], over: Partial<Task> = {}, gates: Step[] = []): Stage {
  return { ...item(name, over), tasks, gates }
}

function failedRun(stages: Stage[]): Run {
  return {
    pipelineName: 'web',
    runNumber: 128,
    runId: 'r-1',
    status: 'FAILED',
    outcome: 'error',
    phase: 'completed',
    executor: 'bot',
    startTime: '2026-11-26T10:00:00Z',
    endTime: '2026-11-26T10:03:00Z',
    durationSeconds: 180,
    detailUrl: 'https://example.com/run/r-1',
    parameters: [],
    stages,
    sources: [],
    artifacts: [],
    leftOut: 0
  }
}

const completed = (run: Run): WaitResult => ({ kind: 'completed', run })
const verdictOf = (run: Run) => decide(completed(run), 'p1', 60_000)

/** Test › Unit tests, whose second step "mvn test" failed with its own message. */
function unitTestsRun(over: { job?: Partial<Task>; step?: Partial<Step> } = {}): Run {
  return failedRun([
    stage('Build', [job('Compile', [step('compile')])]),
    stage(
      'Test',
      [
        job(
          'Unit tests',
          [
            step('checkout'),
            step('mvn test', {
              ...FAILED,
              errorCode: 'DEV.CB.0001',
              errorMessage: 'Tests run: 120, Failures: 3',
              ...over.step
            }),
            step('publish report', { ...FAILED, errorMessage: 'no report found' })
          ],
          { ...FAILED, errorMessage: 'Job execution failed', errorCode: 'DEV.JOB', ...over.job }
        )
      ],
      FAILED
    )
  ])
}

describe('findCulprit and culpritPath with steps', () => {
  it('blames the first failed step of the failed job', () => {
    const run = unitTestsRun()
    const culprit = findCulprit(run)
    expect(culprit?.stage.name).toBe('Test')
    expect(culprit?.task?.name).toBe('Unit tests')
    expect(culprit?.step?.name).toBe('mvn test')
    expect(culprit?.gate).toBeFalsy()
    expect(culpritPath(culprit!)).toBe('Test › Unit tests › mvn test')
  })

  it('skips an aborted step before the failed one', () => {
    const run = failedRun([
      stage(
        'Test',
        [
          job(
            'Unit tests',
            [step('warm cache', CANCELED), step('mvn test', { ...FAILED, errorMessage: 'x' })],
            FAILED
          )
        ],
        FAILED
      )
    ])
    expect(findCulprit(run)?.step?.name).toBe('mvn test')
  })

  it('blames a step by its FAILED status or its message even without an outcome', () => {
    const byStatus = failedRun([
      stage(
        'Test',
        [job('Unit', [step('a'), step('b', { status: 'FAILED', outcome: null })], FAILED)],
        FAILED
      )
    ])
    expect(findCulprit(byStatus)?.step?.name).toBe('b')
    const byMessage = failedRun([
      stage(
        'Test',
        [job('Unit', [step('a'), step('b', { outcome: null, errorMessage: 'oops' })], FAILED)],
        FAILED
      )
    ])
    expect(findCulprit(byMessage)?.step?.name).toBe('b')
  })

  it('falls back to the job when the job has no steps', () => {
    const run = failedRun([
      stage('Test', [job('Unit tests', [], { ...FAILED, errorMessage: 'Job failed' })], FAILED)
    ])
    const culprit = findCulprit(run)
    expect(culprit?.task?.name).toBe('Unit tests')
    expect(culprit?.step).toBeUndefined()
    expect(culpritPath(culprit!)).toBe('Test › Unit tests')
  })

  it('falls back to the job when none of its steps failed', () => {
    const run = failedRun([
      stage(
        'Test',
        [job('Unit tests', [step('a'), step('b')], { ...FAILED, errorMessage: 'Job failed' })],
        FAILED
      )
    ])
    expect(findCulprit(run)?.step).toBeUndefined()
    expect(culpritPath(findCulprit(run)!)).toBe('Test › Unit tests')
  })

  it('does not blame a cancelled job after a failed one, in the same stage or a later one', () => {
    const run = failedRun([
      stage(
        'Test',
        [
          job('Unit tests', [step('mvn test', { ...FAILED, errorMessage: 'boom' })], FAILED),
          job('Integration', [step('it', CANCELED)], CANCELED)
        ],
        FAILED
      ),
      stage('Deploy', [job('Rollout', [step('kubectl', CANCELED)], CANCELED)], CANCELED)
    ])
    const culprit = findCulprit(run)
    expect(culpritPath(culprit!)).toBe('Test › Unit tests › mvn test')
  })

  it('blames the failed job over a cancelled one listed before it', () => {
    const run = failedRun([
      stage(
        'Test',
        [
          job('Lint', [step('eslint', CANCELED)], CANCELED),
          job('Unit tests', [step('mvn test', FAILED)], FAILED)
        ],
        FAILED
      )
    ])
    expect(culpritPath(findCulprit(run)!)).toBe('Test › Unit tests › mvn test')
  })

  it('blames a failed gate of a stage, marked as a gate', () => {
    const approval = step('Manual approval', {
      ...FAILED,
      task: 'official_devcloud_checkpoint',
      errorMessage: 'Rejected by alice'
    })
    const run = failedRun([
      stage('Build', [job('Compile', [step('compile')])]),
      stage('Deploy', [job('Rollout', [], { status: 'INIT', outcome: null })], FAILED, [approval])
    ])
    const culprit = findCulprit(run)
    expect(culprit).toMatchObject({ gate: true, step: { name: 'Manual approval' } })
    expect(culprit?.stage.name).toBe('Deploy')
    expect(culprit?.task).toBeUndefined()
    expect(culpritPath(culprit!)).toBe('Deploy › Manual approval')
  })

  it('blames the earlier of a failed job and a later stage’s failed gate', () => {
    const run = failedRun([
      stage('Test', [job('Unit tests', [step('mvn test', FAILED)], FAILED)], FAILED),
      stage('Deploy', [], FAILED, [step('Quality gate', FAILED)])
    ])
    expect(culpritPath(findCulprit(run)!)).toBe('Test › Unit tests › mvn test')
  })

  it('keeps each part of the path to one quoted line', () => {
    const run = failedRun([
      stage('Te\nst', [job('Unit\r\ntests', [step('mvn\ttest\u202e', FAILED)], FAILED)], FAILED)
    ])
    expect(culpritPath(findCulprit(run)!)).toBe('Te st › Unit tests › mvn test')
  })
})

describe('decide names the step and uses its message', () => {
  it('uses the failed step’s message and code over the job’s generic one', () => {
    const verdict = verdictOf(unitTestsRun())
    expect(verdict.conclusion).toBe('failure')
    expect(verdict.message).toBe(
      'The run r-1 of pipeline "web" (p1) ended with outcome error; stage "Test" task "Unit tests" step "mvn test" failed [DEV.CB.0001]: Tests run: 120, Failures: 3.'
    )
    expect(verdict.message).not.toContain('Job execution failed')
    expect(verdict.culprit).toBe('Test › Unit tests › mvn test')
  })

  it('uses the job’s message when the failed step has none', () => {
    const verdict = verdictOf(unitTestsRun({ step: { errorMessage: null, errorCode: null } }))
    expect(verdict.message).toContain('step "mvn test" failed [DEV.JOB]: Job execution failed.')
    expect(verdict.culprit).toBe('Test › Unit tests › mvn test')
  })

  it('names the job alone when it has no steps', () => {
    const run = failedRun([
      stage('Test', [job('Unit tests', [], { ...FAILED, errorMessage: 'Job failed' })], FAILED)
    ])
    const verdict = verdictOf(run)
    expect(verdict.message).toContain('stage "Test" task "Unit tests" failed: Job failed.')
    expect(verdict.message).not.toContain('step')
    expect(verdict.culprit).toBe('Test › Unit tests')
  })

  it('names a failed gate as a gate, with its message', () => {
    const run = failedRun([
      stage('Deploy', [], FAILED, [
        step('Manual approval', { ...FAILED, errorMessage: 'Rejected by alice' })
      ])
    ])
    const verdict = verdictOf(run)
    expect(verdict.message).toContain(
      'stage "Deploy" gate "Manual approval" failed: Rejected by alice.'
    )
    expect(verdict.culprit).toBe('Deploy › Manual approval')
  })

  it('reads the step’s JSON message out of a v5 run detail', () => {
    const run = parseV5Detail(
      v5Detail({
        runId: 'r-9',
        status: 'FAILED',
        stages: [
          {
            name: 'Test',
            status: 'FAILED',
            jobs: [
              {
                name: 'Unit tests',
                status: 'FAILED',
                message: '{"errorMessage":"Job failed","errorCode":"DEV.JOB"}',
                steps: [
                  { name: 'checkout', status: 'COMPLETED' },
                  {
                    name: 'mvn test',
                    status: 'FAILED',
                    message:
                      '{"error_msg":"Tests run: 120, Failures: 3","error_code":"DEV.CB.0001"}'
                  }
                ]
              }
            ]
          }
        ]
      })
    )!
    const verdict = verdictOf(run)
    expect(verdict.message).toContain(
      'step "mvn test" failed [DEV.CB.0001]: Tests run: 120, Failures: 3.'
    )
    expect(verdict.culprit).toBe('Test › Unit tests › mvn test')
    expect(culpritPath(findCulprit(run)!)).toBe('Test › Unit tests › mvn test')
  })

  it('reads a v5 stage gate (post) as the culprit', () => {
    const run = parseV5Detail(
      v5Detail({
        runId: 'r-9',
        status: 'FAILED',
        stages: [
          {
            name: 'Deploy',
            status: 'FAILED',
            jobs: [
              {
                name: 'Rollout',
                status: 'COMPLETED',
                steps: [{ name: 'kubectl', status: 'COMPLETED' }]
              }
            ],
            post: [{ name: 'Quality gate', status: 'FAILED', message: 'coverage 61% < 80%' }]
          }
        ]
      })
    )!
    const verdict = verdictOf(run)
    expect(verdict.message).toContain(
      'stage "Deploy" gate "Quality gate" failed: coverage 61% < 80%.'
    )
    expect(verdict.culprit).toBe('Deploy › Quality gate')
  })
})

describe('the error annotation', () => {
  it('is titled Stage › Job › Step', async () => {
    const out = fakeStep()
    const run = unitTestsRun()
    const verdict = verdictOf(run)
    await report(out.io, { run, verdict, pipelineId: 'p1', runId: 'r-1', summary: false })
    const errors = out.annotations('error')
    expect(errors).toEqual([
      { message: verdict.message, properties: { title: 'Test › Unit tests › mvn test' } }
    ])
  })

  it('is titled Stage › Gate for a gate', async () => {
    const out = fakeStep()
    const run = failedRun([
      stage('Deploy', [], FAILED, [
        step('Manual approval', { ...FAILED, errorMessage: 'Rejected' })
      ])
    ])
    const verdict = verdictOf(run)
    await report(out.io, { run, verdict, pipelineId: 'p1', runId: 'r-1', summary: false })
    expect(out.annotations('error')[0]?.properties).toEqual({ title: 'Deploy › Manual approval' })
  })
})
