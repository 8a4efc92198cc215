// The one module that talks to the runner, through @actions/core: inputs in; the flows (start, watch,
// report) get the step's I/O as a StepIO; the exit code out.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { accessKeyAuth, tokenAuth, type Auth } from './codearts/auth.js'
import { CodeArtsClient, scrub } from './codearts/client.js'
import { passwordAuth } from './codearts/iam.js'
import { pipelineApi } from './codearts/pipeline-api.js'
import { createTransport, type Transport } from './codearts/transport.js'
import { describeCredentials, secretValues, type Credentials } from './credentials.js'
import type { FlowContext } from './flows/context.js'
import { conclude, type StartedRun } from './flows/conclude.js'
import { findRunOfCommit } from './flows/find-commit.js'
import { startRun } from './flows/start.js'
import { watchRun } from './flows/watch.js'
import { InputError, readSettings, type Settings } from './input-helper.js'
import { defuseCommands } from './quote.js'
import { bestEffort, messageOf, type StepIO } from './step-io.js'

// Server text reaches plain log lines: the runner obeys the old `##[command]` form anywhere in them.
const io: StepIO = {
  info: message => core.info(defuseCommands(message)),
  debug: message => core.debug(message),
  notice: (message, properties) => core.notice(message, properties),
  warning: (message, properties) => core.warning(message, properties),
  error: (message, properties) => core.error(message, properties),
  group: (title, lines) => {
    core.startGroup(title)
    for (const line of lines) io.info(line)
    core.endGroup()
  },
  serverText: (title, lines) => {
    core.startGroup(title)
    // The runner obeys no command between these two lines; the token cannot be guessed by the server.
    const token = randomUUID()
    core.info(`::stop-commands::${token}`)
    for (const line of lines) core.info(line)
    core.info(`::${token}::`)
    core.endGroup()
  },
  setOutput: (name, value) => core.setOutput(name, value),
  appendSummary: async html => {
    await core.summary.addRaw(html).write()
  }
}

function masked(value: string): string {
  if (value.trim() !== '') core.setSecret(value.trim())
  return value
}

/** The workflow's event payload (for a pull request's head commit), when the runner gives one. */
function readEvent(): unknown {
  const path = process.env.GITHUB_EVENT_PATH
  if (!path) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

function readInputs(): Settings {
  const { settings, notes } = readSettings({
    event: readEvent(),
    get: (name, keepWhitespace) => core.getInput(name, { trimWhitespace: !keepWhitespace }),
    getSecret: name => masked(core.getInput(name)),
    getSecretEnv: name => masked(process.env[name] ?? ''),
    env: process.env
  })
  for (const note of notes) core.warning(note)
  return settings
}

function authFor(credentials: Credentials, transport: Transport, secrets: Set<string>): Auth {
  switch (credentials.method) {
    case 'token':
      return tokenAuth(credentials.token)
    case 'access-keys':
      return accessKeyAuth(credentials)
    case 'iam-password':
      return passwordAuth(
        credentials,
        transport,
        (token, reason) => {
          core.setSecret(token)
          if (reason === 'refused')
            core.info('The IAM token was refused as expired; logged in again.')
          if (reason === 'expiring')
            core.info('The IAM token was about to expire; logged in again.')
          secrets.add(token)
          core.debug('Logged in to IAM; the token is masked.')
        },
        text => scrub(text, secrets)
      )
  }
}

async function fail(message: string): Promise<void> {
  core.setFailed(message)
  await bestEffort(io, 'set the outputs', () => core.setOutput('conclusion', 'error'))
}

/** The verdict out; the exit code 0 only for success. */
async function finish(...args: Parameters<typeof conclude>): Promise<void> {
  const verdict = await conclude(...args)
  if (verdict.message === undefined) process.exitCode = 0
}

/** Said when the step could not end in time after a cancel; index.ts exits right after. */
export function cancelDeadlineMissed(ms: number): void {
  core.error(`Could not finish within ${ms} ms of the cancellation; exiting.`)
}

/** The step. The exit code is left at 1 (index.ts) unless the verdict is success. */
export async function run(cancel: AbortSignal = new AbortController().signal): Promise<void> {
  let settings: Settings
  try {
    settings = readInputs()
  } catch (error) {
    await fail(error instanceof InputError ? error.message : messageOf(error))
    return
  }
  cancel.addEventListener(
    'abort',
    () => core.info(`Received ${String(cancel.reason)}: the workflow is being cancelled.`),
    { once: true }
  )

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
      secrets,
      // A request's signature can replay it for 15 minutes: masked like a credential.
      onSecret: value => core.setSecret(value)
    })
    const api = pipelineApi(client, {
      version: settings.apiVersion,
      pipelineId: settings.pipelineId,
      projectId: settings.projectId
    })
    const context: FlowContext = { io, api, settings, cancel }

    const waitStarted = Date.now()
    let runId = settings.buildId
    let started: StartedRun | undefined
    if (settings.start) {
      const start = await startRun(context)
      if ('verdict' in start) {
        const { verdict } = start
        await finish(context, { run: null, verdict, runId: start.runId, worthSummary: true })
        return
      }
      started = start
      runId = start.runId
    } else if (settings.commit) {
      const found = await findRunOfCommit(context, settings.commit)
      if ('verdict' in found) {
        await finish(context, { run: null, ...found, runId: undefined, worthSummary: true })
        return
      }
      runId = found.runId
    }
    // A commit's run was looked for within the same timeout.
    const timeoutMs = settings.start
      ? settings.timeoutMs
      : settings.timeoutMs - (Date.now() - waitStarted)
    const outcome = await watchRun(context, runId, {
      startedHere: started !== undefined,
      timeoutMs: Math.max(1, timeoutMs)
    })
    const timeLeftMs = settings.timeoutMs - (Date.now() - waitStarted)
    await finish(context, outcome, { started, timeLeftMs })
  } catch (error) {
    await fail(`Unexpected error: ${messageOf(error)}`)
  } finally {
    transport.close()
  }
}
