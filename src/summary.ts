// The job summary: HTML, with the timeline as a Mermaid chart in a Markdown fence. Every server text is
// escaped in the HTML and cut down to a safe set of characters in the chart, so nothing the API sends
// becomes markup or chart syntax; and the whole stays under GitHub's 1 MiB limit per step.
import { formatDuration } from './duration.js'
import { clip, quote, webUrl } from './quote.js'
import type { Run, Stage, Task } from './model.js'
import type { Conclusion, Verdict } from './result.js'
import { commitUrl } from './provenance.js'

export const SUMMARY_LIMIT_BYTES = 1024 * 1024
// Room for the notes and closing tags, with a margin for the runner's own additions.
const BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024
// The "What failed" list may take this much, so the full table after it keeps room.
const FAILED_BUDGET_BYTES = BUDGET_BYTES / 4
const MAX_CELL_CHARS = 2000
// Longer messages are folded into a <details>, its summary their start.
const LONG_MESSAGE_CHARS = 200
const FOLDED_SUMMARY_CHARS = 80
/** Bars in the timeline; more would be unreadable. */
export const MAX_BARS = 100
const MAX_LABEL_CHARS = 60

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

/** Where a stage or task stands, whichever API's words said so. */
export type ItemState =
  'success' | 'failed' | 'aborted' | 'running' | 'waiting' | 'skipped' | 'unknown'

const STATE_ICON: Record<ItemState, string> = {
  success: '✅',
  failed: '❌',
  aborted: '⛔',
  running: '🔄',
  waiting: '⏳',
  skipped: '⏭️',
  unknown: '❔'
}

// v3 (`running`, outcome `error`) and v5 (`RUNNING`, `FAILED`) words, lower-cased. `completed` is not
// here: in v3 it says only that an item ended, and its outcome says how.
const STATE_OF_WORD: Record<string, ItemState> = {
  success: 'success',
  succeeded: 'success',
  error: 'failed',
  failed: 'failed',
  failure: 'failed',
  async_failed: 'failed',
  aborted: 'aborted',
  cancelled: 'aborted',
  canceled: 'aborted',
  stopped: 'aborted',
  running: 'running',
  async_running: 'running',
  redispatch: 'running',
  in_progress: 'running',
  waiting: 'waiting',
  queued: 'waiting',
  init: 'waiting',
  pending: 'waiting',
  paused: 'waiting',
  suspend: 'waiting',
  suspending: 'waiting',
  verifying: 'waiting',
  skipped: 'skipped',
  ignored: 'skipped',
  unselected: 'skipped'
}

function stateOfWord(word: string | null): ItemState | undefined {
  // ASCII words only, so no look-alike letter can pass for a known one.
  if (word === null || !/^[A-Za-z_ -]+$/.test(word)) return undefined
  const key = word.trim().toLowerCase().replace(/[ -]/g, '_')
  return Object.hasOwn(STATE_OF_WORD, key) ? STATE_OF_WORD[key] : undefined
}

/** The outcome decides when there is one; the status otherwise. */
export function itemState(item: Task): ItemState {
  return stateOfWord(item.outcome) ?? stateOfWord(item.status) ?? 'unknown'
}

/**
 * Text as HTML, cut to a cell's length, with XML's five entities and no others: the runner masks a
 * secret in the summary in that form too, so a workflow secret passed as a run parameter stays masked.
 * `|` and backticks need none: every line of server text is inside an HTML block (no blank line can
 * end it), where Markdown does not apply.
 */
export function escapeHtml(value: string): string {
  return clip(value, MAX_CELL_CHARS)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r?\n/g, '<br>')
    .replace(/\p{Cc}/gu, ' ')
}

/** Escaped text; long text folded into a <details> that shows its first line. */
function foldable(value: string): string {
  if (value.length <= LONG_MESSAGE_CHARS) return escapeHtml(value)
  const first = value.split('\n').find(line => line.trim() !== '') ?? ''
  const start = escapeHtml(clip(quote(first), FOLDED_SUMMARY_CHARS) || '…')
  return `<details><summary>${start}</summary>${escapeHtml(value)}</details>`
}

function cell(value: string | null | undefined): string {
  return `<td>${value ? escapeHtml(value) : ''}</td>`
}

function durationText(value: number | null): string | null {
  return value === null ? null : formatDuration(value * 1000)
}

function link(url: string | null, text: string): string {
  // Only web links: a javascript: or data: URL from the server must not become clickable.
  const href = webUrl(url)
  if (!href) return escapeHtml(text)
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
}

// A pipeline builds from a few repositories at most; a long list from the server is cut.
const MAX_SOURCES = 5

function runTable(run: Run): string {
  const count = run.parameters.length
  const parameters =
    count === 0
      ? ''
      : `<details><summary>${count} parameter${count === 1 ? '' : 's'}</summary>` +
        `${escapeHtml(run.parameters.map(p => `${p.name}=${p.value}`).join('\n'))}</details>`
  const built = run.sources.slice(0, MAX_SOURCES).map(source => {
    const ref = source.tag ? `tag ${source.tag}` : source.branch ? `branch ${source.branch}` : ''
    const url = commitUrl(source)
    const commit = source.commit ? link(url ?? null, source.commit.slice(0, 12)) : ''
    return [escapeHtml(ref), commit].filter(Boolean).join(' @ ')
  })
  const rows: [string, string][] = [
    ['Run', cell(run.runId)],
    ['Status', cell([run.status, run.outcome].filter(Boolean).join(' / '))],
    ['Executor', cell(run.executor)],
    ['Started', cell(run.startTime)],
    ['Ended', cell(run.endTime)],
    ['Duration', cell(durationText(run.durationSeconds))],
    ['Parameters', `<td>${parameters}</td>`]
  ]
  if (built.some(Boolean)) rows.push(['Built', `<td>${built.filter(Boolean).join('<br>')}</td>`])
  const body = rows.map(([name, value]) => `<tr><th align="left">${name}</th>${value}</tr>`)
  return `<table>\n${body.join('\n')}\n</table>`
}

interface Item {
  stage: Stage
  /** Absent for the stage's own row. */
  task?: Task
}

function items(run: Run): Item[] {
  return run.stages.flatMap(stage => [{ stage }, ...stage.tasks.map(task => ({ stage, task }))])
}

function stageRow({ stage, task }: Item): string {
  const item = task ?? stage
  const status = `${STATE_ICON[itemState(item)]} ${item.status ? escapeHtml(item.status) : ''}`
  return (
    `<tr>${cell(task ? '' : stage.name)}${cell(task?.name)}<td>${status.trimEnd()}</td>` +
    `${cell(item.outcome)}${cell(durationText(item.durationSeconds))}` +
    `<td>${item.errorMessage ? foldable(item.errorMessage) : ''}</td></tr>`
  )
}

/** A failure, or an item that ended otherwise than well and says why. */
function isFailure(item: Task): boolean {
  const state = itemState(item)
  if (state === 'failed') return true
  return item.errorMessage !== null && (state === 'aborted' || state === 'unknown')
}

/** Failed tasks, and failed stages that have a message of their own or no failed task to show. */
function failures(run: Run): Item[] {
  return run.stages.flatMap(stage => {
    const tasks = stage.tasks.filter(isFailure)
    const own =
      isFailure(stage) &&
      (tasks.length === 0 ||
        (stage.errorMessage !== null && !tasks.some(t => t.errorMessage === stage.errorMessage)))
    return [...(own ? [{ stage }] : []), ...tasks.map(task => ({ stage, task }))]
  })
}

function failureLine({ stage, task }: Item): string {
  const item = task ?? stage
  const where = task
    ? `${escapeHtml(stage.name)} › <b>${escapeHtml(task.name)}</b>`
    : `<b>${escapeHtml(stage.name)}</b>`
  const code = item.errorCode ? ` <code>${escapeHtml(item.errorCode)}</code>` : ''
  const message = item.errorMessage ? `: ${foldable(item.errorMessage)}` : ''
  return `<li>${STATE_ICON[itemState(item)]} ${where}${code}${message}</li>`
}

/** How many of `rows` fit in `room` bytes, a newline after each; rendered only as far as needed. */
function fitting<T>(rows: T[], render: (row: T) => string, room: number): string[] {
  const shown: string[] = []
  let used = 0
  for (const row of rows) {
    const html = render(row)
    used += Buffer.byteLength(html) + 1
    if (used > room) break
    shown.push(html)
  }
  return shown
}

// --- The timeline ---

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/
const YEAR_10000_MS = Date.UTC(10000, 0, 1)

/** `2020-09-01 17:13:18`, the chart's dateFormat, of a time read as UTC. */
function chartTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/**
 * A v3 (`2020-09-01 17:13:18`) or v5 (`2024-11-26T05:46:40Z`) time as milliseconds, its clock read as
 * UTC: the times of one run share one form, so they line up. Null for anything else, including dates
 * that do not exist (`2020-02-30`), which the chart would reject.
 */
function clockMs(value: string | null): number | null {
  const m = value === null ? null : TIME.exec(value)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (y < 1000 || h > 23 || mi > 59 || s > 59) return null
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  // Date.UTC rolls an impossible day or month over into the next; the chart would reject it.
  const date = new Date(ms)
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? ms : null
}

/**
 * Server text as a chart label: letters, digits, spaces and `.,_+-/()` only. No `:`, `;`, `#`, `%`
 * (gantt separators and comments), no newline, backtick or markup: nothing that could end the line,
 * the fence or the chart.
 */
export function chartLabel(value: string): string {
  const safe = value
    .replace(/[^\p{L}\p{M}\p{N} .,_+\-/()]+/gu, ' ')
    .replace(/ +/g, ' ')
    .trim()
  return clip(safe, MAX_LABEL_CHARS)
}

const BAR_TAG: Partial<Record<ItemState, string>> = {
  success: 'done',
  failed: 'crit',
  running: 'active'
}

interface Bar {
  item: Task
  start: number
  /** Whole seconds, at least one so that a zero-length item still shows. */
  seconds: number
}

/**
 * Where an item's bar goes, or null when it has no readable start or length. A running item has no
 * length yet: it is drawn up to `horizon`, the latest moment the run is known to have reached.
 */
function barOf(item: Task, horizon: number | null): Bar | null {
  const start = clockMs(item.startTime)
  if (start === null) return null
  const running = itemState(item) === 'running'
  const length =
    item.durationSeconds ?? (running ? Math.max(0, ((horizon ?? start) - start) / 1000) : null)
  if (length === null || !Number.isFinite(length) || length < 0) return null
  const seconds = Math.max(1, Math.round(length))
  return start + seconds * 1000 < YEAR_10000_MS ? { item, start, seconds } : null
}

function barLine({ item, start, seconds }: Bar): string {
  const state = itemState(item)
  // The icon first: a label can then never start with a keyword (`section`, `title`, `click`) or a date.
  const label = `${STATE_ICON[state]} ${chartLabel(item.name)}`
  const tag = BAR_TAG[state]
  return `    ${label} :${tag ? `${tag}, ` : ''}${chartTime(start)}, ${seconds}s`
}

/** The latest moment the run is known to have reached, from its own and its items' ends. */
function horizonOf(run: Run): number | null {
  // A loop, not Math.max(...ends): a run with a few hundred thousand items would overflow the stack.
  let latest: number | null = null
  for (const item of [run, ...run.stages, ...run.stages.flatMap(stage => stage.tasks)]) {
    const start = clockMs(item.startTime)
    if (start === null || item.durationSeconds === null) continue
    const end = start + item.durationSeconds * 1000
    if (latest === null || end > latest) latest = end
  }
  return latest
}

/**
 * A Mermaid gantt of the stages (sections) and their tasks (bars); a stage none of whose tasks can be
 * drawn is drawn itself. Empty when nothing has a time, so no chart is written at all.
 */
function timeline(run: Run): { chart: string; left: number } {
  const horizon = horizonOf(run)
  const sections: string[][] = []
  let shown = 0
  let left = 0
  run.stages.forEach((stage, i) => {
    let bars = stage.tasks.map(task => barOf(task, horizon)).filter(b => b !== null)
    if (bars.length === 0) bars = [barOf(stage, horizon)].filter(b => b !== null)
    const fits = bars.slice(0, MAX_BARS - shown).map(barLine)
    shown += fits.length
    left += bars.length - fits.length
    if (fits.length > 0) {
      sections.push([`    section ${chartLabel(stage.name) || `Stage ${i + 1}`}`, ...fits])
    }
  })
  if (shown === 0) return { chart: '', left: 0 }
  const chart = [
    '```mermaid',
    'gantt',
    '    dateFormat YYYY-MM-DD HH:mm:ss',
    '    axisFormat %H:%M:%S',
    '    todayMarker off',
    ...sections.flat(),
    '```'
  ].join('\n')
  return { chart, left }
}

/** The timeline with its heading. A Markdown fence amid HTML needs a blank line on each side. */
function timelineSection(run: Run): string | null {
  const { chart, left } = timeline(run)
  if (!chart) return null
  // v5 times are UTC; v3 times are the region's, unstated.
  const utc = [run, ...run.stages].some(s => s.startTime?.endsWith('Z')) ? ' (UTC)' : ''
  const note = left
    ? `\n<p>${left} more bars are left out of the timeline to keep it readable; the table lists them.</p>`
    : ''
  // Joined to the next part by a newline, the trailing one makes the blank line after the fence.
  return `<h3>Timeline${utc}</h3>\n\n${chart}\n${note}`
}

/** The summary of a wait; `run` is null when no status named a run (e.g. cancelled before the first). */
export function summaryHtml(run: Run | null, verdict: Verdict, pipelineId: string): string {
  const name = run?.pipelineName ?? pipelineId
  const top = [
    `<h2>${ICON[verdict.conclusion]} CodeArts pipeline ${link(run?.detailUrl ?? null, name)} ${HEADING[verdict.conclusion]}</h2>`
  ]
  if (verdict.message) top.push(`<p>${escapeHtml(verdict.message)}</p>`)
  if (!run) return `${top.join('\n')}\n`

  const table = runTable(run)
  const chart = timelineSection(run)
  let size = Buffer.byteLength([...top, table, chart ?? ''].join('\n'))

  const failed: string[] = []
  const failedItems = verdict.conclusion === 'success' ? [] : failures(run)
  if (failedItems.length > 0) {
    const head = '<h3>What failed</h3>\n<ul>'
    const room = Math.min(FAILED_BUDGET_BYTES, BUDGET_BYTES - size) - head.length - 6
    const lines = fitting(failedItems, failureLine, room)
    failed.push(head, ...lines, '</ul>')
    if (lines.length < failedItems.length) {
      failed.push(
        `<p>${failedItems.length - lines.length} more failures are in the table below.</p>`
      )
    }
    size += Buffer.byteLength(failed.join('\n')) + 1
  }

  const parts = [...top, ...failed, table]
  if (chart) parts.push(chart)
  const rows = items(run)
  if (rows.length > 0) {
    const head =
      '<h3>Stages</h3>\n<table>\n<tr><th>Stage</th><th>Task</th><th>Status</th><th>Outcome</th><th>Duration</th><th>Error</th></tr>'
    const shown = fitting(rows, stageRow, BUDGET_BYTES - size - head.length - 10)
    parts.push(head, ...shown, '</table>')
    if (shown.length < rows.length) {
      parts.push(
        `<p>${rows.length - shown.length} more stage and task rows are left out to keep the summary under GitHub's 1 MiB limit; see the run's detail page.</p>`
      )
    }
  }
  return `${parts.join('\n')}\n`
}
