// The CodeArts Pipeline API over HTTP: URLs, auth headers, and answers read into `Answer`.
import type { Credentials } from '../credentials.js'
import { containersIn, MAX_JSON_CONTAINERS, noAnswer, readAnswer, type Answer } from './answer.js'
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
  /** Told of each value to mask that the client makes itself: the signatures of signed requests. */
  onSecret?: (value: string) => void
  now?: () => number
}

export interface RequestOptions {
  /** The call changes something (a start, a stop), as every POST but a query's (the runs list) does. */
  changes?: boolean
  /** Asked right before the request goes out; false calls it off (it is then surely not sent). */
  mayStillSend?: () => boolean
}

// A signed request's signature is as good as the keys for 15 minutes (with its body and date): the last
// few are cut from answers too, as a server or proxy that echoes request headers would show them.
const KEPT_SIGNATURES = 8

/** `text` with every character an HTML numeric entity: decimal, hex lower- and upper-case. */
function entityForms(text: string): string[] {
  const points = [...text].map(c => c.codePointAt(0)!)
  return [
    points.map(p => `&#${p};`).join(''),
    points.map(p => `&#x${p.toString(16)};`).join(''),
    points.map(p => `&#x${p.toString(16).toUpperCase()};`).join('')
  ]
}

// A base64 form shorter than this could match by chance in unrelated text.
const MIN_BASE64_CORE = 12

/**
 * What base64 of the secret always holds, wherever it starts in a longer encoded text: for each of the
 * three alignments, the characters that depend on the secret's bytes alone (standard and URL-safe).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret)
  const forms: string[] = []
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64')
    const whole = Math.floor((lead + bytes.length) / 3) * 4
    const core = encoded.slice(lead === 0 ? 0 : 4, whole)
    if (core.length < MIN_BASE64_CORE) continue
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return forms
}

/**
 * Each secret's forms, longest secret first (so that a secret containing a shorter one is cut whole, not
 * around the shorter one): the secret; the forms a JSON encoder writes (`"`, `\\` and controls escaped,
 * maybe `/` too); URL-encoded, with upper- and lower-case hex; HTML numeric entities; base64. Forms only
 * a JSON parser decodes (`\u0026`) are caught by scrubbing the parsed text.
 */
function formsOf(secrets: Iterable<string>): string[] {
  const ordered = [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)
  return ordered.flatMap(secret => {
    const json = JSON.stringify(secret).slice(1, -1)
    const url = encodeURIComponent(secret)
    return [
      ...new Set([
        secret,
        json,
        json.replace(/\//g, '\\/'),
        url,
        url.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()),
        ...entityForms(secret),
        ...base64Forms(secret)
      ])
    ]
  })
}

// Every string of every answer is scrubbed: the forms are worked out once per set of secrets (a set
// grows when a login adds its token), not once per string.
const cachedForms = new WeakMap<object, { size: number; forms: string[] }>()

function formsFor(secrets: Iterable<string>): string[] {
  if (!(secrets instanceof Set)) return formsOf(secrets)
  let cached = cachedForms.get(secrets)
  if (cached?.size !== secrets.size) {
    cached = { size: secrets.size, forms: formsOf(secrets) }
    cachedForms.set(secrets, cached)
  }
  return cached.forms
}

/** `text` with each of `forms` replaced by `***`. */
function cut(text: string, forms: string[]): string {
  let clean = text
  for (const form of forms) {
    if (clean.includes(form)) clean = clean.split(form).join('***')
  }
  return clean
}

export function scrub(text: string, secrets: Iterable<string>): string {
  return cut(text, formsFor(secrets))
}

const USER_AGENT = 'codearts-pipeline-action'
const MAX_DEPTH = 32
const MIN_POST_MS = 1_000

export class CodeArtsClient {
  private readonly now: () => number
  private readonly signatures: string[] = []
  private forms: { key: string; forms: string[] } | undefined

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
    timeoutMs: number,
    options: RequestOptions = {}
  ): Promise<Answer> {
    const deadline = this.now() + timeoutMs
    let answer = await this.once(method, path, body, timeoutMs, options)
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
      answer = await this.once(method, path, body, left, options)
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
    { changes = method === 'POST', mayStillSend }: RequestOptions
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
    const signature = /Signature=([0-9a-fA-F]{16,})/.exec(auth.Authorization ?? '')?.[1]
    if (signature) this.remember(signature)
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
    // The caller's last word: a start for a workflow cancelled meanwhile (during a slow login) is not sent.
    if (mayStillSend && !mayStillSend()) {
      return { kind: 'transient', reason: 'not sent: the request was called off', notSent: true }
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
        : { ...answer, reason: cut(answer.reason, this.secretForms()) }
    } catch (error) {
      return noAnswer(error)
    }
  }

  private remember(signature: string): void {
    this.options.onSecret?.(signature)
    this.signatures.push(signature.toLowerCase(), signature.toUpperCase())
    this.signatures.splice(0, Math.max(0, this.signatures.length - 2 * KEPT_SIGNATURES))
  }

  /** The forms of the credentials and recent signatures to cut from answers, worked out on change. */
  private secretForms(): string[] {
    const key = `${this.options.secrets.size}:${this.signatures.at(-1) ?? ''}`
    if (this.forms?.key !== key) {
      this.forms = { key, forms: [...formsFor(this.options.secrets), ...this.signatures] }
    }
    return this.forms.forms
  }

  private scrubbed(response: HttpResponse): HttpResponse {
    const forms = this.secretForms()
    const location = response.headers.location
    return {
      status: response.status,
      headers:
        location === undefined
          ? response.headers
          : { ...response.headers, location: cut(location, forms) },
      body: scrubbedBody(response.body, forms)
    }
  }
}

/**
 * The body without the secrets: cut from its text, then, for JSON, from every string once its escapes
 * are decoded (an echo may spell a credential `\u0041...`), before anything reads the body or clips
 * its messages, which would leave a prefix of a long credential that no longer matches whole.
 */
function scrubbedBody(text: string, forms: string[]): string {
  const plain = cut(text, forms)
  // Without a backslash, no string in it decodes to anything but its own text, already scrubbed. One
  // too large to read is not read (readAnswer), nor walked here.
  if (!plain.includes('\\') || containersIn(plain) > MAX_JSON_CONTAINERS) return plain
  let parsed: unknown
  try {
    parsed = JSON.parse(plain)
  } catch {
    return plain
  }
  // Nothing the action reads lies deeper than a few levels; deeper values are dropped rather than
  // walked, so a body nested thousands deep cannot exhaust the stack.
  const deep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return cut(value, forms)
    if (typeof value !== 'object' || value === null) return value
    if (depth >= MAX_DEPTH) return null
    if (Array.isArray(value)) return value.map(item => deep(item, depth + 1))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [cut(k, forms), deep(v, depth + 1)])
    )
  }
  return JSON.stringify(deep(parsed, 0))
}
