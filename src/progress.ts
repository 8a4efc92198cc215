// The run in the log: one line per change of the run, its stages or their tasks while waiting (instead of
// one per poll), and a full report at the end.
import { formatDuration } from './duration.js'
import { quote } from './quote.js'
import type { Run, Task } from './model.js'

// Server text goes through quote(): one line, so it can never start a workflow command of its own.
function state(item: { status: string | null; outcome: string | null }): string {
  const status = quote(item.status ?? 'unknown')
  return item.outcome && item.outcome !== item.status
    ? `${status} (${quote(item.outcome)})`
    : status
}

function elapsed(item: { durationSeconds: number | null }): string {
  return item.durationSeconds === null ? '' : `, ${formatDuration(item.durationSeconds * 1000)}`
}

function taskLine(label: string, item: Task): string {
  const error = item.errorMessage ? `: ${quote(item.errorMessage)}` : ''
  return `${label}: ${state(item)}${elapsed(item)}${error}`
}

/** Each stage and task of a run, under a key that is unique even when the API repeats an id. */
function items(run: Run): [string, Task, string][] {
  return run.stages.flatMap((stage, i) => {
    const stageKey = `${i}:${stage.id}`
    return [
      [stageKey, stage, `  Stage "${quote(stage.name)}"`] as [string, Task, string],
      ...stage.tasks.map((task, j): [string, Task, string] => [
        `${stageKey}/${j}:${task.id}`,
        task,
        `    Task "${quote(stage.name)} › ${quote(task.name)}"`
      ])
    ]
  })
}

// Lines about stages and tasks per poll, and in the final report: a run of thousands of stages must not
// write megabytes of log (the runner's log, and its pipe, are slow to take them).
export const MAX_CHANGE_LINES = 50
export const MAX_REPORT_LINES = 500

/** `lines`, the first `max` of them, and a line that says how many more there were. */
function capped(lines: string[], max: number, what: string): string[] {
  if (lines.length <= max) return lines
  return [...lines.slice(0, max), `  ... and ${lines.length - max} more ${what}`]
}

/**
 * The lines describing what changed from `before` to `after` (everything, when before is null). The
 * elapsed time is shown but is not a change: it alone would make a line every poll.
 */
export function describeChanges(before: Run | null, after: Run): string[] {
  // Another run (or none before) is news from its first line to its last.
  const previous = before !== null && before.runId === after.runId ? before : null
  const fingerprint = (item: Task): string => `${state(item)}|${item.errorMessage ?? ''}`
  const seen = new Map(
    previous ? items(previous).map(([key, item]) => [key, fingerprint(item)]) : []
  )
  const lines: string[] = []
  for (const [key, item, label] of items(after)) {
    if (seen.get(key) !== fingerprint(item)) lines.push(taskLine(label, item))
  }
  if (previous === null || runState(previous) !== runState(after) || lines.length > 0) {
    const head = `Run ${quote(after.runId ?? '(none)')}: ${runState(after)}${elapsed(after)}`
    return [head, ...capped(lines, MAX_CHANGE_LINES, 'changes')]
  }
  return lines
}

// A run's outcome is only told once it has completed: before that, an outcome next to an unknown
// status would read like a result.
function runState(run: Run): string {
  return state(run.phase === 'completed' ? run : { status: run.status, outcome: null })
}

/** The run as it ended: every stage and task with its state, time and error, for the final report. */
export function runReport(run: Run): string[] {
  const lines = items(run).map(([, item, label]) => taskLine(label, item))
  const leftOut = run.leftOut
    ? [`  The API's answer held ${run.leftOut} more stages, jobs and steps than were read.`]
    : []
  return [
    `Run ${quote(run.runId ?? '(none)')} of ${quote(run.pipelineName ?? 'the pipeline')}: ${runState(run)}${elapsed(run)}`,
    ...capped(lines, MAX_REPORT_LINES, 'stages and tasks (see the job summary)'),
    ...leftOut
  ]
}
