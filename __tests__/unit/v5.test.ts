import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { MAX_ITEMS } from '../../src/codearts/json.js'
import { parseV5Detail } from '../../src/codearts/v5.js'
import type { Run } from '../../src/model.js'

const FIXTURES = new URL('../fixtures/', import.meta.url)

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as unknown
}

function parsed(body: unknown): Run {
  const run = parseV5Detail(body)
  if (run === null) throw new Error('parseV5Detail returned null')
  return run
}

const RUNNING = fixture('v5-run-detail-running.json') as Record<string, unknown>

/** The fixture with its top-level fields replaced. */
function withRun(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(RUNNING), ...fields }
}

describe('parseV5Detail on a running run', () => {
  const run = parsed(RUNNING)

  it('reads the run', () => {
    expect(run.runId).toBe('3f1c6a2e9b7d4c58a0e1f2b3c4d5e6f7')
    expect(run.pipelineName).toBe('web-release')
    expect(run.status).toBe('RUNNING')
    expect(run.outcome).toBeNull()
    expect(run.phase).toBe('in-progress')
    expect(run.executor).toBe('release-bot')
    expect(run.detailUrl).toBe(
      'https://devcloud.cn-north-4.huaweicloud.com/cicd/project/p/pipeline/detail/' +
        '0a1b2c3d4e5f40718293a4b5c6d7e8f9/3f1c6a2e9b7d4c58a0e1f2b3c4d5e6f7'
    )
    expect(run.parameters).toEqual([])
  })

  it('reads epoch milliseconds as ISO UTC, and end_time 0 as not ended', () => {
    expect(run.startTime).toBe('2024-11-26T05:46:40Z')
    expect(run.endTime).toBeNull()
    expect(run.durationSeconds).toBeNull()
  })

  it('reads the stages with their jobs as tasks', () => {
    expect(run.stages).toEqual([
      {
        id: 's1',
        name: 'Build',
        status: 'COMPLETED',
        outcome: 'success',
        startTime: '2024-11-26T05:46:41Z',
        durationSeconds: 89,
        errorCode: null,
        errorMessage: null,
        gates: [],
        tasks: [
          {
            id: 'j1',
            name: 'Compile',
            status: 'COMPLETED',
            outcome: 'success',
            startTime: '2024-11-26T05:46:42Z',
            durationSeconds: 87,
            errorCode: null,
            errorMessage: null,
            steps: [
              {
                id: 'st1',
                name: 'Maven build',
                task: 'official_devcloud_cloudBuild',
                status: 'COMPLETED',
                outcome: 'success',
                startTime: '2024-11-26T05:46:42Z',
                durationSeconds: 87,
                errorCode: null,
                errorMessage: null
              }
            ]
          }
        ]
      },
      {
        id: 's2',
        name: 'Deploy',
        status: 'RUNNING',
        outcome: null,
        startTime: '2024-11-26T05:48:10Z',
        durationSeconds: null,
        errorCode: null,
        errorMessage: null,
        gates: [],
        tasks: [
          {
            id: 'j2',
            name: 'Deploy to CCE',
            status: 'RUNNING',
            outcome: null,
            startTime: '2024-11-26T05:48:11Z',
            durationSeconds: null,
            errorCode: null,
            errorMessage: null,
            steps: []
          }
        ]
      }
    ])
  })
})

describe('parseV5Detail run statuses', () => {
  it.each([
    ['COMPLETED', 'success'],
    ['FAILED', 'error'],
    ['CANCELED', 'aborted'],
    ['IGNORED', 'ignored']
  ])('reads a finished %s run as completed with outcome %s', (status, outcome) => {
    const run = parsed(withRun({ status, end_time: 1732600300000 }))
    expect(run.status).toBe(status)
    expect(run.outcome).toBe(outcome)
    expect(run.phase).toBe('completed')
    expect(run.endTime).toBe('2024-11-26T05:51:40Z')
    expect(run.durationSeconds).toBe(300)
  })

  it.each(['RUNNING', 'PAUSED', 'SUSPEND', 'INIT', 'QUEUED', 'ASYNC_RUNNING', 'REDISPATCH'])(
    'reads %s as in progress without an outcome',
    status => {
      const run = parsed(withRun({ status }))
      expect(run.phase).toBe('in-progress')
      expect(run.outcome).toBeNull()
    }
  )

  it.each(['DONE', 'SUCCESS', 'completed ', 'COMPLETED_OK', '3', 'ASYNC_FAILED', 'SKIPPED'])(
    'reads the status %j, which no run documents, as undocumented and keeps its text',
    status => {
      const run = parsed(withRun({ status }))
      expect(run.status).toBe(status)
      expect(run.phase).toBe('undocumented')
      expect(run.outcome).toBeNull()
    }
  )

  it('reads a number status as its text, never completed', () => {
    const run = parsed(withRun({ status: 3 }))
    expect(run.status).toBe('3')
    expect(run.phase).toBe('undocumented')
  })

  it.each([
    ['completed', 'success'],
    ['Completed', 'success'],
    ['failed', 'error'],
    ['Canceled', 'aborted'],
    ['iGnOrEd', 'ignored']
  ])('matches %s case-insensitively but keeps its text', (status, outcome) => {
    const run = parsed(withRun({ status }))
    expect(run.status).toBe(status)
    expect(run.outcome).toBe(outcome)
    expect(run.phase).toBe('completed')
  })

  it('matches in-progress statuses case-insensitively', () => {
    expect(parsed(withRun({ status: 'running' })).phase).toBe('in-progress')
    expect(parsed(withRun({ status: 'Async_Running' })).phase).toBe('in-progress')
  })

  it('does not let a look-alike letter read as a documented status', () => {
    // 'ı' (dotless i) upper-cases to 'I', so a naive toUpperCase would read this as FAILED.
    const run = parsed(withRun({ status: 'faıled' }))
    expect(run.phase).toBe('undocumented')
    expect(run.outcome).toBeNull()
  })

  it.each([null, '', undefined, true, {}, [], NaN])(
    'reads status %p as null and in progress',
    status => {
      const run = parsed(withRun({ status }))
      expect(run.status).toBeNull()
      expect(run.outcome).toBeNull()
      expect(run.phase).toBe('in-progress')
    }
  )
})

describe('parseV5Detail stage and job statuses', () => {
  it.each([
    ['COMPLETED', 'success'],
    ['FAILED', 'error'],
    ['ASYNC_FAILED', 'error'],
    ['async_failed', 'error'],
    ['CANCELED', 'aborted'],
    ['SKIPPED', null],
    ['IGNORED', null],
    ['UNSELECTED', null],
    ['RUNNING', null],
    ['QUEUED', null],
    ['SOMETHING_NEW', null]
  ])('reads %s as outcome %p for stages and jobs', (status, outcome) => {
    const run = parsed({ stages: [{ id: 's', status, jobs: [{ id: 'j', status }] }] })
    expect(run.stages[0]).toMatchObject({ status, outcome })
    expect(run.stages[0]!.tasks[0]).toMatchObject({ status, outcome })
  })

  it('reads a failed job message as its error, and a stage message for the stage', () => {
    const run = parsed({
      stages: [
        {
          id: 's',
          status: 'FAILED',
          message: 'stage failed',
          jobs: [{ id: 'j', status: 'FAILED', message: 'compile error: x.java:3' }]
        },
        { id: 't', status: 'FAILED', jobs: [] }
      ]
    })
    expect(run.stages[0]).toMatchObject({ errorCode: null, errorMessage: 'stage failed' })
    expect(run.stages[0]!.tasks[0]).toMatchObject({
      outcome: 'error',
      errorCode: null,
      errorMessage: 'compile error: x.java:3'
    })
    expect(run.stages[1]!.errorMessage).toBeNull()
  })
})

describe('parseV5Detail robustness', () => {
  it.each([null, undefined, [], [RUNNING], 'x', '{"status":"COMPLETED"}', 42, true])(
    'returns null for the non-object body %j',
    body => {
      expect(parseV5Detail(body)).toBeNull()
    }
  )

  it('reads an empty object as an empty, not completed run', () => {
    expect(parsed({})).toEqual({
      pipelineName: null,
      runId: null,
      status: null,
      outcome: null,
      phase: 'in-progress',
      executor: null,
      startTime: null,
      endTime: null,
      durationSeconds: null,
      detailUrl: null,
      parameters: [],
      sources: [],
      artifacts: [],
      leftOut: 0,
      runNumber: null,
      stages: []
    })
  })

  it('survives wrong-typed fields everywhere', () => {
    const body = {
      id: { nested: true },
      name: false,
      status: ['COMPLETED'],
      executor_name: [],
      executor_id: {},
      detail_url: 7.5,
      start_time: { ms: 1 },
      end_time: [1732600000000],
      variables: 'a=b',
      params: { name: 'a', value: 'b' },
      stages: { 0: { name: 'not a list' } }
    }
    expect(() => parseV5Detail(body)).not.toThrow()
    expect(parsed(body)).toEqual({
      pipelineName: null,
      runId: null,
      status: null,
      outcome: null,
      phase: 'in-progress',
      executor: null,
      startTime: null,
      endTime: null,
      durationSeconds: null,
      detailUrl: '7.5',
      parameters: [],
      sources: [],
      artifacts: [],
      leftOut: 0,
      runNumber: null,
      stages: []
    })
  })

  it('falls back to executor_id when executor_name is missing, empty or not text', () => {
    expect(parsed({ executor_id: 'u-1' }).executor).toBe('u-1')
    expect(parsed({ executor_name: '', executor_id: 'u-2' }).executor).toBe('u-2')
    expect(parsed({ executor_name: null, executor_id: 'u-3' }).executor).toBe('u-3')
    expect(parsed({ executor_name: 'bot', executor_id: 'u-4' }).executor).toBe('bot')
  })

  it.each(['stages', null, 3, { jobs: [] }])('reads stages %j (not a list) as none', stages => {
    expect(parsed({ stages }).stages).toEqual([])
  })

  it('survives jobs that are not a list, items that are not objects, and null fields', () => {
    const run = parsed({
      stages: [
        null,
        'stage',
        7,
        [],
        { id: 's1', name: 'Build', jobs: 'job' },
        {
          id: null,
          name: null,
          identifier: 'stage_deploy',
          status: null,
          message: null,
          start_time: null,
          end_time: null,
          sequence: null,
          jobs: [
            null,
            'x',
            {
              id: null,
              name: null,
              identifier: null,
              status: null,
              message: null,
              start_time: null,
              end_time: null,
              sequence: null,
              steps: null
            },
            { name: 'T', message: { text: 'not text' } }
          ]
        }
      ]
    })
    expect(run.stages).toHaveLength(2)
    expect(run.stages[0]).toMatchObject({ id: 's1', name: 'Build', tasks: [] })
    expect(run.stages[1]).toMatchObject({ id: '#1', name: 'stage_deploy', status: null })
    expect(run.stages[1]!.tasks).toEqual([
      {
        id: '#0',
        name: '#1',
        status: null,
        outcome: null,
        startTime: null,
        durationSeconds: null,
        errorCode: null,
        errorMessage: null,
        steps: []
      },
      {
        id: '#1',
        name: 'T',
        status: null,
        outcome: null,
        startTime: null,
        durationSeconds: null,
        errorCode: null,
        errorMessage: null,
        steps: []
      }
    ])
  })

  it('names stages and jobs by name, else identifier, else position, with distinct ids', () => {
    const run = parsed({
      stages: [
        {
          identifier: 'stage_a',
          jobs: [{}, { identifier: 'job_b' }, { name: 'C', identifier: 'c' }]
        },
        {}
      ]
    })
    expect(run.stages.map(s => s.name)).toEqual(['stage_a', '#2'])
    expect(run.stages[0]!.tasks.map(t => t.name)).toEqual(['#1', 'job_b', 'C'])
    expect(new Set(run.stages[0]!.tasks.map(t => t.id)).size).toBe(3)
    expect(new Set(run.stages.map(s => s.id)).size).toBe(2)
  })

  it('reads variables, else params, skipping entries without a name', () => {
    const entries = [
      { value: 'orphan' },
      { name: 'a' },
      { name: 'b', value: null },
      'c=d',
      { name: 'n', value: 5 }
    ]
    const expected = [
      { name: 'a', value: '' },
      { name: 'b', value: '' },
      { name: 'n', value: '5' }
    ]
    expect(parsed({ variables: entries }).parameters).toEqual(expected)
    expect(parsed({ params: entries }).parameters).toEqual(expected)
    expect(
      parsed({ variables: [{ name: 'v', value: '1' }], params: [{ name: 'p', value: '2' }] })
        .parameters
    ).toEqual([{ name: 'v', value: '1' }])
  })
})

describe('parseV5Detail times', () => {
  it('reads times given as numeric strings', () => {
    const run = parsed({ start_time: '1732600000000', end_time: ' 1732600061500 ' })
    expect(run.startTime).toBe('2024-11-26T05:46:40Z')
    expect(run.endTime).toBe('2024-11-26T05:47:41Z')
    expect(run.durationSeconds).toBe(61.5)
  })

  it.each([
    0,
    '0',
    -1,
    '-1732600000000',
    'NaN',
    NaN,
    Infinity,
    'yesterday',
    '1e12',
    '',
    true,
    9e15
  ])('reads the time %p as unknown', value => {
    const run = parsed({ start_time: value, end_time: value })
    expect(run.startTime).toBeNull()
    expect(run.endTime).toBeNull()
    expect(run.durationSeconds).toBeNull()
  })

  it('gives no duration when end is before start or either is unknown', () => {
    expect(
      parsed({ start_time: 1732600001000, end_time: 1732600000000 }).durationSeconds
    ).toBeNull()
    expect(parsed({ start_time: 0, end_time: 1732600000000 }).durationSeconds).toBeNull()
    expect(parsed({ start_time: 1732600000000 }).durationSeconds).toBeNull()
    expect(parsed({ start_time: 1732600000000, end_time: 1732600000000 }).durationSeconds).toBe(0)
  })

  it('reads a stage or job start_time of 0 or junk as not started', () => {
    const run = parsed({
      stages: [{ start_time: 0, jobs: [{ start_time: 'soon' }, { start_time: -5 }, {}] }]
    })
    expect(run.stages[0]!.startTime).toBeNull()
    expect(run.stages[0]!.tasks.map(t => t.startTime)).toEqual([null, null, null])
  })

  it('gives stages and jobs durations from their own times', () => {
    const run = parsed({
      stages: [
        {
          start_time: '1732600000000',
          end_time: 1732600010000,
          jobs: [{ start_time: 1732600001000, end_time: 'soon' }]
        }
      ]
    })
    expect(run.stages[0]!.durationSeconds).toBe(10)
    expect(run.stages[0]!.tasks[0]!.durationSeconds).toBeNull()
    expect(run.stages[0]!.startTime).toBe('2024-11-26T05:46:40Z')
    expect(run.stages[0]!.tasks[0]!.startTime).toBe('2024-11-26T05:46:41Z')
  })
})

describe('parseV5Detail ordering', () => {
  it('sorts stages and jobs by numeric sequence, stably', () => {
    const run = parsed({
      stages: [
        { id: 'c', sequence: 2, jobs: [] },
        {
          id: 'a',
          sequence: 0,
          jobs: [
            { id: 'j3', sequence: '10' },
            { id: 'j1', sequence: 1 },
            { id: 'j2a', sequence: 2 },
            { id: 'j2b', sequence: 2 }
          ]
        },
        { id: 'b', sequence: '1', jobs: [] }
      ]
    })
    expect(run.stages.map(s => s.id)).toEqual(['a', 'b', 'c'])
    expect(run.stages[0]!.tasks.map(t => t.id)).toEqual(['j1', 'j2a', 'j2b', 'j3'])
  })

  it('keeps input order without sequences, and puts unnumbered items after numbered ones', () => {
    const none = parsed({ stages: [{ id: 'z' }, { id: 'y', sequence: 'first' }, { id: 'x' }] })
    expect(none.stages.map(s => s.id)).toEqual(['z', 'y', 'x'])
    const mixed = parsed({
      stages: [
        { id: 'u1' },
        { id: 'n2', sequence: 2 },
        { id: 'u2', sequence: null },
        { id: 'n1', sequence: 1 }
      ]
    })
    expect(mixed.stages.map(s => s.id)).toEqual(['n1', 'n2', 'u1', 'u2'])
  })

  it('numbers unnamed items by their sorted position', () => {
    const run = parsed({ stages: [{ sequence: 1 }, { sequence: 0, name: 'First' }] })
    expect(run.stages.map(s => s.name)).toEqual(['First', '#2'])
  })
})

/** Every path to a value inside a JSON value, the value itself included (path []). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...prefix, i])))
  if (typeof value === 'object' && value !== null) {
    return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...prefix, k])))
  }
  return here
}

/** A copy of `value` with the value at `path` replaced; the root path replaces the whole. */
function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const copy = structuredClone(value) as Record<string | number, unknown>
  let parent = copy
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>
  parent[path[path.length - 1]!] = replacement
  return copy
}

const FIXTURE_PATHS = paths(RUNNING)

/** The fixture with one to five of its fields (at any depth) replaced by arbitrary JSON. */
const mutatedFixture = fc
  .array(fc.tuple(fc.nat(FIXTURE_PATHS.length - 1), fc.jsonValue()), { minLength: 1, maxLength: 5 })
  .map(changes =>
    changes.reduce<unknown>((body, [i, value]) => {
      // Earlier replacements can remove deeper paths; skip those.
      try {
        return replaced(body, FIXTURE_PATHS[i]!, value)
      } catch {
        return body
      }
    }, RUNNING)
  )

/** The fixture with a status that is, or is close to, a documented one. */
const statusVariant = fc
  .tuple(
    fc.constantFrom(
      'COMPLETED',
      'FAILED',
      'CANCELED',
      'IGNORED',
      'RUNNING',
      'ASYNC_FAILED',
      'SKIPPED'
    ),
    fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    fc.constantFrom('', ' ', '_', 'S')
  )
  .map(([status, upper, suffix]) =>
    withRun({
      status: [...status].map((c, i) => (upper[i] ? c : c.toLowerCase())).join('') + suffix
    })
  )

describe('parseV5Detail property: never throws, never invents a success', () => {
  function check(body: unknown): void {
    const run = parseV5Detail(body)
    if (run === null) {
      expect(typeof body !== 'object' || body === null || Array.isArray(body)).toBe(true)
      return
    }
    const isCompleted = typeof run.status === 'string' && run.status.toUpperCase() === 'COMPLETED'
    expect(run.phase === 'completed' && run.outcome === 'success').toBe(isCompleted)
    // A run ends exactly when it has an outcome: no completed run without one, no outcome mid-run.
    expect(run.phase === 'completed').toBe(run.outcome !== null)
    expect(['in-progress', 'completed', 'undocumented']).toContain(run.phase)
    for (const time of [run.startTime, run.endTime]) {
      if (time !== null) expect(time).toMatch(/^[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    }
    if (run.durationSeconds !== null) expect(run.durationSeconds).toBeGreaterThanOrEqual(0)
    for (const stage of run.stages) {
      for (const item of [stage, ...stage.tasks]) {
        expect(typeof item.id).toBe('string')
        expect(typeof item.name).toBe('string')
        expect(item.errorCode).toBeNull()
      }
    }
  }

  it('holds for arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 500 })
  })

  it('holds for the fixture with random fields replaced by arbitrary values', () => {
    fc.assert(fc.property(mutatedFixture, check), { numRuns: 1000 })
  })

  it('holds for near-miss spellings of documented statuses', () => {
    fc.assert(fc.property(statusVariant, check), { numRuns: 300 })
  })
})

describe('parseV5Detail and the shape of the SDK models', () => {
  it('reads variables when they are a list, even an empty one, and params only otherwise', () => {
    const params = [{ name: 'p', value: '2' }]
    expect(parsed({ variables: [], params }).parameters).toEqual([])
    expect(parsed({ variables: ['junk', null], params }).parameters).toEqual([])
    expect(parsed({ variables: null, params }).parameters).toEqual(params)
    expect(parsed({ variables: { name: 'v', value: '1' }, params }).parameters).toEqual(params)
    expect(parsed({ variables: 'v=1', params: 'p=2' }).parameters).toEqual([])
  })

  it('ignores the fields the action does not read, however deep they go', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 20_000; i++) deep = i % 2 ? [deep] : { jobs: deep, steps: deep }
    const extended = withRun({
      manifest_version: { not: 'read' },
      stages: (RUNNING.stages as Record<string, unknown>[]).map(stage => ({
        ...stage,
        depends_on: deep,
        jobs: (stage.jobs as Record<string, unknown>[]).map(job => ({
          ...job,
          exec_id: { id: deep },
          async: 'yes'
        }))
      }))
    })
    expect(() => parseV5Detail(extended)).not.toThrow()
    expect(parsed(extended)).toEqual(parsed(RUNNING))
  })

  it('survives deep nesting where it reads steps, gates, sources and artifacts', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 20_000; i++) deep = i % 2 ? [deep] : { jobs: deep, steps: deep }
    const run = parsed(
      withRun({
        run_number: 'forty-two',
        sources: deep,
        artifacts: deep,
        stages: [{ id: 's', pre: deep, post: [deep], jobs: [{ id: 'j', steps: deep }] }]
      })
    )
    expect(run.runNumber).toBeNull()
    expect(run.sources).toEqual([])
    expect(run.artifacts).toEqual([])
    expect(run.stages[0]!.tasks[0]!.steps.length).toBeLessThanOrEqual(1)
  })

  it('reads a large run up to its item budget, in sequence order, counting what it left out', () => {
    const stages = Array.from({ length: 1000 }, (_, s) => ({
      id: `s${s}`,
      sequence: 999 - s,
      status: 'COMPLETED',
      jobs: Array.from({ length: 20 }, (_, j) => ({ id: `j${s}_${j}`, sequence: 19 - j }))
    }))
    const run = parsed({ id: 'r', status: 'RUNNING', stages })
    expect(run.stages).toHaveLength(1000)
    expect(run.stages[0]!.id).toBe('s999')
    // 4000 jobs are read: those of the first 200 stages in sequence order, each in sequence order.
    expect(run.stages[0]!.tasks.map(t => t.id)).toEqual(
      Array.from({ length: 20 }, (_, j) => `j999_${19 - j}`)
    )
    expect(run.stages[199]!.tasks).toHaveLength(20)
    expect(run.stages[200]!.tasks).toEqual([])
    expect(run.stages.reduce((n, s) => n + s.tasks.length, 0)).toBe(MAX_ITEMS - 1000)
    expect(run.leftOut).toBe(1000 * 21 - MAX_ITEMS)
    expect(run.stages.every(s => s.outcome === 'success')).toBe(true)
  })

  it('reads millions of empty jobs within its budget, quickly', () => {
    const jobs = Array.from({ length: 2_000_000 }, () => ({}))
    const began = Date.now()
    const run = parsed({ id: 'r', status: 'RUNNING', stages: [{ id: 's', jobs }] })
    expect(run.stages[0]!.tasks).toHaveLength(MAX_ITEMS - 1)
    expect(run.leftOut).toBe(2_000_000 - (MAX_ITEMS - 1))
    expect(Date.now() - began).toBeLessThan(5_000)
  })

  it('reads a body the same way every time, and leaves it as it was', () => {
    const before = JSON.stringify(RUNNING)
    const first = parsed(RUNNING)
    first.stages.reverse()
    first.stages[0]!.tasks.length = 0
    expect(parsed(RUNNING)).toEqual(parsed(structuredClone(RUNNING)))
    expect(parsed(RUNNING).stages.map(s => s.tasks.length)).toEqual([1, 1])
    expect(JSON.stringify(RUNNING)).toBe(before)
  })
})
