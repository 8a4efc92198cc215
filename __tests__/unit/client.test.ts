import { accessKeyAuth, tokenAuth, type Auth } from '../../src/codearts/auth.js'
import { CodeArtsClient, scrub } from '../../src/codearts/client.js'
import { passwordAuth, type PasswordLogin } from '../../src/codearts/iam.js'
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport
} from '../../src/codearts/transport.js'
import { describeCredentials, secretValues, type Credentials } from '../../src/credentials.js'
import { verifySignature } from '../support/verify-signature.js'

const TOKEN = 'MIIabc/def+ghi=='
const ENDPOINT = 'https://api.example.com/base'
const IAM = 'https://iam.cn-north-4.myhuaweicloud.com'
const TOKEN_CREDENTIALS: Credentials = { method: 'token', token: TOKEN }
const LOGIN: PasswordLogin = {
  username: 'deploy-bot',
  password: 'Pa55-word!',
  domain: 'acme-corp',
  iamEndpoint: IAM,
  project: 'cn-north-4'
}
const IAM_CREDENTIALS: Credentials = { method: 'iam-password', ...LOGIN }
const AK = 'AKEXAMPLE0123456789'
const SK = 'SKexampleSECRET0123456789abcdef'
const ST = 'STStemporaryToken0123456789'

type Reply = HttpResponse | Error

/** A transport that records every request and answers with `answer`. */
function fakeTransport(answer: (req: HttpRequest, index: number) => Reply): {
  transport: Transport
  requests: HttpRequest[]
} {
  const requests: HttpRequest[] = []
  return {
    requests,
    transport: {
      request: async req => {
        requests.push(req)
        const result = answer(req, requests.length - 1)
        if (result instanceof Error) throw result
        return result
      },
      close: () => undefined
    }
  }
}

/** A client using the token, answered by `answer`. */
/** A client with `token`, answered `reply` every time. */
function clientWithToken(token: string, reply: Reply): CodeArtsClient {
  return new CodeArtsClient({
    endpoint: ENDPOINT,
    auth: tokenAuth(token),
    credentials: { method: 'token', token },
    secrets: new Set([token]),
    transport: fakeTransport(() => reply).transport
  })
}

function tokenClient(answer: (req: HttpRequest, index: number) => Reply): {
  client: CodeArtsClient
  requests: HttpRequest[]
} {
  const { transport, requests } = fakeTransport(answer)
  return {
    client: new CodeArtsClient({
      endpoint: ENDPOINT,
      auth: tokenAuth(TOKEN),
      credentials: TOKEN_CREDENTIALS,
      transport,
      secrets: new Set([TOKEN]),
      now: () => 0
    }),
    requests
  }
}

/** A client whose credentials take `authMs` of each request's time, on a clock of its own. */
function clientWithSlowAuth(authMs: number) {
  let now = 1000
  const { transport, requests } = fakeTransport(() => ok({}))
  const slowAuth: Auth = {
    headers: async () => {
      now += authMs
      return { 'X-Auth-Token': TOKEN }
    },
    renew: () => false
  }
  const client = new CodeArtsClient({
    endpoint: ENDPOINT,
    auth: slowAuth,
    credentials: TOKEN_CREDENTIALS,
    transport,
    secrets: new Set(),
    now: () => now
  })
  return { client, requests }
}

const ok = (body: unknown, headers = {}): HttpResponse => ({
  status: 200,
  headers,
  body: JSON.stringify(body)
})

const refused = (code: string, status = 401): HttpResponse => ({
  status,
  headers: {},
  body: JSON.stringify({ error_code: code, error_msg: 'The token must be updated.' })
})

const issued = (token: string): HttpResponse => ({
  status: 201,
  headers: { 'x-subject-token': token },
  body: '{}'
})

describe('CodeArtsClient.request', () => {
  it('sends a GET to the endpoint with the token, no body and the time limit', async () => {
    const { client, requests } = tokenClient(() => ok({ build_id: 'b' }))
    const answer = await client.request('GET', '/v3/pipelines/p/status?build_id=7', undefined, 1234)
    expect(answer).toEqual({ kind: 'ok', body: { build_id: 'b' } })
    expect(requests).toEqual([
      {
        method: 'GET',
        url: 'https://api.example.com/base/v3/pipelines/p/status?build_id=7',
        headers: {
          Accept: 'application/json',
          'User-Agent': 'codearts-pipeline-action',
          'X-Auth-Token': TOKEN
        },
        body: '',
        timeoutMs: 1234
      }
    ])
  })

  it('sends a POST body as JSON with its Content-Type', async () => {
    const { client, requests } = tokenClient(() => ok({}))
    await client.request('POST', '/start', { build_params: [{ name: 'a', value: 'é' }] }, 5_000)
    expect(requests[0]?.method).toBe('POST')
    expect(requests[0]?.body).toBe('{"build_params":[{"name":"a","value":"é"}]}')
    expect(requests[0]?.headers['Content-Type']).toBe('application/json;charset=UTF-8')
    expect(requests[0]?.timeoutMs).toBe(5_000)
  })

  it('sends a body-less POST (a stop) with the JSON Content-Type too, as the SDK does', async () => {
    const { client, requests } = tokenClient(() => ok({ success: true }))
    await client.request('POST', '/v5/p/api/pipelines/x/pipeline-runs/r/stop', undefined, 5_000)
    expect(requests[0]?.body).toBe('')
    expect(requests[0]?.headers['Content-Type']).toBe('application/json;charset=UTF-8')
  })

  it('gives the transport what is left of the time limit after the credentials', async () => {
    const { client, requests } = clientWithSlowAuth(300)
    await client.request('GET', '/x', undefined, 1000)
    expect(requests[0]?.timeoutMs).toBe(700)
  })

  it('does not send a POST when the credentials left it under a second of its limit', async () => {
    const { client, requests } = clientWithSlowAuth(2_100)
    const answer = await client.request('POST', '/start', {}, 3_000)
    expect(requests).toHaveLength(0)
    expect(answer).toMatchObject({ kind: 'transient', notSent: true })
    expect(answer.kind !== 'ok' && answer.reason).toContain('2100 ms of the request')
    // A GET is still sent with what is left: a late status can still be read.
    await client.request('GET', '/status', undefined, 3_000)
    expect(requests).toHaveLength(1)
  })

  it('cuts an echoed token out of the answer, plain or with escaped slashes', async () => {
    const body = `{"pipeline_name":"${TOKEN}","error_msg":"${TOKEN.replace(/\//g, '\\/')}"}`
    const { client } = tokenClient(() => ({ status: 200, headers: {}, body }))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(JSON.stringify(answer)).not.toContain('def+ghi')
    expect(answer.kind).toBe('transient')
  })

  it.each([
    ['as is', TOKEN],
    ['percent-encoded', encodeURIComponent(TOKEN)]
  ])('keeps a token echoed %s in a redirect target out of the answer', async (_how, echoed) => {
    const { client } = tokenClient(() => ({
      status: 302,
      headers: { location: `https://evil.example/?t=${echoed}` },
      body: ''
    }))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer.kind).toBe('fatal')
    expect(JSON.stringify(answer)).not.toContain('def')
    expect(JSON.stringify(answer)).toContain('https://evil.example')
  })

  it('scrubs a token that only a JSON parser decodes (\\u escapes) from the reason and body', async () => {
    const escaped = [...TOKEN]
      .map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('')
    const { client } = tokenClient(() => ({
      status: 500,
      headers: {},
      body: `{"error_code":"E","error_msg":"bad ${escaped}"}`
    }))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer.kind).toBe('transient')
    expect(JSON.stringify(answer)).not.toContain('def+ghi')
    expect(answer.kind === 'transient' && answer.reason).toContain('bad ***')
  })

  it('keeps a long token out even when the message around it is cut short', async () => {
    const long = `T${'k'.repeat(6000)}`
    const client = clientWithToken(long, {
      status: 500,
      headers: {},
      body: JSON.stringify({ error_code: 'X', error_msg: `bad token ${long}` })
    })
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(JSON.stringify(answer)).not.toContain('kkkkkkkkkk')
  })

  it('leaves no prefix of a long token echoed in \\u escapes, though the message is cut', async () => {
    // Only a JSON parser decodes the echo, and the reason keeps the first 300 characters of it.
    const long = `T${'k'.repeat(480)}+`
    const echoed = long.replace('+', '\\u002b')
    const client = clientWithToken(long, {
      status: 401,
      headers: {},
      body: `{"error_code":"APIGW.0301","error_msg":"Incorrect token ${echoed}"}`
    })
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer.kind).toBe('fatal')
    expect(answer.kind !== 'ok' && answer.reason).toContain('Incorrect token ***')
    expect(JSON.stringify(answer)).not.toContain('kkkkkkkkkk')
  })

  it('treats network errors as transient', async () => {
    const { client } = tokenClient(
      () => new TransportError('ECONNRESET: socket hang up', 'ECONNRESET')
    )
    expect(await client.request('GET', '/s', undefined, 1000)).toEqual({
      kind: 'transient',
      reason: 'ECONNRESET: socket hang up'
    })
  })

  it.each(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT'])(
    'treats the TLS trust error %s as fatal, with advice',
    async code => {
      const { client } = tokenClient(() => new TransportError(`${code}: bad cert`, code))
      const answer = await client.request('GET', '/s', undefined, 1000)
      expect(answer.kind).toBe('fatal')
      expect(JSON.stringify(answer)).toContain('NODE_EXTRA_CA_CERTS')
    }
  )
})

describe('CodeArtsClient refusals', () => {
  it.each([
    ['APIGW.0301', 401, 'five failures in a row'],
    ['APIGW.0303', 401, "fix the runner's clock"],
    ['DEV.00000001', 401, 'recognised no credentials'],
    ['DEVPIPE.00010001', 403, 'needs permission']
  ])('adds advice naming the method to a %s refusal', async (code, status, advice) => {
    const { client, requests } = tokenClient(() => refused(code, status))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer).toMatchObject({ kind: 'fatal', refusal: { status, code } })
    const reason = answer.kind === 'fatal' ? answer.reason : ''
    expect(reason).toMatch(new RegExp(`^HTTP ${status} \\(${code.replace('.', '\\.')}: `))
    expect(reason).toContain(describeCredentials(TOKEN_CREDENTIALS))
    expect(reason).toContain(advice)
    expect(requests).toHaveLength(1)
  })

  it('does not retry an expired token given as input (APIGW.0307)', async () => {
    const { client, requests } = tokenClient(() => refused('APIGW.0307'))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(requests).toHaveLength(1)
    expect(answer.kind).toBe('fatal')
    expect(answer.kind === 'fatal' && answer.reason).toContain('use access keys')
  })

  it('adds no advice to a fatal answer that is not a refusal', async () => {
    const { client } = tokenClient(() => ({ status: 404, headers: {}, body: '' }))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer).toMatchObject({ kind: 'fatal' })
    expect(answer.kind === 'fatal' && answer.reason).not.toContain('"token"')
  })
})

/** A client with IAM password login; the transport serves both IAM and the API. */
function passwordClient(
  api: (req: HttpRequest, apiIndex: number) => Reply,
  options: { iam?: (loginIndex: number) => Reply; advance?: number } = {}
) {
  let now = 0
  const secrets = new Set(secretValues(IAM_CREDENTIALS))
  let logins = 0
  let calls = 0
  const { transport, requests } = fakeTransport(req => {
    now += options.advance ?? 0
    if (req.url === `${IAM}/v3/auth/tokens`) {
      logins++
      return options.iam ? options.iam(logins - 1) : issued(`LOGIN-TOKEN-${logins}`)
    }
    return api(req, calls++)
  })
  const auth = passwordAuth(
    LOGIN,
    transport,
    token => secrets.add(token),
    text => scrub(text, secrets)
  )
  const client = new CodeArtsClient({
    endpoint: ENDPOINT,
    auth,
    credentials: IAM_CREDENTIALS,
    transport,
    secrets,
    now: () => now
  })
  const kinds = () => requests.map(r => (r.url.startsWith(IAM) ? 'login' : 'api'))
  return { client, requests, kinds, secrets }
}

describe('CodeArtsClient with IAM password login', () => {
  it('logs in once and sends the token from it with every request', async () => {
    const { client, requests, kinds } = passwordClient(() => ok({ status: 'running' }))
    for (let i = 0; i < 3; i++) await client.request('GET', '/s', undefined, 1000)
    expect(kinds()).toEqual(['login', 'api', 'api', 'api'])
    for (const r of requests.slice(1)) expect(r.headers['X-Auth-Token']).toBe('LOGIN-TOKEN-1')
  })

  it('logs in again once when the token is called expired, and asks again', async () => {
    const { client, requests, kinds } = passwordClient((_req, i) =>
      i === 0 ? refused('APIGW.0307') : ok({ status: 'running' })
    )
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer).toEqual({ kind: 'ok', body: { status: 'running' } })
    expect(kinds()).toEqual(['login', 'api', 'login', 'api'])
    expect(requests[3]?.headers['X-Auth-Token']).toBe('LOGIN-TOKEN-2')
  })

  it('also renews when the expiry comes in the nested error shape on a 200', async () => {
    const { client, kinds } = passwordClient((_req, i) =>
      i === 0
        ? { status: 200, headers: {}, body: '{"error":{"code":"APIGW.0307","message":"x"}}' }
        : ok({})
    )
    expect((await client.request('GET', '/s', undefined, 1000)).kind).toBe('ok')
    expect(kinds()).toEqual(['login', 'api', 'login', 'api'])
  })

  it('fails with advice when the fresh token is called expired too', async () => {
    const { client, kinds } = passwordClient(() => refused('APIGW.0307'))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(kinds()).toEqual(['login', 'api', 'login', 'api'])
    expect(answer).toMatchObject({ kind: 'fatal', refusal: { status: 401, code: 'APIGW.0307' } })
    const reason = answer.kind === 'fatal' ? answer.reason : ''
    expect(reason).toContain(describeCredentials(IAM_CREDENTIALS))
    expect(reason).toContain('a new login is tried once per step')
  })

  it('renews only once per step, not once per request', async () => {
    const { client, kinds } = passwordClient((_req, i) =>
      i === 1 ? ok({}) : refused('APIGW.0307')
    )
    expect((await client.request('GET', '/s', undefined, 1000)).kind).toBe('ok')
    expect((await client.request('GET', '/s', undefined, 1000)).kind).toBe('fatal')
    expect(kinds()).toEqual(['login', 'api', 'login', 'api', 'api'])
  })

  it.each(['APIGW.0301', 'APIGW.0303', 'DEV.00000001'])(
    'does not log in again for %s',
    async code => {
      const { client, kinds } = passwordClient(() => refused(code))
      expect((await client.request('GET', '/s', undefined, 1000)).kind).toBe('fatal')
      expect(kinds()).toEqual(['login', 'api'])
    }
  )

  it('asks again within the same time limit', async () => {
    const { client, requests } = passwordClient(
      (_req, i) => (i === 0 ? refused('APIGW.0307') : ok({})),
      { advance: 300 }
    )
    await client.request('GET', '/s', undefined, 1000)
    // login at 0 (limit 1000), API at 300 (700 left), login at 600 (400 left), API at 900 (100 left)
    expect(requests.map(r => r.timeoutMs)).toEqual([1000, 700, 400, 100])
  })

  it('leaves the new login to the next poll when no time is left, then fails if that token expires too', async () => {
    const { client, kinds } = passwordClient(() => refused('APIGW.0307'), { advance: 600 })
    const first = await client.request('GET', '/s', undefined, 1000)
    expect(first).toEqual({
      kind: 'transient',
      reason: 'the token expired; logging in again',
      notSent: true
    })
    expect(kinds()).toEqual(['login', 'api'])
    const second = await client.request('GET', '/s', undefined, 1000)
    expect(second.kind).toBe('fatal')
    expect(kinds()).toEqual(['login', 'api', 'login', 'api'])
  })

  it('scrubs the login token from a body that echoes it', async () => {
    const { client, secrets } = passwordClient(() => ({
      status: 500,
      headers: {},
      body: JSON.stringify({ error_code: 'E', error_msg: 'bad token LOGIN-TOKEN-1 here' })
    }))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(secrets.has('LOGIN-TOKEN-1')).toBe(true)
    expect(answer.kind).toBe('transient')
    expect(JSON.stringify(answer)).not.toContain('LOGIN-TOKEN-1')
    expect(JSON.stringify(answer)).toContain('bad token *** here')
  })

  it('scrubs the renewed token from an answer after the renewal', async () => {
    const { client } = passwordClient((_req, i) =>
      i === 0 ? refused('APIGW.0307') : ok({ echoed: 'LOGIN-TOKEN-2 and LOGIN-TOKEN-1' })
    )
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer).toEqual({ kind: 'ok', body: { echoed: '*** and ***' } })
  })

  it('scrubs the password from an answer that echoes it', async () => {
    const { client } = passwordClient(() => ok({ note: `pw ${LOGIN.password}` }))
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(JSON.stringify(answer)).not.toContain('Pa55-word')
  })

  it('gives a failed login as the answer, without asking the API', async () => {
    const { client, kinds } = passwordClient(() => ok({}), {
      iam: () => ({ status: 401, headers: {}, body: '' })
    })
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(kinds()).toEqual(['login'])
    expect(answer.kind).toBe('fatal')
    expect(answer.kind === 'fatal' && answer.refusal).toBeUndefined()
    expect(answer.kind === 'fatal' && answer.reason).toContain('IAM login failed: HTTP 401')
  })

  it('gives a login that got no answer as transient', async () => {
    const { client } = passwordClient(() => ok({}), {
      iam: () => new TransportError('ETIMEDOUT: slow', 'ETIMEDOUT')
    })
    expect(await client.request('GET', '/s', undefined, 1000)).toEqual({
      kind: 'transient',
      reason: 'IAM login failed: ETIMEDOUT: slow',
      notSent: true
    })
  })

  it('fails when the renewed login is refused', async () => {
    const { client, kinds } = passwordClient(() => refused('APIGW.0307'), {
      iam: i => (i === 0 ? issued('LOGIN-TOKEN-1') : { status: 401, headers: {}, body: '' })
    })
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(kinds()).toEqual(['login', 'api', 'login'])
    expect(answer.kind === 'fatal' && answer.reason).toContain('IAM login failed: HTTP 401')
  })
})

describe('CodeArtsClient with access keys', () => {
  const NOW = Date.UTC(2024, 4, 1, 10, 20, 30)

  function keyClient(securityToken: string | undefined) {
    const { transport, requests } = fakeTransport(() => ok({}))
    const keys = { accessKey: AK, secretKey: SK, securityToken }
    const client = new CodeArtsClient({
      endpoint: ENDPOINT,
      auth: accessKeyAuth(keys, () => NOW),
      credentials: { method: 'access-keys', from: 'inputs', ...keys },
      transport,
      secrets: new Set([AK, SK, ...(securityToken ? [securityToken] : [])]),
      now: () => NOW
    })
    return { client, requests, keys }
  }

  /** The gateway's check of a request as the transport got it. */
  function check(
    req: HttpRequest,
    keys: { accessKey: string; secretKey: string; securityToken?: string }
  ) {
    const url = new URL(req.url)
    const headers = Object.fromEntries(
      Object.entries({ ...req.headers, Host: url.host }).map(([n, v]) => [n.toLowerCase(), v])
    )
    return verifySignature(
      { method: req.method, rawUrl: url.pathname + url.search, headers, body: req.body },
      keys,
      NOW
    )
  }

  it('signs a POST with its exact body, in a form the gateway accepts', async () => {
    const { client, requests, keys } = keyClient(undefined)
    await client.request(
      'POST',
      '/v3/pipelines/p%201/start?x=1',
      { build_params: [{ name: 'é', value: 'a b' }] },
      1000
    )
    const [sent] = requests
    expect(sent?.headers['X-Sdk-Date']).toBe('20240501T102030Z')
    expect(sent?.headers.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=AKEXAMPLE0123456789, /)
    expect(sent?.headers['X-Auth-Token']).toBeUndefined()
    expect(check(sent!, keys)).toEqual({ ok: true })
    expect(check({ ...sent!, body: `${sent!.body} ` }, keys)).toMatchObject({ ok: false })
  })

  it('signs the headers it sends, so a changed header fails the check', async () => {
    const { client, requests, keys } = keyClient(undefined)
    await client.request('GET', '/v3/pipelines/p/status', undefined, 1000)
    const [sent] = requests
    expect(sent?.headers.Authorization).toMatch(/SignedHeaders=accept;host;user-agent;x-sdk-date,/)
    expect(check(sent!, keys)).toEqual({ ok: true })
    const changed = { ...sent!, headers: { ...sent!.headers, Accept: 'text/html' } }
    expect(check(changed, keys)).toMatchObject({ ok: false })
  })

  it('signs the Content-Type of a body-less POST', async () => {
    const { client, requests, keys } = keyClient(undefined)
    await client.request('POST', '/v5/p/api/pipelines/x/pipeline-runs/r/stop', undefined, 1000)
    const [sent] = requests
    expect(sent?.headers.Authorization).toMatch(/SignedHeaders=accept;content-type;host;/)
    expect(check(sent!, keys)).toEqual({ ok: true })
  })

  it('sends and signs the security token of temporary keys', async () => {
    const { client, requests, keys } = keyClient(ST)
    await client.request('GET', '/v3/pipelines/p/status', undefined, 1000)
    expect(requests[0]?.headers['X-Security-Token']).toBe(ST)
    expect(check(requests[0]!, keys)).toEqual({ ok: true })
  })

  it('scrubs the keys from an answer that echoes them', async () => {
    const { transport } = fakeTransport(() => ok({ a: AK, s: SK }))
    const client = new CodeArtsClient({
      endpoint: ENDPOINT,
      auth: accessKeyAuth({ accessKey: AK, secretKey: SK, securityToken: undefined }),
      credentials: {
        method: 'access-keys',
        from: 'environment',
        accessKey: AK,
        secretKey: SK,
        securityToken: undefined
      },
      transport,
      secrets: new Set([AK, SK])
    })
    expect(await client.request('GET', '/s', undefined, 1000)).toEqual({
      kind: 'ok',
      body: { a: '***', s: '***' }
    })
  })

  it('names the environment variables in the advice for keys from the environment', async () => {
    const { transport } = fakeTransport(() => refused('APIGW.0301'))
    const credentials: Credentials = {
      method: 'access-keys',
      from: 'environment',
      accessKey: AK,
      secretKey: SK,
      securityToken: undefined
    }
    const client = new CodeArtsClient({
      endpoint: ENDPOINT,
      auth: accessKeyAuth(credentials),
      credentials,
      transport,
      secrets: new Set([AK, SK])
    })
    const answer = await client.request('GET', '/s', undefined, 1000)
    expect(answer.kind === 'fatal' && answer.reason).toContain('HUAWEI_CLOUD_SECRET_ACCESS_KEY')
  })
})

describe('scrub', () => {
  it('replaces every occurrence of every secret, plain or with "/" escaped', () => {
    expect(scrub('a/b x a/b y a\\/b', ['a/b'])).toBe('*** x *** y ***')
  })

  it('leaves text without secrets alone', () => {
    expect(scrub('{"status":"running"}', ['nothere'])).toBe('{"status":"running"}')
  })
})

describe('CodeArtsClient cuts secrets from answers in every encoding', () => {
  const SECRET = 'Tok/en+with:odd&chars=ü-0123456789'
  const encodings: [string, (s: string) => string][] = [
    ['plain', s => s],
    ['JSON-escaped', s => JSON.stringify(s).slice(1, -1)],
    ['URL-encoded, upper-case hex', s => encodeURIComponent(s)],
    [
      'URL-encoded, lower-case hex',
      s => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, h => h.toLowerCase())
    ],
    ['HTML decimal entities', s => [...s].map(c => `&#${c.codePointAt(0)};`).join('')],
    ['HTML hex entities', s => [...s].map(c => `&#x${c.codePointAt(0)!.toString(16)};`).join('')],
    ['base64', s => Buffer.from(s).toString('base64')],
    ['base64 after 1 byte', s => Buffer.from(`x${s}`).toString('base64')],
    ['base64 after 2 bytes', s => Buffer.from(`xy${s}`).toString('base64')],
    ['base64url', s => Buffer.from(`xy${s}`).toString('base64url')]
  ]

  it.each(encodings)('%s', async (_name, encode) => {
    const body = JSON.stringify({ error_code: 'E', error_msg: `echo: ${encode(SECRET)} end` })
    const client = clientWithToken(SECRET, { status: 200, headers: {}, body })
    const answer = await client.request('GET', '/x', undefined, 1000)
    const seen = JSON.stringify(answer)
    expect(seen).toContain('***')
    expect(seen).not.toContain(encode(SECRET))
  })

  it('cuts the signature of a signed request that a server echoes, and reports it for masking', async () => {
    const masked: string[] = []
    const { transport } = fakeTransport(req => ({
      status: 400,
      headers: {},
      body: JSON.stringify({ error_code: 'E', error_msg: `you sent ${req.headers.Authorization}` })
    }))
    const keys = { accessKey: AK, secretKey: SK, securityToken: undefined }
    const client = new CodeArtsClient({
      endpoint: ENDPOINT,
      auth: accessKeyAuth(keys),
      credentials: { method: 'access-keys', from: 'inputs', ...keys },
      transport,
      secrets: new Set([AK, SK]),
      onSecret: value => masked.push(value)
    })
    const answer = await client.request('GET', '/v3/pipelines/p/status', undefined, 1000)
    expect(masked).toHaveLength(1)
    expect(masked[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(answer.kind === 'fatal' && answer.reason).toContain('Signature=***')
    expect(JSON.stringify(answer)).not.toContain(masked[0])
  })
})
