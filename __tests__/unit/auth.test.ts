import {
  accessKeyAuth,
  AuthFailure,
  refusalAdvice,
  tokenAuth,
  type SignableRequest
} from '../../src/codearts/auth.js'
import { describeCredentials, secretValues, type Credentials } from '../../src/credentials.js'
import { verifySignature } from '../support/verify-signature.js'

const TOKEN = 'MIItokenVALUE-0123456789'
const AK = 'AKEXAMPLE0123456789'
const SK = 'SKexampleSECRET0123456789abcdef'
const ST = 'STStemporaryToken0123456789'
const NOW = Date.UTC(2024, 4, 1, 10, 20, 30, 456)

const REQUEST: SignableRequest = {
  method: 'POST',
  url: 'https://api.example.com/v3/pipelines/p%201/start?b=2&a=1',
  headers: { Accept: 'application/json', 'Content-Type': 'application/json;charset=UTF-8' },
  body: '{"build_params":[]}'
}

/** What the gateway would check: the request as sent, with the auth headers and Host. */
function gatewayCheck(
  request: SignableRequest,
  auth: Record<string, string>,
  keys: { accessKey: string; secretKey: string; securityToken?: string },
  nowMs = NOW
) {
  const url = new URL(request.url)
  const headers = Object.fromEntries(
    Object.entries({ ...request.headers, ...auth, Host: url.host }).map(([n, v]) => [
      n.toLowerCase(),
      v
    ])
  )
  return verifySignature(
    { method: request.method, rawUrl: url.pathname + url.search, headers, body: request.body },
    keys,
    nowMs
  )
}

describe('tokenAuth', () => {
  it('sends the token as X-Auth-Token and nothing else', async () => {
    const auth = tokenAuth(TOKEN)
    expect(await auth.headers(REQUEST, 1000)).toEqual({ 'X-Auth-Token': TOKEN })
  })

  it('cannot be renewed', () => {
    const auth = tokenAuth(TOKEN)
    expect(auth.renew()).toBe(false)
    expect(auth.renew()).toBe(false)
  })
})

describe('accessKeyAuth', () => {
  it('signs the request at the moment it is sent, in a form the gateway accepts', async () => {
    const keys = { accessKey: AK, secretKey: SK, securityToken: undefined }
    const auth = accessKeyAuth(keys, () => NOW)
    const headers = await auth.headers(REQUEST, 1000)
    expect(Object.keys(headers).sort()).toEqual(['Authorization', 'X-Sdk-Date'])
    expect(headers['X-Sdk-Date']).toBe('20240501T102030Z')
    expect(headers.Authorization).toMatch(
      new RegExp(
        `^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`
      )
    )
    expect(gatewayCheck(REQUEST, headers, keys)).toEqual({ ok: true })
  })

  it('signs the body it is given, so another body fails the check', async () => {
    const keys = { accessKey: AK, secretKey: SK, securityToken: undefined }
    const headers = await accessKeyAuth(keys, () => NOW).headers(REQUEST, 1000)
    const check = gatewayCheck({ ...REQUEST, body: '{"build_params":[{}]}' }, headers, keys)
    expect(check).toMatchObject({ ok: false, code: 'APIGW.0301' })
  })

  it('sends and signs the security token of temporary keys', async () => {
    const keys = { accessKey: AK, secretKey: SK, securityToken: ST }
    const headers = await accessKeyAuth(keys, () => NOW).headers(REQUEST, 1000)
    expect(headers['X-Security-Token']).toBe(ST)
    expect(headers.Authorization).toMatch(/SignedHeaders=[^,]*x-security-token/)
    expect(gatewayCheck(REQUEST, headers, keys)).toEqual({ ok: true })
  })

  it('reads the clock for every request', async () => {
    let now = NOW
    const auth = accessKeyAuth(
      { accessKey: AK, secretKey: SK, securityToken: undefined },
      () => now
    )
    const first = await auth.headers(REQUEST, 1000)
    now += 3_600_000
    const second = await auth.headers(REQUEST, 1000)
    expect(first['X-Sdk-Date']).toBe('20240501T102030Z')
    expect(second['X-Sdk-Date']).toBe('20240501T112030Z')
    expect(second.Authorization).not.toBe(first.Authorization)
  })

  it('never puts the secret key in a header', async () => {
    const headers = await accessKeyAuth(
      { accessKey: AK, secretKey: SK, securityToken: ST },
      () => NOW
    ).headers(REQUEST, 1000)
    expect(JSON.stringify(headers)).not.toContain(SK)
  })

  it('cannot be renewed', () => {
    expect(accessKeyAuth({ accessKey: AK, secretKey: SK, securityToken: ST }).renew()).toBe(false)
  })
})

describe('AuthFailure', () => {
  it('carries the answer, with its reason as the message', () => {
    const answer = { kind: 'transient' as const, reason: 'IAM login failed: HTTP 503' }
    const failure = new AuthFailure(answer)
    expect(failure).toBeInstanceOf(Error)
    expect(failure.name).toBe('AuthFailure')
    expect(failure.message).toBe('IAM login failed: HTTP 503')
    expect(failure.answer).toBe(answer)
  })
})

const METHODS: [string, Credentials][] = [
  ['the token', { method: 'token', token: TOKEN }],
  [
    'access keys from inputs',
    {
      method: 'access-keys',
      from: 'inputs',
      accessKey: AK,
      secretKey: SK,
      securityToken: undefined
    }
  ],
  [
    'temporary access keys from inputs',
    { method: 'access-keys', from: 'inputs', accessKey: AK, secretKey: SK, securityToken: ST }
  ],
  [
    'access keys from the environment',
    {
      method: 'access-keys',
      from: 'environment',
      accessKey: AK,
      secretKey: SK,
      securityToken: undefined
    }
  ],
  [
    'temporary access keys from the environment',
    { method: 'access-keys', from: 'environment', accessKey: AK, secretKey: SK, securityToken: ST }
  ],
  [
    'the IAM password',
    {
      method: 'iam-password',
      username: 'deploy-bot',
      password: 'Pa55-word!',
      domain: 'acme-corp',
      iamEndpoint: 'https://iam.cn-north-4.myhuaweicloud.com',
      project: 'cn-north-4'
    }
  ]
]

const REFUSALS: [string, { status: number; code: string | undefined }][] = [
  ['APIGW.0301', { status: 401, code: 'APIGW.0301' }],
  ['APIGW.0303', { status: 401, code: 'APIGW.0303' }],
  ['APIGW.0307', { status: 401, code: 'APIGW.0307' }],
  ['DEV.00000001', { status: 401, code: 'DEV.00000001' }],
  ['a plain 401', { status: 401, code: undefined }],
  ['a plain 403', { status: 403, code: undefined }],
  ['a 403 with another code', { status: 403, code: 'DEVPIPE.00010001' }]
]

const byName = (name: string): Credentials => METHODS.find(([n]) => n === name)![1]

describe('refusalAdvice', () => {
  const matrix = METHODS.flatMap(([method, credentials]) =>
    REFUSALS.map(([refusal, r]) => [method, refusal, credentials, r] as const)
  )

  it.each(matrix)(
    'names the method in use (%s) for %s, and no credential value',
    (_method, _refusal, credentials, refusal) => {
      const advice = refusalAdvice(credentials, refusal)
      expect(advice).toContain(describeCredentials(credentials))
      for (const value of secretValues(credentials)) expect(advice).not.toContain(value)
      expect(advice).not.toContain('\n')
    }
  )

  it.each(METHODS)('tells %s what to do about wrong credentials (APIGW.0301)', (_m, c) => {
    const advice = refusalAdvice(c, { status: 401, code: 'APIGW.0301' })
    expect(advice).toMatch(/check/)
    // Retrying only counts towards the gateway's lock-out.
    expect(advice).toMatch(/five failures in a row lock/)
  })

  it('names the key inputs for access keys from inputs', () => {
    const advice = refusalAdvice(byName('access keys from inputs'), {
      status: 401,
      code: 'APIGW.0301'
    })
    expect(advice).toContain('check access-key and secret-key')
    expect(advice).toContain('security-token')
  })

  it('names the environment variables for access keys from the environment', () => {
    const advice = refusalAdvice(byName('access keys from the environment'), {
      status: 401,
      code: 'APIGW.0301'
    })
    expect(advice).toContain('check HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY')
    expect(advice).not.toContain('"access-key"')
  })

  it.each(METHODS)('tells %s to fix the clock on APIGW.0303', (_m, c) => {
    expect(refusalAdvice(c, { status: 401, code: 'APIGW.0303' })).toMatch(
      /15 minutes .*fix the runner's clock/
    )
  })

  it('suggests access keys when the token expired (APIGW.0307)', () => {
    const advice = refusalAdvice(byName('the token'), { status: 401, code: 'APIGW.0307' })
    expect(advice).toContain('expired')
    expect(advice).toContain('issue a new one')
    expect(advice).toContain('use access keys')
  })

  it('says the login was already repeated when the IAM token expired (APIGW.0307)', () => {
    const advice = refusalAdvice(byName('the IAM password'), { status: 401, code: 'APIGW.0307' })
    expect(advice).toContain('a new login is tried once per step')
    expect(advice).not.toContain('use access keys')
  })

  it.each(['temporary access keys from inputs', 'temporary access keys from the environment'])(
    'asks for new temporary credentials when %s expired (APIGW.0307)',
    name => {
      expect(refusalAdvice(byName(name), { status: 401, code: 'APIGW.0307' })).toContain(
        'get new temporary credentials'
      )
    }
  )

  it.each(METHODS)('says no credentials were recognised for %s (DEV.00000001)', (_m, c) => {
    expect(refusalAdvice(c, { status: 401, code: 'DEV.00000001' })).toContain(
      'recognised no credentials'
    )
  })

  it.each(METHODS)('asks for permission in CodeArts for %s on a 403', (_m, c) => {
    for (const code of [undefined, 'DEVPIPE.00010001']) {
      const advice = refusalAdvice(c, { status: 403, code })
      expect(advice).toContain('access denied')
      expect(advice).toContain('needs permission')
    }
  })

  it.each(METHODS)('does not call a plain 401 for %s a permission problem', (_m, c) => {
    const advice = refusalAdvice(c, { status: 401, code: undefined })
    expect(advice).toContain('refused')
    expect(advice).not.toContain('permission')
  })

  it('goes by the code before the status', () => {
    const advice = refusalAdvice(byName('the token'), { status: 403, code: 'APIGW.0307' })
    expect(advice).toContain('expired')
    expect(advice).not.toContain('access denied')
  })
})
