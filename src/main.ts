// The one module that talks to the runner (@actions/core): inputs in; logs, outputs, summary, result out.
import * as core from '@actions/core'
import { quote } from './quote.js'
import { tokenAuth } from './codearts/auth.js'
import { CodeArtsClient } from './codearts/client.js'
import { createTransport } from './codearts/transport.js'
import { parseV3Status } from './codearts/v3.js'
import { formatDuration } from './duration.js'
import { InputError, readSettings, type Settings } from './input-helper.js'
import { waitForRun } from './poller.js'
import { decide, outputsOf } from './result.js'
import { renderSummary } from './summary.js'

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
    core.setOutput('conclusion', 'error')
    core.setFailed(error instanceof InputError ? error.message : String(error))
    return
  }

  const log = { info: core.info, debug: core.debug, warning: (line: string) => core.warning(line) }

  const transport = createTransport()
  try {
    const client = new CodeArtsClient({
      endpoint: settings.endpoint,
      auth: tokenAuth(settings.token),
      transport,
      secrets: [settings.token]
    })
    const target = settings.buildId ? `run ${settings.buildId}` : 'the latest run'
    log.info(
      `Waiting for ${target} of pipeline ${settings.pipelineId} at ${settings.endpoint} ` +
        `(timeout ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}).`
    )
    const result = await waitForRun({
      runId: settings.buildId,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      fetchStatus: (runId, timeoutMs) => client.status(settings.pipelineId, runId, timeoutMs),
      parse: parseV3Status,
      log
    })
    const verdict = decide(result, settings.pipelineId, settings.timeoutMs)

    for (const [name, value] of Object.entries(outputsOf(result.run, verdict.conclusion))) {
      core.setOutput(name, value)
    }
    if (settings.summary && result.run) {
      try {
        await core.summary.addRaw(renderSummary(result.run, verdict, settings.pipelineId)).write()
      } catch (error) {
        // The summary is a courtesy: failing to write it must not change the step's result.
        log.warning(
          `Could not write the job summary: ${error instanceof Error ? error.message : error}`
        )
      }
    }
    if (verdict.message === undefined) {
      log.info(`Pipeline ${quote(result.run?.pipelineName ?? settings.pipelineId)} succeeded.`)
    } else {
      core.error(verdict.message, { title: verdict.culprit ?? 'CodeArts pipeline' })
      process.exitCode = core.ExitCode.Failure
    }
  } catch (error) {
    core.setOutput('conclusion', 'error')
    core.setFailed(`Unexpected error: ${error instanceof Error ? error.message : error}`)
  } finally {
    transport.close()
  }
}
