// The CodeArts Pipeline API over HTTP: URLs, auth headers, and answers read into `Answer`.
import type { Credentials } from '../credentials.js'
import { noAnswer, readAnswer, type Answer } from './answer.js'
import { AuthFailure, refusalAdvice, type Auth } from './auth.js'
import type { HttpResponse, Transport } from './transport.js'

export interface ClientOptions {
  endpoint: string
  auth: Auth
  /** For advice when the API refuses them. */
  credentials: Credentials
  transport: Transport
  /**
   * Credentials to cut out of every answer before it is read: an API that echoes one back must not
   * carry it into logs, outputs or the summary, where a shortened copy would escape the runner's mask.
   * A set, because a login adds its token to it later.
   */
  secrets: ReadonlySet<string>
  now?: () => number
}

/**
 * Each secret's forms, longest secret first (so that a secret containing a shorter one is cut whole, not
 * around the shorter one): the secret, the forms a JSON encoder writes (`"`, `\\` and controls escaped,
 * maybe `/` too) and the form a URL carries. Forms only a parser decodes (`\u0026`) are caught by
 * scrubbing the parsed text.
 */
function formsOf(secrets: Iterable<string>): string[] {
  const ordered = [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)
  return ordered.flatMap(secret => {
    const json = JSON.stringify(secret).slice(1, -1)
    return [...new Set([secret, json, json.replace(/\//g, '\\/'), encodeURIComponent(secret)])]
  })
}

// Every string of every answer is scrubbed: the forms are worked out once per set of secrets (a set
// grows when a login adds its token), not once per string.
const cachedForms = new WeakMap<object, { size: number; forms: string[] }>()

export function scrub(text: string, secrets: Iterable<string>): string {
  let forms: string[]
  if (secrets instanceof Set) {
    let cached = cachedForms.get(secrets)
    if (cached?.size !== secrets.size) {
      cached = { size: secrets.size, forms: formsOf(secrets) }
      cachedForms.set(secrets, cached)
    }
    forms = cached.forms
  } else {
    forms = formsOf(secrets)
  }
  let clean = text
  for (const form of forms) {
    if (clean.includes(form)) clean = clean.split(form).join('***')
  }
  return clean
}

const USER_AGENT = 'codearts-pipeline-action'
const MAX_DEPTH = 32
const MIN_POST_MS = 1_000

export class CodeArtsClient {
  private readonly now: () => number

  constructor(private readonly options: ClientOptions) {
    this.now = options.now ?? Date.now
  }

  /**
   * One API call, answered within `timeoutMs`. A token the API calls expired is renewed once (if the
   * credentials can be) and the call made again within the same time. `changes`: the call changes
   * something (a start, a stop), as every POST does but a query's (the runs list).
   */
  async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
    changes = method === 'POST'
  ): Promise<Answer> {
    const deadline = this.now() + timeoutMs
    let answer = await this.once(method, path, body, timeoutMs, changes)
    if (
      answer.kind === 'fatal' &&
      answer.refusal?.code === 'APIGW.0307' &&
      this.options.auth.renew()
    ) {
      const left = deadline - this.now()
      // With no time left for it here, the next poll makes the new login. The gateway refused the
      // token, so the request went no further: a start was not made.
      if (left <= 0) {
        return { kind: 'transient', reason: 'the token expired; logging in again', notSent: true }
      }
      answer = await this.once(method, path, body, left, changes)
    }
    if (answer.kind === 'fatal' && answer.refusal) {
      return {
        ...answer,
        reason: `${answer.reason}: ${refusalAdvice(this.options.credentials, answer.refusal)}`
      }
    }
    return answer
  }

  private async once(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
    changes: boolean
  ): Promise<Answer> {
    const url = `${this.options.endpoint}${path}`
    const text = body === undefined ? '' : JSON.stringify(body)
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT }
    // As the SDK sends it: on every POST, body or not (the gateway refuses a POST without it).
    if (method === 'POST') headers['Content-Type'] = 'application/json;charset=UTF-8'
    const started = this.now()
    let auth: Record<string, string>
    try {
      auth = await this.options.auth.headers({ method, url, headers, body: text }, timeoutMs)
    } catch (error) {
      if (error instanceof AuthFailure) {
        return error.answer.kind === 'transient' ? { ...error.answer, notSent: true } : error.answer
      }
      throw error
    }
    const left = timeoutMs - (this.now() - started)
    // A call that changes something (starts a run), sent with no time left to hear the answer, would
    // leave the step unsure whether it happened. Not sent, it surely did not.
    if (changes && left < MIN_POST_MS) {
      return {
        kind: 'transient',
        reason: `the credentials took ${timeoutMs - left} ms of the request's ${timeoutMs} ms, too few were left to send it`,
        notSent: true
      }
    }
    try {
      const response = await this.options.transport.request({
        method,
        url,
        headers: { ...headers, ...auth },
        body: text,
        timeoutMs: Math.max(1, left)
      })
      const answer = readAnswer(this.scrubbed(response), this.now())
      // The reason can also quote the Location header or a non-JSON body: scrubbed too, to be sure.
      return answer.kind === 'ok'
        ? answer
        : { ...answer, reason: scrub(answer.reason, this.options.secrets) }
    } catch (error) {
      return noAnswer(error)
    }
  }

  private scrubbed(response: HttpResponse): HttpResponse {
    const { secrets } = this.options
    const location = response.headers.location
    return {
      status: response.status,
      headers:
        location === undefined
          ? response.headers
          : { ...response.headers, location: scrub(location, secrets) },
      body: scrubbedBody(response.body, secrets)
    }
  }
}

/**
 * The body without the secrets: cut from its text, then, for JSON, from every string once its escapes
 * are decoded (an echo may spell a credential `\u0041...`), before anything reads the body or clips
 * its messages, which would leave a prefix of a long credential that no longer matches whole.
 */
function scrubbedBody(text: string, secrets: Iterable<string>): string {
  const plain = scrub(text, secrets)
  // Without a backslash, no string in it decodes to anything but its own text, already scrubbed.
  if (!plain.includes('\\')) return plain
  let parsed: unknown
  try {
    parsed = JSON.parse(plain)
  } catch {
    return plain
  }
  // Nothing the action reads lies deeper than a few levels; deeper values are dropped rather than
  // walked, so a body nested thousands deep cannot exhaust the stack.
  const deep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value, secrets)
    if (typeof value !== 'object' || value === null) return value
    if (depth >= MAX_DEPTH) return null
    if (Array.isArray(value)) return value.map(item => deep(item, depth + 1))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [scrub(k, secrets), deep(v, depth + 1)])
    )
  }
  return JSON.stringify(deep(parsed, 0))
}
