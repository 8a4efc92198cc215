// `npm run summaries [-- --out DIR] [--view [--open]]`: writes sample job summaries (success, a failure
// with logs, parallel jobs, a timeout, a cancel, a huge run, hostile text, a v3 failure) as Markdown
// files, built from the fake server's bodies the way the action builds them: parse, decide,
// summaryHtml. By default into tmp-summaries/ in the system's temp folder; prints the paths. --view
// renders each to a PNG with ../shared/tools/summary-view/view.sh (or $SUMMARY_VIEW) and prints what it
// measured; --open unfolds every <details> first.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  v3Status,
  v5Detail,
  type V5JobRun,
  type V5RunDetail,
  type V5RunSpec,
  type V5StageRun
} from '../__tests__/support/fake-codearts.js'
import { parseV3Status } from '../src/codearts/v3.js'
import { parseV5Detail } from '../src/codearts/v5.js'
import type { Run, StepLog } from '../src/model.js'
import type { WaitResult } from '../src/poller.js'
import { culpritPath, decide } from '../src/result.js'
import { summaryHtml } from '../src/summary/index.js'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(tmpdir(), 'tmp-summaries') },
    view: { type: 'boolean', default: false },
    open: { type: 'boolean', default: false }
  }
})
const out = resolve(values.out)
const PIPELINE = 'pipe-1'
const HOUR_MS = 3_600_000

interface Sample {
  run: Run | null
  result: WaitResult['kind']
  logs?: StepLog[]
}

/** Times as seconds after the run's start: [start, end], end null while it runs. */
type Span = [number, number | null]

/** Sets a run item's times, `span` seconds after the run's start. */
function at(item: { start_time: number; end_time: number }, start0: number, [s, e]: Span) {
  item.start_time = start0 + s * 1000
  item.end_time = e === null ? 0 : start0 + e * 1000
}

/** A v5 body with its times laid out: `spans[stage][0]` the stage's, `spans[stage][j + 1]` job j's. */
function timed(spec: V5RunSpec, spans: (Span | null)[][], extra: Partial<V5RunDetail> = {}) {
  const body = { ...v5Detail(spec), ...extra }
  const start0 = body.start_time
  body.stages.forEach((stage: V5StageRun, i) => {
    const [own, ...jobs] = spans[i] ?? []
    if (own) at(stage, start0, own)
    else stage.start_time = stage.end_time = 0
    stage.jobs.forEach((job: V5JobRun, j) => {
      const span = jobs[j]
      if (span) at(job, start0, span)
      else job.start_time = job.end_time = 0
      // Steps one after another within their job.
      const [js, je] = span ?? [0, 0]
      const each = ((je ?? js + 60) - js) / Math.max(1, job.steps.length)
      job.steps.forEach((step, k) => {
        if (!span) step.start_time = step.end_time = 0
        else
          at(step, start0, [
            js + k * each,
            je === null && k === job.steps.length - 1 ? null : js + (k + 1) * each
          ])
      })
    })
  })
  return body
}

function v5(body: unknown): Run {
  const run = parseV5Detail(body)
  if (!run) throw new Error('the v5 body did not parse')
  return run
}

const SOURCES: V5RunSpec['sources'] = [
  {
    gitUrl: 'https://github.com/shop/backend.git',
    webUrl: 'https://github.com/shop/backend',
    gitType: 'github',
    buildType: 'branch',
    branch: 'main',
    commitId: '9fceb02d0ae598e95dc970b74767f19372d61af8'
  }
]
const ARTIFACTS: V5RunSpec['artifacts'] = [
  {
    name: 'shop-backend.jar',
    version: '2.14.0-128',
    packageType: 'jar',
    downloadUrl: 'https://devrepo.example.com/artifacts/shop-backend-2.14.0-128.jar'
  },
  { name: 'shop-frontend.tgz', version: '2.14.0-128', packageType: 'npm' }
]
const VARIABLES = {
  variables: [
    { name: 'releaseVersion', value: '2.14.0' },
    { name: 'environment', value: 'staging' },
    { name: 'skipE2E', value: 'false' }
  ]
} as unknown as Partial<V5RunDetail>

const BUILD = {
  name: 'Build',
  status: 'COMPLETED',
  jobs: [
    {
      name: 'Compile (Maven)',
      status: 'COMPLETED',
      steps: [{ name: 'mvn package', status: 'COMPLETED' }]
    },
    {
      name: 'Build frontend (npm)',
      status: 'COMPLETED',
      steps: [{ name: 'npm ci && npm run build', status: 'COMPLETED' }]
    },
    { name: 'Lint & SpotBugs', status: 'COMPLETED' }
  ]
}
const BUILD_SPANS: Span[] = [
  [0, 215],
  [0, 205],
  [0, 127],
  [1, 65]
]

const UNIT_LOG = [
  '[INFO] Scanning for projects...',
  '[INFO] Building shop-backend 2.14.0',
  ...Array.from(
    { length: 20 },
    (_, i) =>
      `[INFO] Tests run: ${40 + i}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: ${(i * 0.37).toFixed(2)} s - in com.shop.service.Suite${i}`
  ),
  '[INFO] Results:',
  '[ERROR] Failures: ',
  '[ERROR]   OrderServiceTest.refundsPartialOrder:118 expected:<90.00> but was:<100.00>',
  '[ERROR]   OrderServiceTest.cancelsAfterCutoff:141 expected:<CANCELLED> but was:<OPEN>',
  '[ERROR]   CartTest.appliesMemberDiscount:57 Nothing & nobody <expected> this',
  '\u001b[31m[ERROR] Tests run: 812, Failures: 3, Errors: 0, Skipped: 4\u001b[0m',
  '',
  '[INFO] ------------------------------------------------------------------------',
  '[INFO] BUILD FAILURE',
  '[INFO] ------------------------------------------------------------------------',
  '[INFO] Total time:  05:12 min',
  '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project shop-backend: There are test failures.',
  '[ERROR] -> [Help 1]',
  'mvn -B test exited with code 1'
]
const COMPOSE_LOG = [
  'Container it-db-1  Creating',
  'Container it-db-1  Created',
  'Container it-app-1  Starting',
  'it-app-1  | 2026-11-26 02:09:51 INFO  Running 214 integration tests',
  'it-db-1  | LOG:  checkpoint starting: wal',
  'it-db-1 exited with code 137',
  'Container it-db-1 was OOM-killed (memory limit 512 MiB)',
  'docker compose -f it/compose.yml run tests exited with code 137'
]

function failedRun(): Sample {
  const body = timed(
    {
      runId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      status: 'FAILED',
      name: 'shop-backend-release',
      runNumber: 128,
      elapsed: 680,
      sources: SOURCES,
      artifacts: ARTIFACTS,
      stages: [
        BUILD,
        {
          name: 'Test',
          status: 'FAILED',
          jobs: [
            {
              name: 'Unit tests',
              status: 'FAILED',
              message: 'Step mvn test failed',
              steps: [
                { name: 'Checkout', status: 'COMPLETED' },
                {
                  name: 'mvn test',
                  status: 'FAILED',
                  message:
                    'mvn -B test exited with code 1\n[ERROR] Tests run: 812, Failures: 3, Errors: 0, Skipped: 4'
                }
              ]
            },
            {
              name: 'Integration tests',
              status: 'FAILED',
              steps: [
                {
                  name: 'docker compose',
                  status: 'FAILED',
                  message: COMPOSE_LOG.slice(-2).reverse().join('\n')
                }
              ]
            },
            { name: 'Contract tests', status: 'COMPLETED' },
            {
              name: 'Security scan (CodeArts Check)',
              status: 'CANCELED',
              message: 'Cancelled because another job in the stage failed'
            }
          ]
        },
        {
          name: 'Deploy to staging',
          status: 'INIT',
          jobs: [
            { name: 'Deploy to CCE', status: 'INIT' },
            { name: 'Smoke test', status: 'INIT' }
          ]
        },
        {
          name: 'Deploy to production',
          status: 'UNSELECTED',
          jobs: [{ name: 'Manual approval', status: 'SKIPPED' }]
        }
      ]
    },
    [
      BUILD_SPANS,
      [
        [215, 679],
        [215, 535],
        [215, 675],
        [215, 324],
        [215, 539]
      ]
    ],
    { ...VARIABLES, executor_name: 'li.wei' }
  )
  return {
    run: v5(body),
    result: 'completed',
    logs: [
      { path: 'Test › Unit tests › mvn test', lines: UNIT_LOG },
      { path: 'Test › Integration tests › docker compose', lines: COMPOSE_LOG }
    ]
  }
}

function successRun(): Sample {
  const body = timed(
    {
      runId: 'b2c3d4e5f60718293a4b5c6d7e8f90a1',
      status: 'COMPLETED',
      name: 'shop-backend-release',
      runNumber: 129,
      elapsed: 1090,
      sources: SOURCES,
      artifacts: ARTIFACTS,
      stages: [
        BUILD,
        {
          name: 'Test',
          status: 'COMPLETED',
          jobs: [
            { name: 'Unit tests', status: 'COMPLETED' },
            { name: 'Integration tests', status: 'COMPLETED' },
            { name: 'Contract tests', status: 'COMPLETED' }
          ]
        },
        {
          name: 'Deploy to staging',
          status: 'COMPLETED',
          jobs: [{ name: 'Deploy to CCE', status: 'COMPLETED' }]
        },
        {
          name: 'Deploy to production',
          status: 'COMPLETED',
          pre: [{ name: 'Manual approval', status: 'COMPLETED' }],
          jobs: [{ name: 'Deploy to CCE', status: 'COMPLETED' }]
        }
      ]
    },
    [
      BUILD_SPANS,
      [
        [215, 690],
        [215, 530],
        [215, 690],
        [215, 320]
      ],
      [
        [690, 850],
        [692, 850]
      ],
      [
        [850, 1090],
        [900, 1088]
      ]
    ],
    VARIABLES
  )
  return { run: v5(body), result: 'completed' }
}

function parallelRun(): Sample {
  const targets = ['linux-x64', 'linux-arm64', 'windows-x64', 'macos-arm64']
  const versions = ['18', '20', '22']
  const jobs = versions.flatMap(v =>
    targets.map(t => ({
      name: `Test node ${v} on ${t}`,
      status: v === '22' && t === 'windows-x64' ? 'FAILED' : 'COMPLETED',
      steps: [
        {
          name: 'npm test',
          status: v === '22' && t === 'windows-x64' ? 'FAILED' : 'COMPLETED',
          message:
            v === '22' && t === 'windows-x64'
              ? 'npm test exited with code 1: EPERM: operation not permitted, rename'
              : null
        }
      ]
    }))
  )
  const body = timed(
    {
      runId: 'c3d4',
      status: 'FAILED',
      name: 'sdk-ci',
      runNumber: 4711,
      elapsed: 2700,
      stages: [
        { name: 'Build', status: 'COMPLETED', jobs: [{ name: 'Compile', status: 'COMPLETED' }] },
        { name: 'Test matrix', status: 'FAILED', jobs },
        { name: 'Publish', status: 'INIT', jobs: [{ name: 'npm publish', status: 'INIT' }] }
      ]
    },
    [
      [
        [0, 300],
        [0, 295]
      ],
      [[300, 2700], ...jobs.map((_, i): Span => [300 + (i % 3) * 20, 900 + ((i * 397) % 1800)])]
    ]
  )
  return { run: v5(body), result: 'completed' }
}

function timedOutRun(): Sample {
  const body = timed(
    {
      runId: 'd4e5',
      status: 'RUNNING',
      name: 'shop-backend-release',
      runNumber: 130,
      stages: [
        BUILD,
        {
          name: 'Deploy to staging',
          status: 'RUNNING',
          jobs: [
            {
              name: 'Deploy to CCE',
              status: 'RUNNING',
              steps: [
                { name: 'Apply manifests', status: 'COMPLETED' },
                { name: 'Wait for rollout', status: 'RUNNING' }
              ]
            }
          ]
        },
        {
          name: 'Deploy to production',
          status: 'INIT',
          jobs: [{ name: 'Deploy to CCE', status: 'INIT' }]
        }
      ]
    },
    [
      BUILD_SPANS,
      [
        [215, null],
        [216, null]
      ]
    ],
    { end_time: 0, current_system_time: 0 }
  )
  // The run's own time: 30 minutes in.
  const run = v5(body)
  return { run: { ...run, durationSeconds: null }, result: 'timed_out' }
}

function cancelledRun(): Sample {
  const body = timed(
    {
      runId: 'e5f6',
      status: 'CANCELED',
      name: 'shop-backend-release',
      runNumber: 131,
      elapsed: 400,
      stages: [
        BUILD,
        {
          name: 'Test',
          status: 'CANCELED',
          jobs: [
            { name: 'Unit tests', status: 'CANCELED' },
            { name: 'Integration tests', status: 'CANCELED' }
          ]
        },
        {
          name: 'Deploy to staging',
          status: 'INIT',
          jobs: [{ name: 'Deploy to CCE', status: 'INIT' }]
        }
      ]
    },
    [
      BUILD_SPANS,
      [
        [215, 400],
        [215, 400],
        [215, 399]
      ]
    ]
  )
  return { run: v5(body), result: 'completed' }
}

function hugeRun(): Sample {
  const stages = Array.from({ length: 2600 }, (_, i) => ({
    name: `Shard ${i + 1}`,
    status: i % 500 === 7 ? 'FAILED' : 'COMPLETED',
    jobs: [
      {
        name: `Test shard ${i + 1}`,
        status: i % 500 === 7 ? 'FAILED' : 'COMPLETED',
        message: i % 500 === 7 ? `shard ${i + 1}: 2 tests failed` : null
      }
    ]
  }))
  const body = timed(
    {
      runId: 'f6a7',
      status: 'FAILED',
      name: 'monorepo-nightly',
      runNumber: 77,
      elapsed: 5 * 3600,
      stages
    },
    stages.map((_, i): Span[] => [
      [(i % 200) * 80, (i % 200) * 80 + 300],
      [(i % 200) * 80 + 1, (i % 200) * 80 + 290]
    ])
  )
  return { run: v5(body), result: 'completed' }
}

function hostileRun(): Sample {
  const evil = [
    '<script>alert(1)</script>',
    'a | b',
    '`code` ```fence```',
    '\u202Egnp.exe\u202C',
    'zero\u200Bwidth\u2060joined',
    '[click](javascript:alert(1))',
    '<img src=x onerror=alert(1)>',
    '&amp; &lt;'
  ].join(' ')
  const long = 'x'.repeat(3000)
  const body = timed(
    {
      runId: `run<b>${evil}`,
      status: 'FAILED',
      name: `release ${evil}`,
      runNumber: 13,
      elapsed: 120,
      sources: [
        {
          gitUrl: 'javascript:alert(1)//x.git',
          buildType: 'branch',
          branch: `main${evil}`,
          commitId: '0123456789abcdef0123456789abcdef01234567'
        },
        {
          gitUrl: 'https://x.example.com/a"onmouseover="alert(1)/repo.git',
          buildType: 'tag',
          tag: '<v1>',
          commitId: 'fedcba9876543210fedcba9876543210fedcba98'
        }
      ],
      artifacts: [
        { name: `art ${evil}`, version: '|1|', downloadUrl: 'javascript:alert(1)' },
        { name: long, version: long, downloadUrl: `https://x.example.com/${long}` }
      ],
      stages: [
        {
          name: `Build ${evil}`,
          status: 'FAILED',
          jobs: [
            {
              name: `Job ${evil} ${long}`,
              status: 'FAILED',
              steps: [
                {
                  name: `Step ${evil}`,
                  status: 'FAILED',
                  message: `${evil}\n\n\`\`\`\n</details></pre>\n${long}\n| a | b |\n|---|---|\n${'line\n'.repeat(80)}the end`
                }
              ]
            },
            { name: '```mermaid\ngraph TD\n```', status: 'CANCELED', message: evil }
          ]
        },
        { name: `%%{init: {}}%% ${evil}`, status: 'INIT' }
      ]
    },
    [
      [
        [0, 100],
        [0, 90],
        [0, 95]
      ]
    ],
    {
      detail_url: 'javascript:alert(document.cookie)',
      executor_name: `<b>mallory</b>\u202E`,
      variables: [
        { name: `p${evil}`, value: evil },
        { name: 'long', value: long },
        { name: 'multi', value: 'a\n\nb\n# heading' }
      ]
    } as unknown as Partial<V5RunDetail>
  )
  const run = v5(body)
  const stage = run.stages[0]!
  const job = stage.tasks[0]!
  return {
    run,
    result: 'completed',
    logs: [
      {
        path: culpritPath({ stage, task: job, step: job.steps[0] }),
        lines: [
          evil,
          long,
          '',
          '</pre></details>',
          '```',
          '\u001b[1;31mred\u001b[0m',
          ...Array.from({ length: 40 }, (_, i) => `log line ${i} | ${evil}`)
        ]
      }
    ]
  }
}

function v3FailedRun(): Sample {
  const body = v3Status({
    buildId: '58',
    status: 'completed',
    outcome: 'error',
    name: 'legacy-web',
    elapsed: '240',
    parameters: [{ name: 'branch', value: 'release/2.3' }],
    stages: [
      {
        name: 'Build',
        status: 'completed',
        outcome: 'success',
        tasks: [{ name: 'npm build', status: 'completed', outcome: 'success', elapsed: '95' }]
      },
      {
        name: 'Test',
        status: 'completed',
        outcome: 'error',
        errorMsg: 'unit tests failed: 3 of 120',
        tasks: [
          {
            name: 'jest',
            status: 'completed',
            outcome: 'error',
            errorMsg: 'unit tests failed: 3 of 120',
            elapsed: '130'
          },
          { name: 'lint', status: 'completed', outcome: 'success', elapsed: '20' }
        ]
      },
      { name: 'Deploy', status: 'waiting', tasks: [{ name: 'deploy', status: 'waiting' }] }
    ]
  })
  const run = parseV3Status(body)
  return { run, result: 'completed' }
}

const SAMPLES: Record<string, () => Sample> = {
  success: successRun,
  failure: failedRun,
  parallel: parallelRun,
  timeout: timedOutRun,
  cancelled: cancelledRun,
  huge: hugeRun,
  hostile: hostileRun,
  'v3-failure': v3FailedRun
}

function resultOf(kind: WaitResult['kind'], run: Run | null): WaitResult {
  switch (kind) {
    case 'completed':
      if (!run) throw new Error('a completed wait needs a run')
      return { kind, run }
    case 'timed_out':
      return { kind, run }
    case 'failed':
      return { kind, run, reason: 'the API answered 500 three times' }
    case 'cancelled':
      return { kind, run }
  }
}

mkdirSync(out, { recursive: true })
const view = process.env.SUMMARY_VIEW ?? resolve('../shared/tools/summary-view/view.sh')
for (const [name, sample] of Object.entries(SAMPLES)) {
  const { run, result, logs } = sample()
  const verdict = decide(resultOf(result, run), PIPELINE, HOUR_MS / 2, run?.runId ?? undefined)
  const path = join(out, `${name}.md`)
  writeFileSync(path, summaryHtml(run, verdict, PIPELINE, logs))
  console.log(path)
  if (values.view) {
    if (!existsSync(view)) throw new Error(`no ${view}: set SUMMARY_VIEW to view.sh`)
    const report = JSON.parse(
      execFileSync(view, [path, join(out, `${name}.png`), ...(values.open ? ['--open'] : [])], {
        encoding: 'utf8'
      })
    ) as {
      bytes: number
      strippedBySanitizer: string[]
      droppedHrefs: number
      mermaidErrors: string[]
      tables: { width: number; scrollWidth: number }[]
      height: number
    }
    const { bytes, strippedBySanitizer, droppedHrefs, mermaidErrors, tables, height } = report
    console.log(
      JSON.stringify({
        bytes,
        strippedBySanitizer,
        droppedHrefs,
        mermaidErrors,
        tables: tables.map(t => `${t.width}/${t.scrollWidth}`),
        height
      })
    )
  }
}
