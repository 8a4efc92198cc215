// The fake CodeArts server itself: its new v5 routes, their paging, and the gateway's refusals, seen
// through plain HTTP requests.
import * as http from 'node:http'
import {
  listScript,
  logScript,
  startFakeCodeArts,
  v5Definition,
  v5Detail,
  v5RunsList,
  v5StepLog,
  type FakeCodeArts,
  type FakeOptions,
  type Script,
  type V5ListedRunSpec
} from '../support/fake-codearts.js'

const PROJECT = '0123456789abcdef0123456789abcdef'
const BASE = `/v5/${PROJECT}/api/pipelines/pipe-9`
const JSON_TYPE = 'application/json;charset=UTF-8'

interface Answer {
  status: number
  json: unknown
}

let fake: FakeCodeArts | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function serve(options: FakeOptions = {}, status: Script = []): Promise<FakeCodeArts> {
  fake = await startFakeCodeArts(status, options)
  return fake
}

/** A plain request; `contentType: null` sends none. */
function send(
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string | null } = {}
): Promise<Answer> {
  const { url } = fake as FakeCodeArts
  const body = options.body === undefined ? undefined : JSON.stringify(options.body)
  const contentType = options.contentType === undefined ? JSON_TYPE : options.contentType
  const headers: Record<string, string> = {}
  if (contentType !== null) headers['Content-Type'] = contentType
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body))
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : JSON.parse(text) })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const runs = (count: number, prefix = 'r'): V5ListedRunSpec[] =>
  Array.from({ length: count }, (_, i) => ({
    runId: `${prefix}-${count - i}`,
    status: i === 0 ? 'RUNNING' : 'COMPLETED',
    commitId: (count - i).toString(16).padStart(40, '0'),
    branch: 'main'
  }))

interface ListAnswer {
  offset: number
  limit: number
  total: number
  pipeline_runs: {
    pipeline_run_id: string
    pipeline_id: string
    run_number: number
    status: string
    start_time: number
    end_time: number
    build_params: Record<string, unknown>
    stage_status_list: { start_time: unknown }[]
  }[]
}

interface LogAnswer {
  log: string
  has_more: boolean
  start_offset: string
  end_offset: string
  step_run_id: string
}

describe('definition route', () => {
  it('answers GET of the pipeline path with one code source by default', async () => {
    await serve()
    const answer = await send('GET', BASE, { contentType: null })
    expect(answer.status).toBe(200)
    const body = answer.json as ReturnType<typeof v5Definition>
    expect(body.id).toBe('pipe-9')
    expect(body.project_id).toBe(PROJECT)
    expect(body.variables).toEqual([])
    expect(body.sources).toHaveLength(1)
    expect(body.sources[0]).toEqual({
      type: 'code',
      params: {
        git_type: 'codehub',
        git_url: 'https://codehub.example.com/team/web-release.git',
        ssh_git_url: 'git@codehub.example.com:team/web-release.git',
        web_url: 'https://codehub.example.com/team/web-release',
        repo_name: 'web-release',
        default_branch: 'main',
        endpoint_id: null,
        codehub_id: expect.stringMatching(/^\d+$/),
        alias: null
      }
    })
    expect(fake?.calls('definition')).toHaveLength(1)
  })

  it('matches the pipeline path exactly, nothing after it', async () => {
    await serve()
    expect((await send('GET', `${BASE}/`, { contentType: null })).status).toBe(404)
    expect((await send('GET', `${BASE}/extra`, { contentType: null })).status).toBe(404)
    expect(fake?.calls('definition')).toHaveLength(0)
    expect(fake?.calls('unknown')).toHaveLength(2)
  })

  it('serves a scripted definition in the SDK shape', async () => {
    const definition = v5Definition({
      id: 'pipe-9',
      sources: [
        { gitType: 'github', gitUrl: 'https://github.com/acme/web.git', alias: 'web' },
        {
          gitUrl: 'https://codehub.example.com/acme/lib.git',
          defaultBranch: 'dev',
          codehubId: '42'
        }
      ],
      variables: [
        { name: 'env', value: 'prod' },
        { name: 'fixed', isRuntime: false }
      ]
    })
    await serve({ definition: [{ json: definition }] })
    const body = (await send('GET', BASE, { contentType: null })).json as typeof definition
    expect(body.sources.map(s => s.params.git_type)).toEqual(['github', 'codehub'])
    expect(body.sources[0]?.params.endpoint_id).toMatch(/^[0-9a-f]{32}$/)
    expect(body.sources[0]?.params.codehub_id).toBeNull()
    expect(body.sources[0]?.params.alias).toBe('web')
    expect(body.sources[1]?.params).toMatchObject({ codehub_id: '42', default_branch: 'dev' })
    expect(body.variables).toEqual([
      expect.objectContaining({ name: 'env', value: 'prod', is_runtime: true, sequence: 1 }),
      expect.objectContaining({ name: 'fixed', value: '', is_runtime: false, sequence: 2 })
    ])
  })
})

describe('list route', () => {
  it('answers an empty list by default, echoing the page asked for', async () => {
    await serve()
    const answer = await send('POST', `${BASE}/pipeline-runs/list`, {
      body: { offset: 0, limit: 5 }
    })
    expect(answer).toEqual({
      status: 200,
      json: { offset: 0, limit: 5, total: 0, pipeline_runs: [] }
    })
  })

  it('pages for real: offset 20, limit 20 gets items 20..39 and the whole total', async () => {
    await serve({ list: listScript([runs(45)]) })
    const page = (
      await send('POST', `${BASE}/pipeline-runs/list`, { body: { offset: 20, limit: 20 } })
    ).json as ListAnswer
    expect(page.offset).toBe(20)
    expect(page.limit).toBe(20)
    expect(page.total).toBe(45)
    expect(page.pipeline_runs.map(r => r.pipeline_run_id)).toEqual(
      runs(45)
        .slice(20, 40)
        .map(r => r.runId)
    )
    // Numbers count down from the newest; starts are ten minutes apart, newest first.
    expect(page.pipeline_runs[0]?.run_number).toBe(25)
    expect(page.pipeline_runs[0]?.pipeline_id).toBe('pipe-9')
    const [a, b] = page.pipeline_runs
    expect((a?.start_time ?? 0) - (b?.start_time ?? 0)).toBe(600_000)

    const last = (
      await send('POST', `${BASE}/pipeline-runs/list`, { body: { offset: 40, limit: 20 } })
    ).json as ListAnswer
    expect(last.pipeline_runs.map(r => r.pipeline_run_id)).toEqual([
      'r-5',
      'r-4',
      'r-3',
      'r-2',
      'r-1'
    ])
    expect(last.total).toBe(45)
  })

  it('serves each run in the SDK shape, build_params one object', async () => {
    await serve({
      list: listScript([
        [
          {
            runId: 'r-tag',
            status: 'FAILED',
            buildType: 'tag',
            tag: 'v1.2.0',
            commitId: 'a'.repeat(40),
            triggerType: 'CreateTag',
            stages: [{ name: 'Build', status: 'FAILED' }]
          }
        ]
      ])
    })
    const page = (await send('POST', `${BASE}/pipeline-runs/list`, { body: {} })).json as ListAnswer
    expect(page.limit).toBe(10)
    const [run] = page.pipeline_runs
    expect(run?.build_params).toEqual({
      action: null,
      build_type: 'tag',
      commit_id: 'a'.repeat(40),
      event_type: 'CreateTag',
      merge_id: null,
      message: null,
      source_branch: null,
      tag: 'v1.2.0',
      target_branch: null,
      codehub_id: null,
      git_url: 'https://codehub.example.com/team/web-release.git',
      source_codehub_id: null,
      source_codehub_url: null,
      source_codehub_http_url: null
    })
    expect(run?.end_time).toBeGreaterThan(run?.start_time ?? Infinity)
    expect(typeof run?.stage_status_list[0]?.start_time).toBe('string')
  })

  it('moves to the next poll at each request from offset 0, the pages between from one list', async () => {
    const before = runs(25)
    const after: V5ListedRunSpec[] = [{ runId: 'r-new', status: 'RUNNING' }, ...before]
    await serve({ list: listScript([before, after]) })
    const ask = async (offset: number) =>
      (
        (await send('POST', `${BASE}/pipeline-runs/list`, { body: { offset, limit: 20 } }))
          .json as ListAnswer
      ).pipeline_runs.map(r => r.pipeline_run_id)
    expect((await ask(0))[0]).toBe('r-25')
    expect(await ask(20)).toEqual(['r-5', 'r-4', 'r-3', 'r-2', 'r-1'])
    expect((await ask(0))[0]).toBe('r-new')
    expect(await ask(20)).toEqual(['r-6', 'r-5', 'r-4', 'r-3', 'r-2', 'r-1'])
    expect((await ask(0))[0]).toBe('r-new') // the last poll repeats
  })

  it('answers a poll given as a step with that step', async () => {
    await serve({
      list: listScript([runs(2), { status: 500, json: { error_code: 'DEV.500', error_msg: 'x' } }])
    })
    expect((await send('POST', `${BASE}/pipeline-runs/list`, { body: {} })).status).toBe(200)
    expect((await send('POST', `${BASE}/pipeline-runs/list`, { body: {} })).status).toBe(500)
  })

  it('v5RunsList numbers a page by its place in the whole list', () => {
    const body = v5RunsList(runs(3), { offset: 20, limit: 20, total: 23 })
    expect(body.total).toBe(23)
    expect(body.pipeline_runs.map(r => r.run_number)).toEqual([3, 2, 1])
  })
})

describe('logs route', () => {
  const LOG_PATH = `${BASE}/pipeline-runs/r-1/jobs/s0j0/steps/s0j0st0/logs`
  const LINES = Array.from({ length: 100 }, (_, i) => `line ${i}`)

  it('answers 404 unless scripted', async () => {
    await serve()
    const answer = await send('POST', LOG_PATH, { body: { limit: 10, sort: 'desc' } })
    expect(answer.status).toBe(404)
    expect(answer.json).toMatchObject({ error_code: 'DEV.404' })
    expect(fake?.calls('logs')).toHaveLength(1)
  })

  it('gives the tail with desc and pages back from its start_offset', async () => {
    await serve({ logs: logScript(LINES) })
    const tail = (await send('POST', LOG_PATH, { body: { limit: 10, sort: 'desc' } }))
      .json as LogAnswer
    expect(tail).toEqual({
      log: LINES.slice(90).join('\n'),
      has_more: true,
      start_offset: '90',
      end_offset: '100',
      step_run_id: 's0j0st0'
    })
    const before = (
      await send('POST', LOG_PATH, {
        body: { limit: 10, sort: 'desc', end_offset: Number(tail.start_offset) }
      })
    ).json as LogAnswer
    expect(before.log).toBe(LINES.slice(80, 90).join('\n'))
    expect([before.start_offset, before.end_offset]).toEqual(['80', '90'])

    const top = (await send('POST', LOG_PATH, { body: { limit: 10, sort: 'desc', end_offset: 4 } }))
      .json as LogAnswer
    expect(top).toMatchObject({ log: LINES.slice(0, 4).join('\n'), has_more: false })
  })

  it('pages forward with asc', async () => {
    await serve({ logs: logScript(LINES) })
    const first = (await send('POST', LOG_PATH, { body: { limit: 30, sort: 'asc' } }))
      .json as LogAnswer
    expect(first).toMatchObject({ start_offset: '0', end_offset: '30', has_more: true })
    const end = (
      await send('POST', LOG_PATH, { body: { limit: 30, sort: 'asc', start_offset: 95 } })
    ).json as LogAnswer
    expect(end).toMatchObject({
      log: LINES.slice(95).join('\n'),
      start_offset: '95',
      end_offset: '100',
      has_more: false
    })
  })

  it('refuses a query without limit or sort, and logs of a step it has none for', async () => {
    await serve({ logs: logScript({ s0j0st0: LINES }) })
    expect((await send('POST', LOG_PATH, { body: { sort: 'desc' } })).status).toBe(400)
    expect((await send('POST', LOG_PATH, { body: { limit: 10 } })).status).toBe(400)
    const other = LOG_PATH.replace('s0j0st0', 's0j0st1')
    expect((await send('POST', other, { body: { limit: 10, sort: 'asc' } })).status).toBe(404)
  })

  it('v5StepLog writes the offsets as strings', () => {
    expect(v5StepLog({ lines: ['a', 'b'], hasMore: false, startOffset: 3, endOffset: 5 })).toEqual({
      log: 'a\nb',
      has_more: false,
      start_offset: '3',
      end_offset: '5',
      step_run_id: ''
    })
  })
})

describe('project id', () => {
  it('refuses a v5 call naming another project with 403, and lets its own through', async () => {
    await serve({ projectId: PROJECT })
    const other = await send('GET', '/v5/ffffffffffffffffffffffffffffffff/api/pipelines/pipe-9', {
      contentType: null
    })
    expect(other.status).toBe(403)
    expect(other.json).toEqual({
      error_code: 'DEV.403',
      error_msg: expect.stringContaining('ffffffffffffffffffffffffffffffff')
    })
    const elsewhere = await send('POST', '/v5/other/api/pipelines/pipe-9/run', { body: {} })
    expect(elsewhere.status).toBe(403)
    expect((await send('GET', BASE, { contentType: null })).status).toBe(200)
    expect((await send('POST', `${BASE}/run`, { body: {} })).status).toBe(200)
    // v3 paths name no project.
    expect((await send('POST', '/v3/pipelines/pipe-9/start', { body: {} })).status).toBe(200)
  })
})

describe('content type', () => {
  it('refuses a POST without a JSON Content-Type with 415', async () => {
    await serve()
    for (const contentType of [null, 'text/plain', 'application/jsonx', 'application/x-www-form']) {
      const answer = await send('POST', `${BASE}/run`, { body: {}, contentType })
      expect(answer).toEqual({
        status: 415,
        json: { error_code: 'DEV.415', error_msg: 'Unsupported Media Type' }
      })
    }
    const stop = await send('POST', `${BASE}/pipeline-runs/r-1/stop`, { contentType: null })
    expect(stop.status).toBe(415)
    const v3 = await send('POST', '/v3/pipelines/pipe-9/stop?build_id=b', { contentType: null })
    expect(v3.status).toBe(415)
    // Refused requests are still recorded.
    expect(fake?.calls('start')).toHaveLength(4)
  })

  it('accepts JSON with parameters, in any case, and leaves GETs and IAM login alone', async () => {
    await serve()
    for (const contentType of [JSON_TYPE, 'application/json', 'Application/JSON; charset=utf-8']) {
      const answer = await send('POST', `${BASE}/run`, { body: { variables: [] }, contentType })
      expect(answer).toEqual({ status: 200, json: { pipeline_run_id: 'r-started' } })
    }
    expect((await send('GET', BASE, { contentType: null })).status).toBe(200)
    const login = await send('POST', '/v3/auth/tokens', { body: {}, contentType: null })
    expect(login.status).toBe(401)
  })

  it('accepts anything with lenientContentType', async () => {
    await serve({ lenientContentType: true })
    const answer = await send('POST', `${BASE}/run`, { body: {}, contentType: null })
    expect(answer.status).toBe(200)
  })

  it('records the start body as sent', async () => {
    await serve()
    const body = { sources: [{ type: 'code', params: { git_type: 'codehub' } }], variables: [] }
    await send('POST', `${BASE}/run`, { body })
    expect(fake?.calls('start')[0]?.body).toBe(JSON.stringify(body))
  })
})

describe('v5Detail', () => {
  it('keeps its former shape when given nothing new', () => {
    const detail = v5Detail({
      runId: 'r-1',
      status: 'RUNNING',
      stages: [{ name: 'Build', status: 'RUNNING', jobs: [{ name: 'Compile', status: 'RUNNING' }] }]
    })
    expect(detail).not.toHaveProperty('sources')
    expect(detail).not.toHaveProperty('artifacts')
    expect(detail.run_number).toBe(7)
    expect(detail.stages[0]).toMatchObject({ id: 's0', pre: [], post: [] })
    expect(detail.stages[0]?.jobs[0]).toMatchObject({ id: 's0j0', message: null, steps: [] })
  })

  it('gives steps, gates, sources and artifacts in the SDK shape', () => {
    const detail = v5Detail({
      runId: 'r-2',
      status: 'FAILED',
      runNumber: 12,
      stages: [
        {
          name: 'Build',
          status: 'FAILED',
          pre: [{ name: 'Auto trigger', status: 'COMPLETED' }],
          post: [{ name: 'Gate', status: 'FAILED', message: 'quality gate failed' }],
          jobs: [
            {
              name: 'Compile',
              status: 'FAILED',
              steps: [
                { name: 'Checkout', status: 'COMPLETED', task: 'official_git_checkout' },
                { name: 'Build', status: 'FAILED', message: 'exit code 2' }
              ]
            }
          ]
        }
      ],
      sources: [
        {
          gitUrl: 'https://codehub.example.com/team/web.git',
          buildType: 'branch',
          branch: 'release/1.2',
          commitId: 'b'.repeat(40)
        },
        {
          gitUrl: 'https://github.com/acme/lib.git',
          gitType: 'github',
          buildType: 'tag',
          tag: 'v2'
        }
      ],
      artifacts: [{ name: 'web.tgz', packageType: 'generic', version: '1.2.0' }]
    })
    expect(detail.run_number).toBe(12)
    const [stage] = detail.stages
    expect(stage?.pre[0]).toMatchObject({ id: 's0pre0', status: 'COMPLETED', message: null })
    expect(stage?.post[0]).toMatchObject({ id: 's0post0', message: 'quality gate failed' })
    const steps = stage?.jobs[0]?.steps ?? []
    expect(steps.map(s => s.id)).toEqual(['s0j0st0', 's0j0st1'])
    expect(steps[0]).toMatchObject({ task: 'official_git_checkout', end_time: expect.any(Number) })
    expect(steps[1]).toMatchObject({
      status: 'FAILED',
      message: 'exit code 2',
      task: expect.any(String)
    })
    expect(stage?.jobs[0]?.exec_id).not.toBe(stage?.jobs[0]?.id)
    expect(detail.sources?.[0]?.params).toMatchObject({
      git_type: 'codehub',
      git_url: 'https://codehub.example.com/team/web.git',
      web_url: 'https://codehub.example.com/team/web',
      build_params: {
        build_type: 'branch',
        target_branch: 'release/1.2',
        tag: null,
        commit_id: 'b'.repeat(40),
        event_type: 'Manual'
      }
    })
    expect(detail.sources?.[1]?.params.build_params).toMatchObject({
      build_type: 'tag',
      tag: 'v2',
      target_branch: null,
      commit_id: null
    })
    expect(detail.artifacts).toEqual([
      { name: 'web.tgz', packageType: 'generic', version: '1.2.0', downloadUrl: null }
    ])
  })
})
