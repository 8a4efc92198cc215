// What failed: each failed step, job, gate or stage with its reason, and its message and log excerpt
// folded.
import type { Job, Run, Stage, Step, StepLog, Task } from '../model.js'
import { culpritPath } from '../result.js'
import { fitting } from './budget.js'
import { escapeText, nameHtml, pre } from './html.js'
import { STATE_ICON, isFailure, itemState } from './state.js'
import { durationText, messageExcerpt, messageLines, middleClip, plural, preLines } from './text.js'

/** Failed items listed in full; more are counted. */
export const MAX_FAILURES = 20
/** Lines of a failed step's log shown, its last. */
export const MAX_LOG_LINES = 30
// The one-line reason of each failure.
const REASON_CHARS = 160

export interface Failure {
  stage: Stage
  job?: Job
  /** A failed step of `job`, or (with no job) a failed gate of the stage. */
  step?: Step
  /** What failed: the step, the job, or the stage. */
  item: Task
}

/**
 * Each failed step; a failed job with no failed step; a failed gate; a failed stage with nothing in it
 * to blame, or with a message of its own.
 */
export function failuresOf(run: Run): Failure[] {
  return run.stages.flatMap(stage => {
    const inside: Failure[] = []
    for (const job of stage.tasks) {
      const steps = job.steps.filter(isFailure)
      if (steps.length > 0) inside.push(...steps.map(step => ({ stage, job, step, item: step })))
      else if (isFailure(job)) inside.push({ stage, job, item: job })
    }
    for (const gate of stage.gates.filter(isFailure)) inside.push({ stage, step: gate, item: gate })
    const said = (m: string) =>
      inside.some(f => f.item.errorMessage === m || f.job?.errorMessage === m)
    const own =
      isFailure(stage) &&
      (inside.length === 0 || (stage.errorMessage !== null && !said(stage.errorMessage)))
    return own ? [{ stage, item: stage }, ...inside] : inside
  })
}

/** `Stage › Job › Step`, as the logs name their steps. */
function pathOf({ stage, job, step }: Failure): string {
  return culpritPath({ stage, task: job, step })
}

/** The message that says why: the step's own, else its job's. */
function messageOf(f: Failure): { message: string | null; code: string | null } {
  const from = [f.item, f.job].find(i => i?.errorMessage) ?? f.item
  return { message: from.errorMessage, code: from.errorCode ?? f.item.errorCode }
}

/** A log's last lines, ready for a <pre>. */
function logTail(log: StepLog): string[] {
  return preLines(log.lines.slice(-MAX_LOG_LINES))
}

function failureItem(f: Failure, log: StepLog | undefined): string {
  const gate = f.step !== undefined && f.job === undefined ? ' (gate)' : ''
  const where = `<b>${nameHtml(pathOf(f), 200)}</b>${gate}`
  const after = durationText(f.item.durationSeconds)
  const { message, code } = messageOf(f)
  const head =
    `<li>${STATE_ICON[itemState(f.item)]} ${where}` +
    `${after ? ` after ${after}` : ''}${code ? ` <code>${nameHtml(code, 80)}</code>` : ''}`
  // The message in one line, cut in its middle.
  const whole = message ? messageLines(message).join(' · ') : ''
  const reason = middleClip(whole, REASON_CHARS)
  const folded: string[] = []
  // The whole message when the one-line reason does not hold all of it.
  if (message && reason !== whole) folded.push(pre(messageExcerpt(message)))
  if (log && log.lines.length > 0) {
    const lines = logTail(log)
    folded.push(`<p>The last ${plural(lines.length, 'line')} of its log:</p>`, pre(lines))
  }
  if (folded.length === 0) return `${head}${reason ? `<br>${escapeText(reason)}` : ''}</li>`
  const summary = reason ? escapeText(reason) : 'Its log'
  return `${head}<details><summary>${summary}</summary>${folded.join('')}</details></li>`
}

/** A log no listed failure names: shown on its own. */
function logItem(log: StepLog): string {
  const lines = logTail(log)
  return (
    `<li>📄 <b>${nameHtml(log.path, 200)}</b><details><summary>The last ` +
    `${plural(lines.length, 'line')} of its log</summary>${pre(lines)}</details></li>`
  )
}

/** The "What failed" list within `room` bytes, each failure with its step's log when there is one. */
export function whatFailed(failures: Failure[], logs: StepLog[], room: number): string[] {
  const logOf = new Map(logs.map(log => [log.path, log]))
  const rows = failures.slice(0, MAX_FAILURES)
  const head = '<h3>What failed</h3>\n<ul>'
  const space = room - head.length - 400
  const shown = fitting(
    rows,
    f => failureItem(f, f.job && f.step ? logOf.get(pathOf(f)) : undefined),
    space
  )
  // A log whose step the list does not name (the run changed between reads): still worth showing.
  const listedPaths = new Set(failures.map(pathOf))
  const spare = logs.filter(log => !listedPaths.has(log.path))
  const extra = fitting(spare, logItem, space - Buffer.byteLength(shown.join('\n')))
  const out = [head, ...shown, ...extra, '</ul>']
  const left = failures.length - shown.length
  if (left > 0) {
    out.push(
      `<p>${plural(left, 'more failure')} ${left === 1 ? 'is' : 'are'} left out of this list to keep ` +
        `the summary short; the run's page in CodeArts shows ${left === 1 ? 'it' : 'them'}.</p>`
    )
  }
  return out
}
