// Following a run: until it completes, the timeout passes or the workflow is cancelled; or, with
// wait: false, one read of the run just started. Ends in the verdict and the run it is about.
import { ABORTED, unlessAborted } from '../abortable.js'
import { formatDuration } from '../duration.js'
import type { Run } from '../model.js'
import { requestTimeoutMs, waitForRun } from '../poller.js'
import { quote, webUrl } from '../quote.js'
import { decide, type Verdict } from '../result.js'
import { bestEffort } from '../step-io.js'
import { describeTarget, type FlowContext } from './context.js'
import { afterwards } from './stop.js'

export interface Outcome {
  run: Run | null
  verdict: Verdict
  /** The run followed, when known. */
  runId: string | undefined
  /** False when nothing has happened yet that a job summary could tell (wait: false). */
  worthSummary: boolean
}

/** After a start: the run's link as an output and a notice, once, as soon as a status gives it. */
function announcer(context: FlowContext, runId: string | undefined, startedHere: boolean) {
  const { io, settings } = context
  let done = false
  return (run: Run | null, last = false): void => {
    if (!startedHere || done || runId === undefined) return
    const url = webUrl(run?.detailUrl)
    if (!url && !last) return
    done = true
    if (url) void bestEffort(io, 'set the outputs', () => io.setOutput('detail-url', url))
    const name = run?.pipelineName ? `"${quote(run.pipelineName)}"` : settings.pipelineId
    io.notice(`Started run ${quote(runId)} of pipeline ${name}${url ? `: ${quote(url)}` : '.'}`, {
      title: 'CodeArts pipeline run started'
    })
  }
}

/** wait: false: one status read for the run's link; the step ends as soon as the run is known. */
async function glance(context: FlowContext, runId: string): Promise<Outcome> {
  const { io, api, settings, cancel } = context
  const requestMs = Math.min(requestTimeoutMs(settings.pollIntervalMs), settings.timeoutMs)
  const answer = await unlessAborted(api.status(runId, requestMs), cancel)
  if (answer === ABORTED) {
    const after = await afterwards(context, 'cancel', runId, true)
    const message = `The workflow was cancelled just after run ${quote(runId)} was started.${after}`
    return { run: null, verdict: { conclusion: 'cancelled', message }, runId, worthSummary: true }
  }
  const parsed = answer.kind === 'ok' ? api.parse(answer.body) : null
  const known = parsed?.runId === runId ? parsed : null
  announcer(context, runId, true)(known, true)
  if (known?.phase === 'completed') {
    // Already over: its result is the step's, as if it had been waited for.
    const verdict = decide(
      { kind: 'completed', run: known },
      settings.pipelineId,
      settings.timeoutMs
    )
    return { run: known, verdict, runId, worthSummary: true }
  }
  if (!known) io.warning(`Could not read run ${quote(runId)} yet, so its link is not known.`)
  io.info(`Not waiting for run ${quote(runId)} (wait: false).`)
  return { run: known, verdict: { conclusion: 'success' }, runId, worthSummary: false }
}

/** Follows run `runId` (the latest run when undefined) to its verdict. */
export interface WatchOptions {
  /** This step started the run: it is announced, and stopped on cancel. */
  startedHere: boolean
  timeoutMs?: number
}

export async function watchRun(
  context: FlowContext,
  runId: string | undefined,
  { startedHere, timeoutMs = context.settings.timeoutMs }: WatchOptions
): Promise<Outcome> {
  const { io, api, settings, cancel } = context
  if (!settings.wait && runId !== undefined) return glance(context, runId)
  io.info(
    `Waiting for ${runId ? `run ${quote(runId)}` : 'the latest run'} of ${describeTarget(settings)} ` +
      `(timeout ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}).`
  )
  const announce = announcer(context, runId, startedHere)
  const result = await waitForRun({
    runId,
    timeoutMs,
    pollIntervalMs: settings.pollIntervalMs,
    fetchStatus: (id, timeoutMs) => api.status(id, timeoutMs),
    parse: api.parse,
    log: { info: io.info, debug: io.debug, warning: line => io.warning(line) },
    onRun: run => announce(run),
    signal: cancel
  })
  announce(result.run, true)
  const verdict = decide(result, settings.pipelineId, settings.timeoutMs, runId)
  const watched = result.run?.runId ?? runId
  if (result.kind === 'cancelled' || result.kind === 'timed_out') {
    const reason = result.kind === 'cancelled' ? 'cancel' : 'timeout'
    verdict.message += await afterwards(context, reason, watched, startedHere)
  }
  return { run: result.run, verdict, runId: watched, worthSummary: true }
}
