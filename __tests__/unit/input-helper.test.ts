import { jest } from '@jest/globals'
import {
  InputError,
  readSettings,
  type InputSource,
  type Settings
} from '../../src/input-helper.js'

const TOKEN = 'MIIT0kenValue.SECRET-abc123'

/** An InputSource backed by a plain object; unnamed inputs read as '' (as @actions/core does). */
function source(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): InputSource {
  return {
    get: name => inputs[name] ?? '',
    getSecret: name => inputs[name] ?? '',
    getSecretEnv: name => env[name] ?? '',
    env
  }
}

/** The settings alone, for inputs that must be accepted. */
function settingsOf(input: InputSource): Settings {
  return readSettings(input).settings
}

const BASE = { 'pipeline-id': 'pipe_1', token: TOKEN, region: 'cn-north-4' }

/** The InputError readSettings throws for these inputs (fails the test when it does not throw). */
function problemsOf(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): string[] {
  try {
    settingsOf(source(inputs, env))
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('readSettings accepted the inputs')
}

describe('readSettings defaults', () => {
  it('fills timeout 1h, poll-interval 10s and summary true when those inputs are empty', () => {
    const settings = settingsOf(source(BASE))
    expect(settings).toEqual({
      apiVersion: 'v3',
      projectId: undefined,
      pipelineId: 'pipe_1',
      endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
      region: 'cn-north-4',
      credentials: { method: 'token', token: TOKEN },
      buildId: undefined,
      start: undefined,
      commit: undefined,
      workflow: expect.objectContaining({ repositoryUrl: undefined, ref: undefined }),
      wait: true,
      stopOnCancel: true,
      stopOnTimeout: false,
      timeoutMs: 3_600_000,
      pollIntervalMs: 10_000,
      summary: true,
      logLines: 100
    })
  })

  it('reads the given values, trimmed', () => {
    const settings = settingsOf(
      source({
        ...BASE,
        'pipeline-id': '  pipe_1 ',
        'build-id': ' 42 ',
        timeout: '1h30m',
        'poll-interval': '500ms',
        summary: 'FALSE'
      })
    )
    expect(settings.pipelineId).toBe('pipe_1')
    expect(settings.buildId).toBe('42')
    expect(settings.timeoutMs).toBe(5_400_000)
    expect(settings.pollIntervalMs).toBe(500)
    expect(settings.summary).toBe(false)
  })

  it.each(['true', 'True', 'TRUE'])('reads summary %s as true', value => {
    expect(settingsOf(source({ ...BASE, summary: value })).summary).toBe(true)
  })

  it.each(['false', 'False'])('reads summary %s as false', value => {
    expect(settingsOf(source({ ...BASE, summary: value })).summary).toBe(false)
  })

  it('accepts the longest timeout (a week) and rejects anything longer', () => {
    expect(settingsOf(source({ ...BASE, timeout: '168h' })).timeoutMs).toBe(168 * 3_600_000)
    expect(problemsOf({ ...BASE, timeout: '168h1s' })).toEqual([
      expect.stringContaining('"timeout"')
    ])
  })
})

describe('readSettings token', () => {
  it('reads the token with getSecret and never with get', () => {
    const get = jest.fn((name: string) => (BASE as Record<string, string>)[name] ?? '')
    const getSecret = jest.fn((name: string) => (name === 'token' ? TOKEN : ''))
    const settings = settingsOf({ get, getSecret, getSecretEnv: () => '', env: {} })
    expect(settings.credentials).toEqual({ method: 'token', token: TOKEN })
    expect(getSecret).toHaveBeenCalledWith('token')
    expect(get).not.toHaveBeenCalledWith('token')
    expect(get).toHaveBeenCalledWith('pipeline-id')
  })

  it('requires credentials, naming the "token" input among the ways to give them', () => {
    const problems = problemsOf({ ...BASE, token: '' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"token"')
  })

  it.each([
    ['a space', 'abc SECRETPART def'],
    ['a newline', 'abcSECRETPART\ndef'],
    ['a tab', 'abc\tSECRETPART'],
    ['a control character', 'abcSECRETPART\u0007def'],
    ['a DEL character', 'abcSECRETPART\u007fdef'],
    ['a C1 control (NEL)', 'abcSECRETPART\u0085def'],
    ['a C1 control (CSI)', 'abcSECRETPART\u009b31m'],
    ['a no-break space', 'abc\u00a0SECRETPART'],
    ['a line separator', 'abc\u2028SECRETPART'],
    ['a letter outside ASCII', 'abcSECRETPARTé'],
    ['an emoji', 'abcSECRETPART🙂']
  ])('rejects a token containing %s without echoing it', (_what, token) => {
    let thrown: unknown
    try {
      settingsOf(source({ ...BASE, token }))
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    const error = thrown as InputError
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]).toContain('"token"')
    for (const text of [error.message, ...error.problems, String(error.stack)]) {
      expect(text).not.toContain('SECRETPART')
    }
  })

  it('keeps the token out of every message when other inputs are bad too', () => {
    const error = (() => {
      try {
        settingsOf(
          source({
            'pipeline-id': 'bad id!',
            token: `x ${TOKEN}`,
            timeout: 'never',
            summary: 'maybe',
            region: 'cn-north-4'
          })
        )
      } catch (e) {
        return e as InputError
      }
      throw new Error('accepted')
    })()
    expect(error.problems.length).toBeGreaterThanOrEqual(4)
    expect(error.message).not.toContain(TOKEN)
    expect(error.message).not.toContain('SECRET')
  })

  it('accepts a token with surrounding whitespace, trimmed', () => {
    expect(settingsOf(source({ ...BASE, token: `  ${TOKEN}\n` })).credentials).toEqual({
      method: 'token',
      token: TOKEN
    })
  })
})

describe('readSettings region and endpoint', () => {
  it('takes the region from HUAWEI_CLOUD_REGION when the input is empty', () => {
    const settings = settingsOf(
      source({ ...BASE, region: '' }, { HUAWEI_CLOUD_REGION: ' ap-southeast-3 ' })
    )
    expect(settings.region).toBe('ap-southeast-3')
    expect(settings.endpoint).toBe('https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com')
  })

  it('prefers the region input over HUAWEI_CLOUD_REGION', () => {
    const settings = settingsOf(source(BASE, { HUAWEI_CLOUD_REGION: 'tr-west-1' }))
    expect(settings.region).toBe('cn-north-4')
    expect(settings.endpoint).toBe('https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com')
  })

  it.each([
    ['cn-north-1', 'https://cloudpipeline-ext.cn-north-1.myhuaweicloud.com'],
    ['la-north-2', 'https://cloudpipeline-ext.la-north-2.myhuaweicloud.com'],
    ['tr-west-1', 'https://pipeline-external.tr-west-1.myhuaweicloud.com'],
    ['la-south-2', 'https://pipeline-external.la-south-2.myhuaweicloud.com'],
    ['af-north-1', 'https://pipeline.af-north-1.myhuaweicloud.com'],
    ['me-east-1', 'https://pipeline.me-east-1.myhuaweicloud.com'],
    ['eu-west-101', 'https://pipeline-external.eu-west-101.myhuaweicloud.eu']
  ])('derives the endpoint of %s', (region, endpoint) => {
    expect(settingsOf(source({ ...BASE, region })).endpoint).toBe(endpoint)
  })

  it('reports an unknown region without an endpoint under the name "region"', () => {
    const problems = problemsOf({ ...BASE, region: 'xx-nowhere-9' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"region"')
    expect(problems[0]).toContain('endpoint')
  })

  it('reports a missing region (no input, no env, no endpoint) under the name "region"', () => {
    const problems = problemsOf({ ...BASE, region: '' }, {})
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"region"')
    expect(problems[0]).toContain('HUAWEI_CLOUD_REGION')
  })

  it('rejects a malformed region name', () => {
    const problems = problemsOf({ ...BASE, region: 'CN North 4' })
    expect(problems).toEqual([expect.stringContaining('"region"')])
  })

  it('uses an endpoint override for an unknown region', () => {
    const settings = settingsOf(
      source({ ...BASE, region: 'xx-nowhere-9', endpoint: 'https://pipeline.example.com/' })
    )
    expect(settings.endpoint).toBe('https://pipeline.example.com')
    expect(settings.region).toBe('xx-nowhere-9')
  })

  it('uses an endpoint override without any region', () => {
    const settings = settingsOf(
      source({ ...BASE, region: '', endpoint: 'https://pipeline.example.com/api//' })
    )
    expect(settings.endpoint).toBe('https://pipeline.example.com/api')
    expect(settings.region).toBeUndefined()
  })

  it('prefers the endpoint override over the region table', () => {
    const settings = settingsOf(source({ ...BASE, endpoint: 'https://private.example.com' }))
    expect(settings.endpoint).toBe('https://private.example.com')
  })

  it.each([
    'http://127.0.0.1:8080',
    'http://127.255.3.4',
    'http://[::1]:9000',
    'http://localhost:3000',
    'http://LOCALHOST'
  ])('accepts plain http on loopback: %s', endpoint => {
    expect(settingsOf(source({ ...BASE, endpoint })).endpoint).toMatch(/^http:\/\//)
  })

  it.each([
    ['http on a public host', 'http://pipeline.example.com'],
    ['http on a private address', 'http://10.0.0.1'],
    ['http on a look-alike host', 'http://localhost.example.com'],
    ['http on a 127 look-alike host', 'http://127.0.0.1.example.com'],
    ['another scheme', 'ftp://pipeline.example.com'],
    ['a user name', 'https://user@pipeline.example.com'],
    ['a query', 'https://pipeline.example.com/?x=1'],
    ['a fragment', 'https://pipeline.example.com/#top'],
    ['not a URL', 'pipeline.example.com']
  ])('rejects an endpoint with %s under the name "endpoint"', (_what, endpoint) => {
    const problems = problemsOf({ ...BASE, endpoint })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"endpoint"')
  })

  // An endpoint refused for carrying a password must not repeat it.
  it('does not echo the password of an endpoint with userinfo', () => {
    const problems = problemsOf({
      ...BASE,
      endpoint: 'https://user:hunter2pw@pipeline.example.com'
    })
    expect(problems).toEqual([expect.stringContaining('"endpoint"')])
    expect(problems.join('\n')).not.toContain('hunter2pw')
  })
})

describe('readSettings validation', () => {
  it.each([
    ['pipeline-id', ''],
    ['pipeline-id', 'has space'],
    ['pipeline-id', '../etc'],
    ['pipeline-id', 'x'.repeat(129)],
    ['build-id', 'a/b'],
    ['build-id', '1?x=2'],
    ['timeout', 'soon'],
    ['timeout', '0'],
    ['timeout', '-5'],
    ['timeout', '8d'],
    ['poll-interval', '0s'],
    ['poll-interval', '99ms'],
    ['poll-interval', '0.05'],
    ['poll-interval', '10 sec'],
    ['summary', 'yes'],
    ['summary', '1']
  ])('reports %s = %j by name', (name, value) => {
    const problems = problemsOf({ ...BASE, [name]: value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(`"${name}"`)
  })

  it('accepts ids of letters, digits, "-" and "_" up to 128 characters', () => {
    const id = `Ab-_9${'x'.repeat(123)}`
    const settings = settingsOf(source({ ...BASE, 'pipeline-id': id, 'build-id': id }))
    expect(settings.pipelineId).toBe(id)
    expect(settings.buildId).toBe(id)
  })

  it('reports all of several bad field inputs at once', () => {
    const problems = problemsOf({
      'pipeline-id': '',
      token: TOKEN,
      region: 'cn-north-4',
      'build-id': 'a b',
      timeout: 'x',
      'poll-interval': 'y',
      summary: 'z'
    })
    const named = ['pipeline-id', 'build-id', 'timeout', 'poll-interval', 'summary']
    expect(problems).toHaveLength(named.length)
    for (const name of named) {
      expect(problems.some(p => p.includes(`"${name}"`))).toBe(true)
    }
  })

  it('joins the problems into the error message, one per line', () => {
    let error: InputError | undefined
    try {
      settingsOf(source({ ...BASE, timeout: 'x', summary: 'z' }))
    } catch (e) {
      error = e as InputError
    }
    expect(error?.name).toBe('InputError')
    expect(error?.message.split('\n')).toEqual(error?.problems)
  })

  // Every bad input is reported at once, not the first few.
  it('reports a bad region together with another bad input', () => {
    const problems = problemsOf({ ...BASE, 'pipeline-id': 'bad id', region: 'xx-nowhere-9' })
    expect(problems.some(p => p.includes('"pipeline-id"'))).toBe(true)
    expect(problems.some(p => p.includes('"region"'))).toBe(true)
  })

  it('reports a bad endpoint together with another bad input', () => {
    const problems = problemsOf({ ...BASE, timeout: 'x', endpoint: 'http://example.com' })
    expect(problems.some(p => p.includes('"timeout"'))).toBe(true)
    expect(problems.some(p => p.includes('"endpoint"'))).toBe(true)
  })
})

const AK = 'AKINPUT0123456789'
const SK = 'SKINPUTsecret0123456789'
const ST = 'STINPUTtemporary0123'
const USER = 'deploy-bot'
const PASSWORD = 'Pa55-word!'
const DOMAIN = 'acme-corp'
const ENV_AK = 'AKENV0123456789'
const ENV_SK = 'SKENVsecret0123456789'
const ENV_ST = 'STENVtemporary0123'
const CREDENTIAL_INPUTS = [
  'token',
  'access-key',
  'secret-key',
  'security-token',
  'iam-username',
  'iam-password',
  'iam-domain'
]
const ENV_CREDENTIALS = {
  HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK,
  HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK,
  HUAWEI_CLOUD_SECURITY_TOKEN: ENV_ST
}
const NO_TOKEN = { 'pipeline-id': 'pipe_1', region: 'cn-north-4' }

/** A source whose every method is a jest mock, to see what was read how. */
function spiedSource(inputs: Record<string, string>, secretEnv: Record<string, string> = {}) {
  const get = jest.fn((name: string) => inputs[name] ?? '')
  const getSecret = jest.fn((name: string) => inputs[name] ?? '')
  const getSecretEnv = jest.fn((name: string) => secretEnv[name] ?? '')
  return { source: { get, getSecret, getSecretEnv, env: {} }, get, getSecret, getSecretEnv }
}

function inputErrorOf(input: InputSource): InputError {
  try {
    readSettings(input)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('readSettings accepted the inputs')
}

describe('readSettings credentials', () => {
  it('reads every credential input with getSecret and none with get', () => {
    const spied = spiedSource({
      ...NO_TOKEN,
      token: TOKEN,
      'access-key': AK,
      'secret-key': SK,
      'security-token': ST,
      'iam-username': USER,
      'iam-password': PASSWORD,
      'iam-domain': DOMAIN
    })
    const { settings } = readSettings(spied.source)
    expect(settings.credentials).toEqual({ method: 'token', token: TOKEN })
    for (const name of CREDENTIAL_INPUTS) {
      expect(spied.getSecret).toHaveBeenCalledWith(name)
      expect(spied.get).not.toHaveBeenCalledWith(name)
    }
    // Nothing else is read as a secret (so nothing else is masked).
    expect(spied.getSecret.mock.calls.map(([name]) => name).sort()).toEqual(
      [...CREDENTIAL_INPUTS].sort()
    )
  })

  it('reads every credential input before any other input', () => {
    const order: string[] = []
    readSettings({
      get: name => {
        order.push(`get:${name}`)
        return (BASE as Record<string, string>)[name] ?? ''
      },
      getSecret: name => {
        order.push(`secret:${name}`)
        return (BASE as Record<string, string>)[name] ?? ''
      },
      getSecretEnv: () => '',
      env: {}
    })
    const lastSecret = Math.max(...CREDENTIAL_INPUTS.map(n => order.indexOf(`secret:${n}`)))
    const firstGet = order.findIndex(entry => entry.startsWith('get:'))
    expect(lastSecret).toBeLessThan(firstGet)
  })

  it.each([
    ['the access keys', { 'access-key': AK, 'secret-key': SK }],
    ['the IAM password', { 'iam-username': USER, 'iam-password': PASSWORD, 'iam-domain': DOMAIN }],
    ['the token', { token: TOKEN }],
    ['half a key pair', { 'access-key': AK }],
    ['a lone security token', { 'security-token': ST }]
  ])('does not read the environment credentials when %s are given', (_what, credentials) => {
    const spied = spiedSource({ ...NO_TOKEN, ...credentials }, ENV_CREDENTIALS)
    try {
      readSettings(spied.source)
    } catch {
      // Half pairs are refused; what matters here is what was read.
    }
    expect(spied.getSecretEnv).not.toHaveBeenCalled()
  })

  it('reads the environment credentials with getSecretEnv when no credential input is given', () => {
    const spied = spiedSource(NO_TOKEN, {
      HUAWEI_CLOUD_ACCESS_KEY_ID: ` ${ENV_AK} `,
      HUAWEI_CLOUD_SECRET_ACCESS_KEY: `${ENV_SK}\n`,
      HUAWEI_CLOUD_SECURITY_TOKEN: ENV_ST
    })
    const { settings, notes } = readSettings(spied.source)
    expect(settings.credentials).toEqual({
      method: 'access-keys',
      from: 'environment',
      accessKey: ENV_AK,
      secretKey: ENV_SK,
      securityToken: ENV_ST
    })
    expect(notes).toEqual([expect.stringContaining('v3 API, which Huawei is retiring')])
    for (const name of Object.keys(ENV_CREDENTIALS)) {
      expect(spied.getSecretEnv).toHaveBeenCalledWith(name)
    }
  })

  it('takes the environment credentials from getSecretEnv, not from the plain env record', () => {
    const input: InputSource = {
      get: name => (NO_TOKEN as Record<string, string>)[name] ?? '',
      getSecret: () => '',
      getSecretEnv: name =>
        ({ HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK, HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK })[name] ??
        '',
      env: {
        HUAWEI_CLOUD_ACCESS_KEY_ID: 'UNMASKED-AK',
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'UNMASKED-SK'
      }
    }
    expect(settingsOf(input).credentials).toMatchObject({ accessKey: ENV_AK, secretKey: ENV_SK })
  })

  it.each([
    [
      'access keys',
      { 'access-key': ` ${AK}`, 'secret-key': `${SK} `, 'security-token': `\t${ST}\n` },
      { method: 'access-keys', from: 'inputs', accessKey: AK, secretKey: SK, securityToken: ST }
    ],
    [
      'the IAM password login',
      { 'iam-username': ` ${USER}`, 'iam-password': `${PASSWORD}\n`, 'iam-domain': DOMAIN },
      {
        method: 'iam-password',
        username: USER,
        password: PASSWORD,
        domain: DOMAIN,
        iamEndpoint: 'https://iam.cn-north-4.myhuaweicloud.com',
        project: 'cn-north-4'
      }
    ]
  ])('reads %s, trimmed', (_what, credentials, expected) => {
    expect(settingsOf(source({ ...NO_TOKEN, ...credentials })).credentials).toEqual(expected)
  })

  it('scopes the IAM login to the region from HUAWEI_CLOUD_REGION', () => {
    const settings = settingsOf(
      source(
        {
          'pipeline-id': 'p',
          'iam-username': USER,
          'iam-password': PASSWORD,
          'iam-domain': DOMAIN
        },
        { HUAWEI_CLOUD_REGION: 'ap-southeast-3' }
      )
    )
    expect(settings.credentials).toMatchObject({
      iamEndpoint: 'https://iam.ap-southeast-3.myhuaweicloud.com',
      project: 'ap-southeast-3'
    })
  })

  it('takes iam-endpoint with get, as it is not a credential', () => {
    const spied = spiedSource({
      ...NO_TOKEN,
      'iam-username': USER,
      'iam-password': PASSWORD,
      'iam-domain': DOMAIN,
      'iam-endpoint': 'https://iam.example.com/v/'
    })
    expect(readSettings(spied.source).settings.credentials).toMatchObject({
      iamEndpoint: 'https://iam.example.com/v'
    })
    expect(spied.get).toHaveBeenCalledWith('iam-endpoint')
  })

  it('requires a region for IAM password login even with an endpoint', () => {
    const problems = problemsOf({
      'pipeline-id': 'p',
      endpoint: 'https://pipeline.example.com',
      'iam-username': USER,
      'iam-password': PASSWORD,
      'iam-domain': DOMAIN
    })
    expect(problems).toEqual([expect.stringContaining('"region"')])
  })

  it('returns the note on which of several credentials wins', () => {
    const { settings, notes } = readSettings(
      source({ ...BASE, 'access-key': AK, 'secret-key': SK })
    )
    expect(settings.credentials.method).toBe('token')
    expect(notes).toEqual([
      expect.stringContaining('using token'),
      expect.stringContaining('v3 API, which Huawei is retiring')
    ])
    expect(notes.join('\n')).not.toContain(AK)
  })

  it('reports credential problems together with the other bad inputs', () => {
    const problems = problemsOf({
      'pipeline-id': 'bad id',
      region: 'cn-north-4',
      timeout: 'never',
      'access-key': AK,
      'iam-username': USER
    })
    expect(problems).toHaveLength(4)
    expect(problems).toContainEqual(expect.stringContaining('"pipeline-id"'))
    expect(problems).toContainEqual(expect.stringContaining('"timeout"'))
    expect(problems).toContainEqual(expect.stringContaining('"secret-key" is required'))
    expect(problems).toContainEqual(expect.stringContaining('"iam-password" and "iam-domain"'))
  })

  it('reports missing credentials together with the other bad inputs', () => {
    const problems = problemsOf({ 'pipeline-id': 'pipe_1', region: 'cn-north-4', summary: 'z' })
    expect(problems).toHaveLength(2)
    expect(problems).toContainEqual(expect.stringContaining('"summary"'))
    expect(problems).toContainEqual(expect.stringContaining('No credentials'))
  })

  it('reports a bad region and the IAM login it breaks together', () => {
    const problems = problemsOf({
      'pipeline-id': 'p',
      'iam-username': USER,
      'iam-password': PASSWORD,
      'iam-domain': DOMAIN,
      'iam-endpoint': 'http://iam.example.com'
    })
    expect(problems).toContainEqual(expect.stringContaining('Input "region" is required'))
    expect(problems).toContainEqual(expect.stringContaining('IAM password login'))
  })

  it('does not echo a refused iam-endpoint', () => {
    const problems = problemsOf({
      ...NO_TOKEN,
      'iam-username': USER,
      'iam-password': PASSWORD,
      'iam-domain': DOMAIN,
      'iam-endpoint': 'https://user:hunter2pw@iam.example.com'
    })
    expect(problems).toEqual([expect.stringContaining('"iam-endpoint"')])
    expect(problems.join('\n')).not.toContain('hunter2pw')
  })

  it('keeps every credential value out of every message', () => {
    const values = {
      token: 'tok SECRET-TOKEN',
      'access-key': 'SECRET-AK é',
      'secret-key': 'SECRET-SK',
      'security-token': 'SECRET-ST\n',
      'iam-username': 'SECRET-USER',
      'iam-password': 'SECRET-PASSWORD',
      'iam-endpoint': 'https://SECRET-USER:SECRET-PASSWORD@iam.example.com'
    }
    const error = inputErrorOf(
      source({ 'pipeline-id': 'bad id', timeout: 'x', summary: 'z', region: '', ...values })
    )
    expect(error.problems.length).toBeGreaterThanOrEqual(6)
    for (const text of [error.message, String(error.stack)]) {
      expect(text).not.toMatch(/SECRET-/)
    }
  })

  it('keeps environment credentials out of every message', () => {
    const error = inputErrorOf(
      source(
        { 'pipeline-id': 'p', region: 'cn-north-4', timeout: 'x' },
        {
          HUAWEI_CLOUD_ACCESS_KEY_ID: 'SECRET-AK with space',
          HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SECRET-SK'
        }
      )
    )
    expect(error.problems).toHaveLength(2)
    expect(error.problems).toContainEqual(
      expect.stringContaining('HUAWEI_CLOUD_ACCESS_KEY_ID accepts visible ASCII')
    )
    expect(error.message).not.toMatch(/SECRET-/)
  })
})

describe('readSettings problem texts and order', () => {
  it('lists combination problems, then bad inputs in input order, then credential problems', () => {
    const problems = problemsOf(
      {
        'pipeline-id': '',
        'api-version': 'v5',
        'build-id': 'a b',
        start: 'TRUE',
        parameters: 'A=1\nnope',
        summary: 'maybe',
        timeout: 'soon',
        endpoint: 'https://user:hunter2pw@pipeline.example.com',
        'access-key': AK
      },
      { HUAWEI_CLOUD_REGION: 'Bad Region' }
    )
    expect(problems).toEqual([
      'Input "project-id" is required with api-version v5: the CodeArts project id.',
      'Inputs "start" and "build-id" cannot be used together: start a run, or watch the run build-id names.',
      'Input "pipeline-id" is required: letters, digits, "-" and "_" only (at most 128 characters).',
      'Input "region" accepts a region name such as ap-southeast-3 or cn-north-4 (got "Bad Region" from HUAWEI_CLOUD_REGION).',
      'Input "endpoint" must not carry a user name or password; it accepts an https base URL such as https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com (http only for 127.0.0.0/8, ::1 and localhost).',
      'Input "build-id" accepts letters, digits, "-" and "_" only (at most 128 characters) (got "a b").',
      'Input "parameters" line 2 has no "=": each line is NAME=VALUE (blank lines and # comments are skipped).',
      'Input "timeout" accepts a duration from 1ms to 168h: 500ms, 10s, 15m, 1h30m, or a number of seconds such as 0.2 (got "soon").',
      'Input "summary" accepts true or false (got "maybe").',
      'Input "secret-key" is required with "access-key".'
    ])
  })

  it('says the region is required, or names the known regions, without an endpoint', () => {
    expect(problemsOf({ ...BASE, region: '' })).toEqual([
      'Input "region" is required (or the HUAWEI_CLOUD_REGION environment variable, or the endpoint input).'
    ])
    expect(problemsOf({ ...BASE, region: 'xx-nowhere-9' })).toEqual([
      expect.stringMatching(
        /^Input "region" has no known CodeArts endpoint; set the endpoint input, or use one of cn-north-1, .*, eu-west-101 \(got "xx-nowhere-9"\)\.$/
      )
    ])
  })
})
