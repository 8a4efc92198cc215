import { readFileSync } from 'node:fs'
import { text } from '../../src/codearts/json.js'
import { parseV3Status } from '../../src/codearts/v3.js'
import type { Run } from '../../src/model.js'

const FIXTURES = new URL('../fixtures/', import.meta.url)

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as unknown
}

function parsed(body: unknown): Run {
  const run = parseV3Status(body)
  if (run === null) throw new Error('parseV3Status returned null')
  return run
}

describe('parseV3Status on the API reference example (success)', () => {
  const run = parsed(fixture('v3-status-success.json'))

  it('reads the run', () => {
    expect(run.runId).toBe('xxxx')
    expect(run.status).toBe('completed')
    expect(run.outcome).toBe('success')
    expect(run.phase).toBe('completed')
    expect(run.pipelineName).toBe('pipeline_test')
    expect(run.executor).toBe('xxx')
    expect(run.startTime).toBe('2020-09-01 17:13:18')
    expect(run.endTime).toBe('2020-09-01 17:16:22')
    expect(run.durationSeconds).toBe(184)
    expect(run.detailUrl).toBe('https://xxxxxx/pipeline/detail/824e784b3f43492e99152a.....')
  })

  it('reads the parameters in order', () => {
    expect(run.parameters).toEqual([
      { name: 'serviceName', value: 'Test' },
      { name: 'codeBranch', value: 'master' },
      { name: 'releaseVersion', value: '1.0.0' }
    ])
  })

  it('reads three stages, the Build stage with its one task', () => {
    expect(run.stages.map(s => s.name)).toEqual(['Source code', 'Build', 'Release repo'])
    expect(run.stages.map(s => s.id)).toEqual(['state_3', 'state_4', 'state_5'])
    const build = run.stages[1]!
    expect(build.durationSeconds).toBe(183)
    expect(build.tasks).toHaveLength(1)
    expect(build.tasks[0]).toEqual({
      id: 'Task_1',
      name: 'Default task',
      status: 'completed',
      outcome: 'success',
      startTime: '2020-09-01 17:13:18',
      durationSeconds: 183,
      errorCode: null,
      errorMessage: null,
      steps: []
    })
    expect(run.stages[0]!.tasks).toEqual([])
    expect(run.stages[0]!.durationSeconds).toBe(0)
  })
})

describe('parseV3Status on a pipeline that never ran', () => {
  it('reads null fields as null and does not throw', () => {
    const run = parsed(fixture('v3-status-never-ran.json'))
    expect(run.runId).toBeNull()
    expect(run.status).toBeNull()
    expect(run.outcome).toBeNull()
    expect(run.phase).toBe('in-progress')
    expect(run.executor).toBeNull()
    expect(run.endTime).toBeNull()
    expect(run.durationSeconds).toBeNull()
    expect(run.detailUrl).toBeNull()
    expect(run.pipelineName).toBe('nightly')
    expect(run.parameters).toEqual([])
    expect(run.stages).toEqual([])
  })
})

describe('parseV3Status on a v5 body (not the v3 shape)', () => {
  it('does not throw and does not invent a completed run', () => {
    const body = fixture('v5-run-detail-running.json')
    expect(() => parseV3Status(body)).not.toThrow()
    const run = parsed(body)
    // v5 names the run `id`, not `build_id`, and has `stages`, not `states`.
    expect(run.runId).toBeNull()
    // RUNNING is a v5 word, not a documented v3 status.
    expect(run.phase).toBe('undocumented')
    expect(run.stages).toEqual([])
    expect(run.status).toBe('RUNNING')
  })
})

describe('parseV3Status robustness', () => {
  it.each([null, undefined, [], [{ status: 'completed' }], 'x', 42, true])(
    'returns null for the non-object body %j',
    body => {
      expect(parseV3Status(body)).toBeNull()
    }
  )

  it('reads an empty object as an empty, not completed run', () => {
    const run = parsed({})
    expect(run).toEqual({
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

  it('survives wrong-typed fields', () => {
    const body = {
      build_id: { nested: true },
      status: 3,
      outcome: ['success'],
      pipeline_name: false,
      parameters: 'a=b',
      states: { 0: { name: 'not a list' } },
      elapsed_time: 'abc',
      start_time: 17,
      end_time: {}
    }
    expect(() => parseV3Status(body)).not.toThrow()
    const run = parsed(body)
    expect(run.runId).toBeNull()
    expect(run.outcome).toBeNull()
    expect(run.pipelineName).toBeNull()
    expect(run.parameters).toEqual([])
    expect(run.stages).toEqual([])
    expect(run.durationSeconds).toBeNull()
    // A number is readable as text (ids and durations can come as numbers), so status 3 reads as '3';
    // what matters is that it never counts as completed.
    expect(run.status).toBe('3')
    expect(run.phase).toBe('undocumented')
  })

  it.each([true, {}, [], NaN, Infinity])('reads status %p as null', status => {
    const run = parsed({ status })
    expect(run.status).toBeNull()
    expect(run.phase).toBe('in-progress')
  })

  it('reads "" as null and only the exact text "completed" as completed', () => {
    expect(parsed({ status: '', outcome: '' })).toMatchObject({ status: null, outcome: null })
    expect(parsed({ status: 'completed' }).phase).toBe('completed')
    expect(parsed({ status: 'COMPLETED' }).phase).toBe('undocumented')
    expect(parsed({ status: 'running' }).phase).toBe('in-progress')
    expect(parsed({ status: 'verifying' }).phase).toBe('in-progress')
  })

  it('survives children that are not a list and items that are not objects', () => {
    const run = parsed({
      states: [
        null,
        'stage',
        7,
        { id: 's1', name: 'Build', children: 'task' },
        { id: 's2', children: [null, 'x', { name: 'T', elapsed_time: 'abc' }, []] }
      ]
    })
    expect(run.stages).toHaveLength(2)
    expect(run.stages[0]).toMatchObject({ id: 's1', name: 'Build', tasks: [] })
    expect(run.stages[1]!.name).toBe('s2')
    expect(run.stages[1]!.tasks).toHaveLength(1)
    expect(run.stages[1]!.tasks[0]).toMatchObject({ name: 'T', durationSeconds: null })
  })

  it('names unnamed stages and tasks so they can still be shown', () => {
    const run = parsed({ states: [{ children: [{}, {}] }, {}] })
    expect(run.stages.map(s => s.name)).toEqual(['#1', '#2'])
    expect(run.stages[0]!.tasks.map(t => t.name)).toEqual(['#1', '#2'])
    // Distinct ids, so progress tracking can tell them apart.
    expect(new Set(run.stages[0]!.tasks.map(t => t.id)).size).toBe(2)
  })

  it('skips parameters without a name and reads a missing value as ""', () => {
    const run = parsed({
      parameters: [
        { value: 'orphan' },
        { name: 'a' },
        { name: 'b', value: null },
        'c=d',
        { name: 'n', value: 5 }
      ]
    })
    expect(run.parameters).toEqual([
      { name: 'a', value: '' },
      { name: 'b', value: '' },
      { name: 'n', value: '5' }
    ])
  })

  it('reads error_code and error_msg of a task', () => {
    const run = parsed({
      states: [
        {
          id: 's',
          name: 'S',
          children: [{ id: 't', name: 'T', error_code: 'E1', error_msg: 'compile failed' }]
        }
      ]
    })
    expect(run.stages[0]!.tasks[0]).toMatchObject({
      errorCode: 'E1',
      errorMessage: 'compile failed'
    })
  })
})

describe('parseV3Status durations', () => {
  it('reads elapsed_time given as a number or a decimal string', () => {
    expect(parsed({ elapsed_time: 42 }).durationSeconds).toBe(42)
    expect(parsed({ elapsed_time: '1.5' }).durationSeconds).toBe(1.5)
    expect(parsed({ elapsed_time: ' 7 ' }).durationSeconds).toBe(7)
  })

  it.each(['abc', '-5', '1e3', '12s'])(
    'ignores elapsed_time %j and falls back to end - start',
    elapsed => {
      const run = parsed({
        elapsed_time: elapsed,
        start_time: '2020-09-01 17:13:18',
        end_time: '2020-09-01 17:16:22'
      })
      expect(run.durationSeconds).toBe(184)
    }
  )

  it('falls back to end - start when elapsed_time is missing, for stages and tasks too', () => {
    const run = parsed({
      start_time: '2020-09-01 23:59:00',
      end_time: '2020-09-02 00:01:30',
      states: [
        {
          id: 's',
          start_time: '2020-09-01 17:13:18',
          end_time: '2020-09-01 17:13:20',
          children: [
            { id: 't', start_time: '2020-09-01T17:13:18', end_time: '2020-09-01T17:14:18' }
          ]
        }
      ]
    })
    expect(run.durationSeconds).toBe(150)
    expect(run.stages[0]!.durationSeconds).toBe(2)
    expect(run.stages[0]!.tasks[0]!.durationSeconds).toBe(60)
  })

  it('keeps the start_time of stages and tasks as the API wrote it, and null when not text', () => {
    const run = parsed({
      states: [
        {
          start_time: '2020-09-01 17:13:18',
          children: [{ start_time: '2020-09-01T17:13:19' }, { start_time: { at: 1 } }, {}]
        },
        { start_time: '' }
      ]
    })
    expect(run.stages[0]!.startTime).toBe('2020-09-01 17:13:18')
    expect(run.stages[0]!.tasks.map(t => t.startTime)).toEqual(['2020-09-01T17:13:19', null, null])
    expect(run.stages[1]!.startTime).toBeNull()
  })

  it('gives no duration when end is before start, or a time is missing or unreadable', () => {
    expect(
      parsed({ start_time: '2020-09-01 17:13:18', end_time: '2020-09-01 17:13:17' }).durationSeconds
    ).toBeNull()
    expect(parsed({ start_time: '2020-09-01 17:13:18', end_time: null }).durationSeconds).toBeNull()
    expect(
      parsed({ start_time: 'yesterday', end_time: '2020-09-01 17:13:18' }).durationSeconds
    ).toBeNull()
  })
})

describe('text', () => {
  it.each([
    ['a', 'a'],
    ['', null],
    [0, '0'],
    [1.5, '1.5'],
    [NaN, null],
    [Infinity, null],
    [null, null],
    [undefined, null],
    [true, null],
    [{}, null],
    [['a'], null]
  ])('reads %p as %p', (value, expected) => {
    expect(text(value)).toBe(expected)
  })
})

describe('parseV3Status and the shape of the SDK model', () => {
  /** `value` under `depth` levels of `children` lists. */
  function nested(depth: number): unknown {
    let value: unknown = { id: 'bottom' }
    for (let i = 0; i < depth; i++) value = { id: `level_${i}`, children: [value] }
    return value
  }

  it('reads a stage and its tasks, and no children of a task', () => {
    const run = parsed({
      states: [
        {
          id: 's',
          type: 'stage',
          children: [{ id: 't', type: 'task', children: [{ id: 'deeper' }] }]
        }
      ]
    })
    expect(run.stages).toHaveLength(1)
    expect(run.stages[0]!.tasks.map(t => t.id)).toEqual(['t'])
    expect(run.stages[0]!.tasks[0]).not.toHaveProperty('tasks')
  })

  it('does not walk deeply nested children, or other fields, at all', () => {
    const deep = nested(20_000)
    const body = { build_id: 'b1', states: [{ id: 's', children: [deep] }], extra: deep }
    expect(() => parseV3Status(body)).not.toThrow()
    expect(parsed(body).stages[0]!.tasks.map(t => t.id)).toEqual(['level_19999'])
  })

  it('ignores the fields the action does not read', () => {
    const body = fixture('v3-status-success.json') as Record<string, unknown>
    const extended = {
      ...body,
      pipeline_id: { not: 'read' },
      modify_url: ['x'],
      states: (body.states as Record<string, unknown>[]).map(state => ({
        ...state,
        type: 7,
        detail_url: { x: 1 }
      }))
    }
    expect(parsed(extended)).toEqual(parsed(body))
  })

  it('reads numbers where the SDK declares strings, as their text', () => {
    const run = parsed({
      build_id: 42,
      elapsed_time: 1.5,
      states: [{ id: 7, name: 8, elapsed_time: 3, children: [{ id: 0, error_code: 500 }] }]
    })
    expect(run.runId).toBe('42')
    expect(run.durationSeconds).toBe(1.5)
    expect(run.stages[0]).toMatchObject({ id: '7', name: '8', durationSeconds: 3 })
    expect(run.stages[0]!.tasks[0]).toMatchObject({ id: '0', name: '0', errorCode: '500' })
  })

  it('reads a body the same way every time, and leaves it as it was', () => {
    const body = fixture('v3-status-success.json')
    const before = JSON.stringify(body)
    const first = parsed(body)
    first.stages[0]!.tasks.push(first.stages[1]!.tasks[0]!)
    first.parameters.length = 0
    expect(parsed(body)).toEqual(parsed(fixture('v3-status-success.json')))
    expect(parsed(body).parameters).toHaveLength(3)
    expect(JSON.stringify(body)).toBe(before)
  })
})
