import { tokenAuth } from '../../src/codearts/auth.js'
import { CodeArtsClient } from '../../src/codearts/client.js'
import { pipelineApi, type PipelineTarget } from '../../src/codearts/pipeline-api.js'
import {
  TransportError,
  type HttpRequest,
  type HttpResponse
} from '../../src/codearts/transport.js'
import { parseV3Status } from '../../src/codearts/v3.js'
import { parseV5Detail } from '../../src/codearts/v5.js'

const ENDPOINT = 'https://api.example.com'
const TOKEN = 'MIItokenVALUE-0123456789'
const PROJECT = '0a1b2c3d4e5f40718293a4b5c6d7e8f9'
const V3: PipelineTarget = { version: 'v3', pipelineId: 'pipe-1', projectId: undefined }
const V5: PipelineTarget = { version: 'v5', pipelineId: 'pipe-1', projectId: PROJECT }
const V5_BASE = `${ENDPOINT}/v5/${PROJECT}/api/pipelines/pipe-1`

type Reply = HttpResponse | Error

/** The API over a fake transport that records each request and answers with `reply`. */
function apiFor(target: PipelineTarget, reply: (req: HttpRequest) => Reply = () => json(200, {})) {
  const requests: HttpRequest[] = []
  const client = new CodeArtsClient({
    endpoint: ENDPOINT,
    auth: tokenAuth(TOKEN),
    credentials: { method: 'token', token: TOKEN },
    transport: {
      request: async req => {
        requests.push(req)
        const result = reply(req)
        if (result instanceof Error) throw result
        return result
      },
      close: () => undefined
    },
    secrets: new Set([TOKEN]),
    now: () => 0
  })
  return { api: pipelineApi(client, target), requests }
}

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: {}, body: JSON.stringify(body) }
}

/** What was sent, without the headers every request has. */
function sent(req: HttpRequest | undefined) {
  return { method: req?.method, url: req?.url, body: req?.body }
}

describe('pipelineApi paths and bodies', () => {
  it('reads each generation with its own parser', () => {
    expect(apiFor(V3).api.parse).toBe(parseV3Status)
    expect(apiFor(V5).api.parse).toBe(parseV5Detail)
  })

  it('asks v3 for the latest run, and for a run by id', async () => {
    const { api, requests } = apiFor(V3)
    await api.status(undefined, 1000)
    await api.status('run 7/x', 500)
    expect(requests.map(sent)).toEqual([
      { method: 'GET', url: `${ENDPOINT}/v3/pipelines/pipe-1/status`, body: '' },
      {
        method: 'GET',
        url: `${ENDPOINT}/v3/pipelines/pipe-1/status?build_id=run%207%2Fx`,
        body: ''
      }
    ])
    expect(requests.map(r => r.timeoutMs)).toEqual([1000, 500])
    expect(requests[0]?.headers['X-Auth-Token']).toBe(TOKEN)
  })

  it('asks v5 for the latest run, and for a run by id', async () => {
    const { api, requests } = apiFor(V5)
    await api.status(undefined, 1000)
    await api.status('r&1', 1000)
    expect(requests.map(sent)).toEqual([
      { method: 'GET', url: `${V5_BASE}/pipeline-runs/detail`, body: '' },
      { method: 'GET', url: `${V5_BASE}/pipeline-runs/detail?pipeline_run_id=r%261`, body: '' }
    ])
  })

  it('encodes the pipeline and project ids into the path', async () => {
    const { api, requests } = apiFor({ version: 'v5', pipelineId: 'a/b', projectId: 'p?q' })
    await api.status(undefined, 1000)
    expect(requests[0]?.url).toBe(`${ENDPOINT}/v5/p%3Fq/api/pipelines/a%2Fb/pipeline-runs/detail`)
    const v3 = apiFor({ version: 'v3', pipelineId: 'a/b', projectId: undefined })
    await v3.api.status(undefined, 1000)
    expect(v3.requests[0]?.url).toBe(`${ENDPOINT}/v3/pipelines/a%2Fb/status`)
  })

  it('gives the status answer as it is', async () => {
    const body = { build_id: 'b1', status: 'running' }
    const { api } = apiFor(V3, () => json(200, body))
    expect(await api.status(undefined, 1000)).toEqual({ kind: 'ok', body })
  })

  const PARAMETERS = [
    { name: 'branch', value: 'main' },
    { name: 'note', value: 'a "quoted" é' }
  ]

  it('starts a v3 run with build_params', async () => {
    const { api, requests } = apiFor(V3, () => json(200, { pipeline_id: 'pipe-1', build_id: 'b1' }))
    await api.start({ parameters: PARAMETERS }, 1000)
    expect(requests.map(sent)).toEqual([
      {
        method: 'POST',
        url: `${ENDPOINT}/v3/pipelines/pipe-1/start`,
        body: '{"build_params":[{"name":"branch","value":"main"},{"name":"note","value":"a \\"quoted\\" é"}]}'
      }
    ])
    expect(requests[0]?.headers['Content-Type']).toBe('application/json;charset=UTF-8')
  })

  it('starts a v5 run with variables', async () => {
    const { api, requests } = apiFor(V5, () => json(200, { pipeline_run_id: 'r1' }))
    await api.start({ parameters: PARAMETERS }, 1000)
    expect(requests.map(sent)).toEqual([
      {
        method: 'POST',
        url: `${V5_BASE}/run`,
        body: '{"variables":[{"name":"branch","value":"main"},{"name":"note","value":"a \\"quoted\\" é"}]}'
      }
    ])
  })

  const SOURCE = {
    gitType: 'github',
    gitUrl: 'https://github.com/acme/web.git',
    webUrl: 'https://github.com/acme/web',
    repoName: 'web',
    defaultBranch: 'main',
    alias: 'web',
    codehubId: null,
    endpointId: 'ep-1'
  }

  it('starts a v5 run of a branch of a source, with a description, as the SDK shapes it', async () => {
    const { api, requests } = apiFor(V5, () => json(200, { pipeline_run_id: 'r1' }))
    await api.start(
      {
        parameters: [],
        build: { source: SOURCE, ref: { kind: 'branch', name: 'feature/x' } },
        description: 'Started by GitHub Actions'
      },
      1000
    )
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      variables: [],
      description: 'Started by GitHub Actions',
      sources: [
        {
          type: 'code',
          params: {
            git_type: 'github',
            git_url: 'https://github.com/acme/web.git',
            alias: 'web',
            endpoint_id: 'ep-1',
            default_branch: 'main',
            build_params: { build_type: 'branch', target_branch: 'feature/x', event_type: 'Manual' }
          }
        }
      ]
    })
  })

  it('starts a v5 run of a tag, and cuts a description to 1024 characters', async () => {
    const { api, requests } = apiFor(V5, () => json(200, { pipeline_run_id: 'r1' }))
    await api.start(
      {
        parameters: [],
        build: { source: SOURCE, ref: { kind: 'tag', name: 'v1.2.0' } },
        description: 'x'.repeat(2000)
      },
      1000
    )
    const body = JSON.parse(requests[0]?.body ?? '') as {
      description: string
      sources: { params: { build_params: unknown } }[]
    }
    expect(body.description).toHaveLength(1024)
    expect(body.sources[0]?.params.build_params).toEqual({
      build_type: 'tag',
      tag: 'v1.2.0',
      event_type: 'Manual'
    })
  })

  it('reads the code sources of the v5 pipeline definition', async () => {
    const { api, requests } = apiFor(V5, () =>
      json(200, {
        id: 'pipe-1',
        sources: [
          {
            type: 'code',
            params: { git_type: 'github', git_url: 'https://github.com/acme/web.git' }
          },
          { type: 'artifact', params: { git_url: 'not code' } },
          { type: 'code', params: 'junk' }
        ]
      })
    )
    const read = await api.sources?.(1000)
    expect(sent(requests[0])).toEqual({ method: 'GET', url: V5_BASE, body: '' })
    expect(read).toEqual({
      kind: 'ok',
      value: [
        expect.objectContaining({ gitType: 'github', gitUrl: 'https://github.com/acme/web.git' })
      ]
    })
    expect(apiFor(V3).api.sources).toBeUndefined()
  })

  it('lists v5 runs newest first, a page at a time, with what each built', async () => {
    const { api, requests } = apiFor(V5, () =>
      json(200, {
        offset: 20,
        limit: 20,
        total: 41,
        pipeline_runs: [
          {
            pipeline_run_id: 'r9',
            build_params: { commit_id: 'a'.repeat(40), target_branch: 'main' }
          },
          { pipeline_run_id: 'r8', build_params: null }
        ]
      })
    )
    const read = await api.runs?.(20, 20, 1000)
    expect(sent(requests[0])).toEqual({
      method: 'POST',
      url: `${V5_BASE}/pipeline-runs/list`,
      body: '{"offset":20,"limit":20,"sort_key":"start_time","sort_dir":"desc"}'
    })
    expect(read).toEqual({
      kind: 'ok',
      value: [
        {
          runId: 'r9',
          build: expect.objectContaining({ commitId: 'a'.repeat(40), branch: 'main' })
        },
        { runId: 'r8', build: null }
      ]
    })
  })

  it('reads a refused v5 latest-run detail as "no run yet" when the runs list is empty', async () => {
    const { api, requests } = apiFor(V5, req =>
      req.url.endsWith('/list')
        ? json(200, { offset: 0, limit: 1, total: 0, pipeline_runs: [] })
        : json(404, { error_code: 'DEVPIPE.00011104', error_msg: 'no pipeline run' })
    )
    expect(await api.status(undefined, 1000)).toEqual({ kind: 'ok', body: {} })
    expect(requests.map(r => r.method)).toEqual(['GET', 'POST'])
  })

  it('keeps the refusal when the pipeline has runs, or when a run was asked for by id', async () => {
    const refusal = json(404, { error_code: 'DEVPIPE.404', error_msg: 'no such pipeline' })
    const withRuns = apiFor(V5, req =>
      req.url.endsWith('/list')
        ? json(200, { total: 1, pipeline_runs: [{ pipeline_run_id: 'r1' }] })
        : refusal
    )
    expect((await withRuns.api.status(undefined, 1000)).kind).toBe('fatal')
    const byId = apiFor(V5, () => refusal)
    expect((await byId.api.status('r1', 1000)).kind).toBe('fatal')
    expect(byId.requests).toHaveLength(1)
  })

  it('sends an empty list when there are no parameters', async () => {
    const v3 = apiFor(V3, () => json(200, { build_id: 'b1' }))
    await v3.api.start({ parameters: [] }, 1000)
    expect(v3.requests[0]?.body).toBe('{"build_params":[]}')
    const v5 = apiFor(V5, () => json(200, { pipeline_run_id: 'r1' }))
    await v5.api.start({ parameters: [] }, 1000)
    expect(v5.requests[0]?.body).toBe('{"variables":[]}')
  })

  it('stops a v3 run with build_id in the query', async () => {
    const { api, requests } = apiFor(V3)
    await api.stop('b 1', 1700)
    expect(requests.map(sent)).toEqual([
      { method: 'POST', url: `${ENDPOINT}/v3/pipelines/pipe-1/stop?build_id=b%201`, body: '' }
    ])
    expect(requests[0]?.timeoutMs).toBe(1700)
  })

  it('stops a v5 run by its path', async () => {
    const { api, requests } = apiFor(V5, () => json(200, { success: true }))
    expect(await api.stop('r/1', 1000)).toEqual({ stopped: true })
    expect(requests.map(sent)).toEqual([
      { method: 'POST', url: `${V5_BASE}/pipeline-runs/r%2F1/stop`, body: '' }
    ])
  })

  it.each([
    ['v5 success false', V5, json(200, { success: false }), /without confirming/],
    ['v5 without success', V5, json(200, {}), /without confirming/],
    ['v3 404', V3, json(404, { error_code: 'X', error_msg: 'no such run' }), /HTTP 404/],
    ['v5 500', V5, json(500, {}), /HTTP 500/]
  ] as const)('reports a %s stop answer as not stopped', async (_what, target, answer, reason) => {
    const { api } = apiFor(target, () => answer)
    const stop = await api.stop('r1', 1000)
    expect(stop.stopped).toBe(false)
    expect(!stop.stopped && stop.reason).toMatch(reason)
  })

  it('reports a v3 stop answer as stopped', async () => {
    const { api } = apiFor(V3, () => json(200, { pipeline_id: 'pipe-1', pipeline_name: 'web' }))
    expect(await api.stop('b1', 1000)).toEqual({ stopped: true })
  })
})

describe('pipelineApi start answers', () => {
  it.each([
    ['v3', V3, { pipeline_id: 'pipe-1', build_id: 'b42' }, 'b42'],
    ['v5', V5, { pipeline_run_id: 'r42' }, 'r42'],
    ['v3 with a numeric id', V3, { build_id: 42 }, '42']
  ] as const)('reads the run id of a %s start', async (_what, target, body, runId) => {
    const { api } = apiFor(target, () => json(200, body))
    expect(await api.start({ parameters: [] }, 1000)).toEqual({
      kind: 'started',
      runId,
      queued: false
    })
  })

  it.each([
    ['v3', V3, { pipeline_id: 'pipe-1' }, 'build_id'],
    ['v5', V5, { success: true }, 'pipeline_run_id'],
    ['v5 with an empty id', V5, { pipeline_run_id: '' }, 'pipeline_run_id']
  ] as const)('fails a %s start whose answer names no run', async (_what, target, body, field) => {
    const { api, requests } = apiFor(target, () => json(200, body))
    const result = await api.start({ parameters: [] }, 1000)
    expect(result.kind).toBe('failed')
    expect(result.kind === 'failed' && result.reason).toContain(field)
    expect(requests).toHaveLength(1)
  })

  const QUEUED = ['DEVPIPE.00011169', 'DEVPIPE.00011170']
  const shapes = [
    ['nested', (code: string) => ({ error: { code, message: 'queued', pipeline_run_id: 'rq' } })],
    ['flat', (code: string) => ({ error_code: code, error_msg: 'queued', pipeline_run_id: 'rq' })]
  ] as const
  const statuses = [200, 400, 409, 500]
  const queuedCases = QUEUED.flatMap(code =>
    shapes.flatMap(([shape, body]) =>
      statuses.map(status => [code, shape, status, body(code)] as const)
    )
  )

  it.each(queuedCases)(
    'reads %s (%s shape, HTTP %d) as a queued start',
    async (_code, _shape, status, body) => {
      const { api, requests } = apiFor(V5, () => json(status, body))
      expect(await api.start({ parameters: [] }, 1000)).toEqual({
        kind: 'started',
        runId: 'rq',
        queued: true
      })
      expect(requests).toHaveLength(1)
    }
  )

  it('reads a queued v3 start by its build_id', async () => {
    const { api } = apiFor(V3, () =>
      json(400, { error: { code: 'DEVPIPE.00011169', message: 'queued', build_id: 'bq' } })
    )
    expect(await api.start({ parameters: [] }, 1000)).toEqual({
      kind: 'started',
      runId: 'bq',
      queued: true
    })
  })

  it('fails a queued answer that names no run', async () => {
    const { api } = apiFor(V5, () => json(400, { error_code: 'DEVPIPE.00011169', error_msg: 'q' }))
    const result = await api.start({ parameters: [] }, 1000)
    expect(result.kind).toBe('failed')
    expect(result.kind === 'failed' && result.reason).toContain('DEVPIPE.00011169')
  })

  it('does not read another error carrying a run id as a queued start', async () => {
    const { api } = apiFor(V5, () =>
      json(400, { error: { code: 'DEVPIPE.00011111', message: 'no', pipeline_run_id: 'rx' } })
    )
    expect((await api.start({ parameters: [] }, 1000)).kind).toBe('failed')
  })

  it.each([
    ['an HTTP 500', (): Reply => json(500, { error_code: 'DEVPIPE.1', error_msg: 'busy' })],
    ['an HTTP 429', (): Reply => json(429, { error_code: 'APIGW.0308', error_msg: 'throttled' })],
    ['a lost answer', (): Reply => new TransportError('ECONNRESET: socket hang up', 'ECONNRESET')],
    ['a 200 that is not JSON', (): Reply => ({ status: 200, headers: {}, body: '<html>' })]
  ])('sends the start once after %s, saying the run may have started', async (_what, reply) => {
    const { api, requests } = apiFor(V5, reply)
    const result = await api.start({ parameters: [] }, 1000)
    expect(requests).toHaveLength(1)
    expect(result.kind).toBe('failed')
    expect(result.kind === 'failed' && result.reason).toContain(
      'the run may or may not have started'
    )
  })

  it.each([
    ['an HTTP 400', json(400, { error_code: 'DEVPIPE.00011001', error_msg: 'bad variable' })],
    ['an HTTP 404', json(404, { error_code: 'DEVPIPE.00011002', error_msg: 'no pipeline' })],
    ['a refusal', json(401, { error_code: 'APIGW.0301', error_msg: 'wrong' })]
  ])('fails after %s, once, without doubt about the run', async (_what, reply) => {
    const { api, requests } = apiFor(V3, () => reply)
    const result = await api.start({ parameters: [] }, 1000)
    expect(requests).toHaveLength(1)
    expect(result.kind).toBe('failed')
    const reason = result.kind === 'failed' ? result.reason : ''
    expect(reason).toMatch(/^HTTP 40[014]/)
    expect(reason).not.toContain('may or may not')
  })

  it('carries the advice for a refused start', async () => {
    const { api } = apiFor(V5, () => json(401, { error_code: 'APIGW.0307', error_msg: 'expired' }))
    const result = await api.start({ parameters: [] }, 1000)
    expect(result.kind === 'failed' && result.reason).toContain('use access keys')
  })

  it('keeps the token out of a failed start', async () => {
    const { api } = apiFor(V5, () => json(500, { error_code: 'E', error_msg: `echo ${TOKEN}` }))
    const result = await api.start({ parameters: [] }, 1000)
    expect(JSON.stringify(result)).not.toContain(TOKEN)
  })
})

describe('pipelineApi start: a run id must be an id', () => {
  it.each([
    ['a line break and a workflow command', 'r1\n::warning::injected'],
    ['a slash', 'r/1'],
    ['a space', 'r 1'],
    ['too long an id', 'r'.repeat(129)]
  ])(
    'refuses a started run named with %s, saying the run has probably started',
    async (_what, id) => {
      const { api } = apiFor(V3, () => json(200, { build_id: id }))
      const start = await api.start({ parameters: [] }, 1000)
      expect(start.kind).toBe('failed')
      expect(start.kind === 'failed' && start.reason).toMatch(/not a run id.*probably started/)
      expect(start.kind === 'failed' && start.reason).not.toMatch(/\n/)
    }
  )

  it('refuses a queued run named with something that is not an id', async () => {
    const { api } = apiFor(V5, () =>
      json(400, { error: { code: 'DEVPIPE.00011169', message: 'queued', pipeline_run_id: 'a;b' } })
    )
    expect((await api.start({ parameters: [] }, 1000)).kind).toBe('failed')
  })
})
