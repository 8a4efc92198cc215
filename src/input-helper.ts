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
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/

function id(required: boolean) {
  return z
    .string()
    .refine(v => !required || v !== '', { message: 'is required', abort: true })
    .refine(v => v === '' || ID_PATTERN.test(v), {
      message: 'accepts letters, digits, "-" and "_" only (at most 128 characters)'
    })
}

function duration() {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text)
    if (ms === undefined || ms <= 0 || ms > MAX_DURATION_MS) {
      ctx.addIssue({
        code: 'custom',
        message: `accepts a duration above 0 and at most ${formatDuration(MAX_DURATION_MS)}: ${DURATION_FORMS}`
      })
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

const rawInputs = z
  .object({
    'pipeline-id': id(true),
    region: z.string(),
    endpoint: z.string(),
    token: z
      .string()
      .refine(v => v !== '', { message: 'is required: an IAM token' })
      .refine(
        // A header value cannot carry control characters; the value itself is never echoed.
        v => !/[\s\p{Cc}]/u.test(v),
        { message: 'must not contain spaces, line breaks or control characters' }
      ),
    'build-id': id(false),
    timeout: duration(),
    'poll-interval': duration(),
    summary: bool
  })
  .transform((raw, ctx): Settings => {
    let endpoint: string | undefined
    if (raw.endpoint !== '') {
      const parsed = parseEndpoint(raw.endpoint)
      if ('error' in parsed)
        ctx.addIssue({ code: 'custom', path: ['endpoint'], message: parsed.error })
      else endpoint = parsed.url
    }
    if (raw.region !== '' && !REGION_PATTERN.test(raw.region)) {
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: 'accepts a region name such as ap-southeast-3 or cn-north-4'
      })
    } else if (endpoint === undefined && raw.endpoint === '') {
      endpoint = raw.region === '' ? undefined : regionEndpoint(raw.region)
      if (endpoint === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['region'],
          message:
            raw.region === ''
              ? 'is required (or the HUAWEI_CLOUD_REGION environment variable, or the endpoint input)'
              : `has no known CodeArts endpoint; set the endpoint input, or use one of ${KNOWN_REGIONS.join(', ')}`
        })
      }
    }
    return {
      pipelineId: raw['pipeline-id'],
      endpoint: endpoint ?? '',
      region: raw.region || undefined,
      token: raw.token,
      buildId: raw['build-id'] || undefined,
      timeoutMs: raw.timeout,
      pollIntervalMs: raw['poll-interval'],
      summary: raw.summary
    }
  })

const SECRET_INPUTS = new Set(['token'])
const DEFAULTS: Record<string, string> = { timeout: '1h', 'poll-interval': '10s', summary: 'true' }

/** Reads and checks every input; throws InputError listing each bad one by name. */
export function readSettings(source: InputSource): Settings {
  const raw: Record<string, string> = {}
  for (const name of Object.keys(rawInputs.in.shape)) {
    const value = (SECRET_INPUTS.has(name) ? source.getSecret(name) : source.get(name)).trim()
    raw[name] = value === '' ? (DEFAULTS[name] ?? '') : value
  }
  if (raw.region === '') raw.region = source.env.HUAWEI_CLOUD_REGION?.trim() ?? ''

  const result = rawInputs.safeParse(raw)
  if (result.success) return result.data
  throw new InputError(
    result.error.issues.map(issue => {
      const name = String(issue.path[0] ?? 'input')
      const shown = SECRET_INPUTS.has(name) || raw[name] === '' ? '' : ` (got "${raw[name]}")`
      return `Input "${name}" ${issue.message}${shown}.`
    })
  )
}
