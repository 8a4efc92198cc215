// Stand-ins for what the flows (src/flows) are given: a StepIO that records every call, a scripted
// PipelineApi, settings built directly, and runs built directly in the internal shape (model.ts), so the
// flows are tested in-process without the runner, a server or an API generation's parser.
import type { Answer } from '../../src/codearts/answer.js'
import type {
  PipelineApi,
  StartRequest,
  StartResult,
  StopResult
} from '../../src/codearts/pipeline-api.js'
import type { FlowContext } from '../../src/flows/context.js'
import type { Settings } from '../../src/input-helper.js'
import type { Run, Stage, Task } from '../../src/model.js'
import type { AnnotationProperties, StepIO } from '../../src/step-io.js'
import { workflowOf } from '../../src/workflow.js'

// --- the step's I/O ------------------------------------------------------------------------------

export type LogKind = 'info' | 'debug'
export type AnnotationKind = 'notice' | 'warning' | 'error'

export type StepCall =
  | { kind: LogKind; message: string }
  | { kind: AnnotationKind; message: string; properties: AnnotationProperties | undefined }
  | { kind: 'group'; title: string; lines: string[] }
  | { kind: 'setOutput'; name: string; value: string }
  | { kind: 'appendSummary'; html: string }

export interface FakeStepOptions {
  /** setOutput throws this (after recording the call). */
  setOutputError?: Error
  /** appendSummary rejects with this (after recording the call). */
  summaryError?: Error
}

export interface FakeStep {
  /** Every method works unbound, as the flows pass `io.info` and the like around on their own. */
  io: StepIO
  /** Every call, in order. */
  calls: StepCall[]
  /** Messages of info or debug lines, in order. */
  lines(kind: LogKind): string[]
  /** Annotations of one kind, in order. */
  annotations(
    kind: AnnotationKind
  ): { message: string; properties: AnnotationProperties | undefined }[]
  /** The outputs set, the last value of each name. */
  outputs(): Record<string, string>
  /** Every setOutput call, in order. */
  outputCalls(): { name: string; value: string }[]
  /** The HTML of every appendSummary call, in order. */
  summaries(): string[]
}

export function fakeStep(options: FakeStepOptions = {}): FakeStep {
  const calls: StepCall[] = []
  const io: StepIO = {
    info: message => void calls.push({ kind: 'info', message }),
    debug: message => void calls.push({ kind: 'debug', message }),
    notice: (message, properties) => void calls.push({ kind: 'notice', message, properties }),
    warning: (message, properties) => void calls.push({ kind: 'warning', message, properties }),
    error: (message, properties) => void calls.push({ kind: 'error', message, properties }),
    group: (title, lines) => void calls.push({ kind: 'group', title, lines: [...lines] }),
    serverText: (title, lines) => void calls.push({ kind: 'group', title, lines: [...lines] }),
    setOutput: (name, value) => {
      calls.push({ kind: 'setOutput', name, value })
      if (options.setOutputError) throw options.setOutputError
    },
    appendSummary: async html => {
      calls.push({ kind: 'appendSummary', html })
      if (options.summaryError) throw options.summaryError
    }
  }
  const outputCalls = () =>
    calls.flatMap(c => (c.kind === 'setOutput' ? [{ name: c.name, value: c.value }] : []))
  return {
    io,
    calls,
    lines: kind => calls.flatMap(c => (c.kind === kind ? [c.message] : [])),
    annotations: kind =>
      calls.flatMap(c =>
        c.kind === kind && 'properties' in c
          ? [{ message: c.message, properties: c.properties }]
          : []
      ),
    outputs: () => Object.fromEntries(outputCalls().map(({ name, value }) => [name, value])),
    outputCalls,
    summaries: () => calls.flatMap(c => (c.kind === 'appendSummary' ? [c.html] : []))
  }
}

// --- the pipeline's API --------------------------------------------------------------------------

/** An answer as is, or made by a function of how many calls came before (which may never settle). */
export type Scripted<T> = T | ((index: number) => T | Promise<T>)

export interface FakeApiScript {
  /** Status answers, one per request; the last repeats. */
  status?: Scripted<Answer>[]
  start?: Scripted<StartResult>
  stop?: Scripted<StopResult>
}

export interface FakeApi {
  api: PipelineApi
  statusCalls: { runId: string | undefined; timeoutMs: number }[]
  startCalls: { request: StartRequest; timeoutMs: number }[]
  stopCalls: { runId: string; timeoutMs: number }[]
}

function play<T>(step: Scripted<T> | undefined, index: number, fallback: T): Promise<T> {
  if (step === undefined) return Promise.resolve(fallback)
  return Promise.resolve(typeof step === 'function' ? (step as (i: number) => T)(index) : step)
}

/** A status body is the Run itself; anything else does not parse. */
export function parseRun(body: unknown): Run | null {
  return typeof body === 'object' && body !== null && 'phase' in body && 'stages' in body
    ? (body as Run)
    : null
}

/** A v3-like API: no `sources`, so a start builds what the pipeline is set to build. */
export function fakeApi(script: FakeApiScript = {}): FakeApi {
  const statusCalls: FakeApi['statusCalls'] = []
  const startCalls: FakeApi['startCalls'] = []
  const stopCalls: FakeApi['stopCalls'] = []
  const statuses = script.status ?? []
  const api: PipelineApi = {
    status: (runId, timeoutMs) => {
      const index = statusCalls.push({ runId, timeoutMs }) - 1
      const step = statuses[Math.min(index, statuses.length - 1)]
      return play(step, index, { kind: 'fatal', reason: 'no status scripted' })
    },
    parse: parseRun,
    start: (request, timeoutMs, mayStillSend) => {
      const index = startCalls.push({ request, timeoutMs }) - 1
      // Sent at once, as over a fast connection with token credentials.
      if (mayStillSend && !mayStillSend()) {
        return Promise.resolve({ kind: 'failed', reason: 'not sent: the request was called off' })
      }
      return play(script.start, index, { kind: 'failed', reason: 'no start scripted' })
    },
    stop: (runId, timeoutMs) => {
      const index = stopCalls.push({ runId, timeoutMs }) - 1
      return play(script.stop, index, { stopped: true })
    }
  }
  return { api, statusCalls, startCalls, stopCalls }
}

/** A promise that never settles: a request the API never answers. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined)
}

/** A promise settled from outside. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>(r => {
    resolve = r
  })
  return { promise, resolve }
}

// --- settings and runs ---------------------------------------------------------------------------

export const PIPELINE_ID = 'pipe-1'
export const ENDPOINT = 'https://codearts.example.com'

/** Settings as readSettings would give them, fast: a 500 ms timeout, polling every 100 ms. */
export function settingsFor(overrides: Partial<Settings> = {}): Settings {
  return {
    apiVersion: 'v3',
    projectId: undefined,
    pipelineId: PIPELINE_ID,
    endpoint: ENDPOINT,
    region: undefined,
    credentials: { method: 'token', token: 'not-a-real-token' },
    buildId: undefined,
    start: undefined,
    commit: undefined,
    // A runner that says nothing about the workflow.
    workflow: workflowOf({}, null),
    wait: true,
    stopOnCancel: true,
    stopOnTimeout: false,
    timeoutMs: 500,
    pollIntervalMs: 100,
    summary: true,
    logLines: 100,
    ...overrides
  }
}

export function contextFor(
  io: StepIO,
  api: PipelineApi,
  settings: Settings,
  cancel: AbortSignal = new AbortController().signal
): FlowContext {
  return { io, api, settings, cancel }
}

export function task(name: string, status: string, outcome: string | null = null): Task {
  return {
    id: name.toLowerCase().replace(/\W+/g, '-'),
    name,
    status,
    outcome,
    startTime: status === 'waiting' ? null : '2026-11-26 10:00:00',
    durationSeconds: status === 'completed' ? 60 : null,
    errorCode: null,
    errorMessage: null
  }
}

export function stage(
  name: string,
  status: string,
  outcome: string | null = null,
  tasks: Task[] = [task(`${name} task`, status, outcome)]
): Stage {
  return { ...task(name, status, outcome), tasks: tasks.map(t => ({ steps: [], ...t })), gates: [] }
}

export function detailUrl(runId: string): string {
  return `https://devcloud.example.com/pipeline/detail/${PIPELINE_ID}/${runId}`
}

/** Run `runId` of pipeline "web-release": running, or completed with `outcome`. */
export function runOf(runId: string, outcome?: string, overrides: Partial<Run> = {}): Run {
  const completed = outcome !== undefined
  return {
    pipelineName: 'web-release',
    runNumber: null,
    artifacts: [],
    leftOut: 0,
    runId,
    status: completed ? 'completed' : 'running',
    outcome: outcome ?? null,
    phase: completed ? 'completed' : 'in-progress',
    executor: 'release-bot',
    startTime: '2026-11-26 10:00:00',
    endTime: completed ? '2026-11-26 10:03:00' : null,
    durationSeconds: completed ? 180 : null,
    detailUrl: detailUrl(runId),
    sources: [],
    parameters: [{ name: 'branch', value: 'main' }],
    stages: completed
      ? [stage('Build', 'completed', 'success'), stage('Test', 'completed', outcome)]
      : [stage('Build', 'running'), stage('Test', 'waiting')],
    ...overrides
  }
}

/** A completed run whose stage "Test" failed in its task "unit tests". */
export function failedRun(runId: string): Run {
  const failing: Task = {
    ...task('unit tests', 'completed', 'error'),
    errorCode: 'PIPE.0001',
    errorMessage: 'unit tests failed: 3 of 120'
  }
  return runOf(runId, 'error', {
    stages: [
      stage('Build', 'completed', 'success'),
      stage('Test', 'completed', 'error', [task('lint', 'completed', 'success'), failing]),
      stage('Deploy', 'waiting')
    ]
  })
}

export const ok = (body: unknown): Answer => ({ kind: 'ok', body })
