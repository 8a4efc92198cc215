// The one place raw inputs become typed settings; everything downstream takes `Settings`.
import { z } from 'zod'
import { DURATION_FORMS, formatDuration, parseDuration } from './duration.js'
import type { ApiVersion, Parameter } from './codearts/pipeline-api.js'
import { KNOWN_REGIONS, parseEndpoint, regionEndpoint } from './endpoint.js'
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
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/
const ID_RULE = 'letters, digits, "-" and "_" only (at most 128 characters)'
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/

function id(required: boolean) {
  return z
    .string()
    .refine(v => !required || v !== '', { message: `is required: ${ID_RULE}`, abort: true })
    .refine(v => v === '' || ID_PATTERN.test(v), { message: `accepts ${ID_RULE}` })
}

function duration(minMs: number) {
  const rule = `accepts a duration from ${formatDuration(minMs)} to ${formatDuration(MAX_DURATION_MS)}: ${DURATION_FORMS}`
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text)
    if (ms === undefined || ms < minMs || ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: rule })
      return z.NEVER
    }
    return ms
  })
}

const bool = z
  .enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], {
    message: 'accepts true or false'
  })
  .transform(v => v.toLowerCase() === 'true')

const endpointInput = z.string().transform((text, ctx) => {
  if (text === '') return undefined
  const parsed = parseEndpoint(text)
  if ('url' in parsed) return parsed.url
  ctx.addIssue({ code: 'custom', message: parsed.error })
  return z.NEVER
})

/** The region, and the endpoint it implies unless the user names one (then any well-formed name will do). */
function regionInput(endpointGiven: boolean) {
  return z.string().transform((region, ctx) => {
    const problem = (message: string): never => {
      ctx.addIssue({ code: 'custom', message })
      return z.NEVER
    }
    if (region !== '' && !REGION_PATTERN.test(region)) {
      return problem('accepts a region name such as ap-southeast-3 or cn-north-4')
    }
    if (endpointGiven) return { name: region || undefined, endpoint: undefined }
    if (region === '') {
      return problem(
        'is required (or the HUAWEI_CLOUD_REGION environment variable, or the endpoint input)'
      )
    }
    const endpoint = regionEndpoint(region)
    if (endpoint === undefined) {
      return problem(
        `has no known CodeArts endpoint; set the endpoint input, or use one of ${KNOWN_REGIONS.join(', ')}`
      )
    }
    return { name: region, endpoint }
  })
}

// Every check is on one field, so zod reports every bad input at once, not the first few. Credentials,
// which span several inputs, are chosen beside it (credentials.ts) and their problems added to the list.
function inputSchema(endpointGiven: boolean) {
  return z
    .object({
      'pipeline-id': id(true),
      region: regionInput(endpointGiven),
      endpoint: endpointInput,
      'project-id': id(false),
      'api-version': z.enum(['auto', 'v3', 'v5'], { message: 'accepts auto, v3 or v5' }),
      'build-id': id(false),
      start: bool,
      parameters: z.string().transform((text, ctx) => {
        const parsed = parseParameters(text)
        if ('parameters' in parsed) return parsed.parameters
        for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message })
        return z.NEVER
      }),
      wait: bool,
      'stop-on-cancel': bool,
      'stop-on-timeout': bool,
      timeout: duration(1),
      // Polling faster only invites the gateway's throttling.
      'poll-interval': duration(100),
      summary: bool
    })
    .transform((raw): Omit<Settings, 'credentials'> => ({
      apiVersion:
        raw['api-version'] === 'auto' ? (raw['project-id'] ? 'v5' : 'v3') : raw['api-version'],
      projectId: raw['project-id'] || undefined,
      pipelineId: raw['pipeline-id'],
      endpoint: raw.endpoint ?? raw.region.endpoint ?? '',
      region: raw.region.name,
      buildId: raw['build-id'] || undefined,
      start: raw.start ? { parameters: raw.parameters } : undefined,
      wait: raw.wait,
      stopOnCancel: raw['stop-on-cancel'],
      stopOnTimeout: raw['stop-on-timeout'],
      timeoutMs: raw.timeout,
      pollIntervalMs: raw['poll-interval'],
      summary: raw.summary
    }))
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
  const result = inputSchema(raw.endpoint !== '').safeParse(raw)
  if (result.success && choice.credentials && combinationProblems(raw).length === 0) {
    return { settings: { ...result.data, credentials: choice.credentials }, notes: choice.notes }
  }
  const credentialProblems = choice.credentials ? [] : choice.problems
  throw new InputError([
    ...combinationProblems(raw),
    ...(result.success ? [] : result.error.issues).map(issue => {
      const name = String(issue.path[0] ?? 'input')
      const from = name === 'region' && regionFromEnv ? ' from HUAWEI_CLOUD_REGION' : ''
      const shown =
        UNECHOED_INPUTS.has(name) || raw[name] === '' ? '' : ` (got "${raw[name]}"${from})`
      // Parameter problems are whole sentences that name their line.
      if (name === 'parameters') return issue.message
      return `Input "${name}" ${issue.message}${shown}.`
    }),
    ...credentialProblems
  ])
}
