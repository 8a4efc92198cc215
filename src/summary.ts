// The job summary as HTML. Every server text is escaped, so nothing the API sends becomes markup, and
// the whole stays under GitHub's 1 MiB limit per step.
import { formatDuration } from './duration.js'
import { clip } from './quote.js'
import type { Run, Task } from './model.js'
import type { Conclusion, Verdict } from './result.js'

export const SUMMARY_LIMIT_BYTES = 1024 * 1024
// Room for the closing tags and the truncation note, with a margin for the runner's own additions.
const BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024
const MAX_CELL_CHARS = 2000

const ICON: Record<Conclusion, string> = {
  success: '✅',
  failure: '❌',
  cancelled: '⛔',
  timed_out: '⏱️',
  error: '⚠️'
}

const HEADING: Record<Conclusion, string> = {
  success: 'succeeded',
  failure: 'failed',
  cancelled: 'was cancelled',
  timed_out: 'timed out',
  error: 'could not be followed'
}

/**
 * Text as HTML, cut to a cell's length: entities for markup characters and `|` (which would end a
 * Markdown table cell).
 */
export function escapeHtml(value: string): string {
  return clip(value, MAX_CELL_CHARS)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>')
    .replace(/\p{Cc}/gu, ' ')
}

function cell(value: string | null | undefined): string {
  return `<td>${value ? escapeHtml(value) : ''}</td>`
}

function durationText(value: number | null): string | null {
  return value === null ? null : formatDuration(value * 1000)
}

function link(url: string | null, text: string): string {
  // Only web links: a javascript: or data: URL from the server must not become clickable.
  if (!url || !/^https?:\/\/\S+$/i.test(url)) return escapeHtml(text)
  return `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`
}

function runTable(run: Run): string {
  const parameters = run.parameters.map(p => `${p.name}=${p.value}`).join('\n')
  const rows: [string, string | null][] = [
    ['Run', run.runId],
    ['Status', [run.status, run.outcome].filter(Boolean).join(' / ') || null],
    ['Executor', run.executor],
    ['Started', run.startTime],
    ['Ended', run.endTime],
    ['Duration', durationText(run.durationSeconds)],
    ['Parameters', parameters || null]
  ]
  const body = rows.map(([name, value]) => `<tr><th align="left">${name}</th>${cell(value)}</tr>`)
  return `<table>\n${body.join('\n')}\n</table>`
}

function stageRow(stage: string, task: string, item: Task): string {
  return (
    `<tr>${cell(stage)}${cell(task)}${cell(item.status)}${cell(item.outcome)}` +
    `${cell(durationText(item.durationSeconds))}${cell(item.errorMessage)}</tr>`
  )
}

/** The summary of a wait; `run` is null when no status named a run (e.g. cancelled before the first). */
export function summaryHtml(run: Run | null, verdict: Verdict, pipelineId: string): string {
  const name = run?.pipelineName ?? pipelineId
  const parts = [
    `<h2>${ICON[verdict.conclusion]} CodeArts pipeline ${link(run?.detailUrl ?? null, name)} ${HEADING[verdict.conclusion]}</h2>`
  ]
  if (verdict.message) parts.push(`<p>${escapeHtml(verdict.message)}</p>`)
  if (!run) return `${parts.join('\n')}\n`
  parts.push(runTable(run))

  const rows = run.stages.flatMap(stage => [
    stageRow(stage.name, '', stage),
    ...stage.tasks.map(task => stageRow('', task.name, task))
  ])
  if (rows.length > 0) {
    const head =
      '<h3>Stages</h3>\n<table>\n<tr><th>Stage</th><th>Task</th><th>Status</th><th>Outcome</th><th>Duration</th><th>Error</th></tr>'
    let size = Buffer.byteLength(parts.join('\n') + head)
    let shown = 0
    for (const row of rows) {
      size += Buffer.byteLength(row) + 1
      if (size > BUDGET_BYTES) break
      shown += 1
    }
    parts.push(head, ...rows.slice(0, shown), '</table>')
    if (shown < rows.length) {
      parts.push(
        `<p>${rows.length - shown} more stage and task rows are left out to keep the summary under GitHub's 1 MiB limit; see the run's detail page.</p>`
      )
    }
  }
  return `${parts.join('\n')}\n`
}
