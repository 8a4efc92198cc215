// The stage and job table: each item's result in plain words and its duration, within a row limit and
// a byte budget, with a note on what it folds or leaves out.
import type { Job, Run, Stage, Task } from '../model.js'
import { fitting } from './budget.js'
import { escapeText, nameHtml } from './html.js'
import { held, isFailure, itemState, notReached, statusWords, wordKey } from './state.js'
import { counted, durationText, messageLines, middleClip, plural } from './text.js'

/** Rows of the stage table; past this, successful stages show only their own row, then rows are cut. */
export const MAX_TABLE_ROWS = 300
// The reason in a Result cell, which must stay narrow.
const CELL_REASON_CHARS = 60

/** A reason for a table cell: the message's first line, cut in its middle. */
function cellReason(message: string | null): string {
  const first = message === null ? undefined : messageLines(message)[0]
  return first ? `: ${escapeText(middleClip(first, CELL_REASON_CHARS))}` : ''
}

/** `Failed: reason`, `Succeeded`, `Not started`: an item's result in plain words, with its icon. */
function resultHtml(item: Task, reason: string | null): string {
  const state = itemState(item)
  const key = wordKey(item.status) ?? ''
  switch (state) {
    case 'success':
      return '✅ Succeeded'
    case 'failed':
      return `❌ Failed${cellReason(reason)}`
    case 'aborted':
      return '⛔ Cancelled'
    case 'running':
      return '🔄 Running'
    case 'waiting': {
      const hold = held(item.status)
      return hold ? hold.join(' ') : key === 'queued' ? '⏳ Queued' : '⏳ Not started'
    }
    case 'skipped':
      return key === 'unselected'
        ? '⏭️ Skipped (not selected)'
        : key === 'ignored'
          ? '⏭️ Skipped (ignored)'
          : '⏭️ Skipped'
    case 'unknown': {
      const words = statusWords(item)
      const text = words.length ? words.join(' / ') : 'Unknown'
      return `❔ ${escapeText(text)}${cellReason(reason)}`
    }
  }
}

/** Why a job failed: its failed step's message, else its own. */
function jobReason(job: Job): string | null {
  return job.steps.find(s => isFailure(s) && s.errorMessage)?.errorMessage ?? job.errorMessage
}

/** Why a stage failed, when none of its jobs did: its gate's message, else its own. */
function stageReason(stage: Stage): string | null {
  if (stage.tasks.some(isFailure)) return null
  const gate = stage.gates.find(isFailure)
  if (gate) return `${gate.name}: ${gate.errorMessage ?? 'failed'}`
  return stage.errorMessage
}

interface Row {
  stage: Stage
  job?: Job
  /** Jobs folded into a stage's row: a stage that did not start, or (in a long table) succeeded. */
  folded?: number
}

function rowHtml({ stage, job, folded }: Row): string {
  const item = job ?? stage
  const name = job ? `↳ ${nameHtml(job.name)}` : `<b>${nameHtml(stage.name)}</b>`
  const result = resultHtml(item, job ? jobReason(job) : stageReason(stage))
  const jobs = folded ? ` · ${plural(folded, 'job')}` : ''
  const duration = durationText(item.durationSeconds) ?? ''
  return `<tr><td>${name}</td><td>${result}${jobs}</td><td align="right">${duration}</td></tr>`
}

/** A stage's rows: its own, then its jobs' unless it never began (nothing to say of them). */
function rowsOf(stage: Stage, compact: boolean): Row[] {
  const quiet = notReached(stage)
  const idle = stage.tasks.every(notReached)
  const fold = (quiet && idle) || (compact && itemState(stage) === 'success')
  if (fold || stage.tasks.length === 0) {
    return [{ stage, folded: compact && !quiet ? stage.tasks.length : 0 }]
  }
  return [{ stage }, ...stage.tasks.map(job => ({ stage, job }))]
}

const TABLE_HEAD =
  '<table>\n<tr><th align="left">Stage / job</th><th align="left">Result</th>' +
  '<th align="right">Duration</th></tr>'

/**
 * The stage table within `room` bytes and MAX_TABLE_ROWS rows. Past that many rows, successful stages
 * are folded to one row each; past it still, the stages that did not succeed come first, and the rest
 * are left out. A note says what the table folds or leaves out.
 */
export function stageTable(run: Run, room: number): { html: string[]; complete: boolean } {
  const size = (groups: Row[][]) => groups.reduce((n, rows) => n + rows.length, 0)
  let groups = run.stages.map(stage => rowsOf(stage, false))
  const compact = size(groups) > MAX_TABLE_ROWS
  if (compact) groups = run.stages.map(stage => rowsOf(stage, true))
  // Which rows of each stage stay: failures first, then in order, up to MAX_TABLE_ROWS.
  const kept = groups.map(() => 0)
  const order = groups
    .map((_, i) => i)
    .sort((a, b) => rank(run.stages[a]!) - rank(run.stages[b]!) || a - b)
  let left = MAX_TABLE_ROWS
  for (const i of order) {
    kept[i] = Math.min(left, groups[i]!.length)
    left -= kept[i]!
  }
  const rows = groups.flatMap((group, i) => group.slice(0, kept[i]))
  const shown = new Set(
    rows.slice(0, fitting(rows, rowHtml, room - TABLE_HEAD.length - 600).length)
  )
  const html = [TABLE_HEAD, ...[...shown].map(rowHtml), '</table>']
  // What is neither a row nor counted in one.
  let stages = 0
  let jobs = 0
  groups.forEach(group => {
    const own = group[0]!
    if (!shown.has(own)) {
      stages += 1
      jobs += own.stage.tasks.length
    } else {
      jobs += group.filter(row => row.job && !shown.has(row)).length
    }
  })
  const notes: string[] = []
  if (compact) {
    notes.push(`Successful stages show one row each, with their jobs counted.`)
  }
  if (stages + jobs > 0) {
    const what = counted([
      [stages, 'stage'],
      [jobs, 'job']
    ])
    const failedFirst = stages > 0 && run.stages.some(stage => rank(stage) === 0)
    notes.push(
      `${what} ${stages + jobs === 1 ? 'is' : 'are'} left out of this table to keep it short` +
        `${failedFirst ? ' (stages that did not succeed are kept first)' : ''}; ` +
        `the run's page in CodeArts lists every one.`
    )
  }
  if (notes.length > 0) html.push(`<p>${notes.join(' ')}</p>`)
  return { html, complete: !compact && stages + jobs === 0 }
}

/** Stages that did not succeed before those that did, when not all can be shown. */
function rank(stage: Stage): number {
  return itemState(stage) === 'success' ? 1 : 0
}

/** The table under its heading; folded, with what it counts, when the run succeeded. */
export function stagesHtml(run: Run, table: string[], folded: boolean): string[] {
  if (!folded) return ['<h3>Stages</h3>', ...table]
  const jobs = run.stages.reduce((n, s) => n + s.tasks.length, 0)
  const counts = counted([
    [run.stages.length, 'stage'],
    [jobs, 'job']
  ])
  return [`<details><summary>Stages: ${counts}</summary>`, ...table, '</details>']
}
