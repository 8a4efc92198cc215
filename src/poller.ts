// The wait: poll the run's status until it completes, the deadline passes, or an error no retry can fix.
import { quote, type Answer } from './codearts/answer.js'
import { formatDuration } from './duration.js'
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
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export type WaitResult =
  | { kind: 'completed'; run: Run }
  | { kind: 'timed_out'; run: Run | null; lastProblem?: string }
  | { kind: 'failed'; reason: string; run: Run | null }

const MAX_REQUEST_MS = 30_000
const MIN_REQUEST_MS = 2_000
const MAX_BACKOFF_MS = 60_000

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

export async function waitForRun(options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  const { log, pollIntervalMs } = options
  const deadline = now() + options.timeoutMs
  const requestMs = requestTimeoutMs(pollIntervalMs)
  const warnedStatuses = new Set<string>()

  let runId = options.runId
  let last: Run | null = null
  let failures = 0
  let toldNoRun = false
  let lastProblem: string | undefined

  for (;;) {
    const remaining = deadline - now()
    if (remaining <= 0) return { kind: 'timed_out', run: last, lastProblem }

    log.debug(`GET status of ${runId ? `run ${runId}` : 'the latest run'}`)
    const answer = await options.fetchStatus(runId, Math.min(requestMs, remaining))
    let problem: string | undefined = undefined
    let retryAfter: number | undefined

    if (answer.kind === 'fatal') return { kind: 'failed', reason: answer.reason, run: last }
    if (answer.kind === 'transient') {
      problem = answer.reason
      retryAfter = answer.retryAfterMs
    } else {
      const run = options.parse(answer.body)
      if (run === null) problem = 'the status answer is not a JSON object'
      else if (runId !== undefined && run.runId !== runId) {
        problem = `the answer describes run ${quote(run.runId ?? '(none)')}, not run ${runId}`
      } else {
        failures = 0
        if (run.runId === null) {
          if (!toldNoRun) log.info('The pipeline has no run yet; waiting for one to appear.')
          toldNoRun = true
        } else {
          // From here on ask for this run by id, so a newer run cannot take its place.
          runId = run.runId
          for (const line of describeChanges(last, run)) log.info(line)
          const status = run.status ?? ''
          if (run.phase === 'undocumented' && !warnedStatuses.has(status)) {
            warnedStatuses.add(status)
            log.warning(
              `Run ${quote(run.runId)} reports status "${quote(status)}", which is not documented; still waiting.`
            )
          }
        }
        last = run
        if (run.phase === 'completed') return { kind: 'completed', run }
      }
    }

    let delay = pollIntervalMs
    lastProblem = problem
    if (problem !== undefined) {
      failures += 1
      delay = backoffMs(failures, pollIntervalMs, random, retryAfter)
      log.warning(
        `Status request failed (attempt ${failures}): ${problem}. Retrying in ${formatDuration(delay)}.`
      )
    }
    await sleep(Math.max(0, Math.min(delay, deadline - now())))
  }
}
