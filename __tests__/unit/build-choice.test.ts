import { chooseBuild, type BuildChoice } from '../../src/build-choice.js'
import type { CodeSource } from '../../src/codearts/v5-sources.js'
import type { GitRef } from '../../src/git-ref.js'
import { workflowOf, type Workflow } from '../../src/workflow.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

function source(gitUrl: string | null, more: Partial<CodeSource> = {}): CodeSource {
  return {
    gitType: 'github',
    gitUrl,
    webUrl: null,
    repoName: null,
    defaultBranch: 'main',
    alias: null,
    codehubId: null,
    endpointId: null,
    ...more
  }
}

const OWN = source('https://github.com/octo/repo.git', { alias: 'own' })
const LIB = source('https://codehub.example.com/g/lib.git', { alias: 'lib' })
const TOOLS = source('https://github.com/octo/tools.git', { repoName: 'tools' })

const ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/repo',
  GITHUB_RUN_ID: '1'
}

/** A push to `ref` of octo/repo. */
function pushTo(ref: string): Workflow {
  return workflowOf({ ...ENV, GITHUB_EVENT_NAME: 'push', GITHUB_REF: ref, GITHUB_SHA: SHA }, {})
}

const ON_MAIN = pushTo('refs/heads/main')
const RELEASE: GitRef = { kind: 'branch', name: 'release/1.x' }
const TAG: GitRef = { kind: 'tag', name: 'v2.0' }

function problemOf(choice: BuildChoice): string {
  if (choice.kind !== 'problem') throw new Error(`not a problem: ${JSON.stringify(choice)}`)
  return choice.message
}

describe('chooseBuild with input "ref"', () => {
  it("builds the ref on the pipeline's source that is this repository", () => {
    expect(chooseBuild([LIB, OWN], RELEASE, ON_MAIN)).toEqual<BuildChoice>({
      kind: 'ref',
      source: OWN,
      ref: RELEASE,
      own: false
    })
  })

  it("builds the ref on the pipeline's only source, though it is another repository", () => {
    expect(chooseBuild([LIB], TAG, ON_MAIN)).toEqual<BuildChoice>({
      kind: 'ref',
      source: LIB,
      ref: TAG,
      own: false
    })
  })

  it('builds the ref on the only source when the workflow knows no repository', () => {
    expect(chooseBuild([OWN], RELEASE, workflowOf({}, undefined))).toEqual<BuildChoice>({
      kind: 'ref',
      source: OWN,
      ref: RELEASE,
      own: false
    })
  })

  it('is a problem naming the sources when there are several and none is this repository', () => {
    const message = problemOf(chooseBuild([LIB, TOOLS], RELEASE, ON_MAIN))
    expect(message).toContain('input "ref"')
    expect(message).toContain('https://github.com/octo/repo')
    expect(message).toContain('lib')
    expect(message).toContain('tools')
    expect(message).toContain('has 2')
  })

  it('names a source by alias, else repository name, else URL', () => {
    const unnamed = source('https://example.com/x.git')
    const nothing = source(null)
    const message = problemOf(chooseBuild([LIB, TOOLS, unnamed, nothing], RELEASE, ON_MAIN))
    expect(message).toContain('lib, tools, https://example.com/x.git, (unnamed)')
  })

  it('is a problem when the pipeline has no code source', () => {
    const message = problemOf(chooseBuild([], RELEASE, ON_MAIN))
    expect(message).toContain('no code source')
    expect(message).toContain('release/1.x')
  })

  it('builds the given ref for a pull request from a fork', () => {
    const fork = workflowOf(
      { ...ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'patch-1' },
      { pull_request: { head: { sha: SHA, repo: { full_name: 'someone/repo' } } } }
    )
    expect(chooseBuild([OWN], RELEASE, fork)).toEqual<BuildChoice>({
      kind: 'ref',
      source: OWN,
      ref: RELEASE,
      own: false
    })
  })

  it("builds the given ref when the workflow's own ref is not a branch or tag", () => {
    const choice = chooseBuild([OWN], TAG, pushTo('refs/pull/3/merge'))
    expect(choice).toEqual<BuildChoice>({ kind: 'ref', source: OWN, ref: TAG, own: false })
  })

  it('is a problem when the chosen source has no git_type', () => {
    const message = problemOf(chooseBuild([{ ...LIB, gitType: null }], RELEASE, ON_MAIN))
    expect(message).toContain('lib')
    expect(message).toContain('git_type')
    expect(message).toContain('branch release/1.x')
  })

  it('is a problem when the chosen source has no git_url', () => {
    const message = problemOf(chooseBuild([source(null, { alias: 'bare' })], TAG, ON_MAIN))
    expect(message).toContain('bare')
    expect(message).toContain('git_url')
    expect(message).toContain('tag v2.0')
  })

  it('is a problem when two sources are this repository', () => {
    const twin = source('git@github.com:octo/repo.git', { alias: 'twin' })
    const message = problemOf(chooseBuild([OWN, twin], RELEASE, ON_MAIN))
    expect(message).toContain('2 code sources')
    expect(message).toContain('own')
    expect(message).toContain('twin')
  })
})

describe('chooseBuild without input "ref"', () => {
  it("builds the workflow's branch on the source that is this repository", () => {
    expect(chooseBuild([LIB, OWN], undefined, ON_MAIN)).toEqual<BuildChoice>({
      kind: 'ref',
      source: OWN,
      ref: { kind: 'branch', name: 'main' },
      own: true
    })
  })

  it("builds the workflow's tag", () => {
    expect(chooseBuild([OWN], undefined, pushTo('refs/tags/v1'))).toEqual<BuildChoice>({
      kind: 'ref',
      source: OWN,
      ref: { kind: 'tag', name: 'v1' },
      own: true
    })
  })

  it("builds a pull request's head branch from this repository", () => {
    const pullRequest = workflowOf(
      {
        ...ENV,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/3/merge',
        GITHUB_HEAD_REF: 'feature/x'
      },
      { pull_request: { head: { sha: SHA, repo: { full_name: 'octo/repo' } } } }
    )
    expect(chooseBuild([OWN], undefined, pullRequest)).toEqual<BuildChoice>({
      kind: 'ref',
      source: OWN,
      ref: { kind: 'branch', name: 'feature/x' },
      own: true
    })
  })

  it('builds the default branch, naming the sources, when none is this repository', () => {
    const choice = chooseBuild([LIB], undefined, ON_MAIN)
    expect(choice).toEqual({ kind: 'default', reason: expect.stringContaining('lib') })
    const several = chooseBuild([LIB, TOOLS], undefined, ON_MAIN)
    expect(several.kind).toBe('default')
    expect(several.kind === 'default' && several.reason).toContain('not this repository')
    expect(several.kind === 'default' && several.reason).toContain('lib, tools')
  })

  it('builds the default branch when the pipeline has no code source', () => {
    expect(chooseBuild([], undefined, ON_MAIN)).toEqual<BuildChoice>({
      kind: 'default',
      reason: 'the pipeline has no code source'
    })
  })

  it('builds the default branch when the workflow knows no repository', () => {
    expect(chooseBuild([OWN], undefined, workflowOf({}, undefined)).kind).toBe('default')
  })

  it('is a problem when two sources are this repository', () => {
    const twin = source('https://GITHUB.com/octo/repo/', { alias: 'twin' })
    const message = problemOf(chooseBuild([OWN, LIB, twin], undefined, ON_MAIN))
    expect(message).toContain('2 code sources')
    expect(message).toContain('own, twin')
    expect(message).not.toContain('lib')
  })

  it('is a problem, naming the fork and input "ref", for a pull request from a fork', () => {
    const fork = workflowOf(
      { ...ENV, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_HEAD_REF: 'patch-1' },
      { pull_request: { head: { sha: SHA, repo: { full_name: 'someone/repo' } } } }
    )
    const message = problemOf(chooseBuild([OWN], undefined, fork))
    expect(message).toContain('fork')
    expect(message).toContain('someone/repo')
    expect(message).toContain('input "ref"')
  })

  it('builds the default branch for a fork pull request when no source is this repository', () => {
    const fork = workflowOf(
      { ...ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'patch-1' },
      { pull_request: { head: { sha: SHA, repo: { full_name: 'someone/repo' } } } }
    )
    expect(chooseBuild([LIB], undefined, fork).kind).toBe('default')
  })

  it('is a problem, naming the ref and input "ref", when the workflow\'s ref is not a branch or tag', () => {
    const message = problemOf(chooseBuild([OWN], undefined, pushTo('refs/pull/3/merge')))
    expect(message).toContain('refs/pull/3/merge')
    expect(message).toContain('input "ref"')
  })

  it('is a problem when the workflow has no ref at all', () => {
    const message = problemOf(chooseBuild([OWN], undefined, workflowOf(ENV, undefined)))
    expect(message).toContain('(none)')
  })

  it('is a problem when the source that is this repository has no git_type', () => {
    const message = problemOf(chooseBuild([{ ...OWN, gitType: null }], undefined, ON_MAIN))
    expect(message).toContain('git_type')
    expect(message).toContain('branch main')
  })
})
