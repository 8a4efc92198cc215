// The timeline: a Mermaid gantt of stages (sections) and their jobs (bars), in a Markdown fence.
// Every server text in it is cut down to a safe set of characters, so none becomes chart syntax.
import { clip, INVISIBLE } from '../quote.js'
import type { Run, Task } from '../model.js'
import { STATE_ICON, itemState, type ItemState } from './state.js'

import { clockMs } from './times.js'

/** Bars in the timeline; more would be unreadable. */
export const MAX_BARS = 30
const MAX_BAR_LABEL_CHARS = 30
const MAX_SECTION_LABEL_CHARS = 24
const YEAR_10000_MS = Date.UTC(10000, 0, 1)

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

/** `2020-09-01 17:13:18`, the chart's dateFormat, of a time read as UTC. */
function chartTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
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

export interface Timeline {
  /** The fenced chart; empty when nothing has a time. */
  chart: string
  /** Bars there were to draw, and how many of them were left out. */
  drawn: number
  left: number
}

/**
 * A Mermaid gantt of the stages (sections) and their jobs (bars); a stage none of whose jobs can be
 * drawn is drawn itself. At most MAX_BARS bars, failures first. Empty when nothing has a time.
 */
export function timeline(run: Run): Timeline {
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

/** The chart under its heading, with a note when it leaves bars out (and whether the table has them). */
export function timelineHtml(
  { chart, drawn, left }: Timeline,
  zone: string,
  tableListsAll: boolean
): string {
  const note = left
    ? `\n<p>The timeline shows ${MAX_BARS} of its ${drawn} bars, failures first; ` +
      `${tableListsAll ? 'the table below lists them all' : "the run's page in CodeArts shows the rest"}.</p>`
    : ''
  // A Markdown fence amid HTML needs a blank line on each side; the join adds the one after it.
  return `<h3>Timeline (${zone})</h3>\n\n${chart}\n${note}`
}
