// Starting a run: sent once, whatever becomes of it; its id as an output the moment it is known.
import { ABORTED, orTimeout, pause, unlessAborted } from '../abortable.js'
import { chooseBuild, type BuildChoice } from '../build-choice.js'
import type { StartRequest } from '../codearts/pipeline-api.js'
import { describeRef } from '../git-ref.js'
import { requestTimeoutMs } from '../poller.js'
import { quote } from '../quote.js'
import type { Verdict } from '../result.js'
import { bestEffort } from '../step-io.js'
import type { Workflow } from '../workflow.js'
import { describeTarget, type FlowContext } from './context.js'
import { afterwards } from './stop.js'

// A start request's limit is never short, as an IAM login comes out of it. Cancelled mid-start, the
// answer gets a little longer to bring the run's id, and with it the chance to stop the run.
const START_MIN_MS = 10_000
const START_GRACE_MS = 2_500
const DEFINITION_RETRIES = 2

export type Started =
  | { runId: string; sent: StartRequest; choice: BuildChoice | undefined }
  | { verdict: Verdict; runId?: string }

/** A line in CodeArts leading back to the workflow run that started the run. */
function description(workflow: Workflow): string | undefined {
  if (!workflow.runUrl) return undefined
  const attempt = workflow.runAttempt ? ` (attempt ${workflow.runAttempt})` : ''
  return `Started by GitHub Actions: ${workflow.runUrl}${attempt}`
}

/** v5: what to build, from the pipeline's definition; undefined on v3, which cannot choose. */
async function buildChoice(context: FlowContext): Promise<BuildChoice | undefined> {
  const { io, api, settings } = context
  const readSources = api.sources
  if (!readSources) return undefined
  const requestMs = Math.max(requestTimeoutMs(settings.pollIntervalMs), START_MIN_MS)
  // A cancel ends the read at once (ABORTED): the caller sees the signal and starts nothing.
  const readOnce = () => unlessAborted(readSources(requestMs), context.cancel)
  let read = await readOnce()
  // A read changes nothing: a passing fault (a 503, a reset) is worth two more tries.
  for (let retry = 1; retry <= DEFINITION_RETRIES; retry++) {
    if (read === ABORTED || read.kind === 'ok' || read.answer?.kind !== 'transient') break
    io.warning(`Could not read the pipeline's definition (${read.answer.reason}); trying again.`)
    await pause(retry * 1_000, context.cancel)
    read = context.cancel.aborted ? ABORTED : await readOnce()
  }
  if (read === ABORTED) return undefined
  if (read.kind === 'failed') {
    const why = read.answer?.reason ?? 'the answer named no sources'
    return {
      kind: 'problem',
      message: `could not read the pipeline's definition to choose what to build: ${why}`
    }
  }
  const choice = chooseBuild(read.value, settings.start?.ref, settings.workflow)
  if (choice.kind === 'default') {
    io.info(`CodeArts builds the pipeline's default branch: ${choice.reason}.`)
  } else if (choice.kind === 'ref') {
    const whose = choice.own ? " (the workflow's own)" : ''
    io.info(`Building ${describeRef(choice.ref)}${whose}.`)
  }
  return choice
}

/** Starts the run: its id, or the verdict when there is none to wait for. */
export async function startRun(context: FlowContext): Promise<Started> {
  const { io, api, settings, cancel } = context
  const parameters = settings.start?.parameters ?? []
  const pipeline = `pipeline ${settings.pipelineId}`
  const choice = await buildChoice(context)
  if (cancel.aborted) {
    return {
      verdict: {
        conclusion: 'cancelled',
        message: `The workflow was cancelled before a run of ${pipeline} was started: no run was started.`
      }
    }
  }
  if (choice?.kind === 'problem') {
    return {
      verdict: {
        conclusion: 'error',
        message: `Did not start a run of ${pipeline}: ${choice.message}.`
      }
    }
  }
  const sent: StartRequest = {
    parameters,
    build: choice?.kind === 'ref' ? choice : undefined,
    description: description(settings.workflow)
  }
  const count = parameters.length
  io.info(
    `Starting a run of ${describeTarget(settings)}` +
      (count ? ` with ${count} parameter${count === 1 ? '' : 's'}.` : '.')
  )
  // Not cut to the timeout, which bounds the wait.
  // Whether the request went out: a cancel before that (say, during a slow IAM login) calls it off.
  let sentOut = false
  const mayStillSend = (): boolean => (sentOut = !cancel.aborted)
  const request = api.start(
    sent,
    Math.max(requestTimeoutMs(settings.pollIntervalMs), START_MIN_MS),
    mayStillSend
  )
  const first = await unlessAborted(request, cancel)
  const cancelled = first === ABORTED
  if (cancelled && !sentOut) {
    return {
      verdict: {
        conclusion: 'cancelled',
        message: `The workflow was cancelled before the request to start a run of ${pipeline} was sent: no run was started.`
      }
    }
  }
  const start = first === ABORTED ? await orTimeout(request, START_GRACE_MS) : first
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
  if (!cancelled) return { runId: start.runId, sent, choice }
  const after = await afterwards(context, 'cancel', start.runId, true)
  return {
    runId: start.runId,
    verdict: {
      conclusion: 'cancelled',
      message: `The workflow was cancelled while run ${quote(start.runId)} of ${pipeline} was being started.${after}`
    }
  }
}
