// IAM password login: one token exchange per step, another shortly before the token's `expires_at` (a
// long wait), and one more when the API calls the token expired. The token is handed to `onToken`
// (which masks it) before anything else sees it.
import { apiError, noAnswer, type FailedAnswer } from './answer.js'
import { AuthFailure, type Auth } from './auth.js'
import { quote } from '../quote.js'
import type { Transport } from './transport.js'

export interface PasswordLogin {
  username: string
  password: string
  domain: string
  iamEndpoint: string
  project: string
}

function loginBody(login: PasswordLogin): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: login.username, password: login.password, domain: { name: login.domain } }
        }
      },
      scope: { project: { name: login.project } }
    }
  })
}

const CHECK = 'check iam-username, iam-password and iam-domain'

/** What a failed login answer means: IAM's own refusals are final, the rest worth another try. */
function loginFailure(status: number, body: string, scrub: (text: string) => string): FailedAnswer {
  let detail = ''
  try {
    const error = apiError(JSON.parse(scrub(body)))
    // Scrubbed again once decoded: an escaped secret (`\u0026`) only shows itself after parsing.
    if (error?.message) detail = ` (${quote(scrub(error.message))})`
  } catch {
    // Not JSON: the status says enough.
  }
  const what = `IAM login failed: HTTP ${status}${detail}`
  if (status === 401) {
    return {
      kind: 'fatal',
      reason: `${what}: ${CHECK}; five wrong passwords in a row lock the IAM user for a while`
    }
  }
  if (status === 403) {
    return {
      kind: 'fatal',
      reason: `${what}: the user may not log in with a password here (a login protection, an access policy, or a locked user)`
    }
  }
  if (status === 400 || status === 404) {
    return {
      kind: 'fatal',
      reason: `${what}: ${CHECK}, and the region (the token is scoped to its project) or iam-endpoint`
    }
  }
  return { kind: 'transient', reason: what }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuthFailure({ kind: 'transient', reason: `IAM login did not finish within ${ms} ms` })
        ),
      ms
    )
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

// A token is renewed this long before it expires, so that no request is refused for it on the way.
const RENEW_BEFORE_MS = 10 * 60_000

/** When a token expires, from the login answer's `token.expires_at`; undefined when it does not say. */
function expiryOf(body: string): number | undefined {
  try {
    const expires = (JSON.parse(body) as { token?: { expires_at?: unknown } } | null)?.token
      ?.expires_at
    const ms = typeof expires === 'string' ? Date.parse(expires) : NaN
    return Number.isFinite(ms) ? ms : undefined
  } catch {
    return undefined
  }
}

/** Why a token was issued: the step's first login, one before the last expired, or after a refusal. */
export type LoginReason = 'first' | 'expiring' | 'refused'

export function passwordAuth(
  login: PasswordLogin,
  transport: Transport,
  onToken: (token: string, reason: LoginReason) => void,
  scrub: (text: string) => string,
  now: () => number = Date.now
): Auth {
  // The login in progress or done, shared so that overlapping requests (a stop during a poll) log in once.
  let token: Promise<string> | undefined
  let expiresAt: number | undefined
  let renewed = false
  let reason: LoginReason = 'first'

  /** The new token; rejects with AuthFailure. */
  const logIn = async (timeoutMs: number): Promise<string> => {
    let response
    try {
      response = await transport.request({
        method: 'POST',
        url: `${login.iamEndpoint}/v3/auth/tokens`,
        headers: {
          'Content-Type': 'application/json;charset=utf8',
          Accept: 'application/json',
          'User-Agent': 'codearts-pipeline-action'
        },
        body: loginBody(login),
        timeoutMs
      })
    } catch (error) {
      throw new AuthFailure(noAnswer(error, 'IAM login failed: '))
    }
    const subject = response.headers['x-subject-token']
    const issued = Array.isArray(subject) ? subject[0] : subject
    if (response.status >= 200 && response.status < 300 && issued) {
      onToken(issued, reason)
      expiresAt = expiryOf(response.body)
      return issued
    }
    if (response.status >= 200 && response.status < 300) {
      throw new AuthFailure({
        kind: 'fatal',
        reason: `IAM login answered HTTP ${response.status} without a token (no X-Subject-Token header): check iam-endpoint`
      })
    }
    if (response.status >= 300 && response.status < 400) {
      throw new AuthFailure({
        kind: 'fatal',
        reason: `IAM login answered with a redirect (HTTP ${response.status}), which is not followed: check iam-endpoint`
      })
    }
    throw new AuthFailure(loginFailure(response.status, response.body, scrub))
  }

  return {
    async headers(_request, timeoutMs) {
      if (token !== undefined && expiresAt !== undefined && now() >= expiresAt - RENEW_BEFORE_MS) {
        token = undefined
        expiresAt = undefined
        reason = 'expiring'
      }
      if (token === undefined) {
        const attempt = logIn(timeoutMs)
        token = attempt
        // A failed login is not kept: the next request may try again (when the failure was transient).
        attempt.catch(() => {
          if (token === attempt) token = undefined
        })
      }
      // A login already under way for another request keeps its own time; this request waits no
      // longer than its own limit (a stop on cancel must not wait for a slow login).
      return { 'X-Auth-Token': await within(token, timeoutMs) }
    },
    renew() {
      if (renewed) return false
      renewed = true
      token = undefined
      expiresAt = undefined
      reason = 'refused'
      return true
    }
  }
}
