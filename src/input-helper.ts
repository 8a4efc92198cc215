// The one place raw inputs become typed settings; everything downstream takes `Settings`.
import { DURATION_FORMS, formatDuration, parseDuration } from './duration.js'
import type { ApiVersion, Parameter } from './codearts/pipeline-api.js'
import { KNOWN_REGIONS, parseEndpoint, regionEndpoint } from './endpoint.js'
import { ID_PATTERN, ID_RULE } from './ids.js'
import { parseParameters } from './parameters.js'
import {
  chooseCredentials,
  CREDENTIAL_INPUTS,
  type CredentialChoice,
  type Credentials
} from './credentials.js'

export interface Settings {
  apiVersion: ApiVersion
  /** The CodeArts project id (v5). */
  projectId: string | undefined
  pipelineId: string
  /** API base URL without a trailing slash. */
  endpoint: string
  region: string | undefined
  credentials: Credentials
  /** The run to wait for; undefined means the latest run (or the one this step starts). */
  buildId: string | undefined
  /** Start a run with these parameters; undefined watches one instead. */
  start: { parameters: Parameter[] } | undefined
  /** False: end once the started run is known, without waiting for it to complete. */
  wait: boolean
  stopOnCancel: boolean
  stopOnTimeout: boolean
  timeoutMs: number
  pollIntervalMs: number
  summary: boolean
}

/** How inputs are read: main.ts backs this with @actions/core, tests with a plain object. */
export interface InputSource {
  /** The input as given; the runner's reader trims it unless `keepWhitespace`. */
  get(name: string, keepWhitespace?: boolean): string
  /** Reads an input that is a credential; the caller masks it before returning it. */
  getSecret(name: string): string
  /** Reads an environment variable that holds a credential; the caller masks it before returning it. */
  getSecretEnv(name: string): string
  env: Record<string, string | undefined>
}

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'InputError'
  }
}

// setTimeout fires at once past 2^31-1 ms; a week is far beyond any GitHub job anyway.
const MAX_DURATION_MS = 7 * 24 * 3_600_000
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/

// Each field reads one input: its value, or the problems with it (said after `Input "name" `). Every field
// is read, so every bad input is reported at once, not the first one.
type Field<T> = (text: string) => { value: T } | { problems: string[] }

const ok = <T>(value: T) => ({ value })
const bad = (...problems: string[]) => ({ problems })

function id(required: boolean): Field<string> {
  return text => {
    if (text === '') return required ? bad(`is required: ${ID_RULE}`) : ok('')
    return ID_PATTERN.test(text) ? ok(text) : bad(`accepts ${ID_RULE}`)
  }
}

function duration(minMs: number): Field<number> {
  const rule = `accepts a duration from ${formatDuration(minMs)} to ${formatDuration(MAX_DURATION_MS)}: ${DURATION_FORMS}`
  return text => {
    const ms = parseDuration(text)
    return ms === undefined || ms < minMs || ms > MAX_DURATION_MS ? bad(rule) : ok(ms)
  }
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false
}

const bool: Field<boolean> = text =>
  Object.hasOwn(BOOLEANS, text) ? ok(BOOLEANS[text]!) : bad('accepts true or false')

const apiVersion: Field<'auto' | ApiVersion> = text =>
  text === 'auto' || text === 'v3' || text === 'v5' ? ok(text) : bad('accepts auto, v3 or v5')

const endpointInput: Field<string | undefined> = text => {
  if (text === '') return ok(undefined)
  const parsed = parseEndpoint(text)
  return 'url' in parsed ? ok(parsed.url) : bad(parsed.error)
}

/** The region, and the endpoint it implies unless the user names one (then any well-formed name will do). */
function regionInput(endpointGiven: boolean): Field<{ name?: string; endpoint?: string }> {
  return region => {
    if (region !== '' && !REGION_PATTERN.test(region)) {
      return bad('accepts a region name such as ap-southeast-3 or cn-north-4')
    }
    if (endpointGiven) return ok({ name: region || undefined })
    if (region === '') {
      return bad(
        'is required (or the HUAWEI_CLOUD_REGION environment variable, or the endpoint input)'
      )
    }
    const endpoint = regionEndpoint(region)
    if (endpoint === undefined) {
      return bad(
        `has no known CodeArts endpoint; set the endpoint input, or use one of ${KNOWN_REGIONS.join(', ')}`
      )
    }
    return ok({ name: region, endpoint })
  }
}

// Parameter problems are whole sentences that name their line.
const parametersInput: Field<Parameter[]> = text => {
  const parsed = parseParameters(text)
  return 'parameters' in parsed ? ok(parsed.parameters) : bad(...parsed.problems)
}

/** Reads every field, then builds the settings (without credentials) when none has a problem. */
function readFields(
  raw: Record<string, string>
): { settings: Omit<Settings, 'credentials'> } | { problems: { name: string; message: string }[] } {
  const problems: { name: string; message: string }[] = []
  function read<T>(name: string, field: Field<T>): T {
    const result = field(raw[name] ?? '')
    if ('problems' in result) {
      for (const message of result.problems) problems.push({ name, message })
      // Never read: with any problem there are no settings.
      return undefined as T
    }
    return result.value
  }
  const pipelineId = read('pipeline-id', id(true))
  const projectId = read('project-id', id(false))
  const version = read('api-version', apiVersion)
  const region = read('region', regionInput(raw.endpoint !== ''))
  const endpoint = read('endpoint', endpointInput)
  const buildId = read('build-id', id(false))
  const start = read('start', bool)
  const parameters = read('parameters', parametersInput)
  const wait = read('wait', bool)
  const stopOnCancel = read('stop-on-cancel', bool)
  const stopOnTimeout = read('stop-on-timeout', bool)
  const timeoutMs = read('timeout', duration(1))
  // Polling faster only invites the gateway's throttling.
  const pollIntervalMs = read('poll-interval', duration(100))
  const summary = read('summary', bool)
  if (problems.length) return { problems }
  return {
    settings: {
      apiVersion: version === 'auto' ? (projectId ? 'v5' : 'v3') : version,
      projectId: projectId || undefined,
      pipelineId,
      endpoint: endpoint ?? region.endpoint ?? '',
      region: region.name,
      buildId: buildId || undefined,
      start: start ? { parameters } : undefined,
      wait,
      stopOnCancel,
      stopOnTimeout,
      timeoutMs,
      pollIntervalMs,
      summary
    }
  }
}

const INPUT_NAMES = [
  'pipeline-id',
  'project-id',
  'api-version',
  'region',
  'endpoint',
  'build-id',
  'start',
  'parameters',
  'wait',
  'stop-on-cancel',
  'stop-on-timeout',
  'timeout',
  'poll-interval',
  'summary',
  'iam-endpoint'
]
// Never repeated in a message: an endpoint refused for carrying a password would show the password;
// parameters are many lines, and their problems name the line.
const UNECHOED_INPUTS = new Set(['endpoint', 'parameters'])
const DEFAULTS: Record<string, string> = {
  'api-version': 'auto',
  start: 'false',
  wait: 'true',
  'stop-on-cancel': 'true',
  'stop-on-timeout': 'false',
  timeout: '1h',
  'poll-interval': '10s',
  summary: 'true'
}

/** Inputs that only make sense together; checked on the raw values so every problem shows at once. */
function combinationProblems(raw: Record<string, string>): string[] {
  const problems: string[] = []
  const starting = raw.start?.toLowerCase() === 'true'
  if (raw['api-version'] === 'v5' && raw['project-id'] === '') {
    problems.push('Input "project-id" is required with api-version v5: the CodeArts project id.')
  }
  if (starting && raw['build-id'] !== '') {
    problems.push(
      'Inputs "start" and "build-id" cannot be used together: start a run, or watch the run build-id names.'
    )
  }
  if (!starting && raw.parameters?.trim()) {
    problems.push('Input "parameters" is used only with start: true.')
  }
  if (!starting && raw.wait?.toLowerCase() === 'false') {
    problems.push(
      'Input "wait" can be false only with start: true (a run that is only watched must be waited for).'
    )
  }
  return problems
}

/**
 * Reads and checks every input; throws InputError listing each bad one by name. `notes` are things to
 * tell the user about inputs that were accepted (e.g. which of several credentials wins).
 */
export function readSettings(source: InputSource): { settings: Settings; notes: string[] } {
  // Credentials first, so each is masked before anything else can fail and print.
  const secret = Object.fromEntries(
    CREDENTIAL_INPUTS.map(name => [name, source.getSecret(name).trim()])
  ) as Record<(typeof CREDENTIAL_INPUTS)[number], string>
  const raw: Record<string, string> = {}
  for (const name of INPUT_NAMES) {
    // Parameter values are kept as written, trailing spaces of the last line included.
    const value = name === 'parameters' ? source.get(name, true) : source.get(name).trim()
    raw[name] = value === '' ? (DEFAULTS[name] ?? '') : value
  }
  const regionFromEnv = raw.region === ''
  if (regionFromEnv) raw.region = source.env.HUAWEI_CLOUD_REGION?.trim() ?? ''

  const choice: CredentialChoice = chooseCredentials({
    inputs: { ...secret, 'iam-endpoint': raw['iam-endpoint'] ?? '' },
    env: name => source.getSecretEnv(name).trim(),
    region: raw.region ?? ''
  })
  const fields = readFields(raw)
  const combined = combinationProblems(raw)
  if ('settings' in fields && choice.credentials && combined.length === 0) {
    return {
      settings: { ...fields.settings, credentials: choice.credentials },
      notes: choice.notes
    }
  }
  const credentialProblems = choice.credentials ? [] : choice.problems
  throw new InputError([
    ...combined,
    ...('problems' in fields ? fields.problems : []).map(({ name, message }) => {
      if (name === 'parameters') return message
      const from = name === 'region' && regionFromEnv ? ' from HUAWEI_CLOUD_REGION' : ''
      const shown =
        UNECHOED_INPUTS.has(name) || raw[name] === '' ? '' : ` (got "${raw[name]}"${from})`
      return `Input "${name}" ${message}${shown}.`
    }),
    ...credentialProblems
  ])
}
