// The one place raw inputs become typed settings; everything downstream takes `Settings`.
import { z } from 'zod'
import { DURATION_FORMS, formatDuration, parseDuration } from './duration.js'
import type { ApiVersion, Parameter } from './codearts/pipeline-api.js'
import { KNOWN_REGIONS, parseEndpoint, regionEndpoint } from './endpoint.js'
import { ID_PATTERN, ID_RULE } from './ids.js'
import { parseParameters } from './parameters.js'
import { parseRef, REF_RULE, type GitRef } from './git-ref.js'
import { workflowOf, type Workflow } from './workflow.js'
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
  /** Start a run with these parameters (v5: of this branch or tag); undefined watches one instead. */
  start: { parameters: Parameter[]; ref: GitRef | undefined } | undefined
  /** Watch the run built from this commit (lower-case hex, 7 to 40 digits). */
  commit: string | undefined
  /** The workflow run this step is part of. */
  workflow: Workflow
  /** False: end once the started run is known, without waiting for it to complete. */
  wait: boolean
  stopOnCancel: boolean
  stopOnTimeout: boolean
  timeoutMs: number
  pollIntervalMs: number
  summary: boolean
  /** Lines of each failed step's log to show (v5); 0 reads none. */
  logLines: number
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
  /** The workflow's event (GITHUB_EVENT_PATH, parsed), when there is one. */
  event?: unknown
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

// Every message below is said after `Input "name" `, but for the parameters' whole sentences.
const id = (error?: string) => z.string(error).regex(ID_PATTERN, `accepts ${ID_RULE}`)

function duration(minMs: number) {
  const rule = `accepts a duration from ${formatDuration(minMs)} to ${formatDuration(MAX_DURATION_MS)}: ${DURATION_FORMS}`
  return z
    .string()
    .transform(parseDuration)
    .pipe(z.number(rule).min(minMs, rule).max(MAX_DURATION_MS, rule))
}

const bool = z.stringbool({
  truthy: ['true', 'True', 'TRUE'],
  falsy: ['false', 'False', 'FALSE'],
  case: 'sensitive',
  error: 'accepts true or false'
})

// Missing (no input, no HUAWEI_CLOUD_REGION) is a problem only where it is not optional.
const region = z
  .string('is required (or the HUAWEI_CLOUD_REGION environment variable, or the endpoint input)')
  .regex(REGION_PATTERN, {
    error: 'accepts a region name such as ap-southeast-3 or cn-north-4',
    abort: true
  })

/**
 * One key per input, read from its text; an empty input is undefined, so its default applies. The object
 * collects the issues of every key, so every bad input is reported at once, in this order.
 */
const INPUTS = z.object({
  'pipeline-id': id(`is required: ${ID_RULE}`),
  'project-id': id().optional(),
  'api-version': z.enum(['auto', 'v3', 'v5'], 'accepts auto, v3 or v5').default('auto'),
  // With the endpoint input any well-formed name will do, or none (see NEEDS_REGION_ENDPOINT).
  region: region.optional(),
  endpoint: z
    .string()
    .transform((text, ctx) => {
      const parsed = parseEndpoint(text)
      if ('url' in parsed) return parsed.url
      ctx.issues.push({ code: 'custom', message: parsed.error, input: text })
      return z.NEVER
    })
    .optional(),
  'build-id': id().optional(),
  start: bool.default(false),
  parameters: z
    .string()
    .transform((text, ctx) => {
      const parsed = parseParameters(text)
      if ('parameters' in parsed) return parsed.parameters
      for (const message of parsed.problems) {
        ctx.issues.push({ code: 'custom', message, input: text })
      }
      return z.NEVER
    })
    .default([]),
  ref: z
    .string()
    .transform((text, ctx) => {
      const ref = parseRef(text)
      if (ref) return ref
      ctx.issues.push({ code: 'custom', message: `accepts ${REF_RULE}`, input: text })
      return z.NEVER
    })
    .optional(),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i, 'accepts a commit SHA: 7 to 40 hexadecimal digits')
    .transform(sha => sha.toLowerCase())
    .optional(),
  wait: bool.default(true),
  'stop-on-cancel': bool.default(true),
  'stop-on-timeout': bool.default(false),
  timeout: duration(1).prefault('1h'),
  // Polling faster only invites the gateway's throttling.
  'poll-interval': duration(100).prefault('10s'),
  summary: bool.default(true),
  'log-lines': z
    .string()
    .regex(/^\d{1,4}$/, 'accepts a whole number of lines from 0 (no logs) to 1000')
    .transform(Number)
    .pipe(z.number().max(1000, 'accepts a whole number of lines from 0 (no logs) to 1000'))
    .default(100)
})

/** Without the endpoint input, the region is required and must imply it. */
const NEEDS_REGION_ENDPOINT = INPUTS.extend({
  region: region.refine(
    name => regionEndpoint(name) !== undefined,
    `has no known CodeArts endpoint; set the endpoint input, or use one of ${KNOWN_REGIONS.join(', ')}`
  )
})

// Never repeated in a message: an endpoint refused for carrying a password would show the password;
// parameters are many lines, and their problems name the line.
const UNECHOED_INPUTS = new Set(['endpoint', 'parameters'])

type RawInputs = Partial<Record<keyof typeof INPUTS.shape | 'iam-endpoint', string>>

/** Inputs that only make sense together; checked on the raw values so every problem shows at once. */
function combinationProblems(raw: RawInputs): string[] {
  const problems: string[] = []
  const starting = raw.start?.toLowerCase() === 'true'
  if (raw['api-version'] === 'v5' && raw['project-id'] === undefined) {
    problems.push('Input "project-id" is required with api-version v5: the CodeArts project id.')
  }
  if (starting && raw['build-id'] !== undefined) {
    problems.push(
      'Inputs "start" and "build-id" cannot be used together: start a run, or watch the run build-id names.'
    )
  }
  if (!starting && raw.parameters?.trim()) {
    problems.push('Input "parameters" is used only with start: true.')
  }
  const v3 =
    raw['api-version'] === 'v3' ||
    ((raw['api-version'] ?? 'auto') === 'auto' && raw['project-id'] === undefined)
  if (raw.ref !== undefined && (!starting || v3)) {
    problems.push(
      'Input "ref" is used only with start: true on the v5 API (set project-id): v3 cannot choose what a run builds.'
    )
  }
  if (raw.commit !== undefined && (starting || raw['build-id'] !== undefined || v3)) {
    problems.push(
      'Input "commit" is used only to watch a run on the v5 API (set project-id), without start or build-id: it finds the run built from that commit.'
    )
  }
  if (starting && !v3 && raw.parameters) {
    const parsed = parseParameters(raw.parameters)
    for (const { name } of 'parameters' in parsed ? parsed.parameters : []) {
      if (!/^\w+$/.test(name)) {
        problems.push(
          `Input "parameters" names "${name}": a v5 parameter name is letters, digits and "_" only.`
        )
      }
    }
  }
  if (!starting && raw.wait?.toLowerCase() === 'false') {
    problems.push(
      'Input "wait" can be false only with start: true (a run that is only watched must be waited for).'
    )
  }
  return problems
}

/** Inputs accepted that are still worth a word: a setting that does nothing, or a likely slip. */
function notesOn(input: z.output<typeof INPUTS>): string[] {
  const notes: string[] = []
  const version = input['api-version']
  if (version === 'auto' && !input['project-id']) {
    notes.push(
      'Using the v3 API, which Huawei is retiring, as project-id is not set. Set project-id (the CodeArts project ID) to use v5; see "Moving from v3 to v5" in the README.'
    )
  }
  if (version === 'v3' && input['project-id']) {
    notes.push('Input "project-id" is not used with api-version v3 (it names a v5 project).')
  }
  if (input['poll-interval'] > input.timeout) {
    notes.push(
      `Input "poll-interval" (${formatDuration(input['poll-interval'])}) is longer than "timeout" (${formatDuration(input.timeout)}): the run is asked about once, then the step times out.`
    )
  }
  return notes
}

// An input value in a message: short, and with invisible or direction-changing characters spelled out
// (\u200b), so that the message shows what was given and never reads as something else.
const MAX_ECHO = 100

function echo(value: string): string {
  const spelled = value.replace(
    /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}]/gu,
    c => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`
  )
  return spelled.length > MAX_ECHO ? `${spelled.slice(0, MAX_ECHO)}…` : spelled
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
  const raw: RawInputs = Object.fromEntries(
    [...INPUTS.keyof().options, 'iam-endpoint'].map(name => [
      name,
      // Parameter values are kept as written, trailing spaces of the last line included.
      (name === 'parameters' ? source.get(name, true) : source.get(name).trim()) || undefined
    ])
  )
  const regionFromEnv = raw.region === undefined
  raw.region ??= source.env.HUAWEI_CLOUD_REGION?.trim() || undefined

  const choice: CredentialChoice = chooseCredentials({
    inputs: { ...secret, 'iam-endpoint': raw['iam-endpoint'] ?? '' },
    env: name => source.getSecretEnv(name).trim(),
    region: raw.region ?? ''
  })
  const parsed = (raw.endpoint === undefined ? NEEDS_REGION_ENDPOINT : INPUTS).safeParse(raw)
  const combined = combinationProblems(raw)
  if (parsed.success && choice.credentials && combined.length === 0) {
    const input = parsed.data
    const projectId = input['project-id']
    const version = input['api-version']
    return {
      settings: {
        apiVersion: version === 'auto' ? (projectId ? 'v5' : 'v3') : version,
        projectId,
        pipelineId: input['pipeline-id'],
        // Without the endpoint input, the region implies it.
        endpoint: input.endpoint ?? regionEndpoint(input.region ?? '') ?? '',
        region: input.region,
        buildId: input['build-id'],
        start: input.start ? { parameters: input.parameters, ref: input.ref } : undefined,
        commit: input.commit,
        workflow: workflowOf(source.env, source.event),
        wait: input.wait,
        stopOnCancel: input['stop-on-cancel'],
        stopOnTimeout: input['stop-on-timeout'],
        timeoutMs: input.timeout,
        pollIntervalMs: input['poll-interval'],
        summary: input.summary,
        logLines: input['log-lines'],
        credentials: choice.credentials
      },
      notes: [...choice.notes, ...notesOn(input)]
    }
  }
  throw new InputError([
    ...combined,
    ...(parsed.error?.issues ?? []).map(({ path: [key], message }) => {
      const name = String(key) as keyof RawInputs
      if (name === 'parameters') return message
      const from = name === 'region' && regionFromEnv ? ' from HUAWEI_CLOUD_REGION' : ''
      const value = raw[name]
      const shown =
        UNECHOED_INPUTS.has(name) || value === undefined ? '' : ` (got "${echo(value)}"${from})`
      return `Input "${name}" ${message}${shown}.`
    }),
    ...(choice.credentials ? [] : choice.problems)
  ])
}
