// The one module that talks to the runner (runner.ts): inputs in; logs, outputs, summary, result out.
import * as core from './runner.js'
import { accessKeyAuth, tokenAuth, type Auth } from './codearts/auth.js'
import { CodeArtsClient, scrub } from './codearts/client.js'
import { passwordAuth } from './codearts/iam.js'
import type { Transport } from './codearts/transport.js'
import { describeCredentials, secretValues, type Credentials } from './credentials.js'
import { createTransport } from './codearts/transport.js'
import { pipelineApi, type PipelineApi } from './codearts/pipeline-api.js'
import { formatDuration } from './duration.js'
import { InputError, readSettings, type Settings } from './input-helper.js'
import { outputsOf } from './outputs.js'
import { ABORTED, requestTimeoutMs, unlessAborted, waitForRun, type WaitResult } from './poller.js'
import { quote } from './quote.js'
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

// The runner sends SIGINT on cancel and kills the step 7.5 s + 2.5 s later: stopping the run and
// writing the summary must fit well inside that.
const STOP_TIMEOUT_MS = 3_000

function describeTarget(settings: Settings): string {
  const api = settings.apiVersion === 'v5' ? `v5, project ${settings.projectId}` : 'v3'
  return `pipeline ${settings.pipelineId} at ${settings.endpoint} (${api})`
}

/** One sentence on what became of the run after a cancel or a timeout, stopping it if asked. */
async function stopIfAsked(
  api: PipelineApi,
  runId: string | undefined,
  why: 'cancel' | 'timeout',
  settings: Settings,
  startedHere: boolean
): Promise<string> {
  if (runId === undefined) return ''
  if (why === 'cancel' && !startedHere)
    return ` Run ${quote(runId)} was not started by this step, so it was left running.`
  const wanted = why === 'cancel' ? settings.stopOnCancel : settings.stopOnTimeout
  if (!wanted) return ` Run ${quote(runId)} was left running (stop-on-${why} is false).`
  core.info(`Stopping run ${runId}.`)
  const stop = await api.stop(runId, STOP_TIMEOUT_MS)
  return stop.stopped
    ? ` Run ${quote(runId)} was stopped (stop-on-${why}).`
    : ` Could not stop run ${quote(runId)}: ${stop.reason}.`
}

async function report(result: WaitResult, verdict: Verdict, settings: Settings): Promise<void> {
  if (verdict.message === undefined) {
    core.info(`Pipeline ${quote(result.run?.pipelineName ?? settings.pipelineId)} succeeded.`)
  } else {
    core.error(verdict.message, { title: verdict.culprit ?? 'CodeArts pipeline' })
    process.exitCode = 1
  }
  await bestEffort('set the outputs', () => {
    for (const [name, value] of Object.entries(outputsOf(result.run, verdict.conclusion))) {
      core.setOutput(name, value)
    }
  })
  if (settings.summary) {
    await bestEffort('write the job summary', () =>
      core.appendSummary(summaryHtml(result.run, verdict, settings.pipelineId))
    )
  }
}

async function fail(message: string, conclusion: Conclusion, runId?: string): Promise<void> {
  core.setFailed(message)
  await bestEffort('set the outputs', () => {
    core.setOutput('conclusion', conclusion)
    if (runId !== undefined) core.setOutput('build-id', runId)
  })
}

export async function run(): Promise<void> {
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
      const count = settings.start.parameters.length
      core.info(
        `Starting a run of ${describeTarget(settings)}` +
          (count ? ` with ${count} parameter${count === 1 ? '' : 's'}.` : '.')
      )
      const start = await unlessAborted(
        api.start(settings.start.parameters, requestMs),
        cancel.signal
      )
      if (start === ABORTED) {
        await fail(
          'The workflow was cancelled while the start request was in flight: the run may have started, and could not be stopped as its id is unknown.',
          'cancelled'
        )
        return
      }
      if (start.kind === 'failed') {
        await fail(
          `Could not start a run of pipeline ${settings.pipelineId}: ${start.reason}`,
          'error'
        )
        return
      }
      runId = start.runId
      // Set now, so that it exists even if the job is cancelled later.
      await bestEffort('set the outputs', () => core.setOutput('build-id', start.runId))
      core.info(
        start.queued
          ? `Run ${quote(start.runId)} is queued behind other runs (a concurrency limit); waiting for it to start.`
          : `Started run ${quote(start.runId)}.`
      )
    }
    const started = settings.start !== undefined

    let announced = false
    const announce = (run: Run | null): void => {
      if (!started || announced || runId === undefined) return
      announced = true
      const url = run?.detailUrl
      if (url) void bestEffort('set the outputs', () => core.setOutput('detail-url', url))
      const name = run?.pipelineName ? `"${quote(run.pipelineName)}"` : settings.pipelineId
      core.notice(
        `Started run ${quote(runId)} of pipeline ${name}${run?.detailUrl ? `: ${quote(run.detailUrl)}` : '.'}`,
        { title: 'CodeArts pipeline run started' }
      )
    }

    if (!settings.wait) {
      // One status read for the run's link, not a wait: the step ends as soon as the run is known.
      const answer = await unlessAborted(api.status(runId, requestMs), cancel.signal)
      if (answer === ABORTED) {
        const after = await stopIfAsked(api, runId, 'cancel', settings, true)
        await fail(
          `The workflow was cancelled just after the run was started.${after}`,
          'cancelled',
          runId
        )
        return
      }
      const run = answer.kind === 'ok' ? api.parse(answer.body) : null
      const known = run?.runId === runId ? run : null
      if (!known)
        core.warning(
          `Could not read run ${quote(runId ?? '')} yet, so its link is not known; the run was started.`
        )
      announce(known)
      await bestEffort('set the outputs', () => {
        for (const [name, value] of Object.entries(outputsOf(known, 'success'))) {
          core.setOutput(name, value)
        }
        core.setOutput('build-id', runId ?? '')
      })
      return
    }

    core.info(
      `Waiting for ${runId ? `run ${runId}` : 'the latest run'} of ${describeTarget(settings)} ` +
        `(timeout ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}).`
    )
    const result = await waitForRun({
      runId,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      fetchStatus: (id, timeoutMs) => api.status(id, timeoutMs),
      parse: api.parse,
      log: { info: core.info, debug: core.debug, warning: line => core.warning(line) },
      onRun: announce,
      signal: cancel.signal
    })
    announce(result.run)
    const verdict = decide(result, settings.pipelineId, settings.timeoutMs)
    if (result.kind === 'cancelled' || result.kind === 'timed_out') {
      const watched = result.run?.runId ?? runId
      const after = await stopIfAsked(
        api,
        watched ?? undefined,
        result.kind === 'cancelled' ? 'cancel' : 'timeout',
        settings,
        started
      )
      verdict.message = `${verdict.message ?? ''}${after}`
    }
    await report(result, verdict, settings)
  } catch (error) {
    await fail(`Unexpected error: ${messageOf(error)}`, 'error')
  } finally {
    transport.close()
  }
}
