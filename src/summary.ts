// The job summary: HTML, with the timeline as a Mermaid chart in a Markdown fence. Every server text is
// escaped in the HTML and cut down to a safe set of characters in the chart, so nothing the API sends
// becomes markup or chart syntax; and the whole stays under GitHub's 1 MiB limit per step.
//
// Its parts, in order: the heading (pipeline, run number, verdict); one status line (what failed or how
// the run stands, how long it ran, when it started and in which zone, who ran it, a link to it); the
// verdict's message when no failure explains it; what failed, each with its reason and log excerpt
// folded, then what stopped because of it and what was not reached; the timeline; the stage and job
// table (folded when the run succeeded); and the run's details (folded).
import { formatDuration } from './duration.js'
import { clip, webUrl } from './quote.js'
import type { Artifact, BuiltSource, Job, Run, Stage, Step, StepLog, Task } from './model.js'
import { culpritPath, type Conclusion, type Verdict } from './result.js'
import { commitUrl } from './provenance.js'

export const SUMMARY_LIMIT_BYTES = 1024 * 1024
// Room for the notes and closing tags, with a margin for the runner's own additions.
const BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024
// The "What failed" list may take this much, so the table after it keeps room.
const FAILED_BUDGET_BYTES = BUDGET_BYTES / 4
// The folded run details (parameters, artifacts) may take this much.
const DETAILS_BUDGET_BYTES = 96 * 1024
const MAX_CELL_CHARS = 2000
/** Failed items listed in full; more are counted. */
export const MAX_FAILURES = 20
/** Lines of a failed step's log shown, its last. */
export const MAX_LOG_LINES = 30
// A long error message shows this many of its first and of its last lines.
const MESSAGE_HEAD_LINES = 10
const MESSAGE_TAIL_LINES = 10
// Each line of a log or message in a <pre> is cut to this: a minified bundle in a log is one huge line.
const MAX_PRE_LINE_CHARS = 300
// One-line reasons: in the "What failed" list, and in the table's Result cell (which must stay narrow).
const REASON_CHARS = 160
const CELL_REASON_CHARS = 60
// Names in the table and lists; the pipeline's in the heading.
const NAME_CHARS = 60
const TITLE_CHARS = 100
/** Rows of the stage table; past this, successful stages show only their own row, then rows are cut. */
export const MAX_TABLE_ROWS = 300
// Names in the "stopped" and "not reached" sentence.
const MAX_NAMED = 6
/** Bars in the timeline; more would be unreadable. */
export const MAX_BARS = 30
const MAX_BAR_LABEL_CHARS = 30
const MAX_SECTION_LABEL_CHARS = 24
// Parameters and artifacts: each value cut on its own.
const MAX_PARAMETER_CHARS = 500
const MAX_ARTIFACTS = 50
// A pipeline builds from a few repositories at most; a long list from the server is cut.
const MAX_SOURCES = 5

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

/** The word as a lookup key: ASCII words only, so no look-alike letter can pass for a known one. */
function wordKey(word: string | null): string | undefined {
  if (word === null || !/^[A-Za-z_ -]+$/.test(word)) return undefined
  return word.trim().toLowerCase().replace(/[ -]/g, '_')
}

function stateOfWord(word: string | null): ItemState | undefined {
  const key = wordKey(word)
  return key !== undefined && Object.hasOwn(STATE_OF_WORD, key) ? STATE_OF_WORD[key] : undefined
}

/** The outcome decides when there is one; the status otherwise. */
export function itemState(item: Pick<Task, 'status' | 'outcome'>): ItemState {
  return stateOfWord(item.outcome) ?? stateOfWord(item.status) ?? 'unknown'
}

// Waiting words of an item that has begun and stopped for something: not "not started".
const HELD: Record<string, [icon: string, words: string]> = {
  paused: ['⏸️', 'Paused'],
  suspend: ['⏸️', 'Suspended'],
  suspending: ['⏸️', 'Suspended'],
  verifying: ['⏳', 'Awaiting review']
}

/** An item that has not begun (waiting, queued), as against paused or awaiting a review. */
function notStarted(item: Pick<Task, 'status' | 'outcome'>): boolean {
  const key = wordKey(item.status) ?? ''
  return itemState(item) === 'waiting' && !Object.hasOwn(HELD, key)
}

// --- Text ---

// Invisible characters that could make a text read as another: format characters (bidi overrides and
// isolates, zero-width spaces and joiners, soft hyphens, tag characters) and the Hangul fillers.
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0]/gu
// ANSI escape sequences (colours, cursor moves) in logs.
// eslint-disable-next-line no-control-regex -- they are control characters, and what it removes
const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[@-Z\\-_])/g

/**
 * Server text as HTML, with XML's five entities and no others: the runner masks a secret in the summary
 * in that form too, so a workflow secret passed as a run parameter stays masked. Invisible characters
 * go, a newline becomes <br>. `|` and backticks need no entity: every line of server text is inside an
 * HTML block (no blank line can end it), where Markdown does not apply.
 */
function escapeText(value: string): string {
  return value
    .replace(INVISIBLE, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r?\n/g, '<br>')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
}

/** Text as HTML (see escapeText), cut to a cell's length first. */
export function escapeHtml(value: string): string {
  return escapeText(clip(value, MAX_CELL_CHARS))
}

/** Server text on one line: invisible characters out, any run of spaces, tabs or newlines one space. */
function oneLine(value: string): string {
  return value
    .replace(INVISIBLE, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim()
}

/** Server text on one line, without invisible characters, cut to `max` characters. */
function line(value: string, max: number): string {
  return clip(oneLine(value), max)
}

/** A name on one line, as HTML. */
function nameHtml(value: string, max = NAME_CHARS): string {
  return escapeText(line(value, max))
}

/**
 * `text` cut in its middle, so that its start and its end (an exit code, say) both stay; at a space
 * when there is one near the cut.
 */
function middleClip(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  const half = Math.floor((max - 3) / 2)
  let head = chars.slice(0, half).join('')
  let tail = chars.slice(-half).join('')
  const space = head.lastIndexOf(' ')
  if (space > half * 0.6) head = head.slice(0, space)
  const next = tail.indexOf(' ')
  if (next >= 0 && next < half * 0.4) tail = tail.slice(next + 1)
  return `${head.trimEnd()} … ${tail.trimStart()}`
}

/** A message's lines, cleaned, blank ones dropped. */
function messageLines(message: string): string[] {
  return message
    .split(/\r?\n|\r|\u2028|\u2029/)
    .map(oneLine)
    .filter(l => l !== '')
}

/** A message in one line, its lines joined by `·`, cut in the middle. */
function reasonOf(message: string, max: number): string {
  return middleClip(messageLines(message).join(' · '), max)
}

/** Lines for a <pre>: terminal escapes and invisible characters out, each cut in its middle. */
function preLines(lines: string[]): string[] {
  return lines.map(l =>
    middleClip(
      l.replace(ANSI, '').replace(INVISIBLE, '').replace(/\t/g, '    ').trimEnd(),
      MAX_PRE_LINE_CHARS
    )
  )
}

/** Lines as a <pre>, on one line of the summary (a line break is <br>, so no blank line can occur). */
function pre(lines: string[]): string {
  return `<pre>${lines.map(escapeText).join('<br>')}</pre>`
}

/** A long message's first and last lines, with how many between them were left out. */
function messageExcerpt(message: string): string[] {
  const lines = preLines(message.split(/\r?\n|\r/))
  while (lines.length > 0 && lines[0] === '') lines.shift()
  while (lines.length > 0 && lines.at(-1) === '') lines.pop()
  if (lines.length <= MESSAGE_HEAD_LINES + MESSAGE_TAIL_LINES + 1) return lines
  const left = lines.length - MESSAGE_HEAD_LINES - MESSAGE_TAIL_LINES
  return [
    ...lines.slice(0, MESSAGE_HEAD_LINES),
    `… ${left} lines left out …`,
    ...lines.slice(-MESSAGE_TAIL_LINES)
  ]
}

function durationText(value: number | null): string | null {
  return value === null || !Number.isFinite(value) || value < 0
    ? null
    : formatDuration(value * 1000)
}

// Longer links are not links: no browser or server takes them, and they would crowd out the rest.
const MAX_URL_CHARS = 4096

/** The URL as a link target, or null: only web links, so a javascript: or data: URL is no link. */
function linkable(url: string | null): string | null {
  const href = webUrl(url)
  return href && href.length <= MAX_URL_CHARS ? href : null
}

function link(url: string | null, html: string): string {
  const href = linkable(url)
  return href ? `<a href="${escapeText(href)}">${html}</a>` : html
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** `a`, `a and b`, `a, b and c`. */
function listed(parts: string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

/** Up to `max` names, then how many more. */
function named(names: string[], max = MAX_NAMED): string {
  const shown = names.slice(0, max)
  if (names.length > max) shown.push(`${names.length - max} more`)
  return listed(shown)
}

// --- Times ---

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/
const YEAR_10000_MS = Date.UTC(10000, 0, 1)

/** True for a run whose times are UTC (v5's end in Z); v3's are the region's local time, unstated. */
function utcTimes(run: Run): boolean {
  return [run, ...run.stages].some(s => s.startTime?.endsWith('Z'))
}

/** The zone a run's times are in, for a heading. */
function zoneOf(run: Run): string {
  return utcTimes(run) ? 'UTC' : "region's local time"
}

/** `2024-11-26 05:46:40 UTC`, or the v3 time with the zone it is in; other text escaped. */
function timeHtml(value: string, run: Run): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z?)$/.exec(value)
  if (!m) return escapeText(line(value, 40))
  return m[3] ? `${m[1]} ${m[2]} UTC` : `${m[1]} ${m[2]} (${zoneOf(run)})`
}

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

// --- What failed, what stopped, what was not reached ---

interface Failure {
  stage: Stage
  job?: Job
  /** A failed step of `job`, or (with no job) a failed gate of the stage. */
  step?: Step
  /** What failed: the step, the job, or the stage. */
  item: Task
}

/** Failed, or ended in a way no word says and with an error message. Cancelled is not failed. */
function isFailure(item: Task): boolean {
  const state = itemState(item)
  return state === 'failed' || (state === 'unknown' && item.errorMessage !== null)
}

/**
 * Each failed step; a failed job with no failed step; a failed gate; a failed stage with nothing in it
 * to blame, or with a message of its own.
 */
function failuresOf(run: Run): Failure[] {
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

function failureItem(f: Failure, log: StepLog | undefined): string {
  const gate = f.step !== undefined && f.job === undefined ? ' (gate)' : ''
  const where = `<b>${escapeText(line(pathOf(f), 200))}</b>${gate}`
  const after = durationText(f.item.durationSeconds)
  const { message, code } = messageOf(f)
  const head =
    `<li>${STATE_ICON[itemState(f.item)]} ${where}` +
    `${after ? ` after ${after}` : ''}${code ? ` <code>${nameHtml(code, 80)}</code>` : ''}`
  const reason = message ? reasonOf(message, REASON_CHARS) : ''
  const folded: string[] = []
  // The whole message when the one-line reason does not hold all of it.
  if (message && reason !== messageLines(message).join(' · ')) {
    folded.push(pre(messageExcerpt(message)))
  }
  if (log && log.lines.length > 0) {
    const lines = preLines(log.lines.slice(-MAX_LOG_LINES))
    folded.push(`<p>The last ${plural(lines.length, 'line')} of its log:</p>`, pre(lines))
  }
  if (folded.length === 0) return `${head}${reason ? `<br>${escapeText(reason)}` : ''}</li>`
  const summary = reason ? escapeText(reason) : 'Its log'
  return `${head}<details><summary>${summary}</summary>${folded.join('')}</details></li>`
}

/** A log no listed failure names: shown on its own. */
function logItem(log: StepLog): string {
  const lines = preLines(log.lines.slice(-MAX_LOG_LINES))
  return (
    `<li>📄 <b>${escapeText(line(log.path, 200))}</b><details><summary>The last ` +
    `${plural(lines.length, 'line')} of its log</summary>${pre(lines)}</details></li>`
  )
}

/** How many jobs, gates and stages failed: `2 jobs`, `1 job and 1 gate`. */
function failedCount(failures: Failure[]): string {
  const jobs = new Set(failures.flatMap(f => (f.job ? [f.job] : [])))
  const gates = failures.filter(f => f.step && !f.job).length
  // A stage counts on its own only when nothing in it does.
  const alone = failures.filter(
    f => f.item === f.stage && failures.every(g => g.stage !== f.stage || g === f)
  )
  return listed(
    [
      jobs.size ? plural(jobs.size, 'job') : '',
      gates ? plural(gates, 'gate') : '',
      alone.length ? plural(alone.length, 'stage') : ''
    ].filter(Boolean)
  )
}

/** ` in stage <b>Test</b>`, ` in stages <b>A</b> and <b>B</b>`. */
function inStages(stages: Stage[]): string {
  const unique = [...new Set(stages)]
  if (unique.length === 0) return ''
  const names = unique.map(s => `<b>${nameHtml(s.name)}</b>`)
  return ` in ${unique.length === 1 ? 'stage' : 'stages'} ${named(names, 3)}`
}

/** Cancelled items: each cancelled job or gate, or the stage when nothing in it says so. */
function stoppedOf(run: Run): string[] {
  return run.stages.flatMap(stage => {
    const aborted = (t: Task) => itemState(t) === 'aborted'
    const inside = [
      ...stage.tasks
        .filter(aborted)
        .map(job => `${line(stage.name, NAME_CHARS)} › ${line(job.name, NAME_CHARS)}`),
      ...stage.gates
        .filter(aborted)
        .map(g => `${line(stage.name, NAME_CHARS)} › ${line(g.name, NAME_CHARS)}`)
    ]
    const blamed = [...stage.tasks, ...stage.gates].some(t => aborted(t) || isFailure(t))
    return aborted(stage) && !blamed ? [line(stage.name, NAME_CHARS)] : inside
  })
}

/** Not started, or skipped. */
function notReached(item: Task): boolean {
  return notStarted(item) || itemState(item) === 'skipped'
}

/** Items not reached: a stage, or the jobs of a stage that did begin. */
function notReachedOf(run: Run): string[] {
  return run.stages.flatMap(stage =>
    notReached(stage)
      ? [line(stage.name, NAME_CHARS)]
      : stage.tasks
          .filter(notReached)
          .map(job => `${line(stage.name, NAME_CHARS)} › ${line(job.name, NAME_CHARS)}`)
  )
}

/** One sentence: what was cancelled (as a consequence, when something failed) and what never began. */
function aftermath(run: Run, failed: boolean): string | null {
  const stopped = stoppedOf(run)
  const waiting = notReachedOf(run)
  const parts: string[] = []
  if (stopped.length > 0) {
    const names = named(stopped.map(s => `<b>${escapeText(s)}</b>`))
    parts.push(`⛔ ${failed ? 'Also stopped as a consequence' : 'Stopped'}: ${names}.`)
  }
  if (waiting.length > 0) {
    const what = run.phase === 'completed' ? 'Not reached' : 'Not started yet'
    parts.push(`${parts.length ? '' : '⏳ '}${what}: ${named(waiting.map(escapeText))}.`)
  }
  return parts.length > 0 ? `<p>${parts.join(' ')}</p>` : null
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

function whatFailed(failures: Failure[], logs: StepLog[], room: number): string[] {
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

// --- The status line ---

/** What the run comes to, in bold: what failed and where, or how it stands. */
function lead(run: Run, verdict: Verdict, failures: Failure[]): string {
  if (failures.length > 0) {
    return `<b>${failedCount(failures)} failed</b>${inStages(failures.map(f => f.stage))}`
  }
  if (verdict.conclusion === 'success') {
    return run.stages.length > 0
      ? `<b>${run.stages.length === 1 ? 'Its stage' : `All ${run.stages.length} stages`} succeeded</b>`
      : '<b>Succeeded</b>'
  }
  const runState = itemState(run)
  if (runState === 'aborted') {
    return `<b>Cancelled</b>${inStages(run.stages.filter(s => itemState(s) === 'aborted').slice(0, 1))}`
  }
  if (runState === 'running') {
    return `<b>Still running</b>${inStages(run.stages.filter(s => itemState(s) === 'running'))}`
  }
  if (runState === 'waiting') {
    const held = HELD[wordKey(run.status) ?? '']
    return notStarted(run) || !held ? '<b>Not started yet</b>' : `<b>${held[1]}</b>`
  }
  if (!run.runId) return '<b>No run yet</b>'
  const word = run.outcome ?? run.status
  return word ? `<b>Ended: ${nameHtml(word, 40)}</b>` : '<b>Status unknown</b>'
}

function statusLine(run: Run, verdict: Verdict, failures: Failure[]): string {
  const ran = durationText(run.durationSeconds)
  const started = run.startTime ? `started ${timeHtml(run.startTime, run)}` : ''
  const by = run.executor ? `by ${nameHtml(run.executor)}` : ''
  const url = linkable(run.detailUrl)
  const parts = [
    lead(run, verdict, failures),
    ran ? `ran ${ran}` : '',
    [started, by].filter(Boolean).join(' '),
    url ? link(url, 'Open in CodeArts ↗') : ''
  ]
  return `<p>${parts.filter(Boolean).join(' · ')}</p>`
}

// --- The timeline ---

/**
 * Server text as a chart label: letters, digits, spaces and `.,_+-/()` only. No `:`, `;`, `#`, `%`
 * (gantt separators and comments), no newline, backtick or markup: nothing that could end the line,
 * the fence or the chart.
 */
export function chartLabel(value: string, max = MAX_BAR_LABEL_CHARS): string {
  const safe = value
    .replace(INVISIBLE, '')
    .replace(/[^\p{L}\p{M}\p{N} .,_+\-/()]+/gu, ' ')
    .replace(/ +/g, ' ')
    .trim()
  return clip(safe, max)
}

const BAR_TAG: Partial<Record<ItemState, string>> = {
  success: 'done',
  failed: 'crit',
  running: 'active'
}

// Which bars stay when there are too many: failures first, successes last.
const BAR_RANK: Record<ItemState, number> = {
  failed: 0,
  aborted: 1,
  running: 2,
  unknown: 3,
  waiting: 3,
  skipped: 4,
  success: 5
}

/** Green for success, red for failure, grey for cancelled, blue for running; in light and dark. */
const CHART_THEME =
  '%%{init: {"themeVariables": {"doneTaskBkgColor": "#4ac26b", "doneTaskBorderColor": "#1a7f37", ' +
  '"critBkgColor": "#cf222e", "critBorderColor": "#a40e26", "taskBkgColor": "#8c959f", ' +
  '"taskBorderColor": "#6e7781", "activeTaskBkgColor": "#54aeff", "activeTaskBorderColor": "#0969da", ' +
  '"taskTextColor": "#ffffff", "taskTextDarkColor": "#1f2328"}}}%%'

interface Bar {
  item: Task
  stage: number
  order: number
  start: number
  /** Whole seconds, at least one so that a zero-length item still shows. */
  seconds: number
}

/**
 * Where an item's bar goes, or null when it has no readable start or length. A running item has no
 * length yet: it is drawn up to `horizon`, the latest moment the run is known to have reached.
 */
function barOf(item: Task, horizon: number | null): Omit<Bar, 'stage' | 'order'> | null {
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

// Tick intervals, in seconds, with Mermaid's name for each.
const TICKS: [number, string][] = [
  [1, '1second'],
  [5, '5second'],
  [10, '10second'],
  [15, '15second'],
  [30, '30second'],
  [60, '1minute'],
  [120, '2minute'],
  [300, '5minute'],
  [600, '10minute'],
  [900, '15minute'],
  [1800, '30minute'],
  [3600, '1hour'],
  [7200, '2hour'],
  [10800, '3hour'],
  [21600, '6hour'],
  [43200, '12hour'],
  [86400, '1day'],
  [172800, '2day'],
  [604800, '1week']
]
const MAX_TICKS = 12

/** The axis for a chart spanning `seconds`: at most MAX_TICKS ticks, labelled as briefly as they can be. */
function axisOf(seconds: number): string[] {
  const found = TICKS.find(([step]) => seconds / step <= MAX_TICKS)
  if (!found) return ['    axisFormat %Y-%m-%d']
  const [step, name] = found
  const format =
    step >= 86400 ? '%m-%d' : seconds >= 86400 ? '%d %H:%M' : step >= 60 ? '%H:%M' : '%H:%M:%S'
  return [`    axisFormat ${format}`, `    tickInterval ${name}`]
}

/**
 * A Mermaid gantt of the stages (sections) and their jobs (bars); a stage none of whose jobs can be
 * drawn is drawn itself. At most MAX_BARS bars, failures first. Empty when nothing has a time.
 */
function timeline(run: Run): { chart: string; drawn: number; left: number } {
  const horizon = horizonOf(run)
  const all: Bar[] = []
  run.stages.forEach((stage, i) => {
    let bars = stage.tasks.map(task => barOf(task, horizon))
    if (!bars.some(Boolean)) bars = [barOf(stage, horizon)]
    for (const bar of bars) if (bar) all.push({ ...bar, stage: i, order: all.length })
  })
  if (all.length === 0) return { chart: '', drawn: 0, left: 0 }
  const kept =
    all.length <= MAX_BARS
      ? all
      : all
          .slice()
          .sort(
            (a, b) => BAR_RANK[itemState(a.item)] - BAR_RANK[itemState(b.item)] || a.order - b.order
          )
          .slice(0, MAX_BARS)
          .sort((a, b) => a.order - b.order)
  let first = Infinity
  let last = -Infinity
  for (const bar of kept) {
    first = Math.min(first, bar.start)
    last = Math.max(last, bar.start + bar.seconds * 1000)
  }
  const lines: string[] = []
  let section = -1
  for (const bar of kept) {
    if (bar.stage !== section) {
      section = bar.stage
      const name = chartLabel(run.stages[section]!.name, MAX_SECTION_LABEL_CHARS)
      lines.push(`    section ${name || `Stage ${section + 1}`}`)
    }
    lines.push(barLine(bar))
  }
  const chart = [
    '```mermaid',
    CHART_THEME,
    'gantt',
    '    dateFormat YYYY-MM-DD HH:mm:ss',
    ...axisOf((last - first) / 1000),
    '    todayMarker off',
    ...lines,
    '```'
  ].join('\n')
  return { chart, drawn: all.length, left: all.length - kept.length }
}

// --- The stage table ---

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
      const held = HELD[key]
      return held ? held.join(' ') : key === 'queued' ? '⏳ Queued' : '⏳ Not started'
    }
    case 'skipped':
      return key === 'unselected'
        ? '⏭️ Skipped (not selected)'
        : key === 'ignored'
          ? '⏭️ Skipped (ignored)'
          : '⏭️ Skipped'
    case 'unknown': {
      const words = [item.status, item.outcome].filter(w => w !== null).map(w => line(w, 40))
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
  const gate = stage.gates.find(g => isFailure(g))
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
function stageTable(run: Run, room: number): { html: string[]; complete: boolean } {
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
    const what = listed(
      [stages ? plural(stages, 'stage') : '', jobs ? plural(jobs, 'job') : ''].filter(Boolean)
    )
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

// --- Run details ---

function repositoryName(source: BuiltSource): string | null {
  const url = source.webUrl ?? source.gitUrl
  const m = url && /([^/:]+\/[^/:]+?)(?:\.git)?\/*$/.exec(url)
  return m ? line(m[1]!, NAME_CHARS) : null
}

function sourceHtml(source: BuiltSource, withRepository: boolean): string {
  const ref = source.tag
    ? `tag ${nameHtml(source.tag)}`
    : source.branch
      ? `branch ${nameHtml(source.branch)}`
      : ''
  const commit = source.commit ? link(commitUrl(source) ?? null, source.commit.slice(0, 12)) : ''
  const repo = withRepository ? repositoryName(source) : null
  return [repo ? `${escapeText(repo)}:` : '', [ref, commit].filter(Boolean).join(' @ ')]
    .filter(Boolean)
    .join(' ')
}

function artifactHtml(artifact: Artifact): string {
  const version = artifact.version ? ` ${nameHtml(artifact.version)}` : ''
  const url = linkable(artifact.downloadUrl)
  return `<li><b>${nameHtml(artifact.name, 100)}</b>${version}${url ? ` · ${link(url, 'download')}` : ''}</li>`
}

function parameterHtml({ name, value }: { name: string; value: string }): string {
  // Each value cut on its own, so one long value cannot crowd out the others.
  const shown = value === '' ? '(empty)' : escapeText(clip(value, MAX_PARAMETER_CHARS))
  return `<li><code>${nameHtml(name, 128)}</code> = ${shown}</li>`
}

/** The run's facts, repositories, parameters and artifacts, folded. */
function runDetails(run: Run, pipelineId: string): string {
  const rows: [string, string][] = []
  if (run.runNumber !== null) rows.push(['Run number', `#${run.runNumber}`])
  if (run.runId) rows.push(['Run id', nameHtml(run.runId, 100)])
  rows.push(['Pipeline id', nameHtml(pipelineId, 100)])
  const status = [run.status, run.outcome].filter(w => w !== null).map(w => line(w, 40))
  if (status.length) rows.push(['Status', escapeText(status.join(' / '))])
  if (run.startTime) rows.push(['Started', timeHtml(run.startTime, run)])
  if (run.endTime) rows.push(['Ended', timeHtml(run.endTime, run)])
  if (run.executor) rows.push(['Executor', nameHtml(run.executor)])
  const sources = run.sources.slice(0, MAX_SOURCES).map(s => sourceHtml(s, run.sources.length > 1))
  if (run.sources.length > MAX_SOURCES) sources.push(`and ${run.sources.length - MAX_SOURCES} more`)
  if (sources.some(Boolean)) rows.push(['Built from', sources.filter(Boolean).join('<br>')])
  const out = [
    '<details><summary>Run details</summary>',
    '<table>',
    ...rows.map(([name, value]) => `<tr><th align="left">${name}</th><td>${value}</td></tr>`),
    '</table>'
  ]
  let room = DETAILS_BUDGET_BYTES
  const part = <T>(noun: string, items: T[], render: (item: T) => string, max: number) => {
    if (items.length === 0) return
    const shown = fitting(items.slice(0, max), render, room - 400)
    room -= Buffer.byteLength(shown.join('\n'))
    out.push(`<p><b>${noun[0]!.toUpperCase()}${noun.slice(1)}s</b></p>`, '<ul>', ...shown, '</ul>')
    const left = items.length - shown.length
    if (left > 0) {
      const are = left === 1 ? 'is' : 'are'
      out.push(`<p>${plural(left, `more ${noun}`)} ${are} left out to keep the summary short.</p>`)
    }
  }
  part('parameter', run.parameters, parameterHtml, Infinity)
  part('artifact', run.artifacts, artifactHtml, MAX_ARTIFACTS)
  out.push('</details>')
  return out.join('\n')
}

// --- The summary ---

/** The summary of a wait; `run` is null when no status named a run (e.g. cancelled before the first). */
export function summaryHtml(
  run: Run | null,
  verdict: Verdict,
  pipelineId: string,
  logs: StepLog[] = []
): string {
  const name = run?.pipelineName
    ? nameHtml(run.pipelineName, TITLE_CHARS)
    : nameHtml(pipelineId, TITLE_CHARS)
  const number = run?.runNumber != null ? ` #${run.runNumber}` : ''
  const heading =
    `<h2>${ICON[verdict.conclusion]} CodeArts pipeline ${link(run?.detailUrl ?? null, name)}` +
    `${number} ${HEADING[verdict.conclusion]}</h2>`
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

  const { chart, drawn, left } = timeline(run)
  const details = runDetails(run, pipelineId)
  size += Buffer.byteLength(chart) + Buffer.byteLength(details) + 1024

  const table = run.stages.length > 0 ? stageTable(run, BUDGET_BYTES - size) : null
  const parts = [...top, ...failed]
  if (chart) {
    const note = left
      ? `\n<p>The timeline shows ${MAX_BARS} of its ${drawn} bars, failures first; ` +
        `${table?.complete ? 'the table below lists them all' : "the run's page in CodeArts shows the rest"}.</p>`
      : ''
    // A Markdown fence amid HTML needs a blank line on each side; the join adds the one after it.
    parts.push(`<h3>Timeline (${zoneOf(run)})</h3>\n\n${chart}\n${note}`)
  }
  if (table) {
    if (success) {
      const jobs = run.stages.reduce((n, s) => n + s.tasks.length, 0)
      const counts = listed(
        [plural(run.stages.length, 'stage'), jobs ? plural(jobs, 'job') : ''].filter(Boolean)
      )
      parts.push(`<details><summary>Stages: ${counts}</summary>`, ...table.html, '</details>')
    } else {
      parts.push('<h3>Stages</h3>', ...table.html)
    }
  }
  parts.push(details)
  return `${parts.join('\n')}\n`
}
