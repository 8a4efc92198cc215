import { InputError, readSettings, type InputSource } from '../../src/input-helper.js'

const TOKEN = 'MIIT0kenValue.SECRET-abc123'
const SHA = '0123456789abcdef0123456789abcdef01234567'

/** An InputSource backed by a plain object; unnamed inputs read as '' (as @actions/core does). */
function source(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  event?: unknown
): InputSource {
  return {
    get: name => inputs[name] ?? '',
    getSecret: name => inputs[name] ?? '',
    getSecretEnv: name => env[name] ?? '',
    env,
    event
  }
}

/** The InputError readSettings throws for these inputs (fails the test when it does not throw). */
function problemsOf(inputs: Record<string, string>): string[] {
  try {
    readSettings(source(inputs))
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('readSettings accepted the inputs')
}

const V3 = { 'pipeline-id': 'pipe_1', token: TOKEN, region: 'cn-north-4' }
const V5 = { ...V3, 'project-id': 'proj_1' }
const RETIRING = 'v3 API, which Huawei is retiring'

describe('input "ref"', () => {
  it.each([
    ['api-version auto', V5],
    ['api-version v5', { ...V5, 'api-version': 'v5' }]
  ])('is accepted with start: true and project-id, %s', (_, inputs) => {
    const { settings } = readSettings(source({ ...inputs, start: 'true', ref: 'refs/heads/main' }))
    expect(settings.apiVersion).toBe('v5')
    expect(settings.start).toEqual({ parameters: [], ref: { kind: 'branch', name: 'main' } })
  })

  it.each([
    ['refs/heads/feature/x', { kind: 'branch', name: 'feature/x' }],
    ['refs/tags/v1.2.3', { kind: 'tag', name: 'v1.2.3' }],
    ['release/1.x', { kind: 'branch', name: 'release/1.x' }],
    ['  main  ', { kind: 'branch', name: 'main' }]
  ])('reads %j into settings.start.ref', (ref, expected) => {
    const { settings } = readSettings(source({ ...V5, start: 'true', ref }))
    expect(settings.start?.ref).toEqual(expected)
  })

  it('is accepted with start written True', () => {
    const { settings } = readSettings(source({ ...V5, start: 'True', ref: 'main' }))
    expect(settings.start?.ref).toEqual({ kind: 'branch', name: 'main' })
  })

  it('leaves settings.start.ref undefined when not given', () => {
    const { settings } = readSettings(source({ ...V5, start: 'true' }))
    expect(settings.start).toEqual({ parameters: [], ref: undefined })
  })

  it('keeps the parameters beside the ref', () => {
    const { settings } = readSettings(
      source({ ...V5, start: 'true', ref: 'main', parameters: 'A_1=x\nB=y' })
    )
    expect(settings.start).toEqual({
      parameters: [
        { name: 'A_1', value: 'x' },
        { name: 'B', value: 'y' }
      ],
      ref: { kind: 'branch', name: 'main' }
    })
  })

  it.each([
    ['without start', { ...V5 }],
    ['with start: false', { ...V5, start: 'false' }],
    ['on v3 (no project-id)', { ...V3, start: 'true' }],
    ['with api-version v3 and project-id', { ...V5, 'api-version': 'v3', start: 'true' }],
    ['with api-version v3 and no project-id', { ...V3, 'api-version': 'v3', start: 'true' }],
    ['with build-id and without start', { ...V5, 'build-id': '42' }]
  ])('is an input error naming "ref" %s', (_, inputs) => {
    const problems = problemsOf({ ...inputs, ref: 'main' })
    expect(problems).toContainEqual(
      expect.stringContaining('Input "ref" is used only with start: true')
    )
  })

  it('with api-version v5 and no project-id is an error (project-id is required)', () => {
    const problems = problemsOf({ ...V3, 'api-version': 'v5', start: 'true', ref: 'main' })
    expect(problems).toContainEqual(expect.stringContaining('Input "project-id" is required'))
  })

  it.each([
    'my branch',
    'a..b',
    'main~1',
    'main^',
    'a:b',
    'feature/',
    'main.lock',
    '-main',
    'refs/pull/1/merge'
  ])('refuses %j, naming the input and what it accepts', ref => {
    const problems = problemsOf({ ...V5, start: 'true', ref })
    expect(problems).toEqual([
      `Input "ref" accepts refs/heads/NAME, refs/tags/NAME or a branch name (got "${ref}").`
    ])
  })

  it('reports a bad ref and a wrong combination at once', () => {
    const problems = problemsOf({ ...V3, start: 'true', ref: 'a b' })
    expect(problems).toHaveLength(2)
    expect(problems).toContainEqual(expect.stringContaining('Input "ref" is used only'))
    expect(problems).toContainEqual(expect.stringContaining('Input "ref" accepts'))
  })
})

describe('input "commit"', () => {
  it.each([
    ['a full SHA', SHA, SHA],
    ['an abbreviation of 7', SHA.slice(0, 7), SHA.slice(0, 7)],
    ['upper case, lowered', SHA.toUpperCase(), SHA],
    ['spaces around, trimmed', `  ${SHA.slice(0, 12)} `, SHA.slice(0, 12)]
  ])('accepts %s on v5 without start or build-id', (_, commit, expected) => {
    const { settings } = readSettings(source({ ...V5, commit }))
    expect(settings.commit).toBe(expected)
    expect(settings.start).toBeUndefined()
    expect(settings.buildId).toBeUndefined()
  })

  it('is accepted with api-version v5 and start: false', () => {
    const { settings } = readSettings(
      source({ ...V5, 'api-version': 'v5', start: 'false', commit: SHA })
    )
    expect(settings.commit).toBe(SHA)
  })

  it('is undefined when not given', () => {
    expect(readSettings(source(V5)).settings.commit).toBeUndefined()
  })

  it.each([
    ['with start: true', { ...V5, start: 'true' }],
    ['with build-id', { ...V5, 'build-id': '42' }],
    ['on v3 (no project-id)', V3],
    ['with api-version v3', { ...V5, 'api-version': 'v3' }]
  ])('is an input error naming "commit" %s', (_, inputs) => {
    const problems = problemsOf({ ...inputs, commit: SHA })
    expect(problems).toContainEqual(
      expect.stringContaining('Input "commit" is used only to watch a run on the v5 API')
    )
  })

  it.each([
    ['6 digits', SHA.slice(0, 6)],
    ['41 digits', `${SHA}0`],
    ['a non-hex digit', `${SHA.slice(0, 39)}g`],
    ['a branch name', 'main'],
    ['an inner space', 'abcdef1 234567'],
    ['a 0x prefix', '0xabcdef1']
  ])('refuses %s, naming the input and what it accepts', (_, commit) => {
    expect(problemsOf({ ...V5, commit })).toEqual([
      `Input "commit" accepts a commit SHA: 7 to 40 hexadecimal digits (got "${commit}").`
    ])
  })
})

describe('parameter names on v5', () => {
  it.each(['my-param', 'my.param', 'a-b.c'])('refuses %j, naming it', name => {
    const problems = problemsOf({ ...V5, start: 'true', parameters: `${name}=1\nGOOD_1=2` })
    expect(problems).toEqual([
      `Input "parameters" names "${name}": a v5 parameter name is letters, digits and "_" only.`
    ])
  })

  it('refuses each bad name at once', () => {
    const problems = problemsOf({ ...V5, start: 'true', parameters: 'a-b=1\nc.d=2' })
    expect(problems).toHaveLength(2)
    expect(problems[0]).toContain('"a-b"')
    expect(problems[1]).toContain('"c.d"')
  })

  it('refuses them with api-version v5', () => {
    const problems = problemsOf({ ...V5, 'api-version': 'v5', start: 'true', parameters: 'a-b=1' })
    expect(problems).toEqual([expect.stringContaining('names "a-b"')])
  })

  it('accepts letters, digits and "_"', () => {
    const { settings } = readSettings(
      source({ ...V5, start: 'true', parameters: 'Name_1=x\n_2=y' })
    )
    expect(settings.start?.parameters).toEqual([
      { name: 'Name_1', value: 'x' },
      { name: '_2', value: 'y' }
    ])
  })

  it.each([
    ['no project-id', V3],
    ['api-version v3', { ...V5, 'api-version': 'v3' }]
  ])('are still accepted with "-" and "." on v3 (%s)', (_, inputs) => {
    const { settings } = readSettings(
      source({ ...inputs, start: 'true', parameters: 'my-param=1\nmy.param=2' })
    )
    expect(settings.apiVersion).toBe('v3')
    expect(settings.start?.parameters).toEqual([
      { name: 'my-param', value: '1' },
      { name: 'my.param', value: '2' }
    ])
  })
})

describe('the v3 retirement note', () => {
  it('is given with api-version auto and no project-id', () => {
    expect(readSettings(source(V3)).notes).toContainEqual(expect.stringContaining(RETIRING))
    expect(readSettings(source({ ...V3, 'api-version': 'auto' })).notes).toContainEqual(
      expect.stringContaining(RETIRING)
    )
  })

  it.each([
    ['with project-id', V5],
    ['with api-version v3', { ...V3, 'api-version': 'v3' }],
    ['with api-version v3 and project-id', { ...V5, 'api-version': 'v3' }],
    ['with api-version v5', { ...V5, 'api-version': 'v5' }]
  ])('is not given %s', (_, inputs) => {
    const { notes } = readSettings(source(inputs))
    expect(notes).not.toContainEqual(expect.stringContaining(RETIRING))
  })
})

describe('settings.workflow', () => {
  const ENV = {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo/repo',
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '2'
  }

  it('is read from the environment for a push', () => {
    const { settings } = readSettings(
      source(
        V5,
        { ...ENV, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA },
        { ref: 'refs/heads/main' }
      )
    )
    expect(settings.workflow).toEqual({
      repositoryUrl: 'https://github.com/octo/repo',
      repository: 'octo/repo',
      ref: { kind: 'branch', name: 'main' },
      refText: 'refs/heads/main',
      commit: SHA,
      forkOf: undefined,
      runUrl: 'https://github.com/octo/repo/actions/runs/77',
      runAttempt: '2'
    })
  })

  it("is read from the environment and the event for a pull request: the head's branch and commit", () => {
    const head = 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd'
    const { settings } = readSettings(
      source(
        V5,
        {
          ...ENV,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_REF: 'refs/pull/5/merge',
          GITHUB_HEAD_REF: 'feature/x',
          GITHUB_SHA: SHA
        },
        { pull_request: { head: { sha: head, repo: { full_name: 'someone/repo' } } } }
      )
    )
    expect(settings.workflow).toMatchObject({
      ref: { kind: 'branch', name: 'feature/x' },
      commit: head,
      forkOf: 'someone/repo'
    })
  })

  it('knows nothing without GITHUB_* variables', () => {
    const { settings } = readSettings(source(V5))
    expect(settings.workflow).toMatchObject({
      repositoryUrl: undefined,
      ref: undefined,
      commit: undefined,
      runUrl: undefined
    })
  })
})
