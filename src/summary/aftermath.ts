// What the run did not do: what was cancelled (as a consequence, when something failed) and what never
import { quote } from '../quote.js'
// began.
import type { Run, Stage, Task } from '../model.js'
import { escapeText } from './html.js'
import { isFailure, itemState, notReached } from './state.js'
import { NAME_CHARS, named } from './text.js'

/** `Stage › Job`, as plain text. */
function itemPath(stage: Stage, item: Task): string {
  return `${quote(stage.name, NAME_CHARS)} › ${quote(item.name, NAME_CHARS)}`
}

/** Cancelled items: each cancelled job or gate, or the stage when nothing in it says so. */
function stoppedOf(run: Run): string[] {
  return run.stages.flatMap(stage => {
    const aborted = (t: Task) => itemState(t) === 'aborted'
    const items = [...stage.tasks, ...stage.gates]
    const blamed = items.some(t => aborted(t) || isFailure(t))
    return aborted(stage) && !blamed
      ? [quote(stage.name, NAME_CHARS)]
      : items.filter(aborted).map(t => itemPath(stage, t))
  })
}

/** Items not reached: a stage, or the jobs of a stage that did begin. */
function notReachedOf(run: Run): string[] {
  return run.stages.flatMap(stage =>
    notReached(stage)
      ? [quote(stage.name, NAME_CHARS)]
      : stage.tasks.filter(notReached).map(job => itemPath(stage, job))
  )
}

/** One sentence: what was cancelled (as a consequence, when something failed) and what never began. */
export function aftermath(run: Run, failed: boolean): string | null {
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
