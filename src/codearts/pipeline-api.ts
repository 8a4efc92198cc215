// The two API generations behind one interface: where to ask for a run's status, how to start and stop
// a run, and how to read what comes back. Everything above this file is the same for v3 and v5.
import type { Run } from '../model.js'
import { apiError, type Answer, type FailedAnswer } from './answer.js'
import type { CodeArtsClient } from './client.js'
import { ID_PATTERN, ID_RULE } from '../ids.js'
import { quote } from '../quote.js'
import { text } from './json.js'
import { parseV3Status } from './v3.js'
import { parseV5Detail } from './v5.js'
import { parseRunsList, parseSources, type CodeSource, type ListedRun } from './v5-sources.js'
import type { GitRef } from '../git-ref.js'

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

export interface StartRequest {
  parameters: Parameter[]
  /** v5: the code source to build, and its branch or tag; without it, the pipeline's default. */
  build?: { source: CodeSource; ref: GitRef }
  /** v5: shown with the run in CodeArts (at most 1024 characters). */
  description?: string
}

export type Read<T> = { kind: 'ok'; value: T } | { kind: 'failed'; answer: FailedAnswer | null }

/** A page of a step's log, newest lines last; `startOffset` pages further back while `hasMore`. */
export interface LogPage {
  text: string
  hasMore: boolean
  startOffset: number | null
}

export interface StepRef {
  runId: string
  /** `stages[].jobs[].id` of the run detail. */
  jobRunId: string
  /** `stages[].jobs[].steps[].id`. */
  stepRunId: string
}

export interface PipelineApi {
  /** Status of run `runId`, or of the latest run when it is undefined. */
  status(runId: string | undefined, timeoutMs: number): Promise<Answer>
  parse(body: unknown): Run | null
  /**
   * Sends the start request once, whatever becomes of it; not at all when `mayStillSend` says no at the
   * last moment (the workflow was cancelled during a login).
   */
  start(
    request: StartRequest,
    timeoutMs: number,
    mayStillSend?: () => boolean
  ): Promise<StartResult>
  stop(runId: string, timeoutMs: number): Promise<StopResult>
  /** v5 only: the pipeline's code sources, from its definition. */
  sources?(timeoutMs: number): Promise<Read<CodeSource[]>>
  /** v5 only: a page of runs, newest first, with what each was built from. */
  runs?(offset: number, limit: number, timeoutMs: number): Promise<Read<ListedRun[]>>
  /** v5 only: up to `limit` lines of a step's log, before `endOffset` (the end when undefined). */
  stepLog?(
    step: StepRef,
    limit: number,
    endOffset: number | undefined,
    timeoutMs: number
  ): Promise<Read<LogPage>>
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
      start: async ({ parameters }, timeoutMs, mayStillSend) =>
        readStart(
          await client.request('POST', `${base}/start`, { build_params: parameters }, timeoutMs, {
            mayStillSend
          }),
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
  const runs = async (offset: number, limit: number, timeoutMs: number) =>
    read(
      await client.request(
        'POST',
        `${base}/pipeline-runs/list`,
        { offset, limit, sort_key: 'start_time', sort_dir: 'desc' },
        timeoutMs,
        { changes: false }
      ),
      body => parseRunsList(body)?.runs ?? null
    )
  return {
    status: async (runId, timeoutMs) => {
      const started = Date.now()
      const answer = await client.request(
        'GET',
        `${base}/pipeline-runs/detail${runId === undefined ? '' : `?pipeline_run_id=${encodeURIComponent(runId)}`}`,
        undefined,
        timeoutMs
      )
      // The detail answers only for a pipeline that has run. Refused about the latest run, the runs
      // list tells a pipeline with no run yet (waited for, as an answer naming no run) from an error.
      // Only the API's own error (not a redirect, not a refusal of the credentials) can mean that.
      if (runId !== undefined || answer.kind !== 'fatal' || answer.refusal) return answer
      if (apiError(answer.body) === null) return answer
      const left = timeoutMs - (Date.now() - started)
      const list = left > 0 ? await runs(0, 1, left) : undefined
      return list?.kind === 'ok' && list.value.length === 0 ? { kind: 'ok', body: {} } : answer
    },
    parse: parseV5Detail,
    start: async (request, timeoutMs, mayStillSend) =>
      readStart(
        await client.request('POST', `${base}/run`, v5RunBody(request), timeoutMs, {
          mayStillSend
        }),
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
      ),
    sources: async timeoutMs =>
      read(await client.request('GET', base, undefined, timeoutMs), parseSources),
    runs,
    stepLog: async ({ runId, jobRunId, stepRunId }, limit, endOffset, timeoutMs) => {
      const path =
        `${base}/pipeline-runs/${encodeURIComponent(runId)}/jobs/${encodeURIComponent(jobRunId)}` +
        `/steps/${encodeURIComponent(stepRunId)}/logs`
      const query = {
        limit,
        sort: 'desc',
        ...(endOffset === undefined ? {} : { start_offset: 0, end_offset: endOffset })
      }
      return read(
        await client.request('POST', path, query, timeoutMs, { changes: false }),
        readLogPage
      )
    }
  }
}

/** ShowPipelineLogResponse: `log`, `has_more`, and the offsets, which come back as strings. */
function readLogPage(body: unknown): LogPage | null {
  if (typeof body !== 'object' || body === null) return null
  const page = body as Record<string, unknown>
  const offset = text(page.start_offset)
  return {
    text: typeof page.log === 'string' ? page.log : '',
    hasMore: page.has_more === true,
    startOffset: offset !== null && /^\d{1,15}$/.test(offset) ? Number(offset) : null
  }
}

function read<T>(answer: Answer, parse: (body: unknown) => T | null): Read<T> {
  if (answer.kind !== 'ok') return { kind: 'failed', answer }
  const value = parse(answer.body)
  return value === null ? { kind: 'failed', answer: null } : { kind: 'ok', value }
}

/** The v5 run request: the variables, the source to build (the SDK's RunPipelineDTO), a description. */
function v5RunBody({ parameters, build, description }: StartRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { variables: parameters }
  if (description) body.description = description.slice(0, 1024)
  if (build) {
    const { source, ref } = build
    const params: Record<string, unknown> = {
      git_type: source.gitType,
      git_url: source.gitUrl,
      alias: source.alias,
      codehub_id: source.codehubId,
      endpoint_id: source.endpointId,
      default_branch: source.defaultBranch,
      build_params: {
        build_type: ref.kind,
        ...(ref.kind === 'tag' ? { tag: ref.name } : { target_branch: ref.name }),
        event_type: 'Manual'
      }
    }
    for (const key of Object.keys(params)) if (params[key] === null) delete params[key]
    body.sources = [{ type: 'code', params }]
  }
  return body
}
