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

export function scrub(text: string, secrets: Iterable<string>): string {
  // Longest first, so that a secret containing a shorter one is cut whole, not around the shorter one.
  const ordered = [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)
  let clean = text
  for (const secret of ordered) {
    // Also the forms a JSON encoder writes (`"`, `\\` and controls escaped, maybe `/` too) and the
    // form a URL carries. Forms only a parser decodes (`\u0026`) are caught by scrubbing the parsed text.
    const json = JSON.stringify(secret).slice(1, -1)
    const forms = [secret, json, json.replace(/\//g, '\\/'), encodeURIComponent(secret)]
    for (const form of new Set(forms)) {
      clean = clean.split(form).join('***')
    }
  }
  return clean
}

const USER_AGENT = 'codearts-pipeline-action'
const MAX_DEPTH = 32

export class CodeArtsClient {
  private readonly now: () => number

  constructor(private readonly options: ClientOptions) {
    this.now = options.now ?? Date.now
  }

  /**
   * One API call, answered within `timeoutMs`. A token the API calls expired is renewed once (if the
   * credentials can be) and the call made again within the same time.
   */
  async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number
  ): Promise<Answer> {
    const deadline = this.now() + timeoutMs
    let answer = await this.once(method, path, body, timeoutMs)
    if (
      answer.kind === 'fatal' &&
      answer.refusal?.code === 'APIGW.0307' &&
      this.options.auth.renew()
    ) {
      const left = deadline - this.now()
      // With no time left for it here, the next poll makes the new login.
      if (left <= 0) return { kind: 'transient', reason: 'the token expired; logging in again' }
      answer = await this.once(method, path, body, left)
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
    timeoutMs: number
  ): Promise<Answer> {
    const url = `${this.options.endpoint}${path}`
    const text = body === undefined ? '' : JSON.stringify(body)
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT }
    if (text !== '') headers['Content-Type'] = 'application/json;charset=UTF-8'
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
    try {
      const response = await this.options.transport.request({
        method,
        url,
        headers: { ...headers, ...auth },
        body: text,
        timeoutMs: Math.max(1, timeoutMs - (this.now() - started))
      })
      return this.scrubbedAnswer(readAnswer(this.scrubbed(response), this.now()))
    } catch (error) {
      return noAnswer(error)
    }
  }

  /** The answer with every string scrubbed again, now that JSON escapes are decoded. */
  private scrubbedAnswer(answer: Answer): Answer {
    const { secrets } = this.options
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
    if (answer.kind === 'ok') return { ...answer, body: deep(answer.body, 0) }
    return { ...answer, reason: scrub(answer.reason, secrets), body: deep(answer.body, 0) }
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
      body: scrub(response.body, secrets)
    }
  }
}
