// The summary's top: the heading (pipeline, run number, verdict) and one status line (what failed or
// how the run stands, how long it ran, when it started and in which zone, who ran it, a link to it).
import type { Run, Stage } from '../model.js'
import type { Conclusion, Verdict } from '../result.js'
import type { Failure } from './failures.js'
import { link, linkable, nameHtml } from './html.js'
import { held, itemState, notStarted } from './state.js'
import { timeHtml } from './times.js'
import { counted, durationText, named } from './text.js'

// The pipeline's name in the heading.
const TITLE_CHARS = 100

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

/** `✅ CodeArts pipeline <name> #12 succeeded`, the name linking to the run. */
export function headingHtml(run: Run | null, verdict: Verdict, pipelineId: string): string {
  const name = nameHtml(run?.pipelineName || pipelineId, TITLE_CHARS)
  const number = run?.runNumber != null ? ` #${run.runNumber}` : ''
  return (
    `<h2>${ICON[verdict.conclusion]} CodeArts pipeline ${link(run?.detailUrl ?? null, name)}` +
    `${number} ${HEADING[verdict.conclusion]}</h2>`
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
  return counted([
    [jobs.size, 'job'],
    [gates, 'gate'],
    [alone.length, 'stage']
  ])
}

/** ` in stage <b>Test</b>`, ` in stages <b>A</b> and <b>B</b>`. */
function inStages(stages: Stage[]): string {
  const unique = [...new Set(stages)]
  if (unique.length === 0) return ''
  const names = unique.map(s => `<b>${nameHtml(s.name)}</b>`)
  return ` in ${unique.length === 1 ? 'stage' : 'stages'} ${named(names, 3)}`
}

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
    const words = held(run.status)?.[1]
    return notStarted(run) || !words ? '<b>Not started yet</b>' : `<b>${words}</b>`
  }
  if (!run.runId) return '<b>No run yet</b>'
  const word = run.outcome ?? run.status
  return word ? `<b>Ended: ${nameHtml(word, 40)}</b>` : '<b>Status unknown</b>'
}

export function statusLine(run: Run, verdict: Verdict, failures: Failure[]): string {
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
