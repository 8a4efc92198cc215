// A scriptable stand-in for the CodeArts Pipeline API (v3 and v5) and IAM's token endpoint on 127.0.0.1,
// for end-to-end tests and the demo. Each status request takes the next step of the script (the last step
// repeats), so a test can lay out a run's life and the faults along the way; start, stop, definition, list
// and log requests have scripts of their own. With `auth`, it checks credentials as the gateway does,
// signatures included. Like the gateway, it refuses a POST whose body is not declared JSON (415), unless
// `lenientContentType`; with `projectId`, it refuses v5 calls naming another CodeArts project (403).
//
// The v5 builders below serve the shapes the official SDK declares (huaweicloud-sdk-go-v3,
// services/codeartspipeline/v2/model/): field names, nesting and JSON types, not what is convenient.
import { createHash } from 'node:crypto'
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

export type Route =
  'status' | 'start' | 'stop' | 'login' | 'definition' | 'list' | 'logs' | 'unknown'

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
  /** Answers to `GET /v5/{project_id}/api/pipelines/{pipeline_id}`; by default one code source. */
  definition?: Script
  /** Answers to `POST .../pipeline-runs/list`; by default an empty list. See `listScript`. */
  list?: Script
  /** Answers to `POST .../steps/{step_run_id}/logs`; by default 404. See `logScript`. */
  logs?: Script
  /**
   * The CodeArts project the caller may use. A v5 request naming another project in its path is
   * refused with 403 `{"error_code":"DEV.403","error_msg":...}`: the API reference documents 403 with
   * the `{error_code, error_msg}` body for these calls, and a project the caller is no member of is a
   * permission matter (the pipeline itself is not looked up), hence 403 rather than 404.
   */
  projectId?: string
  /**
   * Accept a POST to the API whatever its Content-Type. By default, like the gateway, a POST (v3 or v5,
   * body or not; IAM login excepted) must declare `application/json` (parameters such as
   * `;charset=UTF-8` allowed, any case), else it is refused with 415.
   */
  lenientContentType?: boolean
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
  ['definition', 'GET', /^\/v5\/[^/]+\/api\/pipelines\/[^/]+$/],
  ['list', 'POST', /^\/v5\/[^/]+\/api\/pipelines\/[^/]+\/pipeline-runs\/list$/],
  [
    'logs',
    'POST',
    /^\/v5\/[^/]+\/api\/pipelines\/[^/]+\/pipeline-runs\/[^/]+\/jobs\/[^/]+\/steps\/[^/]+\/logs$/
  ],
  ['login', 'POST', /^\/v3\/auth\/tokens$/]
]

/** The named segments of a v5 path: `/v5/{project}/api/pipelines/{pipeline}/...`. */
function v5Ids(path: string): { projectId?: string; pipelineId?: string } {
  const match = /^\/v5\/([^/]+)\/api\/pipelines\/([^/]+)/.exec(path)
  if (match) return { projectId: match[1], pipelineId: match[2] }
  const project = /^\/v5\/([^/]+)\//.exec(path)
  return project ? { projectId: project[1] } : {}
}

/** The ids in a log path: `.../pipeline-runs/{run}/jobs/{job}/steps/{step}/logs`. */
function logIds(path: string): { runId?: string; jobRunId?: string; stepRunId?: string } {
  const match = /\/pipeline-runs\/([^/]+)\/jobs\/([^/]+)\/steps\/([^/]+)\/logs$/.exec(path)
  return match ? { runId: match[1], jobRunId: match[2], stepRunId: match[3] } : {}
}

/** A request body as a JSON object, or undefined when it is none. */
function jsonBody(request: RecordedRequest): Record<string, unknown> | undefined {
  if (request.body.trim() === '') return {}
  try {
    const parsed: unknown = JSON.parse(request.body)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

const badRequest = (message: string): FakeStep => ({
  status: 400,
  json: { error_code: 'DEV.400', error_msg: message }
})

/** True when a Content-Type header declares JSON: `application/json`, parameters allowed, any case. */
function declaresJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json'
}

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
  if (route === 'definition') {
    const { projectId, pipelineId } = v5Ids(request.path)
    return { json: v5Definition({ id: pipelineId, projectId }) }
  }
  if (route === 'list') {
    const body = jsonBody(request)
    if (!body) return badRequest('The request body is invalid.')
    const offset = typeof body.offset === 'number' ? body.offset : 0
    const limit = typeof body.limit === 'number' ? body.limit : DEFAULT_LIST_LIMIT
    return { json: v5RunsList([], { offset, limit, total: 0 }) }
  }
  if (route === 'logs') {
    return {
      status: 404,
      json: {
        error_code: 'DEV.404',
        error_msg: `no log for step ${logIds(request.path).stepRunId}`
      }
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
      // In the order the real service would answer: the gateway's credential check, then its media
      // type check, then the backend's project check, then the call itself.
      const refused =
        route === 'login'
          ? undefined
          : ((auth && refusal(auth, recorded, req.url ?? '/', uses)) ??
            mediaRefusal(options, recorded) ??
            projectRefusal(options, recorded))
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

/** The gateway's 415 for a POST whose Content-Type is not JSON, unless the test asked for leniency. */
function mediaRefusal(options: FakeOptions, request: RecordedRequest): FakeStep | undefined {
  if (options.lenientContentType || request.method !== 'POST') return undefined
  if (declaresJson(request.headers['content-type'])) return undefined
  return { status: 415, json: { error_code: 'DEV.415', error_msg: 'Unsupported Media Type' } }
}

/** The 403 for a v5 call naming a project other than `options.projectId` (see FakeOptions). */
function projectRefusal(options: FakeOptions, request: RecordedRequest): FakeStep | undefined {
  if (options.projectId === undefined || !request.path.startsWith('/v5/')) return undefined
  const { projectId } = v5Ids(request.path)
  if (projectId === options.projectId) return undefined
  return {
    status: 403,
    json: {
      error_code: 'DEV.403',
      error_msg: `No permission to access project ${projectId ?? ''}`
    }
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

/** A step of a job, or a stage's gate (`pre`/`post`), as the run detail reports it. */
export interface V5StepSpec {
  name: string
  status: string
  message?: string | null
  /** The plug-in that runs it; by default the cloud build for a job's step, a trigger for a gate. */
  task?: string
}

export interface V5JobSpec {
  name: string
  status: string
  message?: string | null
  /** Ids are stable: step k of job j of stage i is `s{i}j{j}st{k}`. */
  steps?: V5StepSpec[]
}

export interface V5StageSpec {
  name: string
  status: string
  jobs?: V5JobSpec[]
  /** The stage's entry gates; step k has id `s{i}pre{k}`. */
  pre?: V5StepSpec[]
  /** The stage's exit gates; step k has id `s{i}post{k}`. */
  post?: V5StepSpec[]
}

/** A code source a run built, with what it built: a branch's head or a tag. */
export interface V5RunSourceSpec {
  gitUrl: string
  webUrl?: string
  gitType?: V5GitType
  buildType: 'branch' | 'tag'
  /** The branch built (`target_branch`); by default `defaultBranch`, else `main`. Branch builds only. */
  branch?: string
  /** The tag built. Tag builds only. */
  tag?: string
  /** 40 hex; null when not given. */
  commitId?: string
  /** By default `Manual`. */
  eventType?: string
  message?: string
  mergeId?: string
  sourceBranch?: string
  defaultBranch?: string
  alias?: string
  codehubId?: string
  endpointId?: string
}

/** A run's artifact, camelCase as the run detail (PackageInfo) has it. */
export interface V5ArtifactSpec {
  name: string
  packageType?: string
  version?: string
  downloadUrl?: string
}

export interface V5RunSpec {
  runId: string | null
  status: string | null
  name?: string
  pipelineId?: string
  stages?: V5StageSpec[]
  /** Run time in seconds, for the end time of a finished run. */
  elapsed?: number
  /** By default 7. */
  runNumber?: number
  /** The code sources the run built; absent from the answer unless given. */
  sources?: V5RunSourceSpec[]
  /** Absent from the answer unless given. */
  artifacts?: V5ArtifactSpec[]
}

/** StepRun (model_step_run.go): a job's step, or a stage gate. */
export interface V5StepRun {
  id: string
  name: string
  task: string
  business_type: string
  sequence: number
  identifier: string
  status: string
  message: string | null
  start_time: number
  end_time: number
  endpoint_ids: string[]
  last_dispatch_id: string
}

/** JobRun (model_job_run.go). `id` is the `job_run_id` of the log path; `exec_id` is not. */
export interface V5JobRun {
  id: string
  name: string
  identifier: string
  sequence: number
  async: boolean
  is_select: boolean
  status: string
  message: string | null
  start_time: number
  end_time: number
  steps: V5StepRun[]
  exec_id: string
}

/** StageRun (model_stage_run.go). */
export interface V5StageRun {
  id: string
  name: string
  identifier: string
  sequence: number
  status: string
  start_time: number
  end_time: number
  pre: V5StepRun[]
  post: V5StepRun[]
  jobs: V5JobRun[]
}

/** RunPipelineSourceParamsBuildParams (model_run_pipeline_source_params_build_params.go). */
export interface V5RunBuildParams {
  action: string | null
  build_type: 'branch' | 'tag'
  commit_id: string | null
  event_type: string
  merge_id: string | null
  message: string | null
  source_branch: string | null
  tag: string | null
  target_branch: string | null
  codehub_id: string | null
  source_codehub_id: string | null
  source_codehub_url: string | null
  source_codehub_http_url: string | null
}

/** RunPipelineSource and RunPipelineSourceParams (model_run_pipeline_source[_params].go). */
export interface V5RunSource {
  type: 'code'
  params: V5SourceParams & { build_params: V5RunBuildParams }
}

/** PackageInfo (model_package_info.go): camelCase, unlike everything around it. */
export interface V5Artifact {
  name: string
  packageType: string | null
  version: string | null
  downloadUrl: string | null
}

/** ShowPipelineRunDetailResponse (model_show_pipeline_run_detail_response.go). */
export interface V5RunDetail {
  id: string | null
  pipeline_id: string
  name: string
  status: string | null
  trigger_type: string
  run_number: number
  executor_id: string
  executor_name: string
  start_time: number
  end_time: number
  pause_time: number
  detail_url: string
  current_system_time: number
  stages: V5StageRun[]
  sources?: V5RunSource[]
  artifacts?: V5Artifact[]
}

const FINISHED_V5 = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'IGNORED'])
const endedV5 = (status: string | null) => status !== null && FINISHED_V5.has(status)

function stepRun(step: V5StepSpec, id: string, k: number, defaultTask: string): V5StepRun {
  return {
    id,
    name: step.name,
    task: step.task ?? defaultTask,
    business_type: 'Normal',
    sequence: k,
    identifier: `step_${id}`,
    status: step.status,
    message: step.message ?? null,
    start_time: START,
    end_time: endedV5(step.status) ? START + 30_000 : 0,
    endpoint_ids: [],
    last_dispatch_id: `d-${id}`
  }
}

/** One code source of a run detail, with its build parameters. */
export function v5RunSource(spec: V5RunSourceSpec): V5RunSource {
  const tag = spec.buildType === 'tag'
  const params = sourceParams(spec)
  return {
    type: 'code',
    params: {
      ...params,
      build_params: {
        action: null,
        build_type: spec.buildType,
        commit_id: spec.commitId ?? null,
        event_type: spec.eventType ?? 'Manual',
        merge_id: spec.mergeId ?? null,
        message: spec.message ?? null,
        source_branch: spec.sourceBranch ?? null,
        tag: tag ? (spec.tag ?? null) : null,
        target_branch: tag ? null : (spec.branch ?? spec.defaultBranch ?? 'main'),
        codehub_id: params.codehub_id,
        source_codehub_id: null,
        source_codehub_url: null,
        source_codehub_http_url: null
      }
    }
  }
}

/** A v5 run-detail body in the documented shape; times are epoch ms, 0 while not ended. */
export function v5Detail(spec: V5RunSpec): V5RunDetail {
  const pipelineId = spec.pipelineId ?? 'pipe-1'
  const elapsedMs = (spec.elapsed ?? 180) * 1000
  const detail: V5RunDetail = {
    id: spec.runId,
    pipeline_id: pipelineId,
    name: spec.name ?? 'web-release',
    status: spec.status,
    trigger_type: 'Manual',
    run_number: spec.runNumber ?? 7,
    executor_id: 'u-1',
    executor_name: 'release-bot',
    start_time: START,
    end_time: endedV5(spec.status) ? START + elapsedMs : 0,
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
      end_time: endedV5(stage.status) ? START + 60_000 : 0,
      pre: (stage.pre ?? []).map((gate, k) =>
        stepRun(gate, `s${i}pre${k}`, k, 'official_devcloud_autoTrigger')
      ),
      post: (stage.post ?? []).map((gate, k) =>
        stepRun(gate, `s${i}post${k}`, k, 'official_devcloud_checkpoint')
      ),
      jobs: (stage.jobs ?? []).map((job, j) => ({
        id: `s${i}j${j}`,
        name: job.name,
        identifier: `job_${i}_${j}`,
        sequence: j,
        async: false,
        is_select: true,
        status: job.status,
        message: job.message ?? null,
        start_time: START,
        end_time: endedV5(job.status) ? START + 60_000 : 0,
        steps: (job.steps ?? []).map((step, k) =>
          stepRun(step, `s${i}j${j}st${k}`, k, 'official_devcloud_cloudBuild')
        ),
        exec_id: `exec-s${i}j${j}`
      }))
    }))
  }
  if (spec.sources) detail.sources = spec.sources.map(v5RunSource)
  if (spec.artifacts) {
    detail.artifacts = spec.artifacts.map(a => ({
      name: a.name,
      packageType: a.packageType ?? null,
      version: a.version ?? null,
      downloadUrl: a.downloadUrl ?? null
    }))
  }
  return detail
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

// ---- The pipeline's definition: ShowPipelineDetailResponse, PipelineSource, PipelineSourceParam,
// ---- PipelineVariable (model_show_pipeline_detail_response.go, model_pipeline_source[_param].go,
// ---- model_pipeline_variable.go).

export type V5GitType = 'codehub' | 'gitee' | 'github' | 'gitcode' | 'gitlab'

/** A code source of a pipeline. Unset ids are derived from `gitUrl`, stably. */
export interface V5SourceSpec {
  gitUrl: string
  gitType?: V5GitType
  webUrl?: string
  sshGitUrl?: string
  repoName?: string
  /** By default `main`. */
  defaultBranch?: string
  alias?: string
  /** By default a number derived from the URL for codehub, else null. */
  codehubId?: string
  /** By default null for codehub, else 32 hex derived from the URL. */
  endpointId?: string
}

export interface V5VariableSpec {
  name: string
  value?: string
  /** By default true: settable at run time. */
  isRuntime?: boolean
  isSecret?: boolean
  /** By default `string`. */
  type?: string
  description?: string
  limits?: string[]
}

export interface V5DefinitionSpec {
  /** The pipeline id; by default `pipe-1`. */
  id?: string
  name?: string
  projectId?: string
  /** By default one codehub source, `https://codehub.example.com/team/web-release.git` on `main`. */
  sources?: V5SourceSpec[]
  variables?: V5VariableSpec[]
}

/** PipelineSourceParam's code fields (also RunPipelineSourceParams' without build_params). */
export interface V5SourceParams {
  git_type: V5GitType
  git_url: string
  ssh_git_url: string
  web_url: string
  repo_name: string
  default_branch: string
  endpoint_id: string | null
  codehub_id: string | null
  alias: string | null
}

export interface V5PipelineSource {
  type: 'code'
  params: V5SourceParams
}

export interface V5PipelineVariable {
  name: string
  sequence: number
  type: string
  value: string
  is_secret: boolean
  description: string
  is_runtime: boolean
  limits: string[]
  is_reset: boolean
  latest_value: string
}

export interface V5PipelineDefinition {
  id: string
  name: string
  description: string
  manifest_version: string
  region: string
  domain_id: string
  project_id: string
  component_id: string
  is_publish: boolean
  creator_id: string
  creator_name: string
  updater_id: string
  create_time: number
  update_time: number
  is_collect: boolean
  sources: V5PipelineSource[]
  variables: V5PipelineVariable[]
  schedules: unknown[]
  triggers: unknown[]
  group_id: string | null
  /** The stages as a JSON string. */
  definition: string
  security_level: number
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/** The code fields of a source, the unset ones derived from the URL as CodeArts would fill them. */
function sourceParams(spec: {
  gitUrl: string
  gitType?: V5GitType
  webUrl?: string
  sshGitUrl?: string
  repoName?: string
  defaultBranch?: string
  alias?: string
  codehubId?: string
  endpointId?: string
}): V5SourceParams {
  const gitType = spec.gitType ?? 'codehub'
  let host = 'codehub.example.com'
  let repoPath = spec.gitUrl
  try {
    const url = new URL(spec.gitUrl)
    host = url.host
    repoPath = url.pathname.replace(/^\//, '')
  } catch {
    // Not a URL: keep it whole as the path.
  }
  const bare = repoPath.replace(/\.git$/, '')
  const hash = md5(spec.gitUrl)
  return {
    git_type: gitType,
    git_url: spec.gitUrl,
    ssh_git_url: spec.sshGitUrl ?? `git@${host}:${bare}.git`,
    web_url: spec.webUrl ?? `https://${host}/${bare}`,
    repo_name: spec.repoName ?? bare.split('/').pop() ?? bare,
    default_branch: spec.defaultBranch ?? 'main',
    endpoint_id: spec.endpointId ?? (gitType === 'codehub' ? null : hash),
    codehub_id:
      spec.codehubId ?? (gitType === 'codehub' ? String(parseInt(hash.slice(0, 6), 16)) : null),
    alias: spec.alias ?? null
  }
}

const DEFAULT_SOURCE: V5SourceSpec = {
  gitUrl: 'https://codehub.example.com/team/web-release.git',
  defaultBranch: 'main'
}

/** A pipeline definition (`GET /v5/{project_id}/api/pipelines/{pipeline_id}`) in the SDK's shape. */
export function v5Definition(spec: V5DefinitionSpec = {}): V5PipelineDefinition {
  const id = spec.id ?? 'pipe-1'
  return {
    id,
    name: spec.name ?? 'web-release',
    description: '',
    manifest_version: '3.0',
    region: 'cn-north-4',
    domain_id: md5('domain'),
    project_id: spec.projectId ?? md5('project'),
    component_id: '',
    is_publish: false,
    creator_id: 'u-1',
    creator_name: 'release-bot',
    updater_id: 'u-1',
    create_time: START - 86_400_000,
    update_time: START - 3_600_000,
    is_collect: false,
    sources: (spec.sources ?? [DEFAULT_SOURCE]).map(source => ({
      type: 'code',
      params: sourceParams(source)
    })),
    variables: (spec.variables ?? []).map((v, i) => ({
      name: v.name,
      sequence: i + 1,
      type: v.type ?? 'string',
      value: v.value ?? '',
      is_secret: v.isSecret ?? false,
      description: v.description ?? '',
      is_runtime: v.isRuntime ?? true,
      limits: v.limits ?? [],
      is_reset: false,
      latest_value: ''
    })),
    schedules: [],
    triggers: [],
    group_id: null,
    definition: JSON.stringify({ stages: [] }),
    security_level: 0
  }
}

// ---- The runs list: ListPipelineRunsQuery (request), ListPipelineRunsResponse,
// ---- ListPipelineRunsPagePipelineRuns, ListPipelineRunsPageBuildParams,
// ---- ListPipelineRunsPageStageStatusList (model_list_pipeline_runs_*.go).

/** One run as the list reports it. Unset times and numbers follow its place in the list. */
export interface V5ListedRunSpec {
  runId: string
  status: string
  pipelineId?: string
  /** By default counted down from the newest: `total - position`. */
  runNumber?: number
  /** By default `Manual`. */
  triggerType?: string
  /** build_params: by default a branch build of `main` at no known commit. */
  commitId?: string
  buildType?: 'branch' | 'tag'
  branch?: string
  sourceBranch?: string
  tag?: string
  /** By default the trigger type. */
  eventType?: string
  mergeId?: string
  message?: string
  gitUrl?: string
  codehubId?: string
  /** Epoch ms; by default ten minutes apart, newest first, the newest at the fake's clock. */
  startTime?: number
  /** Epoch ms; by default three minutes after the start once finished, else 0. */
  endTime?: number
  stages?: { name: string; status: string }[]
  executorName?: string
}

export interface V5ListPage {
  offset: number
  limit: number
  total: number
}

export interface V5ListedBuildParams {
  action: string | null
  build_type: 'branch' | 'tag'
  commit_id: string | null
  event_type: string
  merge_id: string | null
  message: string | null
  source_branch: string | null
  tag: string | null
  target_branch: string | null
  codehub_id: string | null
  git_url: string | null
  source_codehub_id: string | null
  source_codehub_url: string | null
  source_codehub_http_url: string | null
}

/** ListPipelineRunsPageStageStatusList: its times are strings, unlike the run's. */
export interface V5StageStatus {
  id: string
  name: string
  sequence: number
  status: string
  start_time: string
  end_time: string
}

export interface V5ListedRun {
  pipeline_id: string
  pipeline_run_id: string
  executor_id: string
  executor_name: string
  stage_status_list: V5StageStatus[]
  status: string
  run_number: number
  trigger_type: string
  build_params: V5ListedBuildParams
  artifact_params: null
  start_time: number
  end_time: number
  detail_url: string
  modify_url: string
}

export interface V5RunsList {
  offset: number
  limit: number
  total: number
  pipeline_runs: V5ListedRun[]
}

/** One listed run; `position` is its place in the whole list (0 = newest), `total` the list's size. */
export function v5ListedRun(spec: V5ListedRunSpec, position = 0, total = 1): V5ListedRun {
  const pipelineId = spec.pipelineId ?? 'pipe-1'
  const start = spec.startTime ?? START - position * 600_000
  const ended = FINISHED_V5.has(spec.status)
  const tag = spec.buildType === 'tag'
  const trigger = spec.triggerType ?? 'Manual'
  return {
    pipeline_id: pipelineId,
    pipeline_run_id: spec.runId,
    executor_id: 'u-1',
    executor_name: spec.executorName ?? 'release-bot',
    stage_status_list: (spec.stages ?? []).map((stage, i) => ({
      id: `s${i}`,
      name: stage.name,
      sequence: i,
      status: stage.status,
      start_time: String(start),
      end_time: FINISHED_V5.has(stage.status) ? String(start + 60_000) : ''
    })),
    status: spec.status,
    run_number: spec.runNumber ?? Math.max(1, total - position),
    trigger_type: trigger,
    build_params: {
      action: null,
      build_type: spec.buildType ?? 'branch',
      commit_id: spec.commitId ?? null,
      event_type: spec.eventType ?? trigger,
      merge_id: spec.mergeId ?? null,
      message: spec.message ?? null,
      source_branch: spec.sourceBranch ?? null,
      tag: tag ? (spec.tag ?? null) : null,
      target_branch: tag ? null : (spec.branch ?? 'main'),
      codehub_id: spec.codehubId ?? null,
      git_url: spec.gitUrl ?? DEFAULT_SOURCE.gitUrl,
      source_codehub_id: null,
      source_codehub_url: null,
      source_codehub_http_url: null
    },
    artifact_params: null,
    start_time: start,
    end_time: spec.endTime ?? (ended ? start + 180_000 : 0),
    detail_url: `https://devcloud.example.com/cicd/project/p/pipeline/detail/${pipelineId}/${spec.runId}`,
    modify_url: `https://devcloud.example.com/cicd/project/p/pipeline/modify/${pipelineId}`
  }
}

/** A list answer holding `runs`, the page at `offset` of a list of `total` (newest first). */
export function v5RunsList(runs: V5ListedRunSpec[], page: V5ListPage): V5RunsList {
  return {
    offset: page.offset,
    limit: page.limit,
    total: page.total,
    pipeline_runs: runs.map((run, i) => v5ListedRun(run, page.offset + i, page.total))
  }
}

/** The page size when a list request names none. */
const DEFAULT_LIST_LIMIT = 10

/**
 * A list script from what the list holds at each poll: `runsByPoll[n]` is the whole list (newest
 * first) at poll n, or a FakeStep to answer that poll with instead (a fault, an error). A poll begins
 * with each request at offset 0 (or none), so the pages a client reads in one poll come from one list;
 * the last poll repeats. Each request gets its page: `offset`/`limit` from the body (limit 10 when
 * absent), `sort_dir: "asc"` reversing the order and `status` filtering as the API does, with the
 * matching `total`. Refused requests (auth, 415, project) never reach it. One script per fake.
 */
export function listScript(runsByPoll: (V5ListedRunSpec[] | FakeStep)[]): Script {
  let poll = -1
  return request => {
    const body = jsonBody(request)
    if (!body) return badRequest('The request body is invalid.')
    const offset = typeof body.offset === 'number' ? body.offset : 0
    const limit = typeof body.limit === 'number' ? body.limit : DEFAULT_LIST_LIMIT
    if (offset < 0 || limit < 0 || !Number.isInteger(offset) || !Number.isInteger(limit)) {
      return badRequest('offset and limit must be integers of at least 0')
    }
    if (offset === 0 || poll < 0) poll++
    const now = runsByPoll[Math.min(poll, runsByPoll.length - 1)] ?? []
    if (!Array.isArray(now)) return now
    const { pipelineId } = v5Ids(request.path)
    // Numbers and default times follow each run's place in the whole list, before any filter.
    let listed = now.map((run, i) => v5ListedRun({ pipelineId, ...run }, i, now.length))
    const wanted = Array.isArray(body.status) ? (body.status as unknown[]) : []
    if (wanted.length > 0) listed = listed.filter(run => wanted.includes(run.status))
    if (body.sort_dir === 'asc') listed = [...listed].reverse()
    return {
      json: {
        offset,
        limit,
        total: listed.length,
        pipeline_runs: listed.slice(offset, offset + limit)
      } satisfies V5RunsList
    }
  }
}

// ---- A step's log: LogQuery (request), ShowPipelineLogResponse (model_log_query.go,
// ---- model_show_pipeline_log_response.go).

/** ShowPipelineLogResponse: the offsets are strings. */
export interface V5StepLog {
  log: string
  has_more: boolean
  start_offset: string
  end_offset: string
  step_run_id: string
}

/** A log answer: `lines` joined by newlines, the offsets as strings. */
export function v5StepLog(spec: {
  lines: string[]
  hasMore: boolean
  startOffset: number
  endOffset: number
  stepRunId?: string
}): V5StepLog {
  return {
    log: spec.lines.join('\n'),
    has_more: spec.hasMore,
    start_offset: String(spec.startOffset),
    end_offset: String(spec.endOffset),
    step_run_id: spec.stepRunId ?? ''
  }
}

/**
 * A log script serving `lines` (for every step, or per step run id: a step not in the map gets 404)
 * with real paging. Offsets count lines: a page holds lines [start_offset, end_offset). The request
 * body is `{limit (required, > 0), sort: "asc" | "desc" (required), start_offset?, end_offset?}`, and
 * an `end_offset` of 0 or none means "to the end" (both 0 is the whole log, as LogQuery says).
 * `asc` gives the first `limit` lines from `start_offset`, `has_more` when lines follow: page on
 * with `start_offset` = the answer's `end_offset`. `desc` gives the last `limit` lines before
 * `end_offset` (the tail), `has_more` when lines precede: page back with `end_offset` = the answer's
 * `start_offset`. Either way the page's lines come in reading order.
 */
export function logScript(lines: string[] | Record<string, string[]>): Script {
  return request => {
    const { stepRunId = '' } = logIds(request.path)
    const all = Array.isArray(lines) ? lines : lines[stepRunId]
    if (!all) {
      return {
        status: 404,
        json: { error_code: 'DEV.404', error_msg: `no log for step ${stepRunId}` }
      }
    }
    const body = jsonBody(request)
    if (!body) return badRequest('The request body is invalid.')
    const { limit, sort } = body
    const startOffset = body.start_offset ?? 0
    const endOffset = body.end_offset ?? 0
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit <= 0) {
      return badRequest('limit is required: a positive integer')
    }
    if (sort !== 'asc' && sort !== 'desc') return badRequest('sort is required: asc or desc')
    if (
      typeof startOffset !== 'number' ||
      typeof endOffset !== 'number' ||
      !Number.isInteger(startOffset) ||
      !Number.isInteger(endOffset) ||
      startOffset < 0 ||
      endOffset < 0
    ) {
      return badRequest('start_offset and end_offset must be integers of at least 0')
    }
    const low = Math.min(startOffset, all.length)
    const high = endOffset === 0 ? all.length : Math.min(endOffset, all.length)
    let from: number
    let to: number
    let hasMore: boolean
    if (sort === 'asc') {
      from = low
      to = Math.max(from, Math.min(high, from + limit))
      hasMore = to < all.length
    } else {
      to = Math.max(low, high)
      from = Math.max(low, to - limit)
      hasMore = from > 0
    }
    return {
      json: v5StepLog({
        lines: all.slice(from, to),
        hasMore,
        startOffset: from,
        endOffset: to,
        stepRunId
      })
    }
  }
}
