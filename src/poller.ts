// The wait: poll the run's status until it completes, the deadline passes, or an error no retry can fix.
import { ABORTED, unlessAborted } from './abortable.js'
import type { Answer } from './codearts/answer.js'
import { quote } from './quote.js'
import { formatDuration } from './duration.js'
import { ID_PATTERN, ID_RULE } from './ids.js'
import type { Run } from './model.js'
import { describeChanges } from './progress.js'

export interface WaitLog {
  info(line: string): void
  debug(line: string): void
  warning(line: string): void
}

export interface WaitOptions {
  /** The run to wait for; undefined waits for the latest run, then sticks to the one it saw. */
  runId: string | undefined
  timeoutMs: number
  pollIntervalMs: number
  fetchStatus(runId: string | undefined, timeoutMs: number): Promise<Answer>
  parse(body: unknown): Run | null
  log: WaitLog
  /** Called with each usable answer about the run, e.g. to publish its link as soon as it is known. */
  onRun?: (run: Run) => void
  /** Aborted when the job is cancelled: the wait ends at once with `cancelled`. */
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export type WaitResult =
  | { kind: 'completed'; run: Run }
  | { kind: 'timed_out'; run: Run | null; lastProblem?: string }
  | { kind: 'failed'; reason: string; run: Run | null }
  | { kind: 'cancelled'; run: Run | null }

const MAX_REQUEST_MS = 30_000
const MIN_REQUEST_MS = 2_000
// Less time left than this, and a request could only fail (and be reported as a fault).
const NO_TIME_LEFT_MS = 50
const MAX_BACKOFF_MS = 60_000
// Tries before a wrong-looking endpoint ends the wait: with the backoff, well within a minute.
const MISCONFIGURED_TRIES = 3

/** How long one status request may take: long enough for a slow gateway, short next to the wait. */
export function requestTimeoutMs(pollIntervalMs: number): number {
  return Math.min(MAX_REQUEST_MS, Math.max(MIN_REQUEST_MS, 3 * pollIntervalMs))
}

/**
 * Delay before retry number `failures` (1-based): exponential from the poll interval, plus up to half
 * again at random so that many runners do not retry in step; never sooner than a normal poll.
 */
export function backoffMs(
  failures: number,
  pollIntervalMs: number,
  random: () => number,
  retryAfter?: number
): number {
  const cap = Math.max(pollIntervalMs, MAX_BACKOFF_MS)
  const step = pollIntervalMs * 2 ** Math.min(failures - 1, 30)
  const jittered = Math.min(cap, step * (1 + random() / 2))
  return retryAfter === undefined ? jittered : Math.max(jittered, retryAfter)
}

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Why an answer cannot be used, or undefined when it can. */
function problemWith(run: Run | null, runId: string | undefined): string | undefined {
  if (run === null) return 'the status answer is not a JSON object'
  // It would reach URLs, the log and the outputs, which workflows may paste into scripts.
  if (run.runId !== null && !ID_PATTERN.test(run.runId)) {
    return `the answer names its run ${quote(run.runId)}, which is not a run id (${ID_RULE})`
  }
  if (runId !== undefined && run.runId !== runId) {
    return `the answer describes run ${quote(run.runId ?? '(none)')}, not run ${runId}`
  }
  return undefined
}

export async function waitForRun(options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  const { log, pollIntervalMs, signal } = options
  const deadline = now() + options.timeoutMs
  const requestMs = requestTimeoutMs(pollIntervalMs)
  const warnedStatuses = new Set<string>()

  let runId = options.runId
  let last: Run | null = null
  let failures = 0
  let lastProblem: string | undefined
  // Until the API has answered once, failures that point at a wrong endpoint are counted: a few of them
  // end the wait at once, rather than after the whole timeout. Once it has, they are faults to retry.
  let reachedApi = false
  let misconfigured = 0

  /** Log what this answer tells that the last one did not. */
  const report = (run: Run): void => {
    if (run.runId === null) {
      if (last === null) log.info('The pipeline has no run yet; waiting for one to appear.')
      return
    }
    if (last === null && options.runId === undefined && run.phase === 'completed') {
      log.warning(
        `The latest run, ${quote(run.runId)}, had already completed when the wait began; ` +
          'to wait for a particular run, pass its build-id.'
      )
    }
    for (const line of describeChanges(last, run)) log.info(line)
    const status = run.status ?? ''
    if (run.phase === 'undocumented' && !warnedStatuses.has(status)) {
      warnedStatuses.add(status)
      log.warning(
        `Run ${quote(run.runId)} reports status "${quote(status)}", which is not documented; still waiting.`
      )
    }
  }

  for (;;) {
    if (signal?.aborted) return { kind: 'cancelled', run: last }
    const remaining = deadline - now()
    if (remaining < NO_TIME_LEFT_MS) return { kind: 'timed_out', run: last, lastProblem }

    log.debug(`GET status of ${runId ? `run ${runId}` : 'the latest run'}`)
    const answer = await unlessAborted(
      options.fetchStatus(runId, Math.min(requestMs, remaining)),
      signal
    )
    if (answer === ABORTED) return { kind: 'cancelled', run: last }
    if (answer.kind === 'fatal') return { kind: 'failed', reason: answer.reason, run: last }
    if (answer.kind === 'ok' || answer.body !== undefined) reachedApi = true
    if (answer.kind === 'transient' && !reachedApi && answer.misconfigured) {
      if (++misconfigured >= MISCONFIGURED_TRIES) {
        const reason = `${answer.reason} (${misconfigured} tries): ${answer.misconfigured}`
        return { kind: 'failed', reason, run: last }
      }
    }

    const run = answer.kind === 'ok' ? options.parse(answer.body) : null
    lastProblem = answer.kind === 'transient' ? answer.reason : problemWith(run, runId)
    let delay = pollIntervalMs
    if (lastProblem !== undefined) {
      failures += 1
      const retryAfter = answer.kind === 'transient' ? answer.retryAfterMs : undefined
      delay = backoffMs(failures, pollIntervalMs, random, retryAfter)
      const wait = Math.min(delay, deadline - now())
      const next =
        wait >= NO_TIME_LEFT_MS
          ? `Retrying in ${formatDuration(wait)}.`
          : 'No time is left to retry.'
      log.warning(`Status request failed (attempt ${failures}): ${lastProblem}. ${next}`)
    } else if (run !== null) {
      failures = 0
      report(run)
      last = run
      // An answer that names no run cannot end the wait, whatever else it says.
      if (run.runId !== null) {
        options.onRun?.(run)
        if (run.phase === 'completed') return { kind: 'completed', run }
        // From here on ask for this run by id, so a newer run cannot take its place.
        runId = run.runId
      }
    }
    const slept = await unlessAborted(sleep(Math.max(0, Math.min(delay, deadline - now()))), signal)
    if (slept === ABORTED) return { kind: 'cancelled', run: last }
  }
}
