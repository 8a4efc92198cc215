// The one module that talks to the runner (runner.ts): inputs in; logs, outputs, summary, result out.
import * as core from './runner.js'
import { accessKeyAuth, tokenAuth, type Auth } from './codearts/auth.js'
import { CodeArtsClient, scrub } from './codearts/client.js'
import { passwordAuth } from './codearts/iam.js'
import type { Transport } from './codearts/transport.js'
import { describeCredentials, secretValues, type Credentials } from './credentials.js'
import { createTransport } from './codearts/transport.js'
import { pipelineApi, type Parameter, type PipelineApi } from './codearts/pipeline-api.js'
import { formatDuration } from './duration.js'
import { InputError, readSettings, type Settings } from './input-helper.js'
import { outputsOf } from './outputs.js'
import { ABORTED, orTimeout, unlessAborted } from './abortable.js'
import { requestTimeoutMs, waitForRun } from './poller.js'
import { stopChoice, type StopReason } from './stop-rule.js'
import { runReport } from './progress.js'
import { quote, webUrl } from './quote.js'
import { decide, type Conclusion, type Verdict } from './result.js'
import type { Run } from './model.js'
import { summaryHtml } from './summary.js'

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Runs a step of reporting whose failure must not change the result (or hide the real error). */
function bestEffort(what: string, report: () => void | Promise<unknown>): Promise<void> {
  return Promise.resolve()
    .then(report)
    .then(
      () => undefined,
      error => core.warning(`Could not ${what}: ${messageOf(error)}`)
    )
}

function masked(value: string): string {
  if (value.trim() !== '') core.setSecret(value.trim())
  return value
}

function readInputs(): Settings {
  const { settings, notes } = readSettings({
    get: (name, keepWhitespace) => core.getInput(name, { trimWhitespace: !keepWhitespace }),
    getSecret: name => masked(core.getInput(name)),
    getSecretEnv: name => masked(process.env[name] ?? ''),
    env: process.env
  })
  for (const note of notes) core.warning(note)
  return settings
}

function authFor(credentials: Credentials, transport: Transport, secrets: Set<string>): Auth {
  let logins = 0
  switch (credentials.method) {
    case 'token':
      return tokenAuth(credentials.token)
    case 'access-keys':
      return accessKeyAuth(credentials)
    case 'iam-password':
      return passwordAuth(
        credentials,
        transport,
        token => {
          core.setSecret(token)
          if (++logins > 1) core.info('The IAM token was refused as expired; logged in again.')
          secrets.add(token)
          core.debug('Logged in to IAM; the token is masked.')
        },
        text => scrub(text, secrets)
      )
  }
}

// The runner sends SIGINT on cancel and SIGTERM 7.5 s later: stopping the run and writing the summary
// must fit well inside that. A start request in flight gets a little time to bring the run's id.
const STOP_TIMEOUT_MS = 3_000
const START_MIN_MS = 10_000
const START_GRACE_MS = 2_500
const CANCEL_DEADLINE_MS = 6_500

function describeTarget(settings: Settings): string {
  const api = settings.apiVersion === 'v5' ? `v5, project ${settings.projectId}` : 'v3'
  return `pipeline ${settings.pipelineId} at ${settings.endpoint} (${api})`
}

/** One sentence on what became of the run after a cancel or a timeout, stopping it if that is asked. */
async function afterwards(
  api: PipelineApi,
  reason: StopReason,
  runId: string | undefined,
  startedHere: boolean,
  settings: Settings
): Promise<string> {
  if (runId === undefined) return ''
  const choice = stopChoice(reason, quote(runId), startedHere, settings)
  if (!choice.stop) return ` ${choice.sentence}`
  core.info(`Stopping run ${quote(runId)}.`)
  const stop = await api.stop(runId, STOP_TIMEOUT_MS)
  return stop.stopped
    ? ` Run ${quote(runId)} was stopped (stop-on-${reason}).`
    : ` Could not stop run ${quote(runId)}: ${stop.reason}.`
}

/** The verdict out: annotation, exit code, outputs and summary. */
async function report(
  run: Run | null,
  verdict: Verdict,
  settings: Settings,
  runId: string | undefined,
  summary = settings.summary
): Promise<void> {
  if (run) core.group('CodeArts run report', runReport(run))
  if (verdict.message === undefined) {
    process.exitCode = 0
    // wait: false ends green with the run still going: that is not the pipeline succeeding.
    if (run?.phase === 'completed') {
      core.info(`Pipeline ${quote(run.pipelineName ?? settings.pipelineId)} succeeded.`)
    }
  } else {
    core.error(verdict.message, { title: verdict.culprit ?? 'CodeArts pipeline' })
  }
  await bestEffort('set the outputs', () => {
    const outputs = outputsOf(run, verdict.conclusion)
    if (runId !== undefined) outputs['build-id'] ??= runId
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  })
  if (summary) {
    await bestEffort('write the job summary', () =>
      core.appendSummary(summaryHtml(run, verdict, settings.pipelineId))
    )
  }
}

async function fail(message: string, conclusion: Conclusion): Promise<void> {
  core.setFailed(message)
  await bestEffort('set the outputs', () => core.setOutput('conclusion', conclusion))
}

type Started = { runId: string } | { verdict: Verdict; runId?: string }

/** Starts the run: its id, or the verdict when there is none to wait for. Never sends twice. */
async function startRun(
  api: PipelineApi,
  settings: Settings,
  parameters: Parameter[],
  requestMs: number,
  signal: AbortSignal
): Promise<Started> {
  const count = parameters.length
  core.info(
    `Starting a run of ${describeTarget(settings)}` +
      (count ? ` with ${count} parameter${count === 1 ? '' : 's'}.` : '.')
  )
  const request = api.start(parameters, requestMs)
  const first = await unlessAborted(request, signal)
  const cancelled = first === ABORTED
  // Cancelled mid-start: the answer may still bring the run's id, and with it the chance to stop it.
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
  await bestEffort('set the outputs', () => core.setOutput('build-id', start.runId))
  core.info(
    start.queued
      ? `Run ${quote(start.runId)} is queued behind other runs (a concurrency limit); waiting for it to start.`
      : `Started run ${quote(start.runId)}.`
  )
  if (!cancelled) return { runId: start.runId }
  const after = await afterwards(api, 'cancel', start.runId, true, settings)
  return {
    runId: start.runId,
    verdict: {
      conclusion: 'cancelled',
      message: `The workflow was cancelled while run ${quote(start.runId)} of ${pipeline} was being started.${after}`
    }
  }
}

export async function run(): Promise<void> {
  // Failed until a verdict of success says otherwise: a path that ends with no verdict (a bug, an event
  // loop left with nothing to do) must not pass.
  process.exitCode = 1
  let settings: Settings
  try {
    settings = readInputs()
  } catch (error) {
    await fail(error instanceof InputError ? error.message : messageOf(error), 'error')
    return
  }

  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) return
    core.info(`Received ${signal}: the workflow is being cancelled.`)
    cancel.abort()
    // Whatever is still under way, the step ends before the runner's SIGTERM.
    setTimeout(() => {
      core.error(`Could not finish within ${CANCEL_DEADLINE_MS} ms of the cancellation; exiting.`)
      process.exit(1)
    }, CANCEL_DEADLINE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const transport = createTransport()
  try {
    const { credentials } = settings
    core.debug(`Authenticating with ${describeCredentials(credentials)}.`)
    const secrets = new Set(secretValues(credentials))
    const client = new CodeArtsClient({
      endpoint: settings.endpoint,
      auth: authFor(credentials, transport, secrets),
      credentials,
      transport,
      secrets
    })
    const api = pipelineApi(client, {
      version: settings.apiVersion,
      pipelineId: settings.pipelineId,
      projectId: settings.projectId
    })
    const requestMs = Math.min(requestTimeoutMs(settings.pollIntervalMs), settings.timeoutMs)

    let runId = settings.buildId
    if (settings.start) {
      const started = await startRun(
        api,
        settings,
        settings.start.parameters,
        // Not cut to the timeout, which bounds the wait; and never short, as an IAM login comes out of it.
        Math.max(requestTimeoutMs(settings.pollIntervalMs), START_MIN_MS),
        cancel.signal
      )
      if ('verdict' in started) {
        await report(null, started.verdict, settings, started.runId)
        return
      }
      runId = started.runId
    }
    const startedHere = settings.start !== undefined

    // After a start: the run's link as an output and a notice, as soon as a status gives it.
    let noticed = false
    const announce = (run: Run | null, last = false): void => {
      if (!startedHere || noticed || runId === undefined) return
      const url = webUrl(run?.detailUrl)
      if (!url && !last) return
      noticed = true
      if (url) void bestEffort('set the outputs', () => core.setOutput('detail-url', url))
      const name = run?.pipelineName ? `"${quote(run.pipelineName)}"` : settings.pipelineId
      core.notice(
        `Started run ${quote(runId)} of pipeline ${name}${url ? `: ${quote(url)}` : '.'}`,
        {
          title: 'CodeArts pipeline run started'
        }
      )
    }

    if (!settings.wait) {
      // One status read for the run's link, not a wait: the step ends as soon as the run is known.
      const answer = await unlessAborted(api.status(runId, requestMs), cancel.signal)
      if (answer === ABORTED) {
        const after = await afterwards(api, 'cancel', runId, true, settings)
        const message = `The workflow was cancelled just after run ${quote(runId ?? '')} was started.${after}`
        await report(null, { conclusion: 'cancelled', message }, settings, runId)
        return
      }
      const parsed = answer.kind === 'ok' ? api.parse(answer.body) : null
      const known = parsed?.runId === runId ? parsed : null
      announce(known, true)
      if (known?.phase === 'completed') {
        // Already over: its result is the step's, as if it had been waited for.
        const verdict = decide(
          { kind: 'completed', run: known },
          settings.pipelineId,
          settings.timeoutMs
        )
        await report(known, verdict, settings, runId)
        return
      }
      if (!known)
        core.warning(`Could not read run ${quote(runId ?? '')} yet, so its link is not known.`)
      core.info(`Not waiting for run ${quote(runId ?? '')} (wait: false).`)
      // No summary: nothing has happened yet that it could tell.
      await report(known, { conclusion: 'success' }, settings, runId, false)
      return
    }

    core.info(
      `Waiting for ${runId ? `run ${quote(runId)}` : 'the latest run'} of ${describeTarget(settings)} ` +
        `(timeout ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}).`
    )
    const result = await waitForRun({
      runId,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      fetchStatus: (id, timeoutMs) => api.status(id, timeoutMs),
      parse: api.parse,
      log: { info: core.info, debug: core.debug, warning: line => core.warning(line) },
      onRun: run => announce(run),
      signal: cancel.signal
    })
    announce(result.run, true)
    const verdict = decide(result, settings.pipelineId, settings.timeoutMs, runId)
    const watched = result.run?.runId ?? runId
    if (result.kind === 'cancelled' || result.kind === 'timed_out') {
      const reason = result.kind === 'cancelled' ? 'cancel' : 'timeout'
      verdict.message += await afterwards(api, reason, watched, startedHere, settings)
    }
    await report(result.run, verdict, settings, watched)
  } catch (error) {
    await fail(`Unexpected error: ${messageOf(error)}`, 'error')
  } finally {
    transport.close()
  }
}
