// `npm run faults [-- --concurrency=N]`: the fault matrix (issue 5). Runs every scenario of
// __tests__/support/fault-scenarios.ts against the bundled dist/index.js, each with its own fake server,
// and prints a table and the totals. Exits 1 when any scenario fails, a fault kind is not covered both
// alone and mixed, or a figure is over its bound. jest runs the same scenarios (__tests__/e2e/faults.test.ts).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import {
  DEFAULT_CONCURRENCY,
  HOSTILE_RSS_BOUND_MB,
  OVERSHOOT_BOUND_MS,
  SCENARIOS,
  SIGINT_BOUND_MS,
  coverageGaps,
  describeFaults,
  runMatrix,
  totalsOf,
  type ScenarioResult
} from '../__tests__/support/fault-scenarios.js'
import { ACTION_PATH } from '../__tests__/support/run-action.js'

function concurrency(): number {
  const flag = process.argv.find(a => a.startsWith('--concurrency='))
  const n = flag ? Number(flag.slice('--concurrency='.length)) : DEFAULT_CONCURRENCY
  if (!Number.isInteger(n) || n < 1) throw new Error(`--concurrency must be a whole number >= 1`)
  return n
}

const ms = (value: number | undefined): string => (value === undefined ? '-' : `${value} ms`)
const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`
const megabytes = (kb: number | undefined): string =>
  kb === undefined ? '-' : `${(kb / 1024).toFixed(0)} MB`

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

function row(r: ScenarioResult): string[] {
  return [
    r.scenario.name,
    r.scenario.endpoint ? `endpoint: ${r.scenario.endpoint}` : describeFaults(r.faults),
    r.scenario.expected,
    r.conclusion ?? '(none)',
    String(r.run.code ?? r.run.signal),
    seconds(r.run.durationMs),
    ms(r.overshootMs),
    ms(r.sigintToExitMs),
    megabytes(r.peakRssKb),
    r.pass ? 'PASS' : 'FAIL'
  ]
}

async function main(): Promise<void> {
  if (!existsSync(ACTION_PATH)) {
    process.stderr.write('dist/index.js is missing: npm run bundle\n')
    const bundle = spawnSync('npm', ['run', 'bundle'], { stdio: 'inherit' })
    if (bundle.status !== 0) throw new Error('npm run bundle failed')
  }
  const parallel = concurrency()
  process.stderr.write(
    `fault matrix: ${SCENARIOS.length} scenarios, ${parallel} at a time, on ${cpus().length} cores, node ${process.version}\n`
  )
  const began = performance.now()
  let done = 0
  const results = await runMatrix(SCENARIOS, parallel, r => {
    done += 1
    process.stderr.write(
      `  [${done}/${SCENARIOS.length}] ${r.pass ? 'pass' : 'FAIL'} ${r.scenario.name}\n`
    )
  })
  const runtime = performance.now() - began
  const totals = totalsOf(results)
  const gaps = coverageGaps(results)

  const header = [
    'scenario',
    'faults injected',
    'expected',
    'actual',
    'exit',
    'duration',
    'overshoot',
    'SIGINT->exit',
    'peak RSS',
    'pass'
  ]
  console.log(`\n${table(header, results.map(row))}\n`)

  const failed = results.filter(r => !r.pass)
  for (const r of failed) {
    console.log(`FAIL ${r.scenario.name}:\n  - ${r.problems.join('\n  - ')}`)
    console.log(
      `  last lines of the log:\n    ${r.run.stdout.trimEnd().split('\n').slice(-8).join('\n    ')}`
    )
  }
  for (const gap of gaps) console.log(`Not covered: ${gap}`)

  const overshootOk = (totals.worstOvershootMs ?? 0) < OVERSHOOT_BOUND_MS
  const sigintOk = (totals.worstSigintToExitMs ?? 0) < SIGINT_BOUND_MS
  const figures: [string, string, boolean][] = [
    [
      'scenarios',
      `${totals.scenarios} (${totals.passed} passed)`,
      totals.passed === totals.scenarios
    ],
    [
      'faults survived',
      `${totals.faultsSurvived} of ${totals.faultsInjected} injected`,
      totals.faultsSurvived === totals.faultsInjected
    ],
    ['false greens (must be 0)', String(totals.falseGreens), totals.falseGreens === 0],
    ['secrets seen in output (must be 0)', String(totals.secretsSeen), totals.secretsSeen === 0],
    [
      '  runs showing the echoed token as ***',
      `${totals.echoesMasked} of ${totals.scenarios}`,
      totals.echoesMasked > 0
    ],
    [
      `worst overshoot past timeout (< ${OVERSHOOT_BOUND_MS} ms)`,
      ms(totals.worstOvershootMs),
      overshootOk
    ],
    [`worst SIGINT -> exit (< ${SIGINT_BOUND_MS} ms)`, ms(totals.worstSigintToExitMs), sigintOk],
    [
      `worst peak RSS, hostile bodies (< ${HOSTILE_RSS_BOUND_MB} MB)`,
      totals.worstPeakRssKb === undefined ? 'not measured' : megabytes(totals.worstPeakRssKb),
      (totals.worstPeakRssKb ?? 0) < HOSTILE_RSS_BOUND_MB * 1024
    ],
    [
      'error line delivered (runs that must fail)',
      `${totals.errorsDelivered} of ${totals.errorsExpected}`,
      totals.errorsDelivered === totals.errorsExpected
    ],
    ['fault kinds alone and mixed', gaps.length ? `${gaps.length} gaps` : 'all', gaps.length === 0],
    ['runtime', `${seconds(runtime)} (${parallel} at a time)`, true]
  ]
  console.log(
    table(
      ['total', 'figure', 'ok'],
      figures.map(([name, value, ok]) => [name, value, ok ? 'yes' : 'NO'])
    )
  )
  if (figures.some(([, , ok]) => !ok)) process.exitCode = 1
}

await main()
