import fc from 'fast-check'
import {
  chooseCredentials,
  CREDENTIAL_INPUTS,
  describeCredentials,
  secretValues,
  type CredentialChoice,
  type Credentials,
  type CredentialValues
} from '../../src/credentials.js'

const TOKEN = 'MIItokenVALUE-0123456789'
const AK = 'AKEXAMPLE0123456789'
const SK = 'SKexampleSECRET0123456789abcdef'
const ST = 'STStemporaryToken0123456789'
const USER = 'deploy-bot'
const PASSWORD = 'Pa55-word!'
const DOMAIN = 'acme-corp'
const ENV_AK = 'ENVAK0123456789'
const ENV_SK = 'ENVSK0123456789abcdef'
const ENV_ST = 'ENVST0123456789'

const KEYS = { 'access-key': AK, 'secret-key': SK }
const IAM = { 'iam-username': USER, 'iam-password': PASSWORD, 'iam-domain': DOMAIN }
const ENV = { HUAWEI_CLOUD_ACCESS_KEY_ID: ENV_AK, HUAWEI_CLOUD_SECRET_ACCESS_KEY: ENV_SK }

type Inputs = Partial<CredentialValues['inputs']>

const NO_INPUTS: CredentialValues['inputs'] = {
  token: '',
  'access-key': '',
  'secret-key': '',
  'security-token': '',
  'iam-username': '',
  'iam-password': '',
  'iam-domain': '',
  'iam-endpoint': ''
}

/** The choice for these inputs, and the environment variables it read. */
function choose(
  inputs: Inputs,
  env: Record<string, string> = {},
  region = 'cn-north-4'
): { choice: CredentialChoice; envReads: string[] } {
  const envReads: string[] = []
  const choice = chooseCredentials({
    inputs: { ...NO_INPUTS, ...inputs },
    env: name => {
      envReads.push(name)
      return env[name] ?? ''
    },
    region
  })
  return { choice, envReads }
}

function accepted(
  inputs: Inputs,
  env: Record<string, string> = {},
  region = 'cn-north-4'
): { credentials: Credentials; notes: string[] } {
  const { choice } = choose(inputs, env, region)
  if (!choice.credentials) throw new Error(`refused: ${choice.problems.join(' | ')}`)
  return choice
}

function problemsOf(
  inputs: Inputs,
  env: Record<string, string> = {},
  region = 'cn-north-4'
): string[] {
  const { choice } = choose(inputs, env, region)
  if (choice.credentials) throw new Error(`accepted ${choice.credentials.method}`)
  expect(choice.problems.length).toBeGreaterThan(0)
  return choice.problems
}

const TOKEN_CREDENTIALS: Credentials = { method: 'token', token: TOKEN }
const KEY_CREDENTIALS: Credentials = {
  method: 'access-keys',
  from: 'inputs',
  accessKey: AK,
  secretKey: SK,
  securityToken: undefined
}
const IAM_CREDENTIALS: Credentials = {
  method: 'iam-password',
  username: USER,
  password: PASSWORD,
  domain: DOMAIN,
  iamEndpoint: 'https://iam.cn-north-4.myhuaweicloud.com',
  project: 'cn-north-4'
}
const ENV_CREDENTIALS: Credentials = {
  method: 'access-keys',
  from: 'environment',
  accessKey: ENV_AK,
  secretKey: ENV_SK,
  securityToken: undefined
}

describe('chooseCredentials precedence', () => {
  it.each([
    ['the token alone', { token: TOKEN }, TOKEN_CREDENTIALS],
    ['the access keys alone', KEYS, KEY_CREDENTIALS],
    ['the IAM password alone', IAM, IAM_CREDENTIALS]
  ])('uses %s, with no note, without reading the environment', (_what, inputs, expected) => {
    const { choice, envReads } = choose(inputs, ENV)
    expect(choice).toEqual({ credentials: expected, notes: [] })
    expect(envReads).toEqual([])
  })

  it.each([
    ['the token over the access keys', { token: TOKEN, ...KEYS }, TOKEN_CREDENTIALS],
    ['the token over the IAM password', { token: TOKEN, ...IAM }, TOKEN_CREDENTIALS],
    ['the access keys over the IAM password', { ...KEYS, ...IAM }, KEY_CREDENTIALS],
    ['the token over everything', { token: TOKEN, ...KEYS, ...IAM }, TOKEN_CREDENTIALS]
  ])('prefers %s', (_what, inputs, expected) => {
    const { choice, envReads } = choose(inputs, ENV)
    expect(choice.credentials).toEqual(expected)
    expect(envReads).toEqual([])
  })

  it('uses the environment only when no credential input is given', () => {
    const { choice, envReads } = choose({}, ENV)
    expect(choice).toEqual({ credentials: ENV_CREDENTIALS, notes: [] })
    expect(envReads).toEqual(
      expect.arrayContaining(['HUAWEI_CLOUD_ACCESS_KEY_ID', 'HUAWEI_CLOUD_SECRET_ACCESS_KEY'])
    )
  })

  it('takes the security token from the environment when it is set', () => {
    expect(accepted({}, { ...ENV, HUAWEI_CLOUD_SECURITY_TOKEN: ENV_ST }).credentials).toEqual({
      ...ENV_CREDENTIALS,
      securityToken: ENV_ST
    })
  })

  it('takes the security token input with the access keys', () => {
    expect(accepted({ ...KEYS, 'security-token': ST }).credentials).toEqual({
      ...KEY_CREDENTIALS,
      securityToken: ST
    })
  })

  it('does not read the environment when credential inputs have problems', () => {
    const { choice, envReads } = choose({ 'access-key': AK }, ENV)
    expect(choice.credentials).toBeUndefined()
    expect(envReads).toEqual([])
  })
})

describe('chooseCredentials notes', () => {
  it.each([
    [{ token: TOKEN, ...KEYS }, 'token', ['access-key/secret-key']],
    [{ token: TOKEN, ...IAM }, 'token', ['iam-username/iam-password/iam-domain']],
    [{ ...KEYS, ...IAM }, 'access-key/secret-key', ['iam-username/iam-password/iam-domain']],
    [
      { token: TOKEN, ...KEYS, ...IAM },
      'token',
      ['access-key/secret-key', 'iam-username/iam-password/iam-domain']
    ]
  ])('notes which of several credentials wins (%j)', (inputs, winner, ignored) => {
    const { notes } = accepted(inputs)
    expect(notes).toHaveLength(1)
    const [note = ''] = notes
    expect(note).toContain(`using ${winner}`)
    for (const name of ignored) expect(note).toContain(name)
    // The winner is named only as the one in use, not among those ignored.
    expect(note.slice(note.indexOf('ignoring'))).not.toContain(winner)
    for (const value of [TOKEN, AK, SK, USER, PASSWORD, DOMAIN]) expect(note).not.toContain(value)
  })
})

describe('chooseCredentials half pairs and stray inputs', () => {
  it('requires "secret-key" with "access-key"', () => {
    expect(problemsOf({ 'access-key': AK }, ENV)).toEqual([
      'Input "secret-key" is required with "access-key".'
    ])
  })

  it('requires "access-key" with "secret-key"', () => {
    expect(problemsOf({ 'secret-key': SK }, ENV)).toEqual([
      'Input "access-key" is required with "secret-key".'
    ])
  })

  it('reports a half key pair even when the token would win', () => {
    expect(problemsOf({ token: TOKEN, 'secret-key': SK })).toEqual([
      expect.stringContaining('"access-key"')
    ])
  })

  it.each([
    ['alone', { 'security-token': ST }],
    ['with the token', { token: TOKEN, 'security-token': ST }],
    ['with the IAM password', { ...IAM, 'security-token': ST }]
  ])('refuses "security-token" without the access keys (%s)', (_what, inputs) => {
    const problems = problemsOf(inputs, ENV)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"security-token"')
    expect(problems[0]).toContain('"access-key"')
    expect(problems[0]).toContain('"secret-key"')
  })

  it('reports both the half pair and the security token given with half the keys', () => {
    const problems = problemsOf({ 'access-key': AK, 'security-token': ST })
    expect(problems).toHaveLength(2)
    expect(problems.some(p => p.includes('"secret-key" is required'))).toBe(true)
    expect(problems.some(p => p.startsWith('Input "security-token"'))).toBe(true)
  })

  const iamNames = ['iam-username', 'iam-password', 'iam-domain'] as const
  const partial = [
    ['iam-username'],
    ['iam-password'],
    ['iam-domain'],
    ['iam-username', 'iam-password'],
    ['iam-username', 'iam-domain'],
    ['iam-password', 'iam-domain']
  ] as const
  it.each(partial.map(names => [names.join(' + '), names]))(
    'names what is missing when only %s is given',
    (_what, names) => {
      const inputs = Object.fromEntries(names.map(n => [n, IAM[n]]))
      const problems = problemsOf(inputs, ENV)
      expect(problems).toHaveLength(1)
      const [problem = ''] = problems
      const [missingPart = '', givenPart = ''] = problem.split(' required with ')
      for (const name of iamNames) {
        const givenHere = (names as readonly string[]).includes(name)
        expect(missingPart.includes(`"${name}"`)).toBe(!givenHere)
        expect(givenPart.includes(`"${name}"`)).toBe(givenHere)
      }
      for (const value of [USER, PASSWORD, DOMAIN]) expect(problem).not.toContain(value)
    }
  )

  it('words the message for one and for two missing inputs', () => {
    expect(problemsOf({ 'iam-username': USER })).toEqual([
      'Inputs "iam-password" and "iam-domain" are required with "iam-username".'
    ])
    expect(problemsOf({ 'iam-username': USER, 'iam-password': PASSWORD })).toEqual([
      'Input "iam-domain" is required with "iam-username" and "iam-password".'
    ])
  })

  it.each([
    ['alone', {}],
    ['with the token', { token: TOKEN }],
    ['with the access keys', KEYS]
  ])('refuses "iam-endpoint" without an IAM user (%s)', (_what, inputs) => {
    const problems = problemsOf({ ...inputs, 'iam-endpoint': 'https://iam.example.com' })
    expect(problems).toEqual([expect.stringContaining('"iam-endpoint"')])
    expect(problems[0]).toContain('iam-username')
  })

  it.each([
    ['HUAWEI_CLOUD_ACCESS_KEY_ID', 'HUAWEI_CLOUD_SECRET_ACCESS_KEY'],
    ['HUAWEI_CLOUD_SECRET_ACCESS_KEY', 'HUAWEI_CLOUD_ACCESS_KEY_ID']
  ])('refuses an environment with %s but not %s', (have, missing) => {
    const problems = problemsOf({}, { [have]: 'ENVVALUE0123' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(`has ${have} but not ${missing}`)
    expect(problems[0]).not.toContain('ENVVALUE0123')
  })
})

describe('chooseCredentials with no credentials', () => {
  it.each([
    ['an empty environment', {}],
    ['only a security token in the environment', { HUAWEI_CLOUD_SECURITY_TOKEN: ENV_ST }]
  ])('says every way to give credentials (%s)', (_what, env) => {
    const problems = problemsOf({}, env)
    expect(problems).toHaveLength(1)
    const [problem = ''] = problems
    for (const word of [
      '"token"',
      '"access-key"',
      '"secret-key"',
      '"iam-username"',
      'huaweicloud/auth-action',
      'HUAWEI_CLOUD_ACCESS_KEY_ID'
    ]) {
      expect(problem).toContain(word)
    }
  })
})

describe('chooseCredentials IAM password login', () => {
  it('requires a region, naming HUAWEI_CLOUD_REGION too', () => {
    const problems = problemsOf(IAM, {}, '')
    expect(problems).toEqual([expect.stringContaining('"region"')])
    expect(problems[0]).toContain('HUAWEI_CLOUD_REGION')
  })

  it('requires a region even with iam-endpoint, since the token is scoped to it', () => {
    expect(problemsOf({ ...IAM, 'iam-endpoint': 'https://iam.example.com' }, {}, '')).toEqual([
      expect.stringContaining('"region"')
    ])
  })

  it('does not need a region for the other methods', () => {
    expect(accepted({ token: TOKEN }, {}, '').credentials.method).toBe('token')
    expect(accepted(KEYS, {}, '').credentials.method).toBe('access-keys')
    expect(accepted({}, ENV, '').credentials.method).toBe('access-keys')
  })

  it.each(['cn-north-4', 'ap-southeast-3', 'la-south-2'])(
    'logs in at the IAM endpoint of %s, scoped to that project',
    region => {
      expect(accepted(IAM, {}, region).credentials).toMatchObject({
        iamEndpoint: `https://iam.${region}.myhuaweicloud.com`,
        project: region
      })
    }
  )

  it.each([
    ['https://iam.example.com/', 'https://iam.example.com'],
    ['https://iam.example.com/base//', 'https://iam.example.com/base'],
    ['http://127.0.0.1:8443', 'http://127.0.0.1:8443'],
    ['http://localhost:9000/iam', 'http://localhost:9000/iam'],
    ['http://[::1]:8080', 'http://[::1]:8080']
  ])('uses iam-endpoint %s as %s', (text, url) => {
    expect(accepted({ ...IAM, 'iam-endpoint': text }).credentials).toMatchObject({
      iamEndpoint: url,
      project: 'cn-north-4'
    })
  })

  it.each([
    ['plain http off loopback', 'http://iamhost-SECRETPART.example.com', 'must use https'],
    ['a user name and password', 'https://user:SECRETPART@iam.example.com', 'user name'],
    ['a query', 'https://iam.example.com/?k=SECRETPART', 'query'],
    ['no URL at all', 'iam.SECRETPART.example.com', 'not a URL']
  ])('refuses an iam-endpoint with %s without echoing it', (_what, text, why) => {
    const problems = problemsOf({ ...IAM, 'iam-endpoint': text })
    expect(problems).toEqual([expect.stringContaining('"iam-endpoint"')])
    expect(problems[0]).toContain(why)
    expect(problems[0]).not.toContain('SECRETPART')
  })

  it('takes the password as given: it goes in a JSON body, not a header', () => {
    const password = 'pass word é "quoted" \\'
    expect(accepted({ ...IAM, 'iam-password': password }).credentials).toMatchObject({ password })
  })
})

describe('chooseCredentials values a header cannot carry', () => {
  const bad = [
    ['a space', 'abc SECRETPART'],
    ['a tab', 'abc\tSECRETPART'],
    ['a line break', 'abcSECRETPART\r\nX-Evil: 1'],
    ['a letter outside ASCII', 'abcSECRETPARTé'],
    ['a no-break space', 'abc\u00a0SECRETPART'],
    ['a DEL', 'abcSECRETPART\u007f'],
    ['an emoji', 'SECRETPART🙂']
  ] as const
  const where = [
    ['token', (v: string): Inputs => ({ token: v })],
    ['access-key', (v: string): Inputs => ({ ...KEYS, 'access-key': v })],
    ['secret-key', (v: string): Inputs => ({ ...KEYS, 'secret-key': v })],
    ['security-token', (v: string): Inputs => ({ ...KEYS, 'security-token': v })]
  ] as const
  const cases = where.flatMap(([name, inputs]) =>
    bad.map(([what, value]) => [name, what, inputs(value)] as const)
  )

  it.each(cases)('refuses "%s" with %s, without echoing it', (name, _what, inputs) => {
    const problems = problemsOf(inputs)
    expect(problems).toEqual([
      `Input "${name}" accepts visible ASCII characters only (no spaces or line breaks).`
    ])
  })

  it('reports every bad value at once', () => {
    const problems = problemsOf({
      token: 'a b',
      'access-key': 'c d',
      'secret-key': 'e f',
      'security-token': 'g h'
    })
    for (const name of ['token', 'access-key', 'secret-key', 'security-token']) {
      expect(problems).toContainEqual(expect.stringContaining(`Input "${name}"`))
    }
  })

  it.each([
    ['HUAWEI_CLOUD_ACCESS_KEY_ID', { ...ENV, HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK SECRETPART' }],
    [
      'HUAWEI_CLOUD_SECRET_ACCESS_KEY',
      { ...ENV, HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'SKé-SECRETPART' }
    ],
    ['HUAWEI_CLOUD_SECURITY_TOKEN', { ...ENV, HUAWEI_CLOUD_SECURITY_TOKEN: 'ST\nSECRETPART' }]
  ])('refuses the environment variable %s with such a value, without echoing it', (name, env) => {
    const problems = problemsOf({}, env)
    expect(problems).toEqual([expect.stringContaining(`environment variable ${name} accepts`)])
    expect(problems[0]).not.toContain('SECRETPART')
  })
})

describe('secretValues', () => {
  it.each([
    ['the token', TOKEN_CREDENTIALS, [TOKEN]],
    ['access keys', KEY_CREDENTIALS, [AK, SK]],
    ['temporary access keys', { ...KEY_CREDENTIALS, securityToken: ST }, [AK, SK, ST]],
    ['environment keys', ENV_CREDENTIALS, [ENV_AK, ENV_SK]],
    [
      'temporary environment keys',
      { ...ENV_CREDENTIALS, securityToken: ENV_ST },
      [ENV_AK, ENV_SK, ENV_ST]
    ],
    // The names are masked in the log, but not cut out of answers (they could break a JSON body).
    ['the IAM password login', IAM_CREDENTIALS, [PASSWORD]]
  ] as [string, Credentials, string[]][])(
    'lists every value of %s',
    (_what, credentials, values) => {
      expect([...secretValues(credentials)].sort()).toEqual([...values].sort())
    }
  )

  it('lists every credential input that was chosen', () => {
    const { credentials } = accepted({ ...KEYS, 'security-token': ST })
    const values = secretValues(credentials)
    for (const value of [AK, SK, ST]) expect(values).toContain(value)
  })
})

describe('describeCredentials', () => {
  it.each([
    ['the token', TOKEN_CREDENTIALS, ['"token"']],
    ['access keys', KEY_CREDENTIALS, ['"access-key"', '"secret-key"']],
    [
      'temporary access keys',
      { ...KEY_CREDENTIALS, securityToken: ST },
      ['"access-key"', '"security-token"']
    ],
    [
      'environment keys',
      ENV_CREDENTIALS,
      ['HUAWEI_CLOUD_ACCESS_KEY_ID', 'huaweicloud/auth-action']
    ],
    [
      'temporary environment keys',
      { ...ENV_CREDENTIALS, securityToken: ENV_ST },
      ['HUAWEI_CLOUD_SECURITY_TOKEN']
    ],
    ['the IAM password login', IAM_CREDENTIALS, ['"iam-username"', '"iam-password"']]
  ] as [string, Credentials, string[]][])('names %s, and no value', (_what, credentials, words) => {
    const text = describeCredentials(credentials)
    for (const word of words) expect(text).toContain(word)
    for (const value of secretValues(credentials)) expect(text).not.toContain(value)
  })

  it('does not mention a security token that is not there', () => {
    expect(describeCredentials(KEY_CREDENTIALS)).not.toContain('security')
    expect(describeCredentials(ENV_CREDENTIALS)).not.toContain('SECURITY')
  })

  it('never contains a value, whatever the values', () => {
    // A marker no description contains, then any visible ASCII.
    const value = fc.stringMatching(/^[!-~]{0,24}$/).map(s => `Zq9${s}`)
    const credentials: fc.Arbitrary<Credentials> = fc.oneof(
      value.map(token => ({ method: 'token' as const, token })),
      fc.record({
        method: fc.constant('access-keys' as const),
        from: fc.constantFrom('inputs' as const, 'environment' as const),
        accessKey: value,
        secretKey: value,
        securityToken: fc.option(value, { nil: undefined })
      }),
      fc.record({
        method: fc.constant('iam-password' as const),
        username: value,
        password: value,
        domain: value,
        iamEndpoint: fc.constant('https://iam.example.com'),
        project: fc.constant('cn-north-4')
      })
    )
    fc.assert(
      fc.property(credentials, c => {
        const text = describeCredentials(c)
        return secretValues(c).every(v => !text.includes(v))
      })
    )
  })
})

describe('CREDENTIAL_INPUTS', () => {
  it('lists every credential input, in order of precedence', () => {
    expect(CREDENTIAL_INPUTS).toEqual([
      'token',
      'access-key',
      'secret-key',
      'security-token',
      'iam-username',
      'iam-password',
      'iam-domain'
    ])
  })
})
