// A scriptable stand-in for the CodeArts Pipeline API (v3 and v5) and IAM's token endpoint on 127.0.0.1,
// for end-to-end tests and the demo. Each status request takes the next step of the script (the last step
// repeats), so a test can lay out a run's life and the faults along the way; start and stop requests have
// scripts of their own. With `auth`, it checks credentials as the gateway does, signatures included.
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { verifySignature } from './verify-signature.js'

export interface FakeStep {
  status?: number
  json?: unknown
  /** A raw body, sent instead of `json`. */
  body?: string
  headers?: Record<string, string>
  /** reset: drop the connection; hang: never answer; truncate: promise more body than is sent. */
  fault?: 'reset' | 'hang' | 'truncate'
  /** Wait this long before answering. */
  delayMs?: number
}

export type Route = 'status' | 'start' | 'stop' | 'login' | 'unknown'

export interface RecordedRequest {
  route: Route
  method: string
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: string
  atMs: number
}

/** Steps in order, or a function of the request and how many requests of its route came before it. */
export type Script = FakeStep[] | ((request: RecordedRequest, index: number) => FakeStep)

/**
 * What the server demands of a request. With none, it accepts anything. Otherwise a request passes with
 * `token`, with a token it issued at login, or signed with `keys`; else it is refused as the gateway does.
 */
export interface FakeAuth {
  token?: string
  keys?: { accessKey: string; secretKey: string; securityToken?: string }
  /** The IAM user that may log in at `POST /v3/auth/tokens` (any project), and the tokens to issue. */
  iam?: { username: string; password: string; domain: string; tokens: string[] }
  /** Each token issued at login is refused as expired (APIGW.0307) after this many API calls with it. */
  tokenUses?: number
  /** How long each login (by index) takes to answer. */
  loginDelayMs?: number[]
  /** The server's clock for signature dates; defaults to the real one. */
  nowMs?: () => number
}

export interface FakeOptions {
  tls?: { key: string; cert: string }
  auth?: FakeAuth
  /** Answers to start requests (v3 `.../start`, v5 `.../run`); by default a new run id. */
  start?: Script
  /** Answers to stop requests; by default success. */
  stop?: Script
}

export interface FakeCodeArts {
  url: string
  requests: RecordedRequest[]
  /** Requests of one route, in order. */
  calls(route: Route): RecordedRequest[]
  close(): Promise<void>
}

const ROUTES: [Route, string, RegExp][] = [
  ['status', 'GET', /^\/v3\/pipelines\/[^/]+\/status$/],
  ['status', 'GET', /^\/v5\/[^/]+\/api\/pipelines\/[^/]+\/pipeline-runs\/detail$/],
  ['start', 'POST', /^\/v3\/pipelines\/[^/]+\/start$/],
  ['start', 'POST', /^\/v5\/[^/]+\/api\/pipelines\/[^/]+\/run$/],
  ['stop', 'POST', /^\/v3\/pipelines\/[^/]+\/stop$/],
  ['stop', 'POST', /^\/v5\/[^/]+\/api\/pipelines\/[^/]+\/pipeline-runs\/[^/]+\/stop$/],
  ['login', 'POST', /^\/v3\/auth\/tokens$/]
]

function routeOf(method: string, path: string): Route {
  return ROUTES.find(([, m, pattern]) => m === method && pattern.test(path))?.[0] ?? 'unknown'
}

function defaultStep(route: Route, request: RecordedRequest): FakeStep {
  const v5 = request.path.startsWith('/v5/')
  if (route === 'start') {
    return {
      json: v5 ? { pipeline_run_id: 'r-started' } : { pipeline_id: 'pipe-1', build_id: 'b-started' }
    }
  }
  if (route === 'stop') {
    return {
      json: v5 ? { success: true } : { pipeline_id: 'pipe-1', pipeline_name: 'web-release' }
    }
  }
  return { status: 404, json: { error_code: 'DEV.404', error_msg: `no route ${request.path}` } }
}

const REFUSED = (code: string, message: string): FakeStep => ({
  status: 401,
  json: { error_code: code, error_msg: message }
})

/** The gateway's verdict on a request's credentials, or undefined when they pass. */
function refusal(
  auth: FakeAuth,
  request: RecordedRequest,
  rawUrl: string,
  uses: Map<string, number>
): FakeStep | undefined {
  const token = request.headers['x-auth-token']
  if (typeof token === 'string') {
    if (token === auth.token) return undefined
    const used = uses.get(token)
    if (used === undefined) return REFUSED('APIGW.0301', 'Incorrect IAM authentication information')
    if (auth.tokenUses !== undefined && used >= auth.tokenUses) {
      return REFUSED('APIGW.0307', 'The token must be updated.')
    }
    uses.set(token, used + 1)
    return undefined
  }
  if (!auth.keys) return REFUSED('DEV.00000001', 'No credentials recognised')
  const check = verifySignature(
    { method: request.method, rawUrl, headers: request.headers, body: request.body },
    auth.keys,
    (auth.nowMs ?? Date.now)()
  )
  return check.ok ? undefined : REFUSED(check.code, check.reason)
}

function login(auth: FakeAuth, request: RecordedRequest, uses: Map<string, number>): FakeStep {
  const wrong: FakeStep = {
    status: 401,
    json: {
      error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' }
    }
  }
  if (!auth.iam) return wrong
  let body: {
    auth?: {
      identity?: {
        password?: { user?: { name?: string; password?: string; domain?: { name?: string } } }
      }
    }
  }
  try {
    body = JSON.parse(request.body) as typeof body
  } catch {
    return { status: 400, json: { error: { code: 400, message: 'The request body is invalid.' } } }
  }
  const user = body.auth?.identity?.password?.user
  const { iam } = auth
  if (
    user?.name !== iam.username ||
    user.password !== iam.password ||
    user.domain?.name !== iam.domain
  ) {
    return wrong
  }
  const index = uses.size
  const token = iam.tokens[Math.min(index, iam.tokens.length - 1)] ?? 'no-token'
  uses.set(token, 0)
  return {
    status: 201,
    json: { token: { methods: ['password'] } },
    headers: { 'X-Subject-Token': token },
    delayMs: auth.loginDelayMs?.[index] ?? 0
  }
}

/** With `tls`, the server speaks https with that key and certificate. */
export async function startFakeCodeArts(
  script: Script,
  options: FakeOptions = {}
): Promise<FakeCodeArts> {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const counts = new Map<Route, number>()
  // Answers still delayed: cleared on close, so that a slow step cannot hold the test process.
  const timers = new Set<NodeJS.Timeout>()
  // Tokens issued at login, and how many API calls each has made.
  const uses = new Map<string, number>()

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const method = req.method ?? ''
      const route = routeOf(method, url.pathname)
      const recorded: RecordedRequest = {
        route,
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: Date.now()
      }
      requests.push(recorded)
      const index = counts.get(route) ?? 0
      counts.set(route, index + 1)
      const { auth } = options
      const refused = auth && route !== 'login' && refusal(auth, recorded, req.url ?? '/', uses)
      let step: FakeStep
      if (route === 'login') step = login(auth ?? {}, recorded, uses)
      else if (refused) step = refused
      else if (route === 'unknown') step = defaultStep(route, recorded)
      else {
        const routeScript = route === 'status' ? script : options[route]
        step =
          routeScript === undefined
            ? defaultStep(route, recorded)
            : typeof routeScript === 'function'
              ? routeScript(recorded, index)
              : (routeScript[Math.min(index, routeScript.length - 1)] ?? { status: 500 })
      }
      const timer = setTimeout(() => {
        timers.delete(timer)
        answer(res, step)
      }, step.delayMs ?? 0)
      timers.add(timer)
    })
  }
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler)
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    calls: route => requests.filter(r => r.route === route),
    close: () =>
      new Promise<void>(resolve => {
        for (const timer of timers) clearTimeout(timer)
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

function answer(res: http.ServerResponse, step: FakeStep): void {
  if (step.fault === 'hang') return
  if (step.fault === 'reset') {
    res.socket?.destroy()
    return
  }
  const body = step.body ?? (step.json === undefined ? '' : JSON.stringify(step.json))
  const headers = { 'Content-Type': 'application/json', ...step.headers }
  if (step.fault === 'truncate') {
    res.writeHead(step.status ?? 200, { ...headers, 'Content-Length': String(body.length + 100) })
    res.write(body.slice(0, Math.floor(body.length / 2)))
    setTimeout(() => res.socket?.destroy(), 20)
    return
  }
  res.writeHead(step.status ?? 200, headers)
  res.end(body)
}

export interface V3TaskSpec {
  name: string
  status: string
  outcome?: string | null
  errorMsg?: string | null
  elapsed?: string
}

export interface V3StageSpec extends V3TaskSpec {
  tasks?: V3TaskSpec[]
}

export interface V3RunSpec {
  buildId: string | null
  status: string | null
  outcome?: string | null
  name?: string
  pipelineId?: string
  stages?: V3StageSpec[]
  parameters?: { name: string; value: string }[]
  elapsed?: string
}

const START = Date.UTC(2026, 10, 26, 10, 0, 0)

/** `2026-11-26 10:03:00`, the API's zone-less format, `seconds` after the run's start. */
function clock(seconds: number): string {
  return new Date(START + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

/** A v3 status body in the documented shape; times agree with the elapsed times given. */
export function v3Status(spec: V3RunSpec): Record<string, unknown> {
  const pipelineId = spec.pipelineId ?? 'pipe-1'
  const item = (t: V3TaskSpec, i: number, type: 'stage' | 'task') => {
    const elapsed = t.elapsed ?? (t.status === 'waiting' ? '' : '60')
    return {
      id: `${type}_${i}`,
      name: t.name,
      type,
      status: t.status,
      outcome: t.outcome ?? null,
      start_time: t.status === 'waiting' ? null : clock(0),
      end_time: t.status === 'completed' ? clock(Number(elapsed) || 0) : null,
      elapsed_time: elapsed === '' ? null : elapsed,
      error_code: t.errorMsg ? 'PIPE.0001' : null,
      error_msg: t.errorMsg ?? null,
      detail_url: null
    }
  }
  const elapsed = spec.elapsed ?? '180'
  return {
    pipeline_id: pipelineId,
    pipeline_name: spec.name ?? 'web-release',
    executor: 'release-bot',
    build_id: spec.buildId,
    start_time: clock(0),
    end_time: spec.status === 'completed' ? clock(Number(elapsed) || 0) : null,
    elapsed_time: elapsed,
    status: spec.status,
    outcome: spec.outcome ?? null,
    detail_url: `https://devcloud.example.com/pipeline/detail/${pipelineId}/${spec.buildId ?? ''}`,
    parameters: spec.parameters ?? [{ name: 'branch', value: 'main' }],
    states: (spec.stages ?? []).map((s, i) => ({
      ...item(s, i, 'stage'),
      children: (s.tasks ?? []).map((t, j) => item(t, j, 'task'))
    }))
  }
}

/** A three-stage run that runs for `runningPolls` polls, then ends with `outcome`. */
export function scriptedRun(
  buildId: string,
  runningPolls: number,
  outcome: 'success' | 'error' | 'aborted'
): FakeStep[] {
  const stage = (name: string, status: string, taskOutcome?: string, errorMsg?: string) => ({
    name,
    status,
    outcome: taskOutcome ?? null,
    tasks: [
      { name: `${name} task`, status, outcome: taskOutcome ?? null, errorMsg: errorMsg ?? null }
    ]
  })
  const running: FakeStep[] = Array.from({ length: runningPolls }, (_, i) => ({
    json: v3Status({
      buildId,
      status: 'running',
      stages: [
        stage('Build', i === 0 ? 'running' : 'completed', i === 0 ? undefined : 'success'),
        stage('Test', i === 0 ? 'waiting' : 'running'),
        stage('Deploy', 'waiting')
      ]
    })
  }))
  const failed = outcome === 'error'
  const end: FakeStep = {
    json: v3Status({
      buildId,
      status: 'completed',
      outcome,
      stages: [
        stage('Build', 'completed', 'success'),
        failed
          ? stage('Test', 'completed', 'error', 'unit tests failed: 3 of 120')
          : stage('Test', 'completed', outcome === 'aborted' ? 'aborted' : 'success'),
        outcome === 'success' ? stage('Deploy', 'completed', 'success') : stage('Deploy', 'waiting')
      ]
    })
  }
  return [...running, end]
}

export interface V5JobSpec {
  name: string
  status: string
  message?: string | null
}

export interface V5StageSpec {
  name: string
  status: string
  jobs?: V5JobSpec[]
}

export interface V5RunSpec {
  runId: string | null
  status: string | null
  name?: string
  pipelineId?: string
  stages?: V5StageSpec[]
  /** Run time in seconds, for the end time of a finished run. */
  elapsed?: number
}

const FINISHED_V5 = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'IGNORED'])

/** A v5 run-detail body in the documented shape; times are epoch ms, 0 while not ended. */
export function v5Detail(spec: V5RunSpec): Record<string, unknown> {
  const pipelineId = spec.pipelineId ?? 'pipe-1'
  const ended = (status: string | null) => status !== null && FINISHED_V5.has(status)
  const elapsedMs = (spec.elapsed ?? 180) * 1000
  return {
    id: spec.runId,
    pipeline_id: pipelineId,
    name: spec.name ?? 'web-release',
    status: spec.status,
    trigger_type: 'Manual',
    run_number: 7,
    executor_id: 'u-1',
    executor_name: 'release-bot',
    start_time: START,
    end_time: ended(spec.status) ? START + elapsedMs : 0,
    pause_time: 0,
    detail_url: `https://devcloud.example.com/cicd/project/p/pipeline/detail/${pipelineId}/${spec.runId ?? ''}`,
    current_system_time: START + elapsedMs,
    stages: (spec.stages ?? []).map((stage, i) => ({
      id: `s${i}`,
      name: stage.name,
      identifier: `stage_${i}`,
      sequence: i,
      status: stage.status,
      start_time: START,
      end_time: ended(stage.status) ? START + 60_000 : 0,
      pre: [],
      post: [],
      jobs: (stage.jobs ?? []).map((job, j) => ({
        id: `s${i}j${j}`,
        name: job.name,
        identifier: `job_${i}_${j}`,
        sequence: j,
        status: job.status,
        message: job.message ?? null,
        start_time: START,
        end_time: ended(job.status) ? START + 60_000 : 0,
        steps: []
      }))
    }))
  }
}

/** A two-stage v5 run that runs for `runningPolls` polls, then ends with `status`. */
export function scriptedV5Run(
  runId: string,
  runningPolls: number,
  status: 'COMPLETED' | 'FAILED' | 'CANCELED'
): FakeStep[] {
  const running: FakeStep[] = Array.from({ length: runningPolls }, () => ({
    json: v5Detail({
      runId,
      status: 'RUNNING',
      stages: [
        { name: 'Build', status: 'COMPLETED', jobs: [{ name: 'Compile', status: 'COMPLETED' }] },
        { name: 'Deploy', status: 'RUNNING', jobs: [{ name: 'Deploy to CCE', status: 'RUNNING' }] }
      ]
    })
  }))
  const failed = status === 'FAILED'
  const end: FakeStep = {
    json: v5Detail({
      runId,
      status,
      stages: [
        { name: 'Build', status: 'COMPLETED', jobs: [{ name: 'Compile', status: 'COMPLETED' }] },
        {
          name: 'Deploy',
          status,
          jobs: [
            {
              name: 'Deploy to CCE',
              status,
              message: failed ? 'rollout timed out: 0 of 3 pods ready' : null
            }
          ]
        }
      ]
    })
  }
  return [...running, end]
}
