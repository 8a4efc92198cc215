// End to end for what a v5 run builds and which run is followed: the branch or tag a start asks for
// (the workflow's own, the ref input, or the pipeline's default), the commit the run built (the commit
// output, the summary, the moved-on warning), and the wait for the run of a commit. The bundled
// dist/index.js as a child process, with the runner's GitHub environment, against the fake CodeArts.
import {
  listScript,
  scriptedRun,
  startFakeCodeArts,
  v5Definition,
  v5Detail,
  type FakeCodeArts,
  type FakeOptions,
  type FakeStep,
  type RecordedRequest,
  type Script,
  type V5RunSourceSpec,
  type V5SourceSpec
} from '../support/fake-codearts.js'
import {
  cleanUpGitHubEnv,
  pullRequestEnv,
  pushEnv,
  RUN_ATTEMPT,
  RUN_URL
} from '../support/github-env.js'
import {
  annotations,
  expectNoSecret,
  runAction as runBundle,
  type ActionRun,
  type RunOptions
} from '../support/run-action.js'

const TOKEN = 'tok-7d1e0c9b4a-SOURCES-SECRET'
const PROJECT = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'
const V5_BASE = `/v5/${PROJECT}/api/pipelines/pipe-1`
const V5_DETAIL = `${V5_BASE}/pipeline-runs/detail`
const JSON_TYPE = 'application/json;charset=UTF-8'

// The workflow's commit, another commit (no common prefix with it), a pull request's merge commit.
const SHA = 'c0ffee1234567890abcdef1234567890abcdef12'
const OTHER = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b'
const MERGE = '1111111111222222222233333333334444444444'
const DESCRIPTION = `Started by GitHub Actions: ${RUN_URL} (attempt ${RUN_ATTEMPT})`

/** This repository as a pipeline's GitHub code source. */
const OWN: V5SourceSpec = { gitUrl: 'https://github.com/acme/web.git', gitType: 'github' }
/** Other repositories: the fake's default source, and a library. */
const RELEASE: V5SourceSpec = { gitUrl: 'https://codehub.example.com/team/web-release.git' }
const LIB: V5SourceSpec = { gitUrl: 'https://codehub.example.com/team/lib.git' }

let server: FakeCodeArts | undefined
const runs: ActionRun[] = []
afterEach(async () => {
  const fake = server
  await server?.close()
  server = undefined
  cleanUpGitHubEnv()
  for (const run of runs.splice(0)) expectNoSecret(run, [TOKEN])
  // Every v5 call named the configured project (the fake refuses any other with 403).
  for (const request of fake?.requests ?? []) {
    if (request.path.startsWith('/v5/'))
      expect(request.path.startsWith(`/v5/${PROJECT}/`)).toBe(true)
  }
})

/** The fake, checking the project id; `sources` become its pipeline definition. */
async function serve(
  script: Script,
  options: FakeOptions & { sources?: V5SourceSpec[] } = {}
): Promise<FakeCodeArts> {
  const { sources, ...rest } = options
  server = await startFakeCodeArts(script, {
    projectId: PROJECT,
    ...(sources ? { definition: [{ json: v5Definition({ projectId: PROJECT, sources }) }] } : {}),
    ...rest
  })
  return server
}

/** Runs the bundle; by default as a push to refs/heads/feature/x at SHA. */
async function runAction(
  actionInputs: Record<string, string>,
  env: Record<string, string> = pushEnv('refs/heads/feature/x', SHA),
  options: RunOptions = {}
): Promise<ActionRun> {
  const run = await runBundle(actionInputs, { killAfterMs: 20_000, env, ...options })
  runs.push(run)
  return run
}

function v5Inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    'api-version': 'auto',
    'project-id': PROJECT,
    endpoint: server?.url ?? 'http://127.0.0.1:9',
    token: TOKEN,
    'poll-interval': '0.1',
    timeout: '10',
    ...extra
  }
}

const startInputs = (extra: Record<string, string> = {}) => v5Inputs({ start: 'true', ...extra })

function bodyOf(request: RecordedRequest | undefined): Record<string, unknown> {
  return JSON.parse(request?.body ?? 'null') as Record<string, unknown>
}

/** A run's detail with one stage and job in `status`, built from `sources` when given. */
function detail(runId: string, status: string, sources?: V5RunSourceSpec[]): FakeStep {
  return {
    json: v5Detail({
      runId,
      status,
      sources,
      stages: [{ name: 'Build', status, jobs: [{ name: 'Compile', status }] }]
    })
  }
}

/** Running for one poll, then `end`. */
function lifecycle(runId: string, sources?: V5RunSourceSpec[], end = 'COMPLETED'): FakeStep[] {
  return [detail(runId, 'RUNNING', sources), detail(runId, end, sources)]
}

/** What this repository's source built. */
function ownBuilt(commitId: string, extra: Partial<V5RunSourceSpec> = {}): V5RunSourceSpec {
  return { ...OWN, buildType: 'branch', branch: 'feature/x', commitId, ...extra }
}

/** The params a start must send for `source` (as the fake's definition has it), nulls left out. */
function sentParams(source: V5SourceSpec, buildParams: Record<string, string>) {
  const params = v5Definition({ sources: [source] }).sources[0]!.params
  const named = {
    git_type: params.git_type,
    git_url: params.git_url,
    alias: params.alias,
    codehub_id: params.codehub_id,
    endpoint_id: params.endpoint_id,
    default_branch: params.default_branch
  }
  return {
    ...Object.fromEntries(Object.entries(named).filter(([, value]) => value !== null)),
    build_params: buildParams
  }
}

const branchBuild = (name: string) => ({
  build_type: 'branch',
  target_branch: name,
  event_type: 'Manual'
})
const tagBuild = (name: string) => ({ build_type: 'tag', tag: name, event_type: 'Manual' })

/** The summary's "Built" line of a source: `branch X @ <a href=".../commit/SHA">sha12</a>`. */
const linkedCommit = (sha: string) =>
  `<a href="https://github.com/acme/web/commit/${sha}">${sha.slice(0, 12)}</a>`

const warningsAbout = (run: ActionRun, text: string) =>
  annotations(run, 'warning').filter(line => line.includes(text))

describe('starting a run of the workflow’s own branch or tag', () => {
  it('on a push to a branch: sends that branch of this repository, with the workflow run’s link', async () => {
    const fake = await serve(lifecycle('r-started', [ownBuilt(SHA)]), { sources: [OWN] })
    const run = await runAction(startInputs())
    expect(run.code).toBe(0)
    // The definition is read first, then the one start, then the run is followed.
    expect(fake.requests.map(r => r.route)).toEqual(['definition', 'start', 'status', 'status'])
    const [definition, start] = fake.requests
    expect(definition?.method).toBe('GET')
    expect(definition?.path).toBe(V5_BASE)
    expect(start?.path).toBe(`${V5_BASE}/run`)
    expect(bodyOf(start)).toEqual({
      variables: [],
      description: DESCRIPTION,
      sources: [{ type: 'code', params: sentParams(OWN, branchBuild('feature/x')) }]
    })
    // Spelled out once, so that the helper cannot hide a wrong shape.
    expect(bodyOf(start).sources).toEqual([
      {
        type: 'code',
        params: {
          git_type: 'github',
          git_url: 'https://github.com/acme/web.git',
          endpoint_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
          default_branch: 'main',
          build_params: { build_type: 'branch', target_branch: 'feature/x', event_type: 'Manual' }
        }
      }
    ])
    expect(run.outputs).toMatchObject({
      conclusion: 'success',
      'build-id': 'r-started',
      commit: SHA
    })
    expect(run.stdout).toContain("Building branch feature/x (the workflow's own).")
    expect(annotations(run, 'warning')).toEqual([])
    expect(annotations(run, 'error')).toEqual([])
    expect(run.summary).toContain(`branch feature/x @ ${linkedCommit(SHA)}`)
  })

  it('on a tag push: sends the tag', async () => {
    const built = ownBuilt(SHA, { buildType: 'tag', tag: 'v1.2.0', branch: undefined })
    const fake = await serve(lifecycle('r-started', [built]), { sources: [OWN] })
    const run = await runAction(startInputs(), pushEnv('refs/tags/v1.2.0', SHA))
    expect(run.code).toBe(0)
    expect(fake.calls('start')).toHaveLength(1)
    expect(bodyOf(fake.calls('start')[0]).sources).toEqual([
      { type: 'code', params: sentParams(OWN, tagBuild('v1.2.0')) }
    ])
    expect(run.stdout).toContain("Building tag v1.2.0 (the workflow's own).")
    expect(run.outputs.commit).toBe(SHA)
    expect(annotations(run, 'warning')).toEqual([])
    expect(run.summary).toContain(`tag v1.2.0 @ ${linkedCommit(SHA)}`)
  })

  it('on a pull request: sends its head branch, and the head commit is the one expected', async () => {
    const fake = await serve(lifecycle('r-started', [ownBuilt(OTHER, { branch: 'feature/pr' })]), {
      sources: [OWN]
    })
    // GITHUB_SHA is the merge commit; the run builds the head, OTHER here.
    const env = pullRequestEnv({ headRef: 'feature/pr', headSha: OTHER, mergeSha: MERGE })
    const run = await runAction(startInputs(), env)
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0]).sources).toEqual([
      { type: 'code', params: sentParams(OWN, branchBuild('feature/pr')) }
    ])
    expect(run.outputs.commit).toBe(OTHER)
    expect(annotations(run, 'warning')).toEqual([])
    expect(run.summary).toContain(`branch feature/pr @ ${linkedCommit(OTHER)}`)
  })

  it('warns once, and still succeeds, when CodeArts built another commit of the branch', async () => {
    await serve(lifecycle('r-started', [ownBuilt(OTHER)]), { sources: [OWN] })
    const run = await runAction(startInputs())
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(run.outputs.commit).toBe(OTHER)
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('the branch moved on')
    expect(warnings[0]).toContain(`built commit ${OTHER.slice(0, 12)} of branch feature/x`)
    expect(warnings[0]).toContain(`workflow's commit ${SHA.slice(0, 12)}`)
    expect(annotations(run, 'error')).toEqual([])
  })

  it('warns about a pull request whose head moved on too', async () => {
    await serve(lifecycle('r-started', [ownBuilt(SHA, { branch: 'feature/pr' })]), {
      sources: [OWN]
    })
    const env = pullRequestEnv({ headRef: 'feature/pr', headSha: OTHER, mergeSha: MERGE })
    const run = await runAction(startInputs(), env)
    expect(run.code).toBe(0)
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`workflow's commit ${OTHER.slice(0, 12)}`)
  })
})

describe('starting a run of something else', () => {
  it('sends no source when the pipeline builds another repository: its default branch', async () => {
    const fake = await serve(
      lifecycle('r-started', [{ ...RELEASE, buildType: 'branch', commitId: OTHER }]),
      {
        sources: [RELEASE]
      }
    )
    const run = await runAction(startInputs())
    expect(run.code).toBe(0)
    expect(fake.calls('definition')).toHaveLength(1)
    expect(bodyOf(fake.calls('start')[0])).toEqual({ variables: [], description: DESCRIPTION })
    expect(run.stdout).toContain(
      "CodeArts builds the pipeline's default branch: its code source is not this repository (web-release)."
    )
    // Its only source's commit, and no claim that it should have been the workflow's.
    expect(run.outputs.commit).toBe(OTHER)
    expect(annotations(run, 'warning')).toEqual([])
  })

  it.each([
    ['refs/tags/v2', tagBuild('v2'), 'tag v2'],
    ['release/1.0', branchBuild('release/1.0'), 'branch release/1.0'],
    ['refs/heads/hotfix', branchBuild('hotfix'), 'branch hotfix']
  ])('input ref %s overrides the workflow’s ref', async (ref, build, described) => {
    // The run built another commit than the workflow's: not a warning, as the ref was the user's.
    const fake = await serve(lifecycle('r-started', [ownBuilt(OTHER)]), { sources: [OWN] })
    const run = await runAction(startInputs({ ref }))
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0]).sources).toEqual([
      { type: 'code', params: sentParams(OWN, build) }
    ])
    expect(run.stdout).toContain(`Building ${described}.`)
    expect(run.stdout).not.toContain("(the workflow's own)")
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('input ref applies to a pipeline’s only source even when it is another repository', async () => {
    const fake = await serve(lifecycle('r-started'), { sources: [RELEASE] })
    const run = await runAction(startInputs({ ref: 'refs/tags/v2' }))
    expect(run.code).toBe(0)
    const params = sentParams(RELEASE, tagBuild('v2'))
    // A codehub source: its codehub_id is sent, its null endpoint_id left out.
    expect(params).toHaveProperty('codehub_id')
    expect(params).not.toHaveProperty('endpoint_id')
    expect(bodyOf(fake.calls('start')[0]).sources).toEqual([{ type: 'code', params }])
  })
})

describe('a pipeline with several code sources', () => {
  it('applies the workflow’s ref to the source that is this repository, and reports its commit', async () => {
    const fake = await serve(
      lifecycle('r-started', [{ ...LIB, buildType: 'branch', commitId: OTHER }, ownBuilt(SHA)]),
      { sources: [LIB, OWN] }
    )
    const run = await runAction(startInputs())
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0]).sources).toEqual([
      { type: 'code', params: sentParams(OWN, branchBuild('feature/x')) }
    ])
    expect(run.outputs.commit).toBe(SHA)
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('fails before starting when ref is given and no source is this repository, naming them', async () => {
    const fake = await serve([detail('r-x', 'RUNNING')], { sources: [LIB, RELEASE] })
    const run = await runAction(startInputs({ ref: 'release/1.0' }))
    expect(run.code).toBe(1)
    expect(fake.calls('definition')).toHaveLength(1)
    expect(fake.calls('start')).toEqual([])
    expect(fake.calls('status')).toEqual([])
    expect(run.outputs.conclusion).toBe('error')
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('Did not start a run of pipeline pipe-1')
    expect(errors[0]).toContain('none of them this repository: lib, web-release')
    expect(run.summary).toContain('none of them this repository')
  })

  it('builds the default branch when no source is this repository and no ref is given', async () => {
    const fake = await serve(lifecycle('r-started'), { sources: [LIB, RELEASE] })
    const run = await runAction(startInputs())
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0])).toEqual({ variables: [], description: DESCRIPTION })
    expect(run.stdout).toContain(
      "CodeArts builds the pipeline's default branch: its code source is not this repository (lib, web-release)."
    )
  })

  it('fails before starting when two sources are this repository', async () => {
    const fake = await serve([detail('r-x', 'RUNNING')], {
      sources: [
        { ...OWN, alias: 'web-https' },
        { gitUrl: 'git@github.com:acme/web.git', gitType: 'github', alias: 'web-ssh' }
      ]
    })
    const run = await runAction(startInputs())
    expect(run.code).toBe(1)
    expect(fake.calls('start')).toEqual([])
    expect(annotations(run, 'error')[0]).toContain(
      '2 code sources that are this repository (web-https, web-ssh)'
    )
  })
})

describe('a pull request from a fork', () => {
  const forkEnv = () =>
    pullRequestEnv({
      headRef: 'feature/pr',
      headSha: OTHER,
      headRepo: 'someone/web',
      mergeSha: MERGE
    })

  it('fails before starting without ref, naming the fork', async () => {
    const fake = await serve([detail('r-x', 'RUNNING')], { sources: [OWN] })
    const run = await runAction(startInputs(), forkEnv())
    expect(run.code).toBe(1)
    expect(fake.calls('start')).toEqual([])
    expect(fake.calls('status')).toEqual([])
    expect(run.outputs.conclusion).toBe('error')
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain('the fork someone/web')
    expect(error).toContain('set input "ref"')
  })

  it('starts the ref given instead', async () => {
    const fake = await serve(lifecycle('r-started', [ownBuilt(SHA, { branch: 'main' })]), {
      sources: [OWN]
    })
    const run = await runAction(startInputs({ ref: 'main' }), forkEnv())
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0]).sources).toEqual([
      { type: 'code', params: sentParams(OWN, branchBuild('main')) }
    ])
  })
})

describe('waiting for the run of a commit', () => {
  const otherRun = { runId: 'r-other', status: 'RUNNING', commitId: OTHER }
  const mineRun = { runId: 'r-mine', status: 'RUNNING', commitId: SHA }

  it('waits for the run to appear, then follows it by id', async () => {
    const fake = await serve(lifecycle('r-late', [ownBuilt(SHA)]), {
      list: listScript([[], [], [{ runId: 'r-late', status: 'RUNNING', commitId: SHA }]])
    })
    const run = await runAction(v5Inputs({ commit: SHA }))
    expect(run.code).toBe(0)
    const lists = fake.calls('list')
    expect(lists).toHaveLength(3)
    expect(lists.map(bodyOf)).toEqual(
      Array(3).fill({ offset: 0, limit: 20, sort_key: 'start_time', sort_dir: 'desc' })
    )
    expect(fake.calls('start')).toEqual([])
    const statuses = fake.calls('status')
    expect(statuses).toHaveLength(2)
    expect(statuses.every(r => r.query.get('pipeline_run_id') === 'r-late')).toBe(true)
    // Nothing was followed before the run showed up.
    expect(statuses[0]!.atMs).toBeGreaterThanOrEqual(lists[2]!.atMs)
    expect(run.stdout).toContain(`Waiting for a run of commit ${SHA.slice(0, 12)} to appear`)
    expect(run.stdout).toContain(`Found run r-late of commit ${SHA.slice(0, 12)}.`)
    expect(run.outputs).toMatchObject({ conclusion: 'success', 'build-id': 'r-late', commit: SHA })
    expect(annotations(run, 'warning')).toEqual([])
  })

  it('follows the run of the commit, not a newer run of another commit', async () => {
    const fake = await serve(
      request =>
        request.query.get('pipeline_run_id') === 'r-mine'
          ? detail('r-mine', 'COMPLETED', [ownBuilt(SHA)])
          : detail('r-other', 'RUNNING', [ownBuilt(OTHER)]),
      { list: listScript([[otherRun, mineRun]]) }
    )
    const run = await runAction(v5Inputs({ commit: SHA }))
    expect(run.code).toBe(0)
    const statuses = fake.calls('status')
    expect(statuses.length).toBeGreaterThan(0)
    expect(statuses.map(r => r.query.get('pipeline_run_id'))).toEqual(statuses.map(() => 'r-mine'))
    expect(run.outputs).toMatchObject({ 'build-id': 'r-mine', commit: SHA })
    expect(run.stdout).not.toContain('r-other')
  })

  it('times out naming the commit when its run never appears', async () => {
    const fake = await serve([detail('r-other', 'RUNNING')], {
      list: listScript([[otherRun]])
    })
    const run = await runAction(v5Inputs({ commit: SHA, timeout: '1.5' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(run.outputs['build-id']).toBeUndefined()
    expect(fake.calls('status')).toEqual([])
    expect(fake.calls('list').length).toBeGreaterThan(3)
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain(
      `Timed out after 1.5s waiting for a run of commit ${SHA.slice(0, 12)} of pipeline pipe-1 to appear`
    )
    expect(run.summary).toContain('timed out')
    expect(run.durationMs).toBeGreaterThanOrEqual(1500)
    expect(run.durationMs).toBeLessThan(1500 + 4000)
  })

  it.each([
    ['7 digits', SHA.slice(0, 7)],
    ['10 upper-case digits', SHA.slice(0, 10).toUpperCase()]
  ])('matches an abbreviated SHA (%s)', async (_what, commit) => {
    const fake = await serve(lifecycle('r-mine', [ownBuilt(SHA)]), {
      list: listScript([[otherRun, mineRun]])
    })
    const run = await runAction(v5Inputs({ commit }))
    expect(run.code).toBe(0)
    expect(fake.calls('status').every(r => r.query.get('pipeline_run_id') === 'r-mine')).toBe(true)
    expect(run.outputs).toMatchObject({ 'build-id': 'r-mine', commit: SHA })
  })
})

describe('Content-Type of every POST', () => {
  const expectJsonPosts = (fake: FakeCodeArts, routes: string[]) => {
    const posts = fake.requests.filter(r => r.method === 'POST')
    expect([...new Set(posts.map(r => r.route))]).toEqual(routes)
    for (const post of posts) expect(post.headers['content-type']).toBe(JSON_TYPE)
  }

  it('start, then stop on timeout', async () => {
    const fake = await serve([detail('r-started', 'RUNNING')], { sources: [OWN] })
    const run = await runAction(startInputs({ timeout: '1', 'stop-on-timeout': 'true' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(fake.calls('stop').map(r => r.path)).toEqual([`${V5_BASE}/pipeline-runs/r-started/stop`])
    expectJsonPosts(fake, ['start', 'stop'])
    // The body-less stop declares JSON too, and the GETs declare nothing.
    expect(fake.calls('stop')[0]?.body).toBe('')
    for (const get of fake.requests.filter(r => r.method === 'GET')) {
      expect(get.headers['content-type']).toBeUndefined()
    }
  })

  it('the runs list, then stop on timeout of the commit’s run', async () => {
    const fake = await serve([detail('r-mine', 'RUNNING')], {
      list: listScript([[], [{ runId: 'r-mine', status: 'RUNNING', commitId: SHA }]])
    })
    const run = await runAction(
      v5Inputs({ commit: SHA, timeout: '1.5', 'stop-on-timeout': 'true' })
    )
    expect(run.code).toBe(1)
    expect(fake.calls('stop').map(r => r.path)).toEqual([`${V5_BASE}/pipeline-runs/r-mine/stop`])
    expectJsonPosts(fake, ['list', 'stop'])
  })

  it('start, then stop on cancel', async () => {
    const cancel = { pid: 0 }
    const fake = await serve(
      (_request, index) => {
        if (index === 1) setTimeout(() => process.kill(cancel.pid, 'SIGINT'), 30)
        return detail('r-started', 'RUNNING')
      },
      { sources: [OWN] }
    )
    const run = await runAction(startInputs(), undefined, { onSpawn: pid => (cancel.pid = pid) })
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(fake.calls('stop')).toHaveLength(1)
    expectJsonPosts(fake, ['start', 'stop'])
  })
})

describe('inputs and verdicts', () => {
  it('refuses a v5 parameter name with "-" before any request, naming it', async () => {
    const fake = await serve([detail('r-x', 'RUNNING')], { sources: [OWN] })
    const run = await runAction(startInputs({ parameters: 'GOOD_ONE=1\nmy-param=2' }))
    expect(run.code).toBe(1)
    expect(fake.requests).toEqual([])
    expect(run.outputs.conclusion).toBe('error')
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('Input "parameters" names "my-param"')
    expect(errors[0]).toContain('letters, digits and "_" only')
    expect(errors[0]).not.toContain('GOOD_ONE')
  })

  it('accepts the same name on v3, which allows it', async () => {
    const fake = await serve(scriptedRun('b-started', 1, 'success'))
    const run = await runAction({
      ...v5Inputs({ start: 'true', parameters: 'my-param=2' }),
      'api-version': 'v3'
    })
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0])).toEqual({
      build_params: [{ name: 'my-param', value: '2' }]
    })
  })

  it('fails an IGNORED run, explaining the concurrency rule', async () => {
    await serve([detail('r-started', 'IGNORED')], { sources: [OWN] })
    const run = await runAction(startInputs())
    expect(run.code).toBe(1)
    expect(run.outputs).toMatchObject({
      conclusion: 'failure',
      status: 'IGNORED',
      outcome: 'ignored',
      'build-id': 'r-started'
    })
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain('run r-started')
    expect(error).toContain('ended with outcome ignored')
    expect(error).toContain("the pipeline's concurrency rule drops a new run")
    expect(run.summary).toContain('concurrency rule')
  })

  it('warns that v3 is being retired under api-version auto without project-id', async () => {
    const fake = await serve(scriptedRun('b-1', 1, 'success'))
    const inputs = v5Inputs()
    delete inputs['project-id']
    const run = await runAction(inputs)
    expect(run.code).toBe(0)
    expect(fake.requests.every(r => r.path === '/v3/pipelines/pipe-1/status')).toBe(true)
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Using the v3 API, which Huawei is retiring')
  })

  it('does not warn about v3 with project-id', async () => {
    const fake = await serve(lifecycle('r-1'))
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(0)
    expect(fake.requests.every(r => r.path === V5_DETAIL)).toBe(true)
    expect(warningsAbout(run, 'v3')).toEqual([])
    expect(annotations(run, 'warning')).toEqual([])
  })
})

describe('watching the latest run of a pipeline that has never run', () => {
  const notFound: FakeStep = {
    status: 404,
    json: { error_code: 'DEVPIPE.00011104', error_msg: 'The pipeline has no run record' }
  }

  it('waits while the detail is 404 and the list is empty, then follows the first run', async () => {
    let latest = 0
    const fake = await serve(
      request => {
        if (request.query.get('pipeline_run_id') === null) {
          latest++
          return latest <= 2 ? notFound : detail('r-first', 'RUNNING')
        }
        return detail('r-first', 'COMPLETED')
      },
      { list: listScript([[]]) }
    )
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ conclusion: 'success', 'build-id': 'r-first' })
    const statuses = fake.calls('status').map(r => r.query.get('pipeline_run_id'))
    expect(statuses).toEqual([null, null, null, 'r-first'])
    // One list look per 404, for one run at most, and a POST that declares JSON.
    const lists = fake.calls('list')
    expect(lists).toHaveLength(2)
    for (const list of lists) {
      expect(bodyOf(list)).toMatchObject({ offset: 0, limit: 1 })
      expect(list.headers['content-type']).toBe(JSON_TYPE)
    }
    expect(run.stdout).toContain('The pipeline has no run yet; waiting for one to appear.')
    expect(annotations(run, 'warning')).toEqual([])
    expect(annotations(run, 'error')).toEqual([])
  })

  it('fails at once when the detail is 404 but the list holds runs', async () => {
    const fake = await serve([notFound], {
      list: listScript([[{ runId: 'r-9', status: 'COMPLETED', commitId: SHA }]])
    })
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(fake.calls('status')).toHaveLength(1)
    expect(fake.calls('list')).toHaveLength(1)
    const [error] = annotations(run, 'error')
    expect(error).toContain('HTTP 404')
    expect(error).toContain('The pipeline has no run record')
    expect(run.durationMs).toBeLessThan(5000)
  })

  it('fails at once on a 404 that carries no API error, without looking at the list', async () => {
    const fake = await serve(
      [{ status: 404, body: 'Not Found', headers: { 'Content-Type': 'text/plain' } }],
      {
        list: listScript([[]])
      }
    )
    const run = await runAction(v5Inputs())
    expect(run.code).toBe(1)
    expect(fake.calls('status')).toHaveLength(1)
    expect(fake.calls('list')).toEqual([])
  })
})

describe('the summary', () => {
  it('shows the parameters the step sent, as the v5 detail names none', async () => {
    const fake = await serve(lifecycle('r-started'), { sources: [OWN] })
    const run = await runAction(startInputs({ parameters: 'RELEASE=2.4\nNOTE=a<b' }))
    expect(run.code).toBe(0)
    expect(bodyOf(fake.calls('start')[0]).variables).toEqual([
      { name: 'RELEASE', value: '2.4' },
      { name: 'NOTE', value: 'a<b' }
    ])
    expect(run.summary).toContain(
      '<li><code>RELEASE</code> = 2.4</li>\n<li><code>NOTE</code> = a&lt;b</li>'
    )
  })

  it('shows none for a run it only watched', async () => {
    await serve(lifecycle('r-given'))
    const run = await runAction(v5Inputs({ 'build-id': 'r-given' }))
    expect(run.code).toBe(0)
    expect(run.summary).not.toContain('<b>Parameters</b>')
  })

  it('links the commit through git_url when web_url is empty, and not at all without a web address', async () => {
    const built = (gitUrl: string, webUrl: string | null): FakeStep => {
      const body = v5Detail({
        runId: 'r-given',
        status: 'COMPLETED',
        sources: [{ gitUrl, gitType: 'github', buildType: 'branch', branch: 'main', commitId: SHA }]
      })
      const params = body.sources![0]!.params as { web_url: string | null }
      params.web_url = webUrl
      return { json: body }
    }
    await serve([built('https://github.com/acme/web.git', null)])
    const linked = await runAction(v5Inputs({ 'build-id': 'r-given' }))
    expect(linked.code).toBe(0)
    expect(linked.outputs.commit).toBe(SHA)
    expect(linked.summary).toContain(`branch main @ ${linkedCommit(SHA)}`)
    await server?.close()

    await serve([built('git@github.com:acme/web.git', null)])
    const plain = await runAction(v5Inputs({ 'build-id': 'r-given' }))
    expect(plain.code).toBe(0)
    expect(plain.outputs.commit).toBe(SHA)
    expect(plain.summary).toContain(`branch main @ ${SHA.slice(0, 12)}`)
    expect(plain.summary).not.toContain('/commit/')
  })
})
