// One log line per change of the run, its stages or their tasks, instead of one per poll.
import { quote } from './quote.js'
import type { Run, Task } from './model.js'

// Server text goes through quote(): one line, so it can never start a workflow command of its own.
function state(item: { status: string | null; outcome: string | null }): string {
  const status = quote(item.status ?? 'unknown')
  return item.outcome && item.outcome !== item.status
    ? `${status} (${quote(item.outcome)})`
    : status
}

function taskLine(label: string, item: Task): string {
  const error = item.errorMessage ? `: ${quote(item.errorMessage)}` : ''
  return `${label}: ${state(item)}${error}`
}

/** The lines describing what changed from `before` to `after` (everything, when before is null). */
export function describeChanges(before: Run | null, after: Run): string[] {
  const seen = new Map<string, string>()
  const key = (item: Task): string => `${state(item)}|${item.errorMessage ?? ''}`
  for (const stage of before?.stages ?? []) {
    seen.set(stage.id, key(stage))
    for (const task of stage.tasks) seen.set(`${stage.id}/${task.id}`, key(task))
  }
  const lines: string[] = []
  if (before === null || state(before) !== state(after) || before.runId !== after.runId) {
    lines.push(`Run ${quote(after.runId ?? '(none)')}: ${state(after)}`)
  }
  for (const stage of after.stages) {
    if (seen.get(stage.id) !== key(stage))
      lines.push(taskLine(`  Stage "${quote(stage.name)}"`, stage))
    for (const task of stage.tasks) {
      if (seen.get(`${stage.id}/${task.id}`) !== key(task)) {
        lines.push(taskLine(`    Task "${quote(stage.name)} › ${quote(task.name)}"`, task))
      }
    }
  }
  return lines
}
