// The one module that talks to the runner (@actions/core): inputs in; logs, outputs, summary, result out.
import * as core from '@actions/core'
import { tokenAuth } from './codearts/auth.js'
import { CodeArtsClient } from './codearts/client.js'
import { createTransport } from './codearts/transport.js'
import { parseV3Status } from './codearts/v3.js'
import { formatDuration } from './duration.js'
import { InputError, readSettings, type Settings } from './input-helper.js'
import { outputsOf } from './outputs.js'
import { waitForRun } from './poller.js'
import { quote } from './quote.js'
import { decide } from './result.js'
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

function readInputs(): Settings {
  return readSettings({
    get: name => core.getInput(name),
    getSecret: name => {
      const value = core.getInput(name)
      if (value !== '') core.setSecret(value)
      return value
    },
    env: process.env
  })
}

export async function run(): Promise<void> {
  let settings: Settings
  try {
    settings = readInputs()
  } catch (error) {
    core.setFailed(error instanceof InputError ? error.message : messageOf(error))
    await bestEffort('set the outputs', () => core.setOutput('conclusion', 'error'))
    return
  }

  const transport = createTransport()
  try {
    const client = new CodeArtsClient({
      endpoint: settings.endpoint,
      auth: tokenAuth(settings.token),
      transport,
      secrets: [settings.token]
    })
    const target = settings.buildId ? `run ${settings.buildId}` : 'the latest run'
    core.info(
      `Waiting for ${target} of pipeline ${settings.pipelineId} at ${settings.endpoint} ` +
        `(timeout ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}).`
    )
    const result = await waitForRun({
      runId: settings.buildId,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      fetchStatus: (runId, timeoutMs) => client.status(settings.pipelineId, runId, timeoutMs),
      parse: parseV3Status,
      log: { info: core.info, debug: core.debug, warning: line => core.warning(line) }
    })
    const verdict = decide(result, settings.pipelineId, settings.timeoutMs)

    if (verdict.message === undefined) {
      core.info(`Pipeline ${quote(result.run?.pipelineName ?? settings.pipelineId)} succeeded.`)
    } else {
      core.error(verdict.message, { title: verdict.culprit ?? 'CodeArts pipeline' })
      process.exitCode = core.ExitCode.Failure
    }
    await bestEffort('set the outputs', () => {
      for (const [name, value] of Object.entries(outputsOf(result.run, verdict.conclusion))) {
        core.setOutput(name, value)
      }
    })
    const { run } = result
    if (settings.summary && run) {
      await bestEffort('write the job summary', () =>
        core.summary.addRaw(summaryHtml(run, verdict, settings.pipelineId)).write()
      )
    }
  } catch (error) {
    core.setFailed(`Unexpected error: ${messageOf(error)}`)
    await bestEffort('set the outputs', () => core.setOutput('conclusion', 'error'))
  } finally {
    transport.close()
  }
}
