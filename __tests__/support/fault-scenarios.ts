// The fault matrix (issue 5): what the CodeArts API, or the network in front of it, can throw at the action,
// each fault alone and several mixed, with the conclusion the step must reach. Defined once and run by both
// `npm run faults` (scripts/faults.ts, a table) and jest (__tests__/e2e/faults.test.ts): each scenario runs
// the bundled dist/index.js against its own fake server, and the same checks decide whether it passed.
import type { Conclusion } from '../../src/result.js'
import {
  startFakeCodeArts,
  v3Status,
  v5Detail,
  type FakeCodeArts,
  type FakeStep,
  type RecordedRequest
} from './fake-codearts.js'
import { runAction, type ActionRun } from './run-action.js'

/** The credential. The server echoes it back (`{{token}}` below) in error pages, messages and a redirect. */
export const TOKEN = 'MIIfaults-7d3c9a1e5b2f-SECRET-token'
const ECHO = '{{token}}'
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
  'unknown status'
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
  })
}

/** The step with every `{{token}}` replaced by the token the request carried: the server echoes it. */
function echoed(step: FakeStep, token: string): FakeStep {
  const text = JSON.stringify(step)
  if (!text.includes(ECHO)) return step
  return JSON.parse(text.split(ECHO).join(JSON.stringify(token).slice(1, -1))) as FakeStep
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

export const SCENARIOS: Scenario[] = [
  ...singles(),
  ...mixes(),
  ...hiddenFailures(),
  ...otherRuns(),
  ...flipBacks(),
  ...timeouts(),
  ...fatal(),
  ...cancels()
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
  /** Where the token (or any LEAK_PIECE characters of it) was printed: stdout, stderr, summary, outputs. */
  leaks: string[]
  /** The log shows `***` where the server echoed the token: the leak check had something to catch. */
  echoMasked: boolean
  /** How far past `timeout` a step that timed out ended (from spawn to exit, so start-up included). */
  overshootMs: number | undefined
  sigintToExitMs: number | undefined
  /** The conclusion and exit code are the expected ones. */
  matched: boolean
  problems: string[]
  pass: boolean
}

function inputsFor(scenario: Scenario, url: string): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    endpoint: url,
    token: TOKEN,
    'poll-interval': POLL_INTERVAL,
    timeout: String(scenario.timeoutS),
    ...(scenario.api === 'v5' ? { 'project-id': PROJECT } : { 'api-version': 'v3' }),
    ...scenario.inputs
  }
}

/** Where the token, or any LEAK_PIECE characters of it, appears; ::add-mask:: lines aside. */
export function leaksOf(run: ActionRun): string[] {
  const pieces = Array.from({ length: TOKEN.length - LEAK_PIECE + 1 }, (_, i) =>
    TOKEN.slice(i, i + LEAK_PIECE)
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
      const token = request.headers['x-auth-token']
      return echoed(entry.step, typeof token === 'string' ? token : '')
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
    { auth: { token: TOKEN }, start: scenario.start && scripted(scenario.start) }
  )
  let run: ActionRun
  let exitedAt: number
  try {
    run = await runAction(inputsFor(scenario, fake.url), {
      onSpawn: pid => (cancel.pid = pid),
      killAfterMs: 30_000
    })
    exitedAt = Date.now()
  } finally {
    await fake.close()
  }
  return judge(scenario, { run, fake }, served, sigint ? cancel.sentAt : undefined, exitedAt)
}

function judge(
  scenario: Scenario,
  seen: Seen,
  served: Entry[],
  sigintAt: number | undefined,
  exitedAt: number
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
  const leaks = leaksOf(run)
  if (leaks.length) problems.push(`token printed in ${leaks.join(', ')}`)

  // However it ends, no step may run past its timeout by more than the bound.
  if (run.durationMs > timeoutMs + OVERSHOOT_BOUND_MS) {
    problems.push(`ran ${run.durationMs} ms with timeout ${timeoutMs} ms`)
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

  // Each fault that must be retried gets its warning; one answer may be cut off at the timeout.
  if (!scenario.sigint) {
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
    worstSigintToExitMs: worst(results.map(r => r.sigintToExitMs))
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
