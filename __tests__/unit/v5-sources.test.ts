import { parseRunsList, parseSources, type CodeSource } from '../../src/codearts/v5-sources.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

/** A pipeline definition's code source as the SDK's CodeSourceParams has it. */
const GITHUB_PARAMS = {
  git_type: 'github',
  git_url: 'https://github.com/octo/repo.git',
  ssh_git_url: 'git@github.com:octo/repo.git',
  web_url: 'https://github.com/octo/repo',
  repo_name: 'repo',
  default_branch: 'main',
  endpoint_id: 'ep-1',
  codehub_id: null,
  alias: 'app'
}

const GITHUB_SOURCE: CodeSource = {
  gitType: 'github',
  gitUrl: 'https://github.com/octo/repo.git',
  webUrl: 'https://github.com/octo/repo',
  repoName: 'repo',
  defaultBranch: 'main',
  alias: 'app',
  codehubId: null,
  endpointId: 'ep-1'
}

const NOTHING: CodeSource = {
  gitType: null,
  gitUrl: null,
  webUrl: null,
  repoName: null,
  defaultBranch: null,
  alias: null,
  codehubId: null,
  endpointId: null
}

describe('parseSources', () => {
  it('reads the code sources of an SDK-shaped pipeline definition', () => {
    const body = {
      id: 'pipe_1',
      name: 'build',
      is_publish: false,
      sources: [
        { type: 'code', params: GITHUB_PARAMS },
        {
          type: 'code',
          params: {
            git_type: 'codehub',
            git_url: 'https://codehub.example.com/g/lib.git',
            web_url: 'https://codehub.example.com/g/lib',
            repo_name: 'lib',
            default_branch: 'master',
            codehub_id: 2111,
            endpoint_id: '',
            alias: null
          }
        }
      ],
      variables: [{ name: 'X', value: '1', is_runtime: true }]
    }
    expect(parseSources(body)).toEqual<CodeSource[]>([
      GITHUB_SOURCE,
      {
        gitType: 'codehub',
        gitUrl: 'https://codehub.example.com/g/lib.git',
        webUrl: 'https://codehub.example.com/g/lib',
        repoName: 'lib',
        defaultBranch: 'master',
        alias: null,
        // A number written out, as ids come as either.
        codehubId: '2111',
        endpointId: null
      }
    ])
  })

  it('reads fields of the wrong type as null', () => {
    const body = {
      sources: [
        {
          type: 'code',
          params: {
            git_type: true,
            git_url: { href: 'https://github.com/octo/repo' },
            web_url: ['https://github.com/octo/repo'],
            repo_name: null,
            default_branch: false,
            alias: {},
            codehub_id: [],
            endpoint_id: undefined
          }
        }
      ]
    }
    expect(parseSources(body)).toEqual([NOTHING])
  })

  it('reads a source with empty params as all null', () => {
    expect(parseSources({ sources: [{ type: 'code', params: {} }] })).toEqual([NOTHING])
  })

  it('keeps one wrong field from spoiling the rest', () => {
    const [source] = parseSources({
      sources: [{ type: 'code', params: { ...GITHUB_PARAMS, git_type: Number.POSITIVE_INFINITY } }]
    })!
    expect(source).toEqual({ ...GITHUB_SOURCE, gitType: null })
  })

  it('drops sources that are not code, and keeps those with no type', () => {
    const body = {
      sources: [
        { type: 'artifact', params: { git_url: 'https://example.com/a' } },
        { type: 'code', params: GITHUB_PARAMS },
        { type: 'obs', params: GITHUB_PARAMS },
        { params: { ...GITHUB_PARAMS, alias: 'untyped' } }
      ]
    }
    expect(parseSources(body)).toEqual([GITHUB_SOURCE, { ...GITHUB_SOURCE, alias: 'untyped' }])
  })

  it('drops sources without params, or with params that are not an object', () => {
    const body = {
      sources: [
        { type: 'code' },
        { type: 'code', params: null },
        { type: 'code', params: 'https://github.com/octo/repo' },
        { type: 'code', params: [GITHUB_PARAMS] },
        null,
        'code',
        42,
        { type: 'code', params: GITHUB_PARAMS }
      ]
    }
    expect(parseSources(body)).toEqual([GITHUB_SOURCE])
  })

  it.each([
    ['missing', {}],
    ['null', { sources: null }],
    ['an object', { sources: { type: 'code', params: GITHUB_PARAMS } }],
    ['a string', { sources: 'code' }],
    ['empty', { sources: [] }]
  ])('reads sources that are %s as none', (_, body) => {
    expect(parseSources(body)).toEqual([])
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', '{"sources":[]}'],
    ['a number', 42],
    ['an array', [{ type: 'code', params: GITHUB_PARAMS }]]
  ])('reads a body that is %s as null', (_, body) => {
    expect(parseSources(body)).toBeNull()
  })
})

describe('parseRunsList', () => {
  const run = {
    pipeline_run_id: 'run_1',
    status: 'COMPLETED',
    run_number: 12,
    trigger_type: 'Push',
    build_params: {
      action: null,
      build_type: 'branch',
      commit_id: SHA,
      event_type: 'Push',
      merge_id: null,
      message: 'a commit',
      source_branch: null,
      tag: null,
      target_branch: 'main',
      codehub_id: null,
      git_url: 'https://github.com/octo/repo.git',
      source_codehub_id: null,
      source_codehub_url: null,
      source_codehub_http_url: null
    },
    stage_status_list: [],
    start_time: 1700000000000,
    end_time: 1700000060000,
    detail_url: 'https://devcloud.example.com/run_1'
  }

  it('reads an SDK-shaped page of runs', () => {
    expect(parseRunsList({ offset: 0, limit: 20, total: 31, pipeline_runs: [run] })).toEqual({
      total: 31,
      runs: [
        {
          runId: 'run_1',
          build: {
            buildType: 'branch',
            branch: 'main',
            tag: null,
            commitId: SHA,
            gitUrl: 'https://github.com/octo/repo.git'
          }
        }
      ]
    })
  })

  it('reads a tag build', () => {
    const tagRun = {
      pipeline_run_id: 'run_2',
      build_params: { build_type: 'tag', tag: 'v1', commit_id: SHA, target_branch: '' }
    }
    expect(parseRunsList({ pipeline_runs: [tagRun] })?.runs).toEqual([
      {
        runId: 'run_2',
        build: { buildType: 'tag', branch: null, tag: 'v1', commitId: SHA, gitUrl: null }
      }
    ])
  })

  it.each([
    [31, 31],
    ['31', 31],
    [0, 0],
    ['0', 0],
    ['abc', null],
    ['', null],
    [-1, null],
    [1.5, null],
    ['1e3', null],
    [null, null],
    [undefined, null],
    [true, null],
    [{}, null]
  ])('reads total %j as %j', (total, expected) => {
    expect(parseRunsList({ total, pipeline_runs: [] })?.total).toBe(expected)
  })

  it('reads fields of the wrong type as null', () => {
    const page = parseRunsList({
      pipeline_runs: [
        {
          pipeline_run_id: { id: 'run_1' },
          build_params: {
            build_type: true,
            target_branch: ['main'],
            tag: {},
            commit_id: null,
            git_url: false
          }
        },
        { pipeline_run_id: 'run_2', build_params: 'branch main' },
        { pipeline_run_id: 'run_3', build_params: [] },
        { pipeline_run_id: 4 }
      ]
    })
    expect(page?.runs).toEqual([
      {
        runId: null,
        build: { buildType: null, branch: null, tag: null, commitId: null, gitUrl: null }
      },
      { runId: 'run_2', build: null },
      { runId: 'run_3', build: null },
      { runId: '4', build: null }
    ])
  })

  it('drops entries that are not objects', () => {
    const page = parseRunsList({ pipeline_runs: [null, 'run_1', 7, [], { pipeline_run_id: 'r' }] })
    expect(page?.runs).toEqual([{ runId: 'r', build: null }])
  })

  it.each([
    ['missing', {}],
    ['null', { pipeline_runs: null }],
    ['an object', { pipeline_runs: { pipeline_run_id: 'run_1' } }],
    ['a string', { pipeline_runs: 'run_1' }]
  ])('reads runs that are %s as none', (_, body) => {
    expect(parseRunsList(body)).toEqual({ runs: [], total: null })
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'pipeline_runs'],
    ['a number', 0],
    ['an array', [run]]
  ])('reads a body that is %s as null', (_, body) => {
    expect(parseRunsList(body)).toBeNull()
  })
})
