// End to end, per credential method: the bundled dist/index.js as a child process against the fake
// CodeArts server, which checks every request's credentials as the gateway does (signatures included)
// and serves IAM's token endpoint.
import {
  scriptedRun,
  scriptedV5Run,
  startFakeCodeArts,
  v3Status,
  type FakeAuth,
  type FakeCodeArts,
  type RecordedRequest,
  type Script
} from '../support/fake-codearts.js'
import {
  annotations,
  expectNoSecret,
  runAction as runBundle,
  type ActionRun,
  type RunOptions
} from '../support/run-action.js'

const TOKEN = 'tok-4e1a9c-INPUT-SECRET'
const AK = 'HPUAK7Q2ZC9XW4RT1M8E'
const SK = 'sk0Yq4Vt8nRz2Lm6Pc1Xw9Kd5Hs3Jf7Gb0Ae4Tu'
const WRONG_SK = 'skWRONG5Yt2Pq8Lr1Vx6Mz3Nc9Bd4Hg7Kf0Js2'
const STS = 'sts-Gq8Lr3Pz1Vt6Xw2Mn9Kb4Hc7Jd5Fs0Ae-SECURITY'
const ENV_AK = 'ENVAK3B6N9Q2W5E8R1T4'
const ENV_SK = 'envsk7Jd2Kf5Lg8Mh1Nj4Pk7Ql0Rm3Sn6To9Up2'
const ENV_STS = 'envsts-Xc4Vb7Nm0Qw3Er6Ty9Ui2Op5As8Df1Gh'
const IAM_USER = 'ci-bot-4d8f2a'
const IAM_PASSWORD = 'Pa55-w0rd!Zq7#Lx'
const IAM_DOMAIN = 'acme-cloud-9b3e71'
const WRONG_PASSWORD = 'Pa55-w0rd!Zq7#Lx-WRONG'
const ISSUED = ['MIIE-issued-token-ONE-7c1d5e', 'MIIE-issued-token-TWO-3f9a0b']
const REGION = 'cn-north-4'

const SECRETS = [
  TOKEN,
  AK,
  SK,
  WRONG_SK,
  STS,
  ENV_AK,
  ENV_SK,
  ENV_STS,
  IAM_USER,
  IAM_PASSWORD,
  WRONG_PASSWORD,
  IAM_DOMAIN,
  ...ISSUED
]

const KEYS = { 'access-key': AK, 'secret-key': SK }
const IAM_USER_AUTH = { username: IAM_USER, password: IAM_PASSWORD, domain: IAM_DOMAIN }

let server: FakeCodeArts | undefined
const runs: ActionRun[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  // Whatever else a test checks, no run may print any credential, nor a token it was issued.
  for (const run of runs.splice(0)) expectNoSecret(run, SECRETS)
})

async function serve(script: Script, auth: FakeAuth): Promise<FakeCodeArts> {
  server = await startFakeCodeArts(script, { auth })
  return server
}

async function runAction(actionInputs: Record<string, string>, options?: RunOptions) {
  const run = await runBundle(actionInputs, options)
  runs.push(run)
  return run
}

/** The action's inputs with the given credentials (and no others). */
function inputs(credentials: Record<string, string>, extra: Record<string, string> = {}) {
  return {
    'pipeline-id': 'pipe-1',
    // v3 unless a test says otherwise (auto without project-id warns that v3 is being retired).
    'api-version': 'v3',
    endpoint: server?.url ?? 'http://127.0.0.1:9',
    'poll-interval': '0.1',
    timeout: '20',
    ...credentials,
    ...extra
  }
}

function iamInputs(extra: Record<string, string> = {}): Record<string, string> {
  return inputs({
    'iam-username': IAM_USER,
    'iam-password': IAM_PASSWORD,
    'iam-domain': IAM_DOMAIN,
    'iam-endpoint': server?.url ?? 'http://127.0.0.1:9',
    region: REGION,
    ...extra
  })
}

/** Each credential may appear only in the runner's own ::add-mask:: command, nowhere else. */

function masks(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith('::add-mask::'))
    .map(line => line.slice('::add-mask::'.length))
}

const SIGNED =
  /^SDK-HMAC-SHA256 Access=([^\s,]+), SignedHeaders=([^\s,]+), Signature=([0-9a-f]{64})$/

/** The parts of a request's SDK-HMAC-SHA256 Authorization header; fails the test when it has none. */
function signatureOf(request: RecordedRequest): { access: string; signedHeaders: string[] } {
  const match = SIGNED.exec(String(request.headers.authorization))
  expect(match).not.toBeNull()
  return { access: match?.[1] ?? '', signedHeaders: (match?.[2] ?? '').split(';') }
}

function expectSignedBy(requests: RecordedRequest[], accessKey: string): void {
  expect(requests.length).toBeGreaterThan(0)
  for (const request of requests) {
    const { access, signedHeaders } = signatureOf(request)
    expect(access).toBe(accessKey)
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-sdk-date']))
    expect(request.headers['x-sdk-date']).toMatch(/^\d{8}T\d{6}Z$/)
    expect(request.headers['x-auth-token']).toBeUndefined()
  }
}

describe('access keys', () => {
  it('signs every request with the keys from the inputs', async () => {
    const fake = await serve(scriptedRun('b-1', 2, 'success'), {
      keys: { accessKey: AK, secretKey: SK }
    })
    const run = await runAction(inputs(KEYS))
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(fake.requests.map(r => r.route)).toEqual(['status', 'status', 'status'])
    expectSignedBy(fake.requests, AK)
    expect(fake.requests.every(r => r.headers['x-security-token'] === undefined)).toBe(true)
    expect(masks(run)).toEqual(expect.arrayContaining([AK, SK]))
    expect(annotations(run, 'debug')).toContain(
      '::debug::Authenticating with the access keys (inputs "access-key" and "secret-key").'
    )
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('sends and signs the security token of temporary keys', async () => {
    const fake = await serve(scriptedRun('b-2', 1, 'success'), {
      keys: { accessKey: AK, secretKey: SK, securityToken: STS }
    })
    const run = await runAction(inputs({ ...KEYS, 'security-token': STS }))
    expect(run.code).toBe(0)
    expectSignedBy(fake.requests, AK)
    for (const request of fake.requests) {
      expect(request.headers['x-security-token']).toBe(STS)
      expect(signatureOf(request).signedHeaders).toContain('x-security-token')
    }
    expect(masks(run)).toContain(STS)
    expect(annotations(run, 'debug').some(d => d.includes('with "security-token"'))).toBe(true)
  })

  it('fails at once on a wrong secret key, naming the keys and APIGW.0301, without retrying', async () => {
    const fake = await serve(scriptedRun('b-3', 1, 'success'), {
      keys: { accessKey: AK, secretKey: SK }
    })
    const run = await runAction(inputs({ ...KEYS, 'secret-key': WRONG_SK }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    // Every refused signature counts towards the gateway's lock-out: one request, no retry.
    expect(fake.requests).toHaveLength(1)
    expect(run.durationMs).toBeLessThan(10_000)
    expect(annotations(run, 'warning')).toEqual([])
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain('APIGW.0301')
    expect(error).toContain('access keys')
    expect(error).toContain('check access-key and secret-key')
    expect(error).toContain('lock')
  })

  it('fails at once on a skewed clock (APIGW.0303), saying to fix the runner clock', async () => {
    const fake = await serve(scriptedRun('b-4', 1, 'success'), {
      keys: { accessKey: AK, secretKey: SK },
      nowMs: () => Date.now() + 20 * 60_000
    })
    const run = await runAction(inputs(KEYS))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(fake.requests).toHaveLength(1)
    const [error] = annotations(run, 'error')
    expect(run.durationMs).toBeLessThan(10_000)
    expect(error).toContain('APIGW.0303')
    expect(error).toContain("fix the runner's clock")
  })

  it('signs a start request with its JSON body, and v5 status requests with their query', async () => {
    const fake = await startFakeCodeArts(scriptedV5Run('r-started', 1, 'COMPLETED'), {
      auth: { keys: { accessKey: AK, secretKey: SK } }
    })
    server = fake
    const run = await runAction(
      inputs(KEYS, {
        'api-version': 'v5',
        'project-id': 'proj-1',
        start: 'true',
        parameters: 'branch=feature/ümlaut & space\nnote=a=b?c#d'
      })
    )
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    const [start, ...moreStarts] = fake.calls('start')
    expect(moreStarts).toEqual([])
    expect(start?.body).toContain('ümlaut')
    expect(fake.calls('status')[0]?.query.get('pipeline_run_id')).toBe('r-started')
    expectSignedBy(fake.requests, AK)
  })
})

describe('IAM password login', () => {
  it('logs in once for the whole wait and sends the masked token', async () => {
    const fake = await serve(scriptedRun('b-5', 3, 'success'), {
      iam: { ...IAM_USER_AUTH, tokens: [ISSUED[0]!] }
    })
    const run = await runAction(iamInputs())
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')

    const logins = fake.calls('login')
    expect(logins).toHaveLength(1)
    expect(fake.requests[0]?.route).toBe('login')
    expect(JSON.parse(logins[0]?.body ?? '{}')).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: IAM_USER, password: IAM_PASSWORD, domain: { name: IAM_DOMAIN } }
          }
        },
        scope: { project: { name: REGION } }
      }
    })
    expect(logins[0]?.headers['x-auth-token']).toBeUndefined()
    expect(logins[0]?.headers.authorization).toBeUndefined()

    const polls = fake.calls('status')
    expect(polls).toHaveLength(4)
    for (const poll of polls) {
      expect(poll.headers['x-auth-token']).toBe(ISSUED[0])
      expect(poll.headers.authorization).toBeUndefined()
    }
    // Masked before anything that could print it: before the first status line, and just once.
    const lines = run.stdout.split('\n')
    const maskedAt = lines.indexOf(`::add-mask::${ISSUED[0]}`)
    const firstStatus = lines.findIndex(line => line.startsWith('Run b-5'))
    expect(maskedAt).toBeGreaterThanOrEqual(0)
    expect(firstStatus).toBeGreaterThan(maskedAt)
    expect(masks(run)).toEqual(expect.arrayContaining([IAM_USER, IAM_PASSWORD, IAM_DOMAIN]))
    expect(annotations(run, 'debug')).toContain(
      '::debug::Authenticating with the IAM password login (inputs "iam-username", "iam-password" and "iam-domain").'
    )
  })

  it('logs in again once when the token expires mid-wait, and carries on', async () => {
    const fake = await serve(scriptedRun('b-6', 4, 'success'), {
      iam: { ...IAM_USER_AUTH, tokens: ISSUED },
      tokenUses: 2
    })
    const run = await runAction(iamInputs())
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(fake.calls('login')).toHaveLength(2)
    const tokens = fake.calls('status').map(r => r.headers['x-auth-token'])
    // Two calls with the first token, one refused, then the second token to the end.
    expect(tokens.slice(0, 3)).toEqual([ISSUED[0], ISSUED[0], ISSUED[0]])
    expect(tokens.slice(3).every(t => t === ISSUED[1])).toBe(true)
    expect(tokens.length).toBeGreaterThan(3)
    // The second login comes right after the refusal, not before.
    const routes = fake.requests.map(r => r.route)
    expect(routes.slice(0, 5)).toEqual(['login', 'status', 'status', 'status', 'login'])
    expect(masks(run)).toEqual(expect.arrayContaining(ISSUED))
    expect(annotations(run, 'error')).toEqual([])
  })

  it('fails naming APIGW.0307 when the new token is refused too, after exactly two logins', async () => {
    const fake = await serve(scriptedRun('b-7', 50, 'success'), {
      iam: { ...IAM_USER_AUTH, tokens: ISSUED },
      tokenUses: 2
    })
    const run = await runAction(iamInputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(fake.calls('login')).toHaveLength(2)
    // 2 good + 1 refused with each token.
    expect(fake.calls('status')).toHaveLength(6)
    const [error] = annotations(run, 'error')
    expect(error).toContain('APIGW.0307')
    expect(error).toContain('a new login is tried once per step')
    expect(run.outputs['build-id']).toBe('b-7')
    expect(run.outputs.status).toBe('running')
  })

  it('fails at once on a wrong password, before any status request', async () => {
    const fake = await serve(scriptedRun('b-8', 1, 'success'), {
      iam: { ...IAM_USER_AUTH, tokens: [ISSUED[0]!] }
    })
    const run = await runAction(iamInputs({ 'iam-password': WRONG_PASSWORD }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(fake.calls('login')).toHaveLength(1)
    expect(fake.calls('status')).toHaveLength(0)
    const [error] = annotations(run, 'error')
    expect(error).toContain('IAM login failed: HTTP 401')
    expect(error).toContain('check iam-username, iam-password and iam-domain')
    expect(run.durationMs).toBeLessThan(10_000)
  })

  it('keeps an issued token that the API echoes back out of the log', async () => {
    await serve(
      [
        { status: 500, json: { error_code: 'DEV.500', error_msg: `bad token ${ISSUED[0]}` } },
        {
          json: v3Status({
            buildId: 'b-9',
            status: 'completed',
            outcome: 'error',
            stages: [
              { name: 'Build', status: 'completed', outcome: 'error', errorMsg: `${ISSUED[0]}` }
            ]
          })
        }
      ],
      { iam: { ...IAM_USER_AUTH, tokens: [ISSUED[0]!] } }
    )
    const run = await runAction(iamInputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')
    expect(annotations(run, 'warning').some(w => w.includes('DEV.500'))).toBe(true)
    expect(run.summary).toContain('***')
  })
})

describe('environment fallback (after huaweicloud/auth-action)', () => {
  const env = {
    HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK,
    HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK,
    HUAWEI_CLOUD_REGION: REGION
  }

  it('signs with the keys from the environment when no credential input is given', async () => {
    const fake = await serve(scriptedRun('b-10', 1, 'success'), {
      keys: { accessKey: ENV_AK, secretKey: ENV_SK }
    })
    const run = await runAction(inputs({}), { env })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expectSignedBy(fake.requests, ENV_AK)
    expect(fake.requests.every(r => r.headers['x-security-token'] === undefined)).toBe(true)
    expect(masks(run)).toEqual(expect.arrayContaining([ENV_AK, ENV_SK]))
    expect(annotations(run, 'debug')).toContain(
      '::debug::Authenticating with the access keys from HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY (as huaweicloud/auth-action sets them).'
    )
  })

  it('sends the security token from the environment with temporary keys', async () => {
    const fake = await serve(scriptedRun('b-11', 1, 'success'), {
      keys: { accessKey: ENV_AK, secretKey: ENV_SK, securityToken: ENV_STS }
    })
    const run = await runAction(inputs({}), {
      env: { ...env, HUAWEI_CLOUD_SECURITY_TOKEN: ENV_STS }
    })
    expect(run.code).toBe(0)
    expectSignedBy(fake.requests, ENV_AK)
    for (const request of fake.requests) {
      expect(request.headers['x-security-token']).toBe(ENV_STS)
      expect(signatureOf(request).signedHeaders).toContain('x-security-token')
    }
    expect(masks(run)).toEqual(expect.arrayContaining([ENV_AK, ENV_SK, ENV_STS]))
  })

  it('names the environment variables when the gateway refuses their keys', async () => {
    const fake = await serve(scriptedRun('b-12', 1, 'success'), {
      keys: { accessKey: ENV_AK, secretKey: SK }
    })
    const run = await runAction(inputs({}), { env })
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(1)
    const [error] = annotations(run, 'error')
    expect(error).toContain('APIGW.0301')
    expect(error).toContain('HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY')
  })
})

describe('precedence', () => {
  it('uses the token input over access keys, warning that several credentials are given', async () => {
    const fake = await serve(scriptedRun('b-13', 1, 'success'), {
      token: TOKEN,
      keys: { accessKey: AK, secretKey: SK }
    })
    const run = await runAction(inputs({ token: TOKEN, ...KEYS }))
    expect(run.code).toBe(0)
    expect(fake.requests.length).toBeGreaterThan(0)
    for (const request of fake.requests) {
      expect(request.headers['x-auth-token']).toBe(TOKEN)
      expect(request.headers.authorization).toBeUndefined()
    }
    const warnings = annotations(run, 'warning')
    expect(warnings.some(w => w.includes('Several credentials are given; using token'))).toBe(true)
    expect(annotations(run, 'debug')).toContain(
      '::debug::Authenticating with the IAM token (input "token").'
    )
  })

  it('uses access key inputs over the environment', async () => {
    const fake = await serve(scriptedRun('b-14', 1, 'success'), {
      keys: { accessKey: AK, secretKey: SK }
    })
    const run = await runAction(inputs(KEYS), {
      env: { HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK, HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK }
    })
    expect(run.code).toBe(0)
    expectSignedBy(fake.requests, AK)
  })

  it('uses IAM password inputs over the environment, scoped to HUAWEI_CLOUD_REGION', async () => {
    const fake = await serve(scriptedRun('b-15', 1, 'success'), {
      iam: { ...IAM_USER_AUTH, tokens: [ISSUED[0]!] }
    })
    const run = await runAction(iamInputs({ region: '' }), {
      env: {
        HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK,
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK,
        HUAWEI_CLOUD_REGION: 'ap-southeast-3'
      }
    })
    expect(run.code).toBe(0)
    expect(fake.calls('login')).toHaveLength(1)
    const login = JSON.parse(fake.calls('login')[0]?.body ?? '{}') as {
      auth?: { scope?: { project?: { name?: string } } }
    }
    expect(login.auth?.scope?.project?.name).toBe('ap-southeast-3')
    expect(fake.calls('status').every(r => r.headers['x-auth-token'] === ISSUED[0])).toBe(true)
  })
})

describe('credential input errors', () => {
  it.each([
    ['an access key without its secret key', { 'access-key': AK }, {}, 'Input "secret-key"'],
    ['a secret key without its access key', { 'secret-key': SK }, {}, 'Input "access-key"'],
    [
      'a username without a password',
      { 'iam-username': IAM_USER, 'iam-domain': IAM_DOMAIN, region: REGION },
      {},
      'Input "iam-password"'
    ],
    [
      'a security token without keys',
      { 'security-token': STS },
      { HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK, HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK },
      'Input "security-token"'
    ],
    ['no credentials at all', {}, {}, 'huaweicloud/auth-action'],
    [
      'half a pair in the environment',
      {},
      { HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK },
      'HUAWEI_CLOUD_SECRET_ACCESS_KEY'
    ]
  ])('rejects %s before any request', async (_, credentials, env, message) => {
    const fake = await serve(scriptedRun('b-16', 1, 'success'), {
      token: TOKEN,
      keys: { accessKey: AK, secretKey: SK },
      iam: { ...IAM_USER_AUTH, tokens: [ISSUED[0]!] }
    })
    const run = await runAction(inputs(credentials as Record<string, string>), {
      env: env as Record<string, string>
    })
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('error')
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain(message)
  })
})
