// Why a step failed, in its own words: the tail of each failed step's log (v5), fetched once the run has
// failed, within a time budget of its own. A log that cannot be read is a warning; no log ever changes
// the verdict.
import { ABORTED, orTimeout, unlessAborted } from '../abortable.js'
import type { StepRef } from '../codearts/pipeline-api.js'
import type { Run, StepLog } from '../model.js'
import { requestTimeoutMs } from '../poller.js'
import { culpritPath } from '../result.js'
import type { FlowContext } from './context.js'

// At most this many failed steps get their logs read, and this much of each is kept.
const MAX_STEPS = 5
const MAX_PAGES = 20
export const MAX_LOG_BYTES = 64 * 1024
/** All logs together get this long, and never more than the step's own timeout leaves. */
export const LOGS_BUDGET_MS = 10_000

interface FailedStep {
  path: string
  ref: StepRef
}

/** The failed steps of the run's jobs, in run order, at most MAX_STEPS. */
export function failedSteps(run: Run): FailedStep[] {
  const found: FailedStep[] = []
  for (const stage of run.stages) {
    for (const task of stage.tasks) {
      for (const step of task.steps) {
        if (step.outcome !== 'error' || !run.runId) continue
        found.push({
          path: culpritPath({ stage, task, step }),
          ref: { runId: run.runId, jobRunId: task.id, stepRunId: step.id }
        })
        if (found.length === MAX_STEPS) return found
      }
    }
  }
  return found
}

/** The last `count` lines of `text`, and no more than `maxBytes` of them (whole lines, newest kept). */
export function tailOf(text: string, count: number, maxBytes = MAX_LOG_BYTES): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  const kept: string[] = []
  let bytes = 0
  for (let i = lines.length - 1; i >= 0 && kept.length < count; i--) {
    const line = lines[i]!
    bytes += Buffer.byteLength(line) + 1
    if (bytes > maxBytes) break
    kept.push(line)
  }
  return kept.reverse()
}

/** One step's tail: pages back from the end until `count` lines, the size cap or the deadline. */
async function readTail(
  context: FlowContext,
  step: FailedStep,
  count: number,
  deadline: number
): Promise<{ lines: string[] } | { problem: string }> {
  const { api, settings } = context
  if (!api.stepLog) return { problem: 'logs are read on v5 only' }
  let text = ''
  let endOffset: number | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const left = deadline - Date.now()
    if (left <= 0) break
    const want = count - tailOf(text, count).length
    const timeoutMs = Math.min(requestTimeoutMs(settings.pollIntervalMs), left)
    const read = await api.stepLog(step.ref, want, endOffset, timeoutMs)
    if (read.kind === 'failed') {
      if (page > 0) break
      return { problem: read.answer?.reason ?? 'the answer was not a log' }
    }
    // Each page in reading order, older before newer; a page may end with its own newline.
    const older = read.value.text.replace(/\r?\n$/, '')
    text = text === '' ? older : `${older}\n${text}`
    const lines = tailOf(text, count)
    // Enough, all of it, or no way further back (an offset that does not move would loop).
    const done =
      lines.length >= count ||
      Buffer.byteLength(text) >= MAX_LOG_BYTES ||
      !read.value.hasMore ||
      read.value.startOffset === null ||
      read.value.startOffset <= 0 ||
      read.value.startOffset === endOffset
    if (done) break
    endOffset = read.value.startOffset ?? undefined
  }
  return { lines: tailOf(text, count) }
}

/**
 * The tails of the failed steps' logs (`count` lines each; none when 0), read side by side within
 * LOGS_BUDGET_MS and `timeLeftMs`; each log that cannot be read is one warning.
 */
export async function fetchLogs(
  context: FlowContext,
  run: Run,
  count: number,
  timeLeftMs: number
): Promise<StepLog[]> {
  const steps = count > 0 && context.api.stepLog ? failedSteps(run) : []
  if (steps.length === 0) return []
  const deadline = Date.now() + Math.min(LOGS_BUDGET_MS, timeLeftMs)
  // Each request is bounded by the time left; this bounds the whole too, whatever a request does.
  const tail = async (step: FailedStep) => ({
    step,
    read: (await orTimeout(readTail(context, step, count, deadline), deadline - Date.now())) ?? {
      problem: 'it did not come within the time left'
    }
  })
  const all = Promise.all(steps.map(tail))
  const reads = await unlessAborted(all, context.cancel)
  if (reads === ABORTED) return []
  const logs: StepLog[] = []
  for (const { step, read } of reads) {
    if ('problem' in read) {
      context.io.warning(`Could not read the log of ${step.path}: ${read.problem}`)
    } else if (read.lines.length > 0) {
      logs.push({ path: step.path, lines: read.lines })
    }
  }
  return logs
}
