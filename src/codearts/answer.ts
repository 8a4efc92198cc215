// What an HTTP answer from the API means for the wait: a body to read, a fault worth retrying, or an
// error no retry can fix. Pure, so every rule here is tested without a server.
import { quote } from '../quote.js'
import type { HttpResponse } from './transport.js'

export type Answer =
  | { kind: 'ok'; body: unknown }
  | {
      kind: 'transient'
      reason: string
      retryAfterMs?: number
      body?: unknown
      /**
       * The request surely did not reach the API: credentials could not be had, too little time was left
       * to send it, the gateway refused the token, or no connection was made.
       */
      notSent?: true
      /**
       * What to check when the failure looks like a wrong endpoint rather than a busy one (nothing
       * listens there, no such host, no TLS there, a web page instead of the API). While the API has
       * never answered, a few of these end the wait instead of the timeout.
       */
      misconfigured?: string
    }
  | { kind: 'fatal'; reason: string; refusal?: Refusal; body?: unknown }

export type FailedAnswer = Exclude<Answer, { kind: 'ok' }>

/** The API refusing the credentials: the caller adds advice for the method in use. */
export interface Refusal {
  status: number
  code: string | undefined
}

export interface ApiError {
  code: string | null
  message: string | null
}

// Credentials the gateway refused. Retrying these only counts towards its five-failure lock-out.
const AUTH_CODES = new Set(['APIGW.0301', 'APIGW.0303', 'APIGW.0307', 'DEV.00000001'])

function field(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

/** The API's error, from either documented shape, or null when the body carries none. */
export function apiError(body: unknown): ApiError | null {
  if (typeof body !== 'object' || body === null) return null
  const flat = body as Record<string, unknown>
  const nested = flat.error
  if (typeof nested === 'object' && nested !== null) {
    const e = nested as Record<string, unknown>
    const found = { code: field(e.code), message: field(e.message) }
    if (found.code ?? found.message) return found
  }
  const found = { code: field(flat.error_code), message: field(flat.error_msg) }
  return (found.code ?? found.message) ? found : null
}

function describe(error: ApiError | null): string {
  if (!error) return ''
  const parts = [error.code && quote(error.code), error.message && quote(error.message)].filter(
    Boolean
  )
  return parts.length ? ` (${parts.join(': ')})` : ''
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  nowMs: number
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (!text) return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) {
    const ms = Number(text) * 1000
    return Number.isFinite(ms) ? ms : undefined
  }
  // Only an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`): Date.parse reads much junk as some date.
  if (!/^\s*[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/.test(text))
    return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

// Objects and arrays an answer may hold to be read at all. Within the size cap, a body of empty objects
// holds millions, and parsing it takes half a gigabyte; a real run's answer holds a few thousand.
export const MAX_JSON_CONTAINERS = 200_000

/** How many `{` and `[` `text` holds (those inside strings too: a bound, not a count of values). */
export function containersIn(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 123 || c === 91) count++
  }
  return count
}

function parseJson(text: string): { json: unknown } | { tooLarge: number } | undefined {
  const containers = containersIn(text)
  if (containers > MAX_JSON_CONTAINERS) return { tooLarge: containers }
  try {
    return { json: JSON.parse(text) as unknown }
  } catch {
    return undefined
  }
}

const FATAL_ADVICE: Record<number, string> = {
  400: 'the API rejected the request: check pipeline-id and build-id',
  404: 'not found: check pipeline-id, build-id and the region or endpoint'
}

/** Where a redirect points, as its origin only: the rest of a URL could carry anything, a credential too. */
function redirectTarget(location: string | undefined): string {
  if (!location) return 'an unnamed location'
  try {
    return quote(new URL(location).origin)
  } catch {
    return 'a relative location'
  }
}

export function readAnswer(response: HttpResponse, nowMs: number): Answer {
  const { status } = response
  const read = parseJson(response.body)
  if (read && 'tooLarge' in read) {
    return {
      kind: 'transient',
      reason: `HTTP ${status} with an answer of ${read.tooLarge} objects and lists, more than any pipeline run holds (at most ${MAX_JSON_CONTAINERS} are read)`
    }
  }
  const parsed = read
  const error = parsed ? apiError(parsed.json) : null
  const detail = describe(error)

  if (status >= 300 && status < 400) {
    return {
      kind: 'fatal',
      reason: `HTTP ${status} redirect to ${redirectTarget(response.headers.location)}; redirects are not followed, so credentials stay with the configured endpoint: check the endpoint input`
    }
  }
  if ((error?.code && AUTH_CODES.has(error.code)) || status === 401 || status === 403) {
    return {
      kind: 'fatal',
      reason: `HTTP ${status}${detail}`,
      refusal: { status, code: error?.code ?? undefined }
    }
  }
  if (status >= 200 && status < 300) {
    if (!parsed) {
      return {
        kind: 'transient',
        reason: `HTTP ${status} with a body that is not JSON`,
        misconfigured:
          'something answers there, but not as the CodeArts API (a web page?): check the endpoint (or region) input'
      }
    }
    if (error) {
      return {
        kind: 'transient',
        reason: `HTTP ${status} carrying an API error${detail}`,
        body: parsed.json
      }
    }
    return { kind: 'ok', body: parsed.json }
  }
  if (status === 429 || status === 408 || status >= 500) {
    return {
      kind: 'transient',
      reason: `HTTP ${status}${detail}`,
      retryAfterMs: retryAfterMs(response.headers['retry-after'], nowMs),
      body: parsed?.json
    }
  }
  const advice = FATAL_ADVICE[status] ?? 'the API refused the request'
  return { kind: 'fatal', reason: `HTTP ${status}: ${advice}${detail}`, body: parsed?.json }
}

/** A certificate the runner does not trust will not become trusted by asking again. */
function isTlsTrustError(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    /^(CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|ERR_TLS_CERT_)/.test(code)
  )
}

// Failures no retry can mend, with what to do about each.
const FINAL_FAILURES: Record<string, string> = {
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the TLS certificate does not name this host: check the endpoint (or iam-endpoint) input, or a proxy that intercepts TLS',
  ERR_PROXY_AUTH:
    'the proxy wants credentials, or refused those given: check the user and password in https_proxy (percent-encoded)',
  ERR_PROXY_FORBIDDEN:
    'the proxy refused the connection to the endpoint: ask its administrator, or list the host in no_proxy'
}

/** What it means that a request got no answer at all (`error` is what the transport threw). */
// Connection failures that say the endpoint is wrong rather than busy, with what to check.
const MISCONFIGURED: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there: check the endpoint (or region) input',
  ENOTFOUND: 'the host name does not exist: check the endpoint (or region) input',
  EPROTO: 'the server there does not speak TLS: is the endpoint http, not https?'
}

/** OpenSSL's own words (`write EPROTO 80CC...:error:0A00010B:SSL routines:...`) as a plain sentence. */
function plainMessage(message: string, code: unknown): string {
  if (!/:error:[0-9A-F]{8}:/.test(message)) return message
  const why = /:error:[0-9A-F]{8}:[^:]*:[^:]*:([^:]+)/.exec(message)?.[1]?.trim()
  return `${typeof code === 'string' ? `${code}: ` : ''}the TLS handshake failed${why ? ` (${why})` : ''}`
}

export function noAnswer(error: unknown, what = ''): FailedAnswer {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  const reason = `${what}${plainMessage(message, code)}`
  const final = typeof code === 'string' ? FINAL_FAILURES[code] : undefined
  if (final) return { kind: 'fatal', reason: `${reason}: ${final}` }
  if (isTlsTrustError(code)) {
    return {
      kind: 'fatal',
      reason: `${reason}: the TLS certificate is not trusted; check the endpoint (or iam-endpoint) input, or give the runner its CA with NODE_EXTRA_CA_CERTS`
    }
  }
  // Through a proxy, it is the proxy that cannot be reached (transport.ts words it so).
  const misconfigured = message.startsWith('could not reach the proxy')
    ? 'the proxy cannot be reached: check https_proxy (or http_proxy) and no_proxy'
    : typeof code === 'string' && Object.hasOwn(MISCONFIGURED, code)
      ? MISCONFIGURED[code]
      : undefined
  // Failed before a connection was made: the request surely did not reach the API.
  if (typeof code === 'string' && UNCONNECTED.has(code)) {
    return { kind: 'transient', reason, notSent: true, ...(misconfigured && { misconfigured }) }
  }
  return { kind: 'transient', reason, ...(misconfigured && { misconfigured }) }
}

/** Codes of a connection never made: no address for the host (DNS), or no route or listener there. */
const UNCONNECTED: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEOUT',
  'ECANCELLED',
  'ESERVFAIL',
  'EREFUSED',
  'EBADRESP',
  'EFORMERR',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH'
])
