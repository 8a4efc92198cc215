// The fault matrix (issue 5): what the CodeArts API, or the network in front of it, can throw at the action,
// each fault alone and several mixed, with the conclusion the step must reach. Defined once and run by both
// `npm run faults` (scripts/faults.ts, a table) and jest (__tests__/e2e/faults.test.ts): each scenario runs
// the bundled dist/index.js against its own fake server, and the same checks decide whether it passed.
// Issue 14 adds hostile(): a body of millions of empty objects, signatures echoed back, wrong endpoints.
import type { Conclusion } from '../../src/result.js'
import {
  startFakeCodeArts,
  v3Status,
  v5Detail,
  type FakeCodeArts,
  type FakeStep,
  type RecordedRequest
} from './fake-codearts.js'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { runAction, type ActionRun } from './run-action.js'

/** The credential. The server echoes it back (`{{token}}` below) in error pages, messages and a redirect. */
export const TOKEN = 'MIIfaults-7d3c9a1e5b2f-SECRET-token'
const ECHO = '{{token}}'
/** AK/SK scenarios sign each request with these; the server echoes the Authorization header back. */
export const ACCESS_KEY = 'FAULTSAK7Q2ZC9XW4RT1'
export const SECRET_KEY = 'faultsSK0Yq4Vt8nRz2Lm6Pc1Xw9Kd5Hs3Jf7Gb0'
const ECHO_AUTHORIZATION = '{{authorization}}'
/** The request's signature in upper-case hex: the same credential, another spelling. */
const ECHO_SIGNATURE_UPPER = '{{SIGNATURE}}'
/** Any this many characters of the token in the output count as a leak, not only the whole of it. */
const LEAK_PIECE = 12
const PROJECT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
const POLL_INTERVAL = '0.1'
/** Each status request may take 2 s at this poll interval (poller.ts): slow answers fall under or past it. */
const REQUEST_LIMIT_MS = 2_000
/** A step must end within this of its timeout, even when every request hangs. */
export const OVERSHOOT_BOUND_MS = 1_500
/** The runner sends SIGTERM 7.5 s after SIGINT; the step must be done well before. */
export const SIGINT_BOUND_MS = 5_000
/** A wrong endpoint (nothing listening, no TLS, a web page) must end the step within this, whatever its timeout. */
export const WRONG_ENDPOINT_BOUND_MS = 20_000
/** Peak RSS allowed to a step fed a hostile body (millions of empty objects). */
export const HOSTILE_RSS_BOUND_MB = 300
export const DEFAULT_CONCURRENCY = 4

// ---------------------------------------------------------------------------------------------------
// Answers

export type FaultKind =
  | 'HTTP 500'
  | 'HTTP 502'
  | 'HTTP 503'
  | 'HTTP 504'
  | '429 + Retry-After'
  | '429'
  | 'reset'
  | 'hang'
  | 'slow body'
  | 'truncated'
  | 'non-JSON'
  | 'HTML page'
  | '2xx error_code'
  | '2xx error{}'
  | 'redirect'
  | 'other run id'
  | 'no run id'
  | 'wrong type'
  | 'unknown status'
  | 'huge body'

export const FAULT_KINDS: FaultKind[] = [
  'HTTP 500',
  'HTTP 502',
  'HTTP 503',
  'HTTP 504',
  '429 + Retry-After',
  '429',
  'reset',
  'hang',
  'slow body',
  'truncated',
  'non-JSON',
  'HTML page',
  '2xx error_code',
  '2xx error{}',
  'redirect',
  'other run id',
  'no run id',
  'wrong type',
  'unknown status',
  'huge body'
]

/** One answer of a script, and the fault it injects, if any. */
export interface Entry {
  step: FakeStep
  fault?: { kind: FaultKind; label: string }
  /**
   * Whether the action must take the answer as a failed request and retry it, with a "Status request
   * failed" warning. Faults only; true unless said otherwise.
   */
  retried?: boolean
}

type Outcome = 'success' | 'error' | 'aborted'

/** The bodies of one API generation. */
interface Flavour {
  name: 'v3' | 'v5'
  /** The run the scenarios watch, and another one. */
  id: string
  other: string
  started: string
  running(id: string | null): FakeStep
  ended(id: string | null, outcome: Outcome): FakeStep
  /** The field names of the run's id, status and stages. */
  fields: { id: string; status: string; stages: string }
  unknownStatus: string
}

const v3: Flavour = {
  name: 'v3',
  id: 'b-41',
  other: 'b-other',
  started: 'b-started',
  running: id => ({
    json: v3Status({
      buildId: id,
      status: 'running',
      stages: [
        { name: 'Build', status: 'completed', outcome: 'success' },
        { name: 'Test', status: 'running', tasks: [{ name: 'Unit tests', status: 'running' }] }
      ]
    })
  }),
  ended: (id, outcome) => ({
    json: v3Status({
      buildId: id,
      status: 'completed',
      outcome,
      stages: [
        { name: 'Build', status: 'completed', outcome: 'success' },
        {
          name: 'Test',
          status: 'completed',
          outcome,
          tasks: [
            {
              name: 'Unit tests',
              status: 'completed',
              outcome,
              errorMsg: outcome === 'error' ? `3 of 120 failed (request carried ${ECHO})` : null
            }
          ]
        }
      ]
    })
  }),
  fields: { id: 'build_id', status: 'status', stages: 'states' },
  unknownStatus: 'exploding'
}

const V5_STATUS: Record<Outcome, string> = {
  success: 'COMPLETED',
  error: 'FAILED',
  aborted: 'CANCELED'
}

const v5: Flavour = {
  name: 'v5',
  id: 'r-41',
  other: 'r-other',
  started: 'r-started',
  running: id => ({
    json: v5Detail({
      runId: id,
      status: 'RUNNING',
      stages: [
        { name: 'Build', status: 'COMPLETED', jobs: [{ name: 'Compile', status: 'COMPLETED' }] },
        { name: 'Deploy', status: 'RUNNING', jobs: [{ name: 'Rollout', status: 'RUNNING' }] }
      ]
    })
  }),
  ended: (id, outcome) => {
    const status = V5_STATUS[outcome]
    return {
      json: v5Detail({
        runId: id,
        status,
        stages: [
          { name: 'Build', status: 'COMPLETED', jobs: [{ name: 'Compile', status: 'COMPLETED' }] },
          {
            name: 'Deploy',
            status,
            jobs: [
              {
                name: 'Rollout',
                status,
                message: outcome === 'error' ? `0 of 3 pods ready (token ${ECHO})` : null
              }
            ]
          }
        ]
      })
    }
  },
  fields: { id: 'id', status: 'status', stages: 'stages' },
  unknownStatus: 'EXPLODING'
}

const good = (step: FakeStep): Entry => ({ step })

/** `answer`'s JSON body with some fields replaced. */
function withFields(answer: FakeStep, fields: Record<string, unknown>): FakeStep {
  return { ...answer, json: { ...(answer.json as Record<string, unknown>), ...fields } }
}

const errorBody = (status: number, shape: 'flat' | 'nested') =>
  shape === 'flat'
    ? { error_code: `DEV.${status}`, error_msg: `Backend busy; rejected token ${ECHO}` }
    : { error: { code: `DEVPIPE.${status}`, message: `Internal error for token ${ECHO}` } }

const fault = {
  http: (status: 500 | 502 | 503 | 504, shape: 'flat' | 'nested' = 'flat'): Entry => ({
    fault: {
      kind: `HTTP ${status}`,
      label: shape === 'flat' ? `${status}` : `${status} error{}`
    },
    step: { status, json: errorBody(status, shape) }
  }),
  tooMany: (retryAfter?: string): Entry => ({
    fault: retryAfter
      ? { kind: '429 + Retry-After', label: `429 Retry-After ${retryAfter}` }
      : { kind: '429', label: '429' },
    step: {
      status: 429,
      json: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached.' },
      headers: retryAfter ? { 'Retry-After': retryAfter } : {}
    }
  }),
  reset: (): Entry => ({ fault: { kind: 'reset', label: 'reset' }, step: { fault: 'reset' } }),
  hang: (): Entry => ({ fault: { kind: 'hang', label: 'hang' }, step: { fault: 'hang' } }),
  /** A good answer that takes `ms` to come: a fault to retry only when that is past the request limit. */
  slow: (ms: number, answer: FakeStep): Entry => ({
    fault: {
      kind: 'slow body',
      label: `slow ${ms / 1000}s${ms >= REQUEST_LIMIT_MS ? ' > limit' : ''}`
    },
    retried: ms >= REQUEST_LIMIT_MS,
    step: { ...answer, delayMs: ms }
  }),
  /** Half of `answer`'s body, then the connection drops. */
  truncated: (answer: FakeStep): Entry => ({
    fault: { kind: 'truncated', label: 'truncated' },
    step: { ...answer, fault: 'truncate' }
  }),
  /** Text that says success, but not in JSON (under a JSON content type). */
  notJson: (id: string): Entry => ({
    fault: { kind: 'non-JSON', label: 'non-JSON' },
    step: { body: `status=completed outcome=success build_id=${id}` }
  }),
  html: (status: 200 | 502 | 503 | 504): Entry => ({
    fault: { kind: 'HTML page', label: `HTML ${status}` },
    step: {
      status,
      headers: { 'Content-Type': 'text/html' },
      body:
        `<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body>` +
        `<h1>Bad Gateway</h1><p>X-Auth-Token: ${ECHO}</p><script>alert(1)</script></body></html>`
    }
  }),
  /** HTTP 200 with an API error; merged into `answer` (say, a run that succeeded) when given. */
  apiError: (shape: 'flat' | 'nested', answer?: FakeStep): Entry => ({
    fault:
      shape === 'flat'
        ? { kind: '2xx error_code', label: `200 error_code${answer ? ' + body' : ''}` }
        : { kind: '2xx error{}', label: `200 error{}${answer ? ' + body' : ''}` },
    step: answer ? withFields(answer, errorBody(200, shape)) : { json: errorBody(200, shape) }
  }),
  redirect: (status: 301 | 302 | 307 | 308): Entry => ({
    fault: { kind: 'redirect', label: `${status} redirect` },
    retried: false,
    step: { status, headers: { Location: `https://collector.example/steal?token=${ECHO}` } }
  }),
  /** A completed run, but not the one watched. */
  otherRun: (api: Flavour, outcome: Outcome = 'success'): Entry => ({
    fault: { kind: 'other run id', label: `other run ${outcome}` },
    step: api.ended(api.other, outcome)
  }),
  /** A completed, successful run with no id. Retried when a run is watched, else "no run yet". */
  noRunId: (api: Flavour, retried = true): Entry => ({
    fault: { kind: 'no run id', label: 'completed, no run id' },
    retried,
    step: api.ended(null, 'success')
  }),
  /** A run that succeeded, but its status is a number: not a status the action knows, so it waits. */
  statusNumber: (api: Flavour): Entry => ({
    fault: { kind: 'wrong type', label: 'status: number' },
    retried: false,
    step: withFields(api.ended(api.id, 'success'), { [api.fields.status]: 3 })
  }),
  stagesObject: (api: Flavour): Entry => ({
    fault: { kind: 'wrong type', label: `${api.fields.stages}: object` },
    retried: false,
    step: withFields(api.running(api.id), { [api.fields.stages]: { Build: 'completed' } })
  }),
  /** A run that succeeded, its id an array: no id the action can watch. */
  idArray: (api: Flavour, retried = true): Entry => ({
    fault: { kind: 'wrong type', label: `${api.fields.id}: array` },
    retried,
    step: withFields(api.ended(api.id, 'success'), { [api.fields.id]: [api.id] })
  }),
  /** v3 only: completed, outcome `true`. */
  outcomeBoolean: (api: Flavour): Entry => ({
    fault: { kind: 'wrong type', label: 'outcome: boolean' },
    retried: false,
    step: withFields(api.ended(api.id, 'success'), { outcome: true })
  }),
  unknownStatus: (api: Flavour): Entry => ({
    fault: { kind: 'unknown status', label: `status ${api.unknownStatus}` },
    retried: false,
    step: withFields(api.running(api.id), { [api.fields.status]: api.unknownStatus })
  }),
  /**
   * About 7.7 MiB of the run's body holding HUGE_BODY_OBJECTS empty objects in one stage: too many to
   * read (more than any run holds), so a failed request, not a parse taking gigabytes.
   */
  huge: (api: Flavour): Entry => ({
    fault: { kind: 'huge body', label: `${HUGE_BODY_OBJECTS / 1e6}M empty objects` },
    step: { body: hugeBody(api) }
  }),
  /** An error that quotes the signed request's headers (as a gateway's debug page might). */
  echoHeaders: (status: 500 | 503, signatureUpper = false): Entry => ({
    fault: {
      kind: `HTTP ${status}`,
      label: `${status} echoing Authorization${signatureUpper ? ' (upper-case)' : ''}`
    },
    step: {
      status,
      json: {
        error_code: `DEV.${status}`,
        error_msg: signatureUpper
          ? `Signature ${ECHO_SIGNATURE_UPPER} does not match`
          : `Request headers: Authorization: ${ECHO_AUTHORIZATION}`
      }
    }
  })
}

const HUGE_BODY_OBJECTS = 2_700_000
const hugeBodies = new Map<string, string>()

/** The flavour's running answer with one stage of HUGE_BODY_OBJECTS empty tasks (jobs), made once. */
function hugeBody(api: Flavour): string {
  let body = hugeBodies.get(api.name)
  if (body === undefined) {
    const empties = new Array<string>(HUGE_BODY_OBJECTS).fill('{}').join(',')
    const [head, items] =
      api.name === 'v3'
        ? [{ pipeline_id: 'pipe-1', build_id: api.id, status: 'running' }, 'children']
        : [{ id: api.id, pipeline_id: 'pipe-1', status: 'RUNNING' }, 'jobs']
    const stage = `{"name":"Flood","status":"${head.status}","${items}":[${empties}]}`
    body = `${JSON.stringify(head).slice(0, -1)},"${api.fields.stages}":[${stage}]}`
    hugeBodies.set(api.name, body)
  }
  return body
}

/** The `{` and `[` in `text`: how the action counts an answer's objects and lists. */
const containersIn = (text: string): number => (text.match(/[{[]/g) ?? []).length

/** The signature of a signed request, from its Authorization header. */
const signatureOf = (request: RecordedRequest): string | undefined =>
  /Signature=([0-9a-fA-F]+)/.exec(String(request.headers.authorization ?? ''))?.[1]

/**
 * The step with what the request carried echoed back where it asks: every `{{token}}` is the token,
 * `{{authorization}}` the Authorization header, `{{SIGNATURE}}` its signature in upper case.
 */
function echoed(step: FakeStep, request: RecordedRequest): FakeStep {
  // A huge body asks for nothing, and is not worth copying.
  if (step.body !== undefined && step.body.length > 1_000_000) return step
  const text = JSON.stringify(step)
  if (!text.includes('{{')) return step
  const token = request.headers['x-auth-token']
  const fill: [string, string][] = [
    [ECHO, typeof token === 'string' ? token : ''],
    [ECHO_AUTHORIZATION, String(request.headers.authorization ?? '')],
    [ECHO_SIGNATURE_UPPER, (signatureOf(request) ?? '').toUpperCase()]
  ]
  let filled = text
  for (const [mark, value] of fill) {
    filled = filled.split(mark).join(JSON.stringify(value).slice(1, -1))
  }
  return JSON.parse(filled) as FakeStep
}

// ---------------------------------------------------------------------------------------------------
// Scenarios

export type Tag =
  | 'alone'
  | 'mix'
  | 'hidden failure'
  | 'other run completed'
  | 'flip back'
  | 'timeout'
  | 'fatal'
  | 'sigint'

export interface Seen {
  run: ActionRun
  fake: FakeCodeArts
}

export interface Scenario {
  name: string
  api: 'v3' | 'v5'
  expected: Conclusion
  tags: Tag[]
  timeoutS: number
  /** Inputs beyond pipeline-id, endpoint, token, poll-interval and timeout. */
  inputs?: Record<string, string>
  /** Status answers in order (the last repeats), or one per request. */
  status: Entry[] | ((request: RecordedRequest, index: number) => Entry)
  start?: Entry[]
  /** SIGINT `delayMs` after status request number `afterStatusRequest` (1-based) reached the server. */
  sigint?: { afterStatusRequest: number; delayMs: number }
  /** The run the outputs must name when the step ends with a verdict on a run. */
  runId?: string
  /** What else must hold: the problems found, none when all is well. */
  check?: (seen: Seen) => string[]
  /** keys: AK/SK inputs, every request signed (and checked by the server); by default the token. */
  credentials?: 'token' | 'keys'
  /**
   * A wrong endpoint input instead of the fake's URL: a port nothing listens on, or https:// to the
   * fake's plain http. The fake then serves no fault, so no retry warnings are counted against it.
   */
  endpoint?: 'refused' | 'https to http'
  /** The step must end within this, whatever its timeout. */
  withinMs?: number
  /** Measure the step's peak RSS (from /proc, where there is one) and hold it under this. */
  peakRssBoundMb?: number
}

const ALONE_TIMEOUT_S = 4
const TIMEOUT_S = 3

/** The fault between good answers: the run is seen running, the fault, running again, then success. */
function alone(api: Flavour, entry: Entry, check?: Scenario['check']): Scenario {
  return {
    name: `${api.name} alone: ${entry.fault?.label ?? ''}`,
    api: api.name,
    expected: 'success',
    tags: ['alone'],
    timeoutS: ALONE_TIMEOUT_S,
    status: [
      good(api.running(api.id)),
      entry,
      good(api.running(api.id)),
      good(api.ended(api.id, 'success'))
    ],
    runId: api.id,
    check
  }
}

/** The problem, unless `ok`. */
const demand = (ok: boolean, problem: string): string[] => (ok ? [] : [problem])

const annotations = (run: ActionRun, kind: string): string[] =>
  run.stdout.split('\n').filter(line => line.startsWith(`::${kind}`))

/** The gap between status requests `i` and `i + 1` (0-based). */
const gapAfter = (fake: FakeCodeArts, i: number): number =>
  (fake.calls('status')[i + 1]?.atMs ?? Infinity) - (fake.calls('status')[i]?.atMs ?? 0)

const asked = (request: RecordedRequest | undefined, api: 'v3' | 'v5'): string | null =>
  request?.query.get(api === 'v3' ? 'build_id' : 'pipeline_run_id') ?? null

/** Every status request after the first `skip` asked for run `id`. */
const askedOnlyFor =
  (api: Flavour, id: string, skip = 0) =>
  (seen: Seen) =>
    demand(
      seen.fake
        .calls('status')
        .slice(skip)
        .every(r => asked(r, api.name) === id),
      `a status request asked for another run than ${id}`
    )

const exactlyOneRequest = ({ fake }: Seen): string[] =>
  demand(fake.requests.length === 1, `${fake.requests.length} requests, expected exactly 1`)

const namesRedirectOrigin = ({ run }: Seen): string[] =>
  demand(
    annotations(run, 'error')[0]?.includes('redirect to https://collector.example') === true,
    'the error does not name the redirect by its origin'
  )

function singles(): Scenario[] {
  const both = (make: (api: Flavour) => Entry): Scenario[] =>
    [v3, v5].map(api => alone(api, make(api)))
  const retryAfterHonoured = ({ fake }: Seen) =>
    demand(gapAfter(fake, 1) >= 950, `retried ${gapAfter(fake, 1)} ms after Retry-After: 1`)
  return [
    alone(v3, fault.http(500)),
    alone(v3, fault.http(502)),
    ...both(() => fault.http(503)),
    alone(v3, fault.http(504)),
    alone(v3, fault.http(500, 'nested')),
    ...[v3, v5].map(api => alone(api, fault.tooMany('1'), retryAfterHonoured)),
    alone(v3, fault.tooMany()),
    ...both(fault.reset),
    ...both(fault.hang),
    alone(v3, fault.slow(1_500, v3.running(v3.id))),
    alone(v5, fault.slow(2_600, v5.running(v5.id))),
    ...both(api => fault.truncated(api.ended(api.id, 'success'))),
    ...both(api => fault.notJson(api.id)),
    alone(v3, fault.html(502)),
    alone(v3, fault.html(200)),
    alone(v5, fault.html(504)),
    ...both(() => fault.apiError('flat')),
    ...both(() => fault.apiError('nested')),
    ...both(api => fault.otherRun(api)),
    ...both(api => fault.noRunId(api)),
    ...both(fault.statusNumber),
    ...both(fault.stagesObject),
    ...both(api => fault.idArray(api)),
    ...both(fault.unknownStatus)
  ]
}

function mixes(): Scenario[] {
  const R3 = good(v3.running(v3.id))
  const R5 = good(v5.running(v5.id))
  return [
    {
      name: 'v3 5xx, 429 and transport storm',
      api: 'v3',
      expected: 'success',
      tags: ['mix'],
      timeoutS: 4,
      status: [
        fault.http(500),
        fault.reset(),
        R3,
        fault.html(502),
        fault.truncated(v3.running(v3.id)),
        R3,
        fault.http(503, 'nested'),
        fault.tooMany(),
        R3,
        fault.http(504),
        fault.notJson(v3.id),
        R3,
        good(v3.ended(v3.id, 'success'))
      ],
      runId: v3.id
    },
    {
      name: 'v3 hang, then an error body',
      api: 'v3',
      expected: 'success',
      tags: ['mix'],
      timeoutS: 4,
      status: [fault.hang(), R3, fault.apiError('flat'), R3, good(v3.ended(v3.id, 'success'))],
      runId: v3.id
    },
    {
      name: 'v3 garbage, wrong types, slow, unknown status',
      api: 'v3',
      expected: 'success',
      tags: ['mix'],
      timeoutS: 4,
      status: [
        fault.notJson(v3.id),
        fault.html(200),
        R3,
        fault.apiError('flat', v3.ended(v3.id, 'success')),
        fault.statusNumber(v3),
        fault.slow(1_200, v3.running(v3.id)),
        fault.unknownStatus(v3),
        fault.stagesObject(v3),
        good(v3.ended(v3.id, 'success'))
      ],
      runId: v3.id
    },
    {
      name: 'v5 storm with Retry-After',
      api: 'v5',
      expected: 'success',
      tags: ['mix'],
      timeoutS: 4,
      status: [
        fault.http(503),
        fault.reset(),
        R5,
        fault.tooMany('1'),
        fault.html(502),
        R5,
        fault.truncated(v5.ended(v5.id, 'success')),
        fault.apiError('nested'),
        R5,
        good(v5.ended(v5.id, 'success'))
      ],
      runId: v5.id
    },
    {
      name: 'v5 wrong types, other runs, unknown status',
      api: 'v5',
      expected: 'success',
      tags: ['mix', 'flip back'],
      timeoutS: 4,
      status: [
        R5,
        fault.idArray(v5),
        fault.statusNumber(v5),
        fault.stagesObject(v5),
        fault.otherRun(v5),
        fault.noRunId(v5),
        R5,
        fault.unknownStatus(v5),
        good(v5.ended(v5.id, 'success'))
      ],
      runId: v5.id
    }
  ]
}

/** The last word is a failure, behind faults that look like (or are) success: never green. */
function hiddenFailures(): Scenario[] {
  const R3 = good(v3.running(v3.id))
  const R5 = good(v5.running(v5.id))
  return [
    {
      name: 'v3 failure behind 503, reset, truncated success',
      api: 'v3',
      expected: 'failure',
      tags: ['mix', 'hidden failure'],
      timeoutS: 4,
      status: [
        fault.http(503),
        fault.reset(),
        R3,
        fault.truncated(v3.ended(v3.id, 'success')),
        fault.notJson(v3.id),
        R3,
        good(v3.ended(v3.id, 'error'))
      ],
      runId: v3.id,
      check: ({ run }) =>
        demand(
          annotations(run, 'error')[0]?.includes('3 of 120 failed') === true,
          'the error does not quote the failed task'
        )
    },
    {
      name: 'v3 failure behind other-run success, 200 error_code + success body',
      api: 'v3',
      expected: 'failure',
      tags: ['mix', 'hidden failure', 'other run completed'],
      timeoutS: 4,
      status: [
        R3,
        fault.otherRun(v3),
        fault.apiError('flat', v3.ended(v3.id, 'success')),
        R3,
        fault.http(504),
        good(v3.ended(v3.id, 'error'))
      ],
      runId: v3.id,
      check: askedOnlyFor(v3, v3.id, 1)
    },
    {
      name: 'v5 failure behind HTML, no-id success, 429, 200 error{} + success body',
      api: 'v5',
      expected: 'failure',
      tags: ['mix', 'hidden failure'],
      timeoutS: 4,
      status: [
        fault.html(502),
        R5,
        fault.noRunId(v5),
        fault.tooMany(),
        fault.apiError('nested', v5.ended(v5.id, 'success')),
        good(v5.ended(v5.id, 'error'))
      ],
      runId: v5.id
    },
    {
      name: 'v3 aborted behind unknown status, id array, status number',
      api: 'v3',
      expected: 'cancelled',
      tags: ['mix', 'hidden failure'],
      timeoutS: 4,
      status: [
        R3,
        fault.unknownStatus(v3),
        fault.idArray(v3),
        fault.statusNumber(v3),
        good(v3.ended(v3.id, 'aborted'))
      ],
      runId: v3.id
    },
    {
      name: 'v5 cancelled behind reset, truncated success',
      api: 'v5',
      expected: 'cancelled',
      tags: ['mix', 'hidden failure'],
      timeoutS: 4,
      status: [
        fault.reset(),
        R5,
        fault.truncated(v5.ended(v5.id, 'success')),
        good(v5.ended(v5.id, 'aborted'))
      ],
      runId: v5.id
    },
    {
      name: 'v3 completed with outcome true (boolean)',
      api: 'v3',
      expected: 'failure',
      tags: ['mix', 'hidden failure'],
      timeoutS: 4,
      status: [R3, fault.http(503), fault.outcomeBoolean(v3)],
      runId: v3.id
    }
  ]
}

/** A completed success about a run that is not the one watched: never green. */
function otherRuns(): Scenario[] {
  const noStop = ({ fake }: Seen) => demand(fake.calls('stop').length === 0, 'a stop was sent')
  return [
    {
      name: 'v3 build-id given, only another run succeeds',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'other run completed', 'timeout'],
      timeoutS: TIMEOUT_S,
      inputs: { 'build-id': v3.id },
      status: [fault.otherRun(v3)],
      runId: v3.id,
      check: seen => [
        ...askedOnlyFor(v3, v3.id)(seen),
        ...demand(
          annotations(seen.run, 'warning').some(w => w.includes(v3.other)),
          'no warning names the other run'
        )
      ]
    },
    {
      name: 'v3 build-id given, success with no run id',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'other run completed', 'timeout'],
      timeoutS: TIMEOUT_S,
      inputs: { 'build-id': v3.id },
      status: [fault.noRunId(v3)],
      runId: v3.id
    },
    {
      name: 'v5 build-id given, only another run succeeds',
      api: 'v5',
      expected: 'timed_out',
      tags: ['alone', 'other run completed', 'timeout'],
      timeoutS: TIMEOUT_S,
      inputs: { 'build-id': v5.id },
      status: [fault.otherRun(v5)],
      runId: v5.id,
      check: askedOnlyFor(v5, v5.id)
    },
    {
      name: 'v3 start, previous run succeeded, started run fails',
      api: 'v3',
      expected: 'failure',
      tags: ['mix', 'other run completed', 'hidden failure', 'flip back'],
      timeoutS: 4,
      inputs: { start: 'true' },
      status: [
        fault.http(502),
        fault.otherRun(v3),
        fault.reset(),
        good(v3.running(v3.started)),
        fault.otherRun(v3),
        good(v3.ended(v3.started, 'error'))
      ],
      runId: v3.started,
      check: seen => [
        ...demand(seen.fake.calls('start').length === 1, 'not exactly one start request'),
        ...askedOnlyFor(v3, v3.started)(seen),
        ...noStop(seen)
      ]
    },
    {
      name: 'v5 latest run watched, another completes, watched fails',
      api: 'v5',
      expected: 'failure',
      tags: ['mix', 'other run completed', 'hidden failure', 'flip back'],
      timeoutS: 4,
      status: [
        good(v5.running(v5.id)),
        fault.otherRun(v5),
        fault.http(503),
        good(v5.running(v5.id)),
        fault.otherRun(v5),
        good(v5.ended(v5.id, 'error'))
      ],
      runId: v5.id,
      check: askedOnlyFor(v5, v5.id, 1)
    }
  ]
}

/** Completed, then running again, then the true end. */
function flipBacks(): Scenario[] {
  return [
    {
      name: 'v3 latest: success with no id, then running, then other run, then end',
      api: 'v3',
      expected: 'success',
      tags: ['mix', 'flip back'],
      timeoutS: 4,
      status: [
        fault.noRunId(v3, false),
        good(v3.running(v3.id)),
        fault.otherRun(v3),
        good(v3.running(v3.id)),
        good(v3.ended(v3.id, 'success'))
      ],
      runId: v3.id
    },
    {
      name: 'v5 build-id given: id array success, running, other run, end',
      api: 'v5',
      expected: 'success',
      tags: ['mix', 'flip back'],
      timeoutS: 4,
      inputs: { 'build-id': v5.id },
      status: [
        fault.idArray(v5),
        good(v5.running(v5.id)),
        fault.otherRun(v5),
        good(v5.running(v5.id)),
        good(v5.ended(v5.id, 'success'))
      ],
      runId: v5.id
    },
    {
      name: 'v3 start: previous run completed, then the started run succeeds',
      api: 'v3',
      expected: 'success',
      tags: ['mix', 'flip back'],
      timeoutS: 4,
      inputs: { start: 'true' },
      status: [
        fault.otherRun(v3, 'error'),
        good(v3.running(v3.started)),
        fault.tooMany(),
        good(v3.ended(v3.started, 'success'))
      ],
      runId: v3.started
    }
  ]
}

/** Faults that never stop: the step must time out, within OVERSHOOT_BOUND_MS of `timeout`. */
function timeouts(): Scenario[] {
  const cycle = [
    fault.reset(),
    fault.tooMany(),
    fault.truncated(v3.ended(v3.id, 'success')),
    fault.notJson(v3.id),
    fault.html(502),
    fault.apiError('nested', v3.ended(v3.id, 'success')),
    fault.http(500)
  ]
  return [
    {
      name: 'v3 503 forever',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [fault.http(503)]
    },
    {
      name: 'v3 every request hangs',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [fault.hang()]
    },
    {
      name: 'v5 every answer slower than the request limit',
      api: 'v5',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [fault.slow(2_600, v5.ended(v5.id, 'success'))]
    },
    {
      name: 'v3 rotating faults forever',
      api: 'v3',
      expected: 'timed_out',
      tags: ['mix', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: (_request, index) => cycle[index % cycle.length]!
    },
    {
      name: 'v3 429 Retry-After 120',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [fault.tooMany('120')],
      check: ({ fake }) =>
        demand(fake.calls('status').length === 1, 'asked again inside the Retry-After')
    },
    {
      name: 'v5 HTML 502 forever',
      api: 'v5',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [fault.html(502)]
    },
    {
      name: 'v3 unknown status forever',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [good(v3.running(v3.id)), fault.unknownStatus(v3)],
      check: ({ run }) =>
        demand(
          annotations(run, 'warning').filter(w => w.includes('not documented')).length === 1,
          'not exactly one warning about the undocumented status'
        )
    }
  ]
}

/** Answers no retry can fix: conclusion error, at once. */
function fatal(): Scenario[] {
  return [
    {
      name: 'v3 302 redirect carrying the token',
      api: 'v3',
      expected: 'error',
      tags: ['alone', 'fatal'],
      timeoutS: 4,
      status: [fault.redirect(302)],
      check: seen => [...exactlyOneRequest(seen), ...namesRedirectOrigin(seen)]
    },
    {
      name: 'v5 307 redirect',
      api: 'v5',
      expected: 'error',
      tags: ['alone', 'fatal'],
      timeoutS: 4,
      status: [fault.redirect(307)],
      check: seen => [...exactlyOneRequest(seen), ...namesRedirectOrigin(seen)]
    },
    {
      name: 'v3 start answered with 301 redirect',
      api: 'v3',
      expected: 'error',
      tags: ['alone', 'fatal'],
      timeoutS: 4,
      inputs: { start: 'true' },
      status: [good(v3.running(v3.started))],
      start: [fault.redirect(301)],
      check: seen => [...exactlyOneRequest(seen), ...namesRedirectOrigin(seen)]
    },
    {
      name: 'v3 308 redirect after 503, reset',
      api: 'v3',
      expected: 'error',
      tags: ['mix', 'fatal'],
      timeoutS: 4,
      status: [fault.http(503), fault.reset(), good(v3.running(v3.id)), fault.redirect(308)],
      check: ({ fake, run }) => [
        ...demand(fake.requests.length === 4, `${fake.requests.length} requests, expected 4`),
        ...demand(run.outputs['build-id'] === v3.id, 'build-id is not the run seen')
      ]
    }
  ]
}

/** Cancelled mid-wait: the step ends in time; it stops the run it started, never one it watched. */
function cancels(): Scenario[] {
  const stopped =
    (api: Flavour) =>
    ({ fake, run }: Seen): string[] => {
      const stops = fake.calls('stop')
      const named =
        api.name === 'v3'
          ? stops[0]?.query.get('build_id')
          : /pipeline-runs\/([^/]+)\/stop$/.exec(stops[0]?.path ?? '')?.[1]
      return [
        ...demand(stops.length === 1, `${stops.length} stop requests, expected 1`),
        ...demand(named === api.started, `the stop named ${named ?? 'no run'}`),
        ...demand(
          annotations(run, 'error')[0]?.includes('was stopped') === true,
          'the error does not say the run was stopped'
        )
      ]
    }
  const leftRunning = ({ fake, run }: Seen): string[] => [
    ...demand(fake.calls('stop').length === 0, 'a watched run was stopped'),
    ...demand(
      annotations(run, 'error')[0]?.includes('left running') === true,
      'the error does not say the run was left running'
    )
  ]
  return [
    {
      name: 'v3 start, SIGINT amid 503 and reset',
      api: 'v3',
      expected: 'cancelled',
      tags: ['mix', 'sigint'],
      timeoutS: 4,
      inputs: { start: 'true' },
      status: [
        fault.http(503),
        good(v3.running(v3.started)),
        fault.reset(),
        good(v3.running(v3.started))
      ],
      sigint: { afterStatusRequest: 4, delayMs: 50 },
      runId: v3.started,
      check: stopped(v3)
    },
    {
      name: 'v5 start, SIGINT amid 429 and HTML',
      api: 'v5',
      expected: 'cancelled',
      tags: ['mix', 'sigint'],
      timeoutS: 4,
      inputs: { start: 'true' },
      status: [
        fault.tooMany(),
        good(v5.running(v5.started)),
        fault.html(503),
        good(v5.running(v5.started))
      ],
      sigint: { afterStatusRequest: 4, delayMs: 50 },
      runId: v5.started,
      check: stopped(v5)
    },
    {
      name: 'v3 watching, SIGINT amid 502 and truncated',
      api: 'v3',
      expected: 'cancelled',
      tags: ['mix', 'sigint'],
      timeoutS: 4,
      status: [
        good(v3.running(v3.id)),
        fault.http(502),
        fault.truncated(v3.running(v3.id)),
        good(v3.running(v3.id))
      ],
      sigint: { afterStatusRequest: 4, delayMs: 50 },
      runId: v3.id,
      check: leftRunning
    },
    {
      name: 'v5 watching, SIGINT while a request hangs',
      api: 'v5',
      expected: 'cancelled',
      tags: ['mix', 'sigint'],
      timeoutS: 4,
      status: [good(v5.running(v5.id)), fault.hang()],
      sigint: { afterStatusRequest: 2, delayMs: 300 },
      runId: v5.id,
      check: leftRunning
    }
  ]
}

/**
 * Issue 14: a body too big to read in bounded memory, credentials echoed in disguise, and an endpoint
 * that is plainly wrong (which must end the step at once, not after its timeout).
 */
function hostile(): Scenario[] {
  const retryWarnings = (run: ActionRun) =>
    annotations(run, 'warning').filter(w => w.includes('Status request failed'))
  const namesObjectCount =
    (api: Flavour) =>
    ({ run }: Seen): string[] => {
      const count = containersIn(hugeBody(api))
      const about = retryWarnings(run).filter(w => w.includes(`${count} objects`))
      return [
        ...demand(about.length > 0, `no warning names the ${count} objects of the huge body`),
        ...demand(run.stdout.length < 256 * 1024, `${run.stdout.length} bytes of log`)
      ]
    }
  /** The step ended in error with `hint`, after two retries, and quotes no OpenSSL error code. */
  const wrongEndpoint =
    (hint: string) =>
    ({ run }: Seen): string[] => {
      const error = annotations(run, 'error')[0] ?? ''
      return [
        ...demand(error.includes(hint), `the error does not say "${hint}"`),
        ...demand(!/:error:[0-9A-F]{8}:|SSL routines/.test(error), 'the error quotes OpenSSL'),
        ...demand(
          retryWarnings(run).length === 2,
          `${retryWarnings(run).length} retry warnings, expected 2`
        )
      ]
    }
  /** Each signature echoed was masked for the runner, and the echo reached the log cut. */
  const signaturesCut = ({ run, fake }: Seen): string[] => {
    const masks = new Set(run.stdout.split('\n').filter(l => l.startsWith('::add-mask::')))
    const signatures = fake.calls('status').flatMap(r => signatureOf(r) ?? [])
    return [
      ...demand(signatures.length === fake.calls('status').length, 'a status request unsigned'),
      ...demand(
        signatures.every(s => masks.has(`::add-mask::${s}`)),
        'a signature was not masked (::add-mask::)'
      ),
      ...demand(
        retryWarnings(run).filter(w => w.includes('Signature=***')).length === 1 &&
          retryWarnings(run).filter(w => w.includes('Signature *** does')).length === 1,
        'the echoed signatures do not show as *** in the retry warnings'
      )
    ]
  }
  const R3 = good(v3.running(v3.id))
  const R5 = good(v5.running(v5.id))
  return [
    {
      name: 'v3 hostile body: 2.7M empty objects forever',
      api: 'v3',
      expected: 'timed_out',
      tags: ['alone', 'timeout'],
      timeoutS: TIMEOUT_S,
      status: [fault.huge(v3)],
      peakRssBoundMb: HOSTILE_RSS_BOUND_MB,
      check: namesObjectCount(v3)
    },
    {
      name: 'v5 hostile bodies amid 503 and reset, then success',
      api: 'v5',
      expected: 'success',
      tags: ['mix'],
      timeoutS: 4,
      status: [
        R5,
        fault.huge(v5),
        fault.http(503),
        R5,
        fault.huge(v5),
        fault.reset(),
        R5,
        good(v5.ended(v5.id, 'success'))
      ],
      runId: v5.id,
      peakRssBoundMb: HOSTILE_RSS_BOUND_MB,
      check: namesObjectCount(v5)
    },
    {
      name: 'v3 AK/SK: 500 and 503 echo the signed headers, then success',
      api: 'v3',
      expected: 'success',
      tags: ['mix'],
      timeoutS: 4,
      credentials: 'keys',
      status: [
        R3,
        fault.echoHeaders(500),
        R3,
        fault.echoHeaders(503, true),
        R3,
        good(v3.ended(v3.id, 'success'))
      ],
      runId: v3.id,
      check: signaturesCut
    },
    {
      name: 'v3 endpoint refuses connections (timeout 1h)',
      api: 'v3',
      expected: 'error',
      tags: ['alone', 'fatal'],
      timeoutS: 3_600,
      endpoint: 'refused',
      status: [R3],
      withinMs: WRONG_ENDPOINT_BOUND_MS,
      check: wrongEndpoint('nothing accepts connections there')
    },
    {
      name: 'v5 https:// to a plain-http endpoint (timeout 1h)',
      api: 'v5',
      expected: 'error',
      tags: ['alone', 'fatal'],
      timeoutS: 3_600,
      endpoint: 'https to http',
      status: [R5],
      withinMs: WRONG_ENDPOINT_BOUND_MS,
      check: wrongEndpoint('is the endpoint http, not https?')
    },
    {
      name: 'v3 a web page answers at the endpoint (timeout 1h)',
      api: 'v3',
      expected: 'error',
      tags: ['alone', 'fatal'],
      timeoutS: 3_600,
      // The third ends the step, unretried.
      status: (_request, index) => ({ ...fault.html(200), retried: index < 2 }),
      withinMs: WRONG_ENDPOINT_BOUND_MS,
      check: seen => [
        ...wrongEndpoint('a web page?')(seen),
        ...demand(seen.fake.calls('status').length === 3, 'not exactly 3 status requests')
      ]
    }
  ]
}

export const SCENARIOS: Scenario[] = [
  ...singles(),
  ...mixes(),
  ...hiddenFailures(),
  ...otherRuns(),
  ...flipBacks(),
  ...timeouts(),
  ...fatal(),
  ...cancels(),
  ...hostile()
]

// ---------------------------------------------------------------------------------------------------
// Running and judging

export interface ScenarioResult {
  scenario: Scenario
  run: ActionRun
  conclusion: string | undefined
  /** Faults the server served, in order. */
  faults: NonNullable<Entry['fault']>[]
  /** Exit code 0 or conclusion success where success is not expected. */
  falseGreen: boolean
  /**
   * Where a credential (the token, the keys, a request's signature, or any LEAK_PIECE characters of one)
   * was printed: stdout, stderr, summary, outputs.
   */
  leaks: string[]
  /** The log shows `***` where the server echoed the token: the leak check had something to catch. */
  echoMasked: boolean
  /** How far past `timeout` a step that timed out ended (from spawn to exit, so start-up included). */
  overshootMs: number | undefined
  sigintToExitMs: number | undefined
  /** The conclusion and exit code are the expected ones. */
  matched: boolean
  /** Peak RSS in KiB, for scenarios with peakRssBoundMb where /proc gives it; else undefined. */
  peakRssKb: number | undefined
  /** For a step that must fail: whether its `::error` line reached the log. Undefined for success. */
  errorDelivered: boolean | undefined
  problems: string[]
  pass: boolean
}

function inputsFor(scenario: Scenario, url: string): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    endpoint: url,
    ...(scenario.credentials === 'keys'
      ? { 'access-key': ACCESS_KEY, 'secret-key': SECRET_KEY }
      : { token: TOKEN }),
    'poll-interval': POLL_INTERVAL,
    timeout: String(scenario.timeoutS),
    ...(scenario.api === 'v5' ? { 'project-id': PROJECT } : { 'api-version': 'v3' }),
    ...scenario.inputs
  }
}

/**
 * Where the token, the keys or any of `more` (signatures), or any LEAK_PIECE characters of one, appears;
 * ::add-mask:: lines aside.
 */
export function leaksOf(run: ActionRun, more: string[] = []): string[] {
  const pieces = [TOKEN, ACCESS_KEY, SECRET_KEY, ...more].flatMap(secret =>
    Array.from({ length: secret.length - LEAK_PIECE + 1 }, (_, i) =>
      secret.slice(i, i + LEAK_PIECE)
    )
  )
  const stdout = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const places: [string, string][] = [
    ['stdout', stdout],
    ['stderr', run.stderr],
    ['summary', run.summary],
    ['outputs', JSON.stringify(run.outputs)]
  ]
  return places.filter(([, text]) => pieces.some(p => text.includes(p))).map(([name]) => name)
}

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const served: Entry[] = []
  const cancel = { pid: 0, sentAt: 0 }
  const scripted = (
    entries: Entry[] | ((r: RecordedRequest, i: number) => Entry)
  ): ((request: RecordedRequest, index: number) => FakeStep) => {
    return (request, index) => {
      const entry =
        typeof entries === 'function'
          ? entries(request, index)
          : entries[Math.min(index, entries.length - 1)]!
      if (entry.fault) served.push(entry)
      return echoed(entry.step, request)
    }
  }
  const status = scripted(scenario.status)
  const { sigint } = scenario
  const fake = await startFakeCodeArts(
    (request, index) => {
      if (sigint && index === sigint.afterStatusRequest - 1) {
        setTimeout(() => {
          // pid 0 would signal this whole process group; a request cannot come before the spawn anyway.
          if (cancel.pid === 0) return
          try {
            process.kill(cancel.pid, 'SIGINT')
            cancel.sentAt = Date.now()
          } catch {
            // Already gone: the missing SIGINT is reported below.
          }
        }, sigint.delayMs)
      }
      return status(request, index)
    },
    {
      auth:
        scenario.credentials === 'keys'
          ? { keys: { accessKey: ACCESS_KEY, secretKey: SECRET_KEY } }
          : { token: TOKEN },
      start: scenario.start && scripted(scenario.start)
    }
  )
  let run: ActionRun
  let exitedAt: number
  let peakRssKb: number | undefined
  let sampler: NodeJS.Timeout | undefined
  try {
    const endpoint =
      scenario.endpoint === 'refused'
        ? `http://127.0.0.1:${await closedPort()}`
        : scenario.endpoint === 'https to http'
          ? fake.url.replace(/^http:/, 'https:')
          : fake.url
    run = await runAction(inputsFor(scenario, endpoint), {
      onSpawn: pid => {
        cancel.pid = pid
        if (scenario.peakRssBoundMb === undefined) return
        sampler = setInterval(() => {
          const kb = vmHwmKb(pid)
          if (kb !== undefined) peakRssKb = Math.max(peakRssKb ?? 0, kb)
        }, 10)
      },
      killAfterMs: 30_000
    })
    exitedAt = Date.now()
  } finally {
    clearInterval(sampler)
    await fake.close()
  }
  return judge(
    scenario,
    { run, fake },
    served,
    sigint ? cancel.sentAt : undefined,
    exitedAt,
    peakRssKb
  )
}

/** A port on which nothing listens: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/**
 * A live process's peak RSS so far (VmHWM in /proc/PID/status), in KiB; undefined where there is no
 * /proc, or once the process is gone. Sampled until the exit, it is the peak give or take the last
 * few milliseconds.
 */
function vmHwmKb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

function judge(
  scenario: Scenario,
  seen: Seen,
  served: Entry[],
  sigintAt: number | undefined,
  exitedAt: number,
  peakRssKb?: number
): ScenarioResult {
  const { run } = seen
  const { expected } = scenario
  const timeoutMs = scenario.timeoutS * 1000
  const conclusion = run.outputs.conclusion
  const code = expected === 'success' ? 0 : 1
  const problems: string[] = []
  const matched = conclusion === expected && run.code === code
  if (conclusion !== expected)
    problems.push(`conclusion ${conclusion ?? '(none)'}, expected ${expected}`)
  if (run.code !== code) {
    problems.push(`exit code ${run.code}${run.signal ? ` (${run.signal})` : ''}, expected ${code}`)
  }
  const falseGreen = expected !== 'success' && (run.code === 0 || conclusion === 'success')
  if (falseGreen) problems.push('FALSE GREEN')
  // A signature is as good as the keys for a while: none may show, in either case.
  const signatures = seen.fake.requests.flatMap(r => signatureOf(r) ?? [])
  const leaks = leaksOf(run, [...new Set([...signatures, ...signatures.map(s => s.toUpperCase())])])
  if (leaks.length) problems.push(`credential printed in ${leaks.join(', ')}`)

  // However it ends, no step may run past its timeout by more than the bound.
  if (run.durationMs > timeoutMs + OVERSHOOT_BOUND_MS) {
    problems.push(`ran ${run.durationMs} ms with timeout ${timeoutMs} ms`)
  }
  if (scenario.withinMs !== undefined && run.durationMs > scenario.withinMs) {
    problems.push(`ran ${run.durationMs} ms, more than ${scenario.withinMs} ms`)
  }
  if (
    scenario.peakRssBoundMb !== undefined &&
    peakRssKb !== undefined &&
    peakRssKb > scenario.peakRssBoundMb * 1024
  ) {
    problems.push(`peak RSS ${Math.round(peakRssKb / 1024)} MB, over ${scenario.peakRssBoundMb} MB`)
  }
  const overshootMs = conclusion === 'timed_out' ? run.durationMs - timeoutMs : undefined
  if (overshootMs !== undefined && overshootMs < -100) {
    problems.push(`gave up ${-overshootMs} ms before the timeout`)
  }

  let sigintToExitMs: number | undefined
  if (sigintAt !== undefined) {
    if (sigintAt === 0) problems.push('the SIGINT was never sent (the step ended first)')
    else {
      sigintToExitMs = exitedAt - sigintAt
      if (sigintToExitMs >= SIGINT_BOUND_MS)
        problems.push(`exited ${sigintToExitMs} ms after SIGINT`)
    }
  }

  const errors = annotations(run, 'error')
  if (expected === 'success' && errors.length) problems.push(`error annotations: ${errors.length}`)
  if (expected !== 'success' && errors.length !== 1) {
    problems.push(`${errors.length} error annotations, expected 1`)
  }
  if (scenario.runId !== undefined && ['success', 'failure', 'cancelled'].includes(expected)) {
    const named = run.outputs['build-id']
    if (named !== scenario.runId)
      problems.push(`build-id ${named ?? '(none)'}, expected ${scenario.runId}`)
  }

  // Each fault that must be retried gets its warning; one answer may be cut off at the timeout. A wrong
  // endpoint's failures are not the fake's to serve: its scenario counts them.
  if (!scenario.sigint && !scenario.endpoint) {
    const retried = served.filter(e => e.retried !== false).length
    const warned = annotations(run, 'warning').filter(w =>
      w.includes('Status request failed')
    ).length
    const slack = conclusion === 'timed_out' ? 1 : 0
    if (Math.abs(warned - retried) > slack) {
      problems.push(`${warned} retry warnings for ${retried} faults to retry`)
    }
  }
  problems.push(...(scenario.check?.(seen) ?? []))
  return {
    scenario,
    run,
    conclusion,
    faults: served.flatMap(e => (e.fault ? [e.fault] : [])),
    falseGreen,
    leaks,
    echoMasked: run.stdout
      .split('\n')
      .some(line => !line.startsWith('::add-mask::') && line.includes('***')),
    overshootMs,
    sigintToExitMs,
    matched,
    peakRssKb,
    errorDelivered: expected === 'success' ? undefined : errors.length > 0,
    problems,
    pass: problems.length === 0
  }
}

/** Runs the scenarios, `concurrency` at a time; results in the scenarios' order. */
export async function runMatrix(
  scenarios: Scenario[],
  concurrency = DEFAULT_CONCURRENCY,
  onResult?: (result: ScenarioResult) => void
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = new Array<ScenarioResult>(scenarios.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const i = next++
      results[i] = await runScenario(scenarios[i]!)
      onResult?.(results[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, scenarios.length) }, worker))
  return results
}

export interface Totals {
  scenarios: number
  passed: number
  faultsInjected: number
  /** Faults in scenarios whose conclusion and exit code were the expected ones. */
  faultsSurvived: number
  falseGreens: number
  /** Runs that printed the token (or a piece of it) somewhere. */
  secretsSeen: number
  /** Runs whose log shows the echoed token masked as `***`. */
  echoesMasked: number
  worstOvershootMs: number | undefined
  worstSigintToExitMs: number | undefined
  /** The highest peak RSS measured (hostile-body scenarios), in KiB. */
  worstPeakRssKb: number | undefined
  /** Runs that must fail, and those of them whose `::error` line reached the log. */
  errorsExpected: number
  errorsDelivered: number
}

const worst = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined)
  return known.length ? Math.max(...known) : undefined
}

export function totalsOf(results: ScenarioResult[]): Totals {
  return {
    scenarios: results.length,
    passed: results.filter(r => r.pass).length,
    faultsInjected: results.reduce((sum, r) => sum + r.faults.length, 0),
    faultsSurvived: results.reduce((sum, r) => sum + (r.matched ? r.faults.length : 0), 0),
    falseGreens: results.filter(r => r.falseGreen).length,
    secretsSeen: results.filter(r => r.leaks.length > 0).length,
    echoesMasked: results.filter(r => r.echoMasked).length,
    worstOvershootMs: worst(results.map(r => r.overshootMs)),
    worstSigintToExitMs: worst(results.map(r => r.sigintToExitMs)),
    worstPeakRssKb: worst(results.map(r => r.peakRssKb)),
    errorsExpected: results.filter(r => r.errorDelivered !== undefined).length,
    errorsDelivered: results.filter(r => r.errorDelivered === true).length
  }
}

/** `503×2, reset, hang`: the faults served, by label, in first-seen order. */
export function describeFaults(faults: ScenarioResult['faults']): string {
  const counts = new Map<string, number>()
  for (const f of faults) counts.set(f.label, (counts.get(f.label) ?? 0) + 1)
  return [...counts].map(([label, n]) => (n > 1 ? `${label}×${n}` : label)).join(', ') || '-'
}

/** Fault kinds the results never show alone (the only kind in a run) or never mixed with another kind. */
export function coverageGaps(results: ScenarioResult[]): string[] {
  const kindsOf = (r: ScenarioResult) => new Set(r.faults.map(f => f.kind))
  return FAULT_KINDS.flatMap(kind => {
    const runs = results.map(kindsOf).filter(kinds => kinds.has(kind))
    return [
      ...(runs.some(kinds => kinds.size === 1) ? [] : [`${kind}: never alone`]),
      ...(runs.some(kinds => kinds.size > 1) ? [] : [`${kind}: never mixed`])
    ]
  })
}
