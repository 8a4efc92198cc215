// Lenient reading of `GET /v3/pipelines/{id}/status`: any field may be null, missing or of the wrong
// type, and none of that may throw. What cannot be read becomes null.
import type { Job, Phase, Run, Stage, Task } from '../model.js'
import { isObject, ItemBudget, list, text, type Json } from './json.js'

/** Statuses the v3 API documents for a run still under way. */
const IN_PROGRESS = ['waiting', 'running', 'verifying', 'suspending']

function phase(status: string | null): Phase {
  if (status === 'completed') return 'completed'
  return status === null || IN_PROGRESS.includes(status) ? 'in-progress' : 'undocumented'
}

function secondsOf(value: unknown): number | null {
  const t = text(value)
  if (t === null || !/^\s*\d+(\.\d+)?\s*$/.test(t)) return null
  // Digits too many for a number would read as Infinity.
  const seconds = Number(t)
  return Number.isFinite(seconds) ? seconds : null
}

/** `2020-09-01 17:13:18` (zone unstated, so compared only with another time of the same run). */
function timeMs(value: string | null): number | null {
  const m = value && /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)
}

function duration(item: Json): number | null {
  const given = secondsOf(item.elapsed_time)
  if (given !== null) return given
  const start = timeMs(text(item.start_time))
  const end = timeMs(text(item.end_time))
  return start !== null && end !== null && end >= start ? (end - start) / 1000 : null
}

function toTask(item: Json, index: number): Task {
  return {
    id: text(item.id) ?? `#${index}`,
    name: text(item.name) ?? text(item.id) ?? `#${index + 1}`,
    status: text(item.status),
    outcome: text(item.outcome),
    startTime: text(item.start_time),
    durationSeconds: duration(item),
    errorCode: text(item.error_code),
    errorMessage: text(item.error_msg)
  }
}

/** A Run from a v3 status body, or null when the body is not an object at all. */
export function parseV3Status(body: unknown): Run | null {
  if (!isObject(body)) return null
  const status = text(body.status)
  const runId = text(body.build_id)
  const budget = new ItemBudget()
  return {
    pipelineName: text(body.pipeline_name),
    // v3's build_id is the run's number in its pipeline.
    runNumber: runId !== null && /^\d{1,9}$/.test(runId) ? Number(runId) : null,
    runId,
    status,
    outcome: text(body.outcome),
    phase: phase(status),
    executor: text(body.executor),
    startTime: text(body.start_time),
    endTime: text(body.end_time),
    durationSeconds: duration(body),
    detailUrl: text(body.detail_url),
    parameters: list(body.parameters).flatMap(p => {
      const name = text(p.name)
      return name === null ? [] : [{ name, value: text(p.value) ?? '' }]
    }),
    stages: budget.take(list(body.states)).map((item, i): Stage => ({
      ...toTask(item, i),
      tasks: budget
        .take(list(item.children))
        .map((child, j): Job => ({ ...toTask(child, j), steps: [] })),
      gates: []
    })),
    // v3 does not say what a run built or produced.
    sources: [],
    artifacts: [],
    leftOut: budget.leftOut
  }
}
