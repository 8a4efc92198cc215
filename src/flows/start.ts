// Starting a run: sent once, whatever becomes of it; its id as an output the moment it is known.
import { ABORTED, orTimeout, unlessAborted } from '../abortable.js'
import { requestTimeoutMs } from '../poller.js'
import { quote } from '../quote.js'
import type { Verdict } from '../result.js'
import { bestEffort } from '../step-io.js'
import { describeTarget, type FlowContext } from './context.js'
import { afterwards } from './stop.js'

// A start request's limit is never short, as an IAM login comes out of it. Cancelled mid-start, the
// answer gets a little longer to bring the run's id, and with it the chance to stop the run.
const START_MIN_MS = 10_000
const START_GRACE_MS = 2_500

export type Started = { runId: string } | { verdict: Verdict; runId?: string }

/** Starts the run: its id, or the verdict when there is none to wait for. */
export async function startRun(context: FlowContext): Promise<Started> {
  const { io, api, settings, cancel } = context
  const parameters = settings.start?.parameters ?? []
  const count = parameters.length
  io.info(
    `Starting a run of ${describeTarget(settings)}` +
      (count ? ` with ${count} parameter${count === 1 ? '' : 's'}.` : '.')
  )
  // Not cut to the timeout, which bounds the wait.
  const request = api.start(
    parameters,
    Math.max(requestTimeoutMs(settings.pollIntervalMs), START_MIN_MS)
  )
  const first = await unlessAborted(request, cancel)
  const cancelled = first === ABORTED
  const start = first === ABORTED ? await orTimeout(request, START_GRACE_MS) : first
  const pipeline = `pipeline ${settings.pipelineId}`
  if (start === undefined) {
    return {
      verdict: {
        conclusion: 'cancelled',
        message: `The workflow was cancelled while a run of ${pipeline} was being started, and the start request was not answered in time: the run may have started, and could not be stopped as its id is unknown.`
      }
    }
  }
  if (start.kind === 'failed') {
    return {
      verdict: {
        conclusion: cancelled ? 'cancelled' : 'error',
        message: `Could not start a run of ${pipeline}: ${start.reason}`
      }
    }
  }
  // Set now, so that it exists even if the job is cancelled later.
  await bestEffort(io, 'set the outputs', () => io.setOutput('build-id', start.runId))
  io.info(
    start.queued
      ? `Run ${quote(start.runId)} is queued behind other runs (a concurrency limit); waiting for it to start.`
      : `Started run ${quote(start.runId)}.`
  )
  if (!cancelled) return { runId: start.runId }
  const after = await afterwards(context, 'cancel', start.runId, true)
  return {
    runId: start.runId,
    verdict: {
      conclusion: 'cancelled',
      message: `The workflow was cancelled while run ${quote(start.runId)} of ${pipeline} was being started.${after}`
    }
  }
}
