// The one place raw inputs become typed settings; everything downstream takes `Settings`.
import { z } from 'zod'
import { DURATION_FORMS, formatDuration, parseDuration } from './duration.js'
import { KNOWN_REGIONS, parseEndpoint, regionEndpoint } from './endpoint.js'

export interface Settings {
  pipelineId: string
  /** API base URL without a trailing slash. */
  endpoint: string
  region: string | undefined
  token: string
  /** The run to wait for; undefined means the latest run. */
  buildId: string | undefined
  timeoutMs: number
  pollIntervalMs: number
  summary: boolean
}

/** How inputs are read: main.ts backs this with @actions/core, tests with a plain object. */
export interface InputSource {
  get(name: string): string
  /** Reads an input that is a credential; the caller masks it before returning it. */
  getSecret(name: string): string
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

// Every check is on one field, so zod reports every bad input at once, not the first few.
function inputSchema(endpointGiven: boolean) {
  return z
    .object({
      'pipeline-id': id(true),
      region: regionInput(endpointGiven),
      endpoint: endpointInput,
      token: z
        .string()
        .refine(v => v !== '', { message: 'is required: an IAM token', abort: true })
        .refine(
          // What a header can carry: a token with anything else would fail on every request, for the
          // whole timeout. The value itself is never echoed.
          v => /^[\x21-\x7e]+$/.test(v),
          { message: 'accepts visible ASCII characters only (no spaces or line breaks)' }
        ),
      'build-id': id(false),
      timeout: duration(1),
      // Polling faster only invites the gateway's throttling.
      'poll-interval': duration(100),
      summary: bool
    })
    .transform((raw): Settings => ({
      pipelineId: raw['pipeline-id'],
      endpoint: raw.endpoint ?? raw.region.endpoint ?? '',
      region: raw.region.name,
      token: raw.token,
      buildId: raw['build-id'] || undefined,
      timeoutMs: raw.timeout,
      pollIntervalMs: raw['poll-interval'],
      summary: raw.summary
    }))
}

const INPUT_NAMES = [
  'pipeline-id',
  'region',
  'endpoint',
  'token',
  'build-id',
  'timeout',
  'poll-interval',
  'summary'
]
const SECRET_INPUTS = new Set(['token'])
// Never repeated in a message: an endpoint refused for carrying a password would show the password.
const UNECHOED_INPUTS = new Set(['token', 'endpoint'])
const DEFAULTS: Record<string, string> = { timeout: '1h', 'poll-interval': '10s', summary: 'true' }

/** Reads and checks every input; throws InputError listing each bad one by name. */
export function readSettings(source: InputSource): Settings {
  const raw: Record<string, string> = {}
  for (const name of INPUT_NAMES) {
    const value = (SECRET_INPUTS.has(name) ? source.getSecret(name) : source.get(name)).trim()
    raw[name] = value === '' ? (DEFAULTS[name] ?? '') : value
  }
  const regionFromEnv = raw.region === ''
  if (regionFromEnv) raw.region = source.env.HUAWEI_CLOUD_REGION?.trim() ?? ''

  const result = inputSchema(raw.endpoint !== '').safeParse(raw)
  if (result.success) return result.data
  throw new InputError(
    result.error.issues.map(issue => {
      const name = String(issue.path[0] ?? 'input')
      const from = name === 'region' && regionFromEnv ? ' from HUAWEI_CLOUD_REGION' : ''
      const shown =
        UNECHOED_INPUTS.has(name) || raw[name] === '' ? '' : ` (got "${raw[name]}"${from})`
      return `Input "${name}" ${issue.message}${shown}.`
    })
  )
}
