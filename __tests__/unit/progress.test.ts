import type { Run, Stage, Task } from '../../src/model.js'
import { describeChanges, runReport } from '../../src/progress.js'

function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id,
    name: `task ${id}`,
    status: 'waiting',
    outcome: null,
    startTime: null,
    durationSeconds: null,
    errorCode: null,
    errorMessage: null,
    ...over
  }
}

function stage(id: string, tasks: Task[], over: Partial<Task> = {}): Stage {
  return {
    ...task(id),
    name: `stage ${id}`,
    tasks: tasks.map(t => ({ steps: [], ...t })),
    gates: [],
    ...over
  }
}

function run(over: Partial<Run> = {}): Run {
  return {
    pipelineName: 'web',
    runNumber: null,
    artifacts: [],
    leftOut: 0,
    runId: '42',
    status: 'running',
    outcome: null,
    phase: 'in-progress',
    executor: null,
    startTime: null,
    endTime: null,
    durationSeconds: null,
    detailUrl: null,
    sources: [],
    parameters: [],
    stages: [
      stage('s1', [task('t1', { status: 'running' }), task('t2')], { status: 'running' }),
      stage('s2', [task('t3')])
    ],
    ...over
  }
}

/** A deep copy, so a change to one snapshot cannot leak into the other. */
function copy(r: Run): Run {
  return structuredClone(r)
}

describe('describeChanges', () => {
  it('lists the run and every stage and task on the first call', () => {
    const lines = describeChanges(null, run())
    expect(lines).toEqual([
      'Run 42: running',
      '  Stage "stage s1": running',
      '    Task "stage s1 › task t1": running',
      '    Task "stage s1 › task t2": waiting',
      '  Stage "stage s2": waiting',
      '    Task "stage s2 › task t3": waiting'
    ])
  })

  it('gives no lines for identical snapshots', () => {
    const before = run()
    expect(describeChanges(before, copy(before))).toEqual([])
  })

  it('gives exactly one line for a single task status change', () => {
    const before = run()
    const after = copy(before)
    after.stages[0]!.tasks[1]!.status = 'running'
    // Under the run's line, so that it reads as part of that run.
    expect(describeChanges(before, after)).toEqual([
      'Run 42: running',
      '    Task "stage s1 › task t2": running'
    ])
  })

  it('gives one line when only an error message appears', () => {
    const before = run()
    const after = copy(before)
    after.stages[1]!.tasks[0]!.errorMessage = 'disk full'
    const lines = describeChanges(before, after)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('disk full')
  })

  it('shows the outcome next to the status, and the run line when the run changes', () => {
    const before = run()
    const after = copy(before)
    after.status = 'completed'
    after.outcome = 'error'
    after.phase = 'completed'
    after.stages[0]!.tasks[0]!.status = 'completed'
    after.stages[0]!.tasks[0]!.outcome = 'error'
    after.stages[0]!.tasks[0]!.errorMessage = 'exit code 2'
    expect(describeChanges(before, after)).toEqual([
      'Run 42: completed (error)',
      '    Task "stage s1 › task t1": completed (error): exit code 2'
    ])
  })

  it('tells a new run whole when the run id changes', () => {
    const before = run()
    const after = copy(before)
    after.runId = '43'
    expect(describeChanges(before, after)).toEqual(describeChanges(null, after))
    expect(describeChanges(before, after)[0]).toBe('Run 43: running')
  })

  it('keeps an outcome out of the run line until the run has completed', () => {
    const odd = run({ status: '3', outcome: 'success', phase: 'undocumented' })
    expect(describeChanges(null, odd)[0]).toBe('Run 42: 3')
  })

  it('lists a stage that appears later', () => {
    const before = run()
    const after = copy(before)
    after.stages.push(stage('s3', []))
    expect(describeChanges(before, after)).toEqual([
      'Run 42: running',
      '  Stage "stage s3": waiting'
    ])
  })

  it('writes unknown status and no run id readably', () => {
    const lines = describeChanges(null, run({ runId: null, status: null, stages: [] }))
    expect(lines).toEqual(['Run (none): unknown'])
  })

  it('cannot emit a workflow command or a line break from server text', () => {
    const evil = '::error::pwned\n::set-output name=x::y\r\n::add-mask::z'
    const hostile = run({
      runId: `${evil}`,
      status: evil,
      outcome: evil,
      stages: [
        stage(evil, [task(evil, { name: evil, status: evil, outcome: evil, errorMessage: evil })], {
          name: evil,
          status: evil,
          errorMessage: evil
        })
      ]
    })
    const first = describeChanges(null, hostile)
    const changed = copy(hostile)
    changed.stages[0]!.tasks[0]!.status = `\n\n${evil}`
    const later = describeChanges(hostile, changed)
    expect(first).toHaveLength(3)
    expect(later).toHaveLength(2)
    for (const line of [...first, ...later]) {
      expect(line).not.toMatch(/[\r\n]/)
      expect(line.trim().startsWith('::')).toBe(false)
    }
  })

  it('cannot emit a workflow command from a leading-"::" name', () => {
    const lines = describeChanges(
      null,
      run({
        runId: '::warning::x',
        stages: [stage('::s', [task('::t', { name: '  ::error::t' })], { name: '\n::error::s' })]
      })
    )
    expect(lines).toHaveLength(3)
    for (const line of lines) expect(line.trim().startsWith('::')).toBe(false)
  })
})

describe('describeChanges with repeated ids', () => {
  it('tells stages apart that share an id', () => {
    const twins = (second: string): Run =>
      run({
        stages: [
          stage('same', [], { name: 'A', status: 'completed' }),
          stage('same', [], { name: 'B', status: second })
        ]
      })
    expect(describeChanges(twins('running'), twins('running'))).toEqual([])
    expect(describeChanges(twins('running'), twins('completed'))).toEqual([
      'Run 42: running',
      '  Stage "B": completed'
    ])
  })
})

describe('runReport', () => {
  it('tells the run, then every stage and task with its state, time and error', () => {
    const done = run({
      status: 'completed',
      outcome: 'error',
      phase: 'completed',
      durationSeconds: 125
    })
    done.stages[0]!.durationSeconds = 65
    done.stages[0]!.tasks[0]!.errorMessage = 'exit code 2'
    expect(runReport(done)).toEqual([
      'Run 42 of web: completed (error), 2m5s',
      '  Stage "stage s1": running, 1m5s',
      '    Task "stage s1 › task t1": running: exit code 2',
      '    Task "stage s1 › task t2": waiting',
      '  Stage "stage s2": waiting',
      '    Task "stage s2 › task t3": waiting'
    ])
  })
})
