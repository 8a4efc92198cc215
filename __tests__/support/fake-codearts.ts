// A scriptable stand-in for the CodeArts Pipeline API on 127.0.0.1, for end-to-end tests and the demo.
// Each status request takes the next step of the script (the last step repeats), so a test can lay out a
// run's life and the faults along the way.
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

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

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: string
  atMs: number
}

/** Steps in order, or a function of the request and how many status requests came before it. */
export type Script = FakeStep[] | ((request: RecordedRequest, index: number) => FakeStep)

export interface FakeCodeArts {
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

/** With `tls`, the server speaks https with that key and certificate. */
export async function startFakeCodeArts(
  script: Script,
  tls?: { key: string; cert: string }
): Promise<FakeCodeArts> {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let statusCalls = 0

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: Date.now()
      }
      requests.push(recorded)
      if (!/^\/v3\/pipelines\/[^/]+\/status$/.test(url.pathname)) {
        res.writeHead(404, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error_code: 'DEV.404', error_msg: `no route ${url.pathname}` }))
        return
      }
      const index = statusCalls++
      const step =
        typeof script === 'function'
          ? script(recorded, index)
          : (script[Math.min(index, script.length - 1)] ?? { status: 500 })
      setTimeout(() => answer(res, step), step.delayMs ?? 0)
    })
  }
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler)
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
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
