import type { IncomingHttpHeaders } from 'node:http'
import { AuthFailure, type SignableRequest } from '../../src/codearts/auth.js'
import { scrub } from '../../src/codearts/client.js'
import { passwordAuth, type PasswordLogin } from '../../src/codearts/iam.js'
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport
} from '../../src/codearts/transport.js'

const LOGIN: PasswordLogin = {
  username: 'deploy-bot',
  password: 'Pa55-word!"é',
  domain: 'acme-corp',
  iamEndpoint: 'https://iam.cn-north-4.myhuaweicloud.com',
  project: 'cn-north-4'
}

const API_REQUEST: SignableRequest = {
  method: 'GET',
  url: 'https://api.example.com/v3/pipelines/p/status',
  headers: { Accept: 'application/json' },
  body: ''
}

/** An IAM answer: one per login, in order; an Error is thrown as the transport would. */
type Reply = HttpResponse | Error

function issued(token: string, headers: IncomingHttpHeaders = {}): HttpResponse {
  return { status: 201, headers: { 'x-subject-token': token, ...headers }, body: '{"token":{}}' }
}

function fakeIam(replies: Reply[]): { transport: Transport; requests: HttpRequest[] } {
  const requests: HttpRequest[] = []
  const transport: Transport = {
    request: async req => {
      requests.push(req)
      const reply = replies[requests.length - 1]
      if (reply === undefined) throw new Error(`unexpected login number ${requests.length}`)
      if (reply instanceof Error) throw reply
      return reply
    },
    close: () => undefined
  }
  return { transport, requests }
}

function setUp(replies: Reply[]) {
  const { transport, requests } = fakeIam(replies)
  const tokens: string[] = []
  const secrets = new Set([LOGIN.username, LOGIN.password, LOGIN.domain])
  const auth = passwordAuth(
    LOGIN,
    transport,
    token => {
      tokens.push(token)
      secrets.add(token)
    },
    text => scrub(text, secrets)
  )
  return { auth, requests, tokens }
}

/** The AuthFailure the first headers() call rejects with. */
async function failureOf(replies: Reply[]): Promise<{ failure: AuthFailure; logins: number }> {
  const { auth, requests } = setUp(replies)
  try {
    await auth.headers(API_REQUEST, 5000)
  } catch (error) {
    expect(error).toBeInstanceOf(AuthFailure)
    return { failure: error as AuthFailure, logins: requests.length }
  }
  throw new Error('the login succeeded')
}

describe('passwordAuth login', () => {
  it('posts the documented body to the IAM token endpoint', async () => {
    const { auth, requests } = setUp([issued('TOKEN-1')])
    expect(await auth.headers(API_REQUEST, 4321)).toEqual({ 'X-Auth-Token': 'TOKEN-1' })
    expect(requests).toHaveLength(1)
    const [login] = requests
    expect(login?.method).toBe('POST')
    expect(login?.url).toBe('https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens')
    expect(login?.headers['Content-Type']).toBe('application/json;charset=utf8')
    expect(login?.timeoutMs).toBe(4321)
    expect(JSON.parse(login?.body ?? '')).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: 'deploy-bot',
              password: 'Pa55-word!"é',
              domain: { name: 'acme-corp' }
            }
          }
        },
        scope: { project: { name: 'cn-north-4' } }
      }
    })
  })

  it('sends no token or signature of its own to IAM', async () => {
    const { auth, requests } = setUp([issued('TOKEN-1')])
    await auth.headers(API_REQUEST, 1000)
    const names = Object.keys(requests[0]?.headers ?? {}).map(n => n.toLowerCase())
    expect(names).not.toContain('x-auth-token')
    expect(names).not.toContain('authorization')
  })

  it('hands the token to onToken before the headers carrying it resolve', async () => {
    const events: string[] = []
    const { transport } = fakeIam([issued('TOKEN-1')])
    const auth = passwordAuth(
      LOGIN,
      transport,
      token => events.push(`onToken ${token}`),
      t => t
    )
    const headers = await auth.headers(API_REQUEST, 1000).then(h => {
      events.push('headers')
      return h
    })
    expect(events).toEqual(['onToken TOKEN-1', 'headers'])
    expect(headers['X-Auth-Token']).toBe('TOKEN-1')
  })

  it('takes the first X-Subject-Token when several come', async () => {
    const { auth } = setUp([
      { status: 201, headers: { 'x-subject-token': ['FIRST', 'SECOND'] as never }, body: '' }
    ])
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'FIRST' })
  })

  it('accepts any 2xx carrying a token', async () => {
    const { auth } = setUp([{ status: 200, headers: { 'x-subject-token': 'T200' }, body: '' }])
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'T200' })
  })
})

describe('passwordAuth token reuse and renewal', () => {
  it('logs in once for many requests', async () => {
    const { auth, requests, tokens } = setUp([issued('TOKEN-1')])
    for (let i = 0; i < 5; i++) {
      expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-1' })
    }
    expect(requests).toHaveLength(1)
    expect(tokens).toEqual(['TOKEN-1'])
  })

  it('logs in exactly once more after renew(), and refuses a second renewal', async () => {
    const { auth, requests, tokens } = setUp([issued('TOKEN-1'), issued('TOKEN-2')])
    await auth.headers(API_REQUEST, 1000)
    expect(auth.renew()).toBe(true)
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-2' })
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-2' })
    expect(auth.renew()).toBe(false)
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-2' })
    expect(requests).toHaveLength(2)
    expect(tokens).toEqual(['TOKEN-1', 'TOKEN-2'])
  })

  it('logs in again after a login that failed for a transient reason', async () => {
    const { auth, requests } = setUp([{ status: 503, headers: {}, body: '' }, issued('TOKEN-1')])
    await expect(auth.headers(API_REQUEST, 1000)).rejects.toBeInstanceOf(AuthFailure)
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-1' })
    expect(requests).toHaveLength(2)
  })
})

describe('passwordAuth renewal before the token expires', () => {
  const T0 = Date.UTC(2026, 10, 30, 8, 0, 0)
  const expiring = (token: string, expiresAt: number): HttpResponse => ({
    status: 201,
    headers: { 'x-subject-token': token },
    body: JSON.stringify({ token: { expires_at: new Date(expiresAt).toISOString() } })
  })

  function clocked(replies: Reply[]) {
    const { transport, requests } = fakeIam(replies)
    const logins: [string, string][] = []
    let now = T0
    const auth = passwordAuth(
      LOGIN,
      transport,
      (token, reason) => logins.push([token, reason]),
      text => text,
      () => now
    )
    return { auth, requests, logins, setNow: (ms: number) => (now = ms) }
  }

  it('logs in again shortly before expires_at, without waiting for a refusal', async () => {
    const { auth, requests, logins, setNow } = clocked([
      expiring('TOKEN-1', T0 + 3_600_000),
      expiring('TOKEN-2', T0 + 2 * 3_600_000)
    ])
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-1' })
    setNow(T0 + 3_600_000 - 11 * 60_000)
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-1' })
    setNow(T0 + 3_600_000 - 9 * 60_000)
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-2' })
    expect(requests).toHaveLength(2)
    expect(logins).toEqual([
      ['TOKEN-1', 'first'],
      ['TOKEN-2', 'expiring']
    ])
    // The one renewal after a refusal is still there.
    expect(auth.renew()).toBe(true)
  })

  it('keeps a token whose answer names no expiry until the API refuses it', async () => {
    const { auth, requests, setNow } = clocked([issued('TOKEN-1'), issued('TOKEN-2')])
    await auth.headers(API_REQUEST, 1000)
    setNow(T0 + 48 * 3_600_000)
    expect(await auth.headers(API_REQUEST, 1000)).toEqual({ 'X-Auth-Token': 'TOKEN-1' })
    expect(requests).toHaveLength(1)
  })
})

describe('passwordAuth failed logins', () => {
  it('treats a 401 as fatal, naming the inputs to check, without asking to retry', async () => {
    const { failure, logins } = await failureOf([
      {
        status: 401,
        headers: {},
        body: JSON.stringify({
          error: { code: 401, message: 'The username or password is wrong.' }
        })
      }
    ])
    expect(logins).toBe(1)
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).toContain('IAM login failed: HTTP 401')
    expect(failure.answer.reason).toContain('The username or password is wrong.')
    expect(failure.answer.reason).toContain('iam-username, iam-password and iam-domain')
    expect(failure.answer.reason).toContain('lock')
    expect(failure.answer.reason).not.toMatch(/retry|try again/i)
    expect(failure.message).toBe(failure.answer.reason)
  })

  it('treats a 403 as fatal', async () => {
    const { failure } = await failureOf([{ status: 403, headers: {}, body: '' }])
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).toContain('HTTP 403')
  })

  it.each([400, 404])('treats a %d as fatal, pointing at the region and iam-endpoint', async s => {
    const { failure } = await failureOf([{ status: s, headers: {}, body: '{}' }])
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).toContain(`HTTP ${s}`)
    expect(failure.answer.reason).toContain('region')
    expect(failure.answer.reason).toContain('iam-endpoint')
  })

  it.each([500, 502, 503, 504, 429])('treats a %d as transient', async status => {
    const { failure, logins } = await failureOf([
      { status, headers: {}, body: '<html>busy</html>' }
    ])
    expect(logins).toBe(1)
    expect(failure.answer).toEqual({
      kind: 'transient',
      reason: `IAM login failed: HTTP ${status}`
    })
  })

  it('treats a network error as transient', async () => {
    const { failure } = await failureOf([new TransportError('ECONNRESET: hang up', 'ECONNRESET')])
    expect(failure.answer).toEqual({
      kind: 'transient',
      reason: 'IAM login failed: ECONNRESET: hang up'
    })
  })

  it('treats an untrusted certificate as fatal', async () => {
    const { failure } = await failureOf([
      new TransportError('CERT_HAS_EXPIRED: expired', 'CERT_HAS_EXPIRED')
    ])
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).toContain('NODE_EXTRA_CA_CERTS')
  })

  it.each([
    ['no header', {}],
    ['an empty header', { 'x-subject-token': '' }]
  ])('treats a 2xx with %s as fatal', async (_what, headers) => {
    const { failure } = await failureOf([{ status: 201, headers, body: '{"token":{}}' }])
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).toContain('X-Subject-Token')
    expect(failure.answer.reason).toContain('iam-endpoint')
  })

  it.each([301, 302, 307])('treats a %d redirect as fatal, without following it', async s => {
    const { failure, logins } = await failureOf([
      { status: s, headers: { location: 'https://elsewhere.example.com/login' }, body: '' }
    ])
    expect(logins).toBe(1)
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).toContain('redirect')
    expect(failure.answer.reason).toContain('iam-endpoint')
  })

  it('keeps a redirect carrying a token from being used', async () => {
    const { failure } = await failureOf([
      { status: 302, headers: { 'x-subject-token': 'SNEAKY' }, body: '' }
    ])
    expect(failure.answer.kind).toBe('fatal')
    expect(failure.answer.reason).not.toContain('SNEAKY')
  })

  // A password that JSON writes as is, or with "/" escaped, as some encoders do.
  const plain: PasswordLogin = { ...LOGIN, password: 'Pa55/word!é' }
  const echoes = [400, 401, 403, 404, 500, 200].flatMap(status =>
    [false, true].map(escapeSlash => [status, escapeSlash] as const)
  )
  it.each(echoes)(
    'keeps the password out of the reason of a %d that echoes it (slash escaped: %s)',
    async (status, escapeSlash) => {
      const json = JSON.stringify({
        error_code: 'IAM.0001',
        error_msg: `user ${plain.username} of ${plain.domain} may not use ${plain.password}`
      })
      const { transport } = fakeIam([
        { status, headers: {}, body: escapeSlash ? json.replace(/\//g, '\\/') : json }
      ])
      const secrets = [plain.username, plain.password, plain.domain]
      const auth = passwordAuth(
        plain,
        transport,
        () => undefined,
        t => scrub(t, secrets)
      )
      const failure = await auth.headers(API_REQUEST, 1000).then(
        () => undefined,
        (error: unknown) => error as AuthFailure
      )
      expect(failure).toBeInstanceOf(AuthFailure)
      expect(failure?.answer.reason).not.toContain('Pa55')
      expect(failure?.answer.reason).not.toContain('deploy-bot')
    }
  )

  it('never puts the password in any reason', async () => {
    const replies: Reply[] = [
      { status: 400, headers: {}, body: '' },
      { status: 401, headers: {}, body: 'not json' },
      { status: 403, headers: {}, body: '{}' },
      { status: 404, headers: {}, body: '' },
      { status: 500, headers: {}, body: '' },
      { status: 201, headers: {}, body: '' },
      { status: 302, headers: {}, body: '' },
      new TransportError('ECONNRESET', 'ECONNRESET')
    ]
    for (const reply of replies) {
      const { failure } = await failureOf([reply])
      expect(failure.answer.reason).not.toContain(LOGIN.password)
    }
  })
})
