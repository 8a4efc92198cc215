// The two API generations behind one interface: where to ask for a run's status, how to start and stop
// a run, and how to read what comes back. Everything above this file is the same for v3 and v5.
import type { Run } from '../model.js'
import { apiError, type Answer } from './answer.js'
import type { CodeArtsClient } from './client.js'
import { ID_PATTERN, ID_RULE } from '../ids.js'
import { quote } from '../quote.js'
import { text } from './json.js'
import { parseV3Status } from './v3.js'
import { parseV5Detail } from './v5.js'

export type ApiVersion = 'v3' | 'v5'

export interface Parameter {
  name: string
  value: string
}

export type StartResult =
  { kind: 'started'; runId: string; queued: boolean } | { kind: 'failed'; reason: string }

export type StopResult = { stopped: true } | { stopped: false; reason: string }

function readStop(answer: Answer, confirmed: (body: unknown) => boolean): StopResult {
  if (answer.kind !== 'ok') return { stopped: false, reason: answer.reason }
  return confirmed(answer.body)
    ? { stopped: true }
    : { stopped: false, reason: 'the API answered without confirming the stop' }
}

export interface PipelineApi {
  /** Status of run `runId`, or of the latest run when it is undefined. */
  status(runId: string | undefined, timeoutMs: number): Promise<Answer>
  parse(body: unknown): Run | null
  /** Sends the start request once, whatever becomes of it. */
  start(parameters: Parameter[], timeoutMs: number): Promise<StartResult>
  stop(runId: string, timeoutMs: number): Promise<StopResult>
}

export interface PipelineTarget {
  version: ApiVersion
  pipelineId: string
  /** The CodeArts project id; v5 only. */
  projectId: string | undefined
}

// A start past a concurrency limit is queued, not refused: the run exists and can be waited for.
const QUEUED_CODES = new Set(['DEVPIPE.00011169', 'DEVPIPE.00011170'])

function field(body: unknown, ...path: string[]): string | null {
  let value = body
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return null
    value = (value as Record<string, unknown>)[key]
  }
  return text(value)
}

function readStart(answer: Answer, idField: string): StartResult {
  const started = startedRun(answer, idField)
  if (started === null) return startFailure(answer, idField)
  if (ID_PATTERN.test(started.runId)) return started
  // An id goes into URLs, log lines and outputs: one that is not an id is not used at all.
  return {
    kind: 'failed',
    reason: `the API accepted the start request but named its run ${quote(started.runId)}, which is not a run id (${ID_RULE}); the run has probably started`
  }
}

/** The run a start answer names: a plain start, or one queued behind a concurrency limit. */
function startedRun(
  answer: Answer,
  idField: string
): Extract<StartResult, { kind: 'started' }> | null {
  if (answer.kind === 'ok') {
    const runId = field(answer.body, idField)
    return runId === null ? null : { kind: 'started', runId, queued: false }
  }
  const code = apiError(answer.body)?.code
  const queuedId = field(answer.body, 'error', idField) ?? field(answer.body, idField)
  return code && QUEUED_CODES.has(code) && queuedId !== null
    ? { kind: 'started', runId: queuedId, queued: true }
    : null
}

function startFailure(answer: Answer, idField: string): StartResult {
  if (answer.kind === 'ok') {
    return {
      kind: 'failed',
      reason: `the API accepted the start request but named no run (no ${idField}), so there is no run to wait for; the run has probably started`
    }
  }
  const unsure =
    answer.kind === 'transient' && !answer.notSent
      ? '; the run may or may not have started, and the request is not sent again so as not to start two'
      : ''
  return { kind: 'failed', reason: `${answer.reason}${unsure}` }
}

export function pipelineApi(client: CodeArtsClient, target: PipelineTarget): PipelineApi {
  // Input checking requires project-id for v5; reaching here without one is a bug, not a user error.
  if (target.version === 'v5' && !target.projectId) throw new Error('v5 API without a project id')
  const pipeline = encodeURIComponent(target.pipelineId)
  if (target.version === 'v3') {
    const base = `/v3/pipelines/${pipeline}`
    return {
      status: (runId, timeoutMs) =>
        client.request(
          'GET',
          `${base}/status${runId === undefined ? '' : `?build_id=${encodeURIComponent(runId)}`}`,
          undefined,
          timeoutMs
        ),
      parse: parseV3Status,
      start: async (parameters, timeoutMs) =>
        readStart(
          await client.request('POST', `${base}/start`, { build_params: parameters }, timeoutMs),
          'build_id'
        ),
      // v3 answers with the pipeline's id and name; any such answer means the stop was taken.
      stop: async (runId, timeoutMs) =>
        readStop(
          await client.request(
            'POST',
            `${base}/stop?build_id=${encodeURIComponent(runId)}`,
            undefined,
            timeoutMs
          ),
          () => true
        )
    }
  }
  const base = `/v5/${encodeURIComponent(target.projectId ?? '')}/api/pipelines/${pipeline}`
  return {
    status: (runId, timeoutMs) =>
      client.request(
        'GET',
        `${base}/pipeline-runs/detail${runId === undefined ? '' : `?pipeline_run_id=${encodeURIComponent(runId)}`}`,
        undefined,
        timeoutMs
      ),
    parse: parseV5Detail,
    start: async (parameters, timeoutMs) =>
      readStart(
        await client.request('POST', `${base}/run`, { variables: parameters }, timeoutMs),
        'pipeline_run_id'
      ),
    // v5 says `{"success": true}`; anything else is not a stop.
    stop: async (runId, timeoutMs) =>
      readStop(
        await client.request(
          'POST',
          `${base}/pipeline-runs/${encodeURIComponent(runId)}/stop`,
          undefined,
          timeoutMs
        ),
        body =>
          typeof body === 'object' &&
          body !== null &&
          (body as { success?: unknown }).success === true
      )
  }
}
