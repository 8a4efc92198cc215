import { isWorkflowRepository, workflowOf, type Workflow } from '../../src/workflow.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const MERGE_SHA = 'fedcba9876543210fedcba9876543210fedcba98'
const HEAD_SHA = 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd'

const BASE_ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/repo',
  GITHUB_RUN_ID: '123456',
  GITHUB_RUN_ATTEMPT: '1'
}

function pullRequestEvent(sha: unknown, fullName: unknown = 'octo/repo'): unknown {
  return {
    pull_request: { number: 7, head: { sha, ref: 'feature/x', repo: { full_name: fullName } } }
  }
}

describe('workflowOf', () => {
  it('reads a push to a branch: its branch and GITHUB_SHA', () => {
    const workflow = workflowOf(
      {
        ...BASE_ENV,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: SHA
      },
      { ref: 'refs/heads/main', after: SHA }
    )
    expect(workflow).toEqual<Workflow>({
      repositoryUrl: 'https://github.com/octo/repo',
      repository: 'octo/repo',
      ref: { kind: 'branch', name: 'main' },
      refText: 'refs/heads/main',
      commit: SHA,
      forkOf: undefined,
      runUrl: 'https://github.com/octo/repo/actions/runs/123456',
      runAttempt: '1'
    })
  })

  it('reads a push to a branch with slashes in its name', () => {
    const workflow = workflowOf(
      {
        ...BASE_ENV,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/feature/x',
        GITHUB_SHA: SHA
      },
      undefined
    )
    expect(workflow.ref).toEqual({ kind: 'branch', name: 'feature/x' })
    expect(workflow.commit).toBe(SHA)
  })

  it('reads a tag push as a tag', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: SHA },
      undefined
    )
    expect(workflow.ref).toEqual({ kind: 'tag', name: 'v1.2.3' })
    expect(workflow.refText).toBe('refs/tags/v1.2.3')
    expect(workflow.commit).toBe(SHA)
  })

  it('reads a push without an event payload from the environment alone', () => {
    const workflow = workflowOf(
      {
        ...BASE_ENV,
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        GITHUB_REF: 'refs/heads/dev',
        GITHUB_SHA: SHA
      },
      undefined
    )
    expect(workflow.ref).toEqual({ kind: 'branch', name: 'dev' })
    expect(workflow.commit).toBe(SHA)
  })

  it.each(['pull_request', 'pull_request_target'])(
    'reads a %s event: the head branch and the head commit, not the merge commit',
    event => {
      const workflow = workflowOf(
        {
          ...BASE_ENV,
          GITHUB_EVENT_NAME: event,
          GITHUB_REF: 'refs/pull/7/merge',
          GITHUB_HEAD_REF: 'feature/x',
          GITHUB_BASE_REF: 'main',
          GITHUB_SHA: MERGE_SHA
        },
        pullRequestEvent(HEAD_SHA)
      )
      expect(workflow.ref).toEqual({ kind: 'branch', name: 'feature/x' })
      expect(workflow.refText).toBe('feature/x')
      expect(workflow.commit).toBe(HEAD_SHA)
      expect(workflow.forkOf).toBeUndefined()
    }
  )

  it.each([
    ['no payload', undefined],
    ['a null payload', null],
    ['a payload without pull_request', { action: 'opened' }],
    ['a pull_request without head', { pull_request: { number: 7 } }],
    ['a head sha that is not a string', pullRequestEvent(42)],
    ['a string payload', 'not an object']
  ])(
    'leaves the commit of a pull request undefined with %s (never the merge commit)',
    (_, event) => {
      const workflow = workflowOf(
        {
          ...BASE_ENV,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_REF: 'refs/pull/7/merge',
          GITHUB_HEAD_REF: 'feature/x',
          GITHUB_SHA: MERGE_SHA
        },
        event
      )
      expect(workflow.commit).toBeUndefined()
      expect(workflow.ref).toEqual({ kind: 'branch', name: 'feature/x' })
      expect(workflow.forkOf).toBeUndefined()
    }
  )

  it('leaves the ref of a pull request undefined without GITHUB_HEAD_REF (never refs/pull/N/merge)', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' },
      pullRequestEvent(HEAD_SHA)
    )
    expect(workflow.ref).toBeUndefined()
    expect(workflow.refText).toBeUndefined()
  })

  it('keeps the text of a ref that is not a branch or tag', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'pull_request_review', GITHUB_REF: 'refs/pull/7/merge' },
      undefined
    )
    expect(workflow.ref).toBeUndefined()
    expect(workflow.refText).toBe('refs/pull/7/merge')
  })

  it('names the fork a pull request comes from', () => {
    const workflow = workflowOf(
      {
        ...BASE_ENV,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_HEAD_REF: 'main',
        GITHUB_SHA: MERGE_SHA
      },
      pullRequestEvent(HEAD_SHA, 'someone/repo')
    )
    expect(workflow.forkOf).toBe('someone/repo')
    expect(workflow.commit).toBe(HEAD_SHA)
  })

  it('compares the head repository with this one ignoring case', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'feature/x' },
      pullRequestEvent(HEAD_SHA, 'Octo/Repo')
    )
    expect(workflow.forkOf).toBeUndefined()
  })

  it('names no fork when the head repository is not a string', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'feature/x' },
      pullRequestEvent(HEAD_SHA, null)
    )
    expect(workflow.forkOf).toBeUndefined()
  })

  it('names no fork outside a pull request event, whatever the payload says', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA },
      pullRequestEvent(HEAD_SHA, 'someone/repo')
    )
    expect(workflow.forkOf).toBeUndefined()
    expect(workflow.commit).toBe(SHA)
  })

  it('builds the run URL of a GitHub Enterprise Server, trailing slashes dropped', () => {
    const workflow = workflowOf(
      {
        GITHUB_SERVER_URL: 'https://ghes.example.com/',
        GITHUB_REPOSITORY: 'team/app',
        GITHUB_RUN_ID: '99',
        GITHUB_RUN_ATTEMPT: '3',
        GITHUB_REF: 'refs/heads/main'
      },
      undefined
    )
    expect(workflow.repositoryUrl).toBe('https://ghes.example.com/team/app')
    expect(workflow.runUrl).toBe('https://ghes.example.com/team/app/actions/runs/99')
    expect(workflow.runAttempt).toBe('3')
  })

  it('drops several trailing slashes of the server URL', () => {
    const workflow = workflowOf(
      { ...BASE_ENV, GITHUB_SERVER_URL: 'https://github.com//' },
      undefined
    )
    expect(workflow.runUrl).toBe('https://github.com/octo/repo/actions/runs/123456')
  })

  it('has no run URL without a run id, and no repository URL without a server or repository', () => {
    expect(workflowOf({ ...BASE_ENV, GITHUB_RUN_ID: '' }, undefined).runUrl).toBeUndefined()
    const noServer = workflowOf({ ...BASE_ENV, GITHUB_SERVER_URL: undefined }, undefined)
    expect(noServer.repositoryUrl).toBeUndefined()
    expect(noServer.runUrl).toBeUndefined()
    const noRepository = workflowOf({ ...BASE_ENV, GITHUB_REPOSITORY: '' }, undefined)
    expect(noRepository.repository).toBeUndefined()
    expect(noRepository.repositoryUrl).toBeUndefined()
    expect(noRepository.runUrl).toBeUndefined()
  })

  it('reads an empty environment as nothing known', () => {
    expect(workflowOf({}, undefined)).toEqual<Workflow>({
      repositoryUrl: undefined,
      repository: undefined,
      ref: undefined,
      refText: undefined,
      commit: undefined,
      forkOf: undefined,
      runUrl: undefined,
      runAttempt: undefined
    })
  })
})

describe('isWorkflowRepository', () => {
  const workflow = workflowOf(BASE_ENV, undefined)

  it.each([
    'https://github.com/octo/repo',
    'https://github.com/octo/repo.git',
    'https://github.com/octo/repo/',
    'https://github.com/octo/repo.git/',
    'https://GitHub.com/Octo/Repo.GIT',
    'http://github.com/octo/repo',
    '  https://github.com/octo/repo.git  ',
    'https://user:tok@github.com/octo/repo.git',
    'https://x-access-token@github.com/octo/repo',
    'git@github.com:octo/repo.git',
    'git@github.com:octo/repo',
    'ssh://git@github.com/octo/repo.git',
    'git+ssh://git@github.com/octo/repo.git'
  ])('reads %j as this repository', url => {
    expect(isWorkflowRepository(url, workflow)).toBe(true)
  })

  it.each([
    'https://github.com/octo/other',
    'https://github.com/octo/repo2',
    'https://github.com/other/repo',
    'https://github.com/octo',
    'https://gitlab.com/octo/repo.git',
    'https://ghes.example.com/octo/repo',
    'git@gitlab.com:octo/repo.git',
    'https://codehub.devcloud.cn-north-4.huaweicloud.com/octo/repo.git',
    ''
  ])('reads %j as another repository', url => {
    expect(isWorkflowRepository(url, workflow)).toBe(false)
  })

  it('reads null as not this repository', () => {
    expect(isWorkflowRepository(null, workflow)).toBe(false)
  })

  it('knows no repository when the workflow has none', () => {
    expect(isWorkflowRepository('https://github.com/octo/repo', workflowOf({}, undefined))).toBe(
      false
    )
  })

  it('tells a GitHub Enterprise Server repository from the same name on github.com', () => {
    const ghes = workflowOf(
      { GITHUB_SERVER_URL: 'https://ghes.example.com/', GITHUB_REPOSITORY: 'octo/repo' },
      undefined
    )
    expect(isWorkflowRepository('https://ghes.example.com/octo/repo.git', ghes)).toBe(true)
    expect(isWorkflowRepository('git@ghes.example.com:octo/repo.git', ghes)).toBe(true)
    expect(isWorkflowRepository('https://github.com/octo/repo.git', ghes)).toBe(false)
    expect(isWorkflowRepository('git@github.com:octo/repo.git', ghes)).toBe(false)
  })
})
