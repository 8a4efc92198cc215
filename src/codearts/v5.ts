// Lenient reading of `GET /v5/{project_id}/api/pipelines/{pipeline_id}/pipeline-runs/detail`: any field
// may be null, missing or of the wrong type, and none of that may throw. What cannot be read becomes null.
// Statuses are upper-case words here (`RUNNING`), times epoch milliseconds, and a stage's tasks are its jobs.
import type { Artifact, BuiltSource, Job, Phase, Run, Stage, Step, Task } from '../model.js'
import { readMessage } from './message.js'
import { isObject, ItemBudget, list, text, type Json } from './json.js'

/** Run outcomes by status: the words the v3 API and the verdict already use, plus `ignored`. */
const RUN_OUTCOME: Record<string, string> = {
  COMPLETED: 'success',
  FAILED: 'error',
  CANCELED: 'aborted',
  IGNORED: 'ignored'
}

/** Stage/job outcomes; SKIPPED, IGNORED, UNSELECTED and the in-progress words have none. */
const ITEM_OUTCOME: Record<string, string> = {
  COMPLETED: 'success',
  FAILED: 'error',
  ASYNC_FAILED: 'error',
  CANCELED: 'aborted'
}

/**
 * Documented statuses of something still under way. The stage/job words are included because a run that
 * has only just started may report them as its own status.
 */
const IN_PROGRESS = [
  'RUNNING',
  'PAUSED',
  'SUSPEND',
  'INIT',
  'QUEUED',
  'ASYNC_RUNNING',
  'REDISPATCH'
]

/**
 * The status as a lookup key. Only ASCII words are upper-cased, so no look-alike letter (`ı` upper-cases
 * to `I`) can turn into a documented status.
 */
function key(status: string | null): string | null {
  return status !== null && /^[A-Za-z_]+$/.test(status) ? status.toUpperCase() : null
}

function outcome(status: string | null, table: Record<string, string>): string | null {
  const k = key(status)
  return k !== null && Object.hasOwn(table, k) ? table[k]! : null
}

function phase(status: string | null): Phase {
  if (status === null) return 'in-progress'
  const k = key(status)
  if (k !== null && Object.hasOwn(RUN_OUTCOME, k)) return 'completed'
  return k !== null && IN_PROGRESS.includes(k) ? 'in-progress' : 'undocumented'
}

function numberOf(value: unknown): number | null {
  const t = text(value)
  return t !== null && /^\s*-?\d+(\.\d+)?\s*$/.test(t) ? Number(t) : null
}

/** Epoch milliseconds; the API sends 0 for a time not reached yet. Beyond Date's range is junk too. */
function epochMs(value: unknown): number | null {
  const ms = numberOf(value)
  return ms !== null && ms > 0 && ms <= 8.64e15 ? ms : null
}

/** `2024-11-26T05:46:40Z`: UTC, whole seconds. */
function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function duration(item: Json): number | null {
  const start = epochMs(item.start_time)
  const end = epochMs(item.end_time)
  return start !== null && end !== null && end >= start ? (end - start) / 1000 : null
}

/** By numeric `sequence`, stably; items without one keep their order after those with one. */
function bySequence(items: Json[]): Json[] {
  const rank = (item: Json): number => numberOf(item.sequence) ?? Infinity
  return items
    .map((item, i) => ({ item, i, rank: rank(item) }))
    .sort((a, b) => (a.rank === b.rank ? a.i - b.i : a.rank < b.rank ? -1 : 1))
    .map(entry => entry.item)
}

function toTask(item: Json, index: number): Task {
  const status = text(item.status)
  const { message, code } = readMessage(text(item.message))
  return {
    id: text(item.id) ?? `#${index}`,
    name: text(item.name) ?? text(item.identifier) ?? `#${index + 1}`,
    status,
    outcome: outcome(status, ITEM_OUTCOME),
    startTime: iso(epochMs(item.start_time)),
    durationSeconds: duration(item),
    errorCode: code,
    errorMessage: message
  }
}

function toStep(item: Json, index: number): Step {
  return { ...toTask(item, index), task: text(item.task) }
}

// Repositories and artifacts of one run: a handful in any real pipeline.
const MAX_LISTED = 100

function toArtifact(item: Json): Artifact | null {
  const name = text(item.name)
  if (name === null) return null
  return {
    name,
    version: text(item.version) ?? text(item.artifact_version),
    downloadUrl: text(item.downloadUrl) ?? text(item.download_url)
  }
}

/** A repository of the run (`sources[].params`, with its `build_params`). */
function toSource(item: Json): BuiltSource | null {
  const params = isObject(item.params) ? item.params : null
  if (!params) return null
  const build = isObject(params.build_params) ? params.build_params : {}
  const commit = text(build.commit_id)?.toLowerCase() ?? null
  return {
    gitUrl: text(params.git_url),
    webUrl: text(params.web_url),
    buildType: text(build.build_type),
    branch: text(build.target_branch),
    tag: text(build.tag),
    commit: commit !== null && /^[0-9a-f]{7,64}$/.test(commit) ? commit : null
  }
}

/** A Run from a v5 run-detail body, or null when the body is not an object at all. */
export function parseV5Detail(body: unknown): Run | null {
  if (!isObject(body)) return null
  const status = text(body.status)
  // Not documented for the detail; read like the run request's `variables` in case a server sends them.
  const parameters = Array.isArray(body.variables) ? body.variables : body.params
  const runNumber = numberOf(body.run_number)
  const budget = new ItemBudget()
  const stages = bySequence(budget.take(list(body.stages))).map((item, i): Stage => ({
    ...toTask(item, i),
    tasks: bySequence(budget.take(list(item.jobs))).map((job, j): Job => ({
      ...toTask(job, j),
      steps: budget.take(list(job.steps)).map(toStep)
    })),
    gates: budget.take([...list(item.pre), ...list(item.post)]).map(toStep)
  }))
  return {
    pipelineName: text(body.name),
    runNumber:
      runNumber !== null && Number.isSafeInteger(runNumber) && runNumber >= 0 ? runNumber : null,
    runId: text(body.id),
    status,
    outcome: outcome(status, RUN_OUTCOME),
    phase: phase(status),
    executor: text(body.executor_name) ?? text(body.executor_id),
    startTime: iso(epochMs(body.start_time)),
    endTime: iso(epochMs(body.end_time)),
    durationSeconds: duration(body),
    detailUrl: text(body.detail_url),
    parameters: list(parameters).flatMap(p => {
      const name = text(p.name)
      return name === null ? [] : [{ name, value: text(p.value) ?? '' }]
    }),
    stages,
    sources: list(body.sources)
      .slice(0, MAX_LISTED)
      .flatMap(item => toSource(item) ?? []),
    artifacts: list(body.artifacts)
      .slice(0, MAX_LISTED)
      .flatMap(item => toArtifact(item) ?? []),
    leftOut: budget.leftOut
  }
}
