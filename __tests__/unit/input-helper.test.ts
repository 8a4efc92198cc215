import { jest } from '@jest/globals'
import { InputError, readSettings, type InputSource } from '../../src/input-helper.js'

const TOKEN = 'MIIT0kenValue.SECRET-abc123'

/** An InputSource backed by a plain object; unnamed inputs read as '' (as @actions/core does). */
function source(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): InputSource {
  return {
    get: name => inputs[name] ?? '',
    getSecret: name => inputs[name] ?? '',
    env
  }
}

const BASE = { 'pipeline-id': 'pipe_1', token: TOKEN, region: 'cn-north-4' }

/** The InputError readSettings throws for these inputs (fails the test when it does not throw). */
function problemsOf(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): string[] {
  try {
    readSettings(source(inputs, env))
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('readSettings accepted the inputs')
}

describe('readSettings defaults', () => {
  it('fills timeout 1h, poll-interval 10s and summary true when those inputs are empty', () => {
    const settings = readSettings(source(BASE))
    expect(settings).toEqual({
      pipelineId: 'pipe_1',
      endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
      region: 'cn-north-4',
      token: TOKEN,
      buildId: undefined,
      timeoutMs: 3_600_000,
      pollIntervalMs: 10_000,
      summary: true
    })
  })

  it('reads the given values, trimmed', () => {
    const settings = readSettings(
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
    expect(readSettings(source({ ...BASE, summary: value })).summary).toBe(true)
  })

  it.each(['false', 'False'])('reads summary %s as false', value => {
    expect(readSettings(source({ ...BASE, summary: value })).summary).toBe(false)
  })

  it('accepts the longest timeout (a week) and rejects anything longer', () => {
    expect(readSettings(source({ ...BASE, timeout: '168h' })).timeoutMs).toBe(168 * 3_600_000)
    expect(problemsOf({ ...BASE, timeout: '168h1s' })).toEqual([
      expect.stringContaining('"timeout"')
    ])
  })
})

describe('readSettings token', () => {
  it('reads the token with getSecret and never with get', () => {
    const get = jest.fn((name: string) => (BASE as Record<string, string>)[name] ?? '')
    const getSecret = jest.fn((name: string) => (name === 'token' ? TOKEN : ''))
    const settings = readSettings({ get, getSecret, env: {} })
    expect(settings.token).toBe(TOKEN)
    expect(getSecret).toHaveBeenCalledWith('token')
    expect(get).not.toHaveBeenCalledWith('token')
    expect(get).toHaveBeenCalledWith('pipeline-id')
  })

  it('requires a token', () => {
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
      readSettings(source({ ...BASE, token }))
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
        readSettings(
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
    expect(readSettings(source({ ...BASE, token: `  ${TOKEN}\n` })).token).toBe(TOKEN)
  })
})

describe('readSettings region and endpoint', () => {
  it('takes the region from HUAWEI_CLOUD_REGION when the input is empty', () => {
    const settings = readSettings(
      source({ ...BASE, region: '' }, { HUAWEI_CLOUD_REGION: ' ap-southeast-3 ' })
    )
    expect(settings.region).toBe('ap-southeast-3')
    expect(settings.endpoint).toBe('https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com')
  })

  it('prefers the region input over HUAWEI_CLOUD_REGION', () => {
    const settings = readSettings(source(BASE, { HUAWEI_CLOUD_REGION: 'tr-west-1' }))
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
    expect(readSettings(source({ ...BASE, region })).endpoint).toBe(endpoint)
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
    const settings = readSettings(
      source({ ...BASE, region: 'xx-nowhere-9', endpoint: 'https://pipeline.example.com/' })
    )
    expect(settings.endpoint).toBe('https://pipeline.example.com')
    expect(settings.region).toBe('xx-nowhere-9')
  })

  it('uses an endpoint override without any region', () => {
    const settings = readSettings(
      source({ ...BASE, region: '', endpoint: 'https://pipeline.example.com/api//' })
    )
    expect(settings.endpoint).toBe('https://pipeline.example.com/api')
    expect(settings.region).toBeUndefined()
  })

  it('prefers the endpoint override over the region table', () => {
    const settings = readSettings(source({ ...BASE, endpoint: 'https://private.example.com' }))
    expect(settings.endpoint).toBe('https://private.example.com')
  })

  it.each([
    'http://127.0.0.1:8080',
    'http://127.255.3.4',
    'http://[::1]:9000',
    'http://localhost:3000',
    'http://LOCALHOST'
  ])('accepts plain http on loopback: %s', endpoint => {
    expect(readSettings(source({ ...BASE, endpoint })).endpoint).toMatch(/^http:\/\//)
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
    const settings = readSettings(source({ ...BASE, 'pipeline-id': id, 'build-id': id }))
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
      readSettings(source({ ...BASE, timeout: 'x', summary: 'z' }))
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
