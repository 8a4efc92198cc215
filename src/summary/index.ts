// The job summary: HTML, with the timeline as a Mermaid chart in a Markdown fence. Every server text is
// escaped in the HTML and cut down to a safe set of characters in the chart, so nothing the API sends
// becomes markup or chart syntax; and the whole stays under GitHub's 1 MiB limit per step.
//
// Its parts, in order: the heading (pipeline, run number, verdict); one status line (what failed or how
// the run stands, how long it ran, when it started and in which zone, who ran it, a link to it); the
// verdict's message when no failure explains it; what failed, each with its reason and log excerpt
// folded, then what stopped because of it and what was not reached; the timeline; the stage and job
// table (folded when the run succeeded); and the run's details (folded).
import type { Run, StepLog } from '../model.js'
import type { Verdict } from '../result.js'
import { aftermath } from './aftermath.js'
import { BUDGET_BYTES, FAILED_BUDGET_BYTES } from './budget.js'
import { runDetails } from './details.js'
import { failuresOf, whatFailed } from './failures.js'
import { escapeHtml } from './html.js'
import { headingHtml, statusLine } from './status.js'
import { stageTable, stagesHtml } from './table.js'
import { plural } from './text.js'
import { zoneOf } from './times.js'
import { timeline, timelineHtml } from './timeline.js'

export { SUMMARY_LIMIT_BYTES } from './budget.js'
export { MAX_FAILURES, MAX_LOG_LINES } from './failures.js'
export { escapeHtml } from './html.js'
export { itemState, type ItemState } from './state.js'
export { MAX_TABLE_ROWS } from './table.js'
export { MAX_BARS, chartLabel } from './timeline.js'

/** The summary of a wait; `run` is null when no status named a run (e.g. cancelled before the first). */
export function summaryHtml(
  run: Run | null,
  verdict: Verdict,
  pipelineId: string,
  logs: StepLog[] = []
): string {
  const heading = headingHtml(run, verdict, pipelineId)
  if (!run) {
    const message = verdict.message ? `\n<p>${escapeHtml(verdict.message)}</p>` : ''
    return `${heading}${message}\n`
  }

  const success = verdict.conclusion === 'success'
  const failures = success ? [] : failuresOf(run)
  const top = [heading, statusLine(run, verdict, failures)]
  // The verdict's message unless it only repeats the failures below: a timeout, a cancel, an ignored run.
  if (verdict.message && !(verdict.conclusion === 'failure' && failures.length > 0)) {
    top.push(`<p>${escapeHtml(verdict.message)}</p>`)
  }
  if (run.leftOut > 0) {
    top.push(
      `<p>⚠️ The API's answer held ${plural(run.leftOut, 'more item')} (stages, jobs, steps or gates) ` +
        `than the action reads; this summary does not show ${run.leftOut === 1 ? 'it' : 'them'}.</p>`
    )
  }
  let size = Buffer.byteLength(top.join('\n'))

  const failed: string[] = []
  if (failures.length > 0) {
    failed.push(...whatFailed(failures, logs, Math.min(FAILED_BUDGET_BYTES, BUDGET_BYTES - size)))
  }
  const after = success ? null : aftermath(run, failures.length > 0)
  if (after) failed.push(after)
  size += Buffer.byteLength(failed.join('\n')) + 1

  const chart = timeline(run)
  const details = runDetails(run, pipelineId)
  size += Buffer.byteLength(chart.chart) + Buffer.byteLength(details) + 1024

  const table = run.stages.length > 0 ? stageTable(run, BUDGET_BYTES - size) : null
  const parts = [...top, ...failed]
  if (chart.chart) parts.push(timelineHtml(chart, zoneOf(run), table?.complete ?? false))
  if (table) parts.push(...stagesHtml(run, table.html, success))
  parts.push(details)
  return `${parts.join('\n')}\n`
}
