// `npm run bench [-- --check]`: the performance budget (issue 7), each figure measured against a baseline
// taken in the same run on the same machine. Prints a table and writes the figures to bench/results.json;
// with --check, exits 1 when any figure is over budget.
//
// Children get the clean environment runAction gives them. Timings are taken in this process with
// performance.now(); the fake server runs here too, so while a child is measured this process only waits.
import { spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { readFile } from 'node:fs/promises'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  scriptedRun,
  startFakeCodeArts,
  v3Status,
  type FakeCodeArts,
  type FakeStep,
  type RecordedRequest,
  type Script
} from '../__tests__/support/fake-codearts.js'
import { ACTION_PATH, parseOutputFile, runAction } from '../__tests__/support/run-action.js'

const CHECK = process.argv.includes('--check')
const DIST = dirname(ACTION_PATH)
const TIME = '/usr/bin/time'
const PIPELINE = 'pipe-1'
const TOKEN = 'bench-token-not-a-real-secret'
// What a runner sets by default: no debug logging.
const QUIET = { RUNNER_DEBUG: '0' }
const CLEAN_ENV = { PATH: process.env.PATH ?? '' }

const STARTUP_WARMUPS = 3
const STARTUP_RUNS = 25
const MEMORY_RUNS = 5
const MEMORY_POLLS = 200
const LAG_RUNS = 10
const ECONOMY_INTERVAL_MS = 200
const ECONOMY_WAIT_MS = 3_000
const FAULT_ANSWERS = 10
const DIST_BUDGET_BYTES = 500_000

// Baselines, run as `node -e SCRIPT ARG...` (CommonJS, so process.argv[1] is the first ARG).
const HTTP_GET = `require('node:http').get(process.argv[1], res => res.resume())`
/** A bare Node poller: GET the status every `interval` ms until it reads completed, then exit. */
const HTTP_POLLER = `
const http = require('node:http')
const [url, interval] = process.argv.slice(1)
const poll = () => http.get(url, res => {
  let body = ''
  res.setEncoding('utf8')
  res.on('data', chunk => (body += chunk))
  res.on('end', () => {
    if (JSON.parse(body).status !== 'completed') setTimeout(poll, Number(interval))
  })
})
poll()`
/**
 * `node -e 0` for when GNU time is missing: it would end between two samples of /proc, so it idles
 * 100 ms after start-up (its peak is the same within 0.5%).
 */
const BARE_LINGERING = 'setTimeout(() => {}, 100)'

// ---------------------------------------------------------------------------------------------------
// Statistics and formatting

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b)
}

function median(values: number[]): number {
  const s = sorted(values)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const s = sorted(values)
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!
}

function summary(values: number[]): Stats {
  const s = sorted(values)
  return {
    median: round(median(s)),
    p90: round(percentile(s, 90)),
    min: round(s[0]!),
    max: round(s[s.length - 1]!),
    runs: s.length,
    samples: values.map(v => round(v))
  }
}

interface Stats {
  median: number
  p90: number
  min: number
  max: number
  runs: number
  samples: number[]
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits))
const ms = (s: Stats): string => `${s.median.toFixed(1)} ms (p90 ${s.p90.toFixed(1)})`
const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`
const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`

function progress(line: string): void {
  process.stderr.write(`${line}\n`)
}

// ---------------------------------------------------------------------------------------------------
// Children

interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  /** performance.now() when spawn() returned (the process has been forked and exec'd). */
  spawnedAt: number
  /** performance.now() at the child's `close`. */
  closedAt: number
  /** Peak RSS in KiB, when asked for. */
  peakKb?: number
  stdout: string
  stderr: string
}

const hasTime = existsSync(TIME)

/**
 * `node ARGS`, optionally with its peak RSS in KiB: from GNU time's %M, else the last VmHWM seen in
 * /proc (sampled every 20 ms).
 */
async function runNode(
  args: string[],
  env: Record<string, string>,
  options: { peak?: boolean; killAfterMs?: number } = {}
): Promise<ChildRun> {
  const wrapped = options.peak && hasTime
  const [command, argv] = wrapped
    ? [TIME, ['-f', 'bench-maxrss-kb %M', process.execPath, ...args]]
    : [process.execPath, args]
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const spawnedAt = performance.now()
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))

  let hwm: number | undefined
  let sampler: NodeJS.Timeout | undefined
  if (options.peak && !wrapped) {
    const sample = (): void => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then(
        text => {
          const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(text)?.[1])
          if (kb) hwm = kb
        },
        () => undefined
      )
    }
    sample()
    sampler = setInterval(sample, 20)
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  const [code, signal, closedAt] = await new Promise<
    [number | null, NodeJS.Signals | null, number]
  >(done => child.on('close', (c, s) => done([c, s, performance.now()])))
  clearTimeout(killer)
  if (sampler) clearInterval(sampler)

  const reported = wrapped ? [...stderr.matchAll(/bench-maxrss-kb (\d+)/g)].pop() : undefined
  const peakKb = reported ? Number(reported[1]) : hwm
  stderr = stderr.replace(/(Command exited with non-zero status \d+\n)?bench-maxrss-kb \d+\n?/, '')
  return { code, signal, spawnedAt, closedAt, peakKb, stdout, stderr }
}

/** runAction's environment and files, for the runs that need their own spawn (a wrapper, the exit time). */
function actionEnv(inputs: Record<string, string>): {
  env: Record<string, string>
  finish(): Record<string, string>
} {
  const dir = mkdtempSync(join(tmpdir(), 'codearts-bench-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    ...CLEAN_ENV,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...QUIET
  }
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return {
    env,
    finish: () => {
      const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
      rmSync(dir, { recursive: true, force: true })
      return outputs
    }
  }
}

function waitInputs(server: FakeCodeArts, buildId: string, pollInterval: string) {
  return {
    'pipeline-id': PIPELINE,
    endpoint: server.url,
    token: TOKEN,
    'build-id': buildId,
    'poll-interval': pollInterval,
    timeout: '5m'
  }
}

/** Figures from a run that did not do its job would measure something else: stop the bench instead. */
function expectSuccess(what: string, run: { code: number | null; stdout: string; stderr: string }) {
  if (run.code === 0) return
  throw new Error(
    `${what} exited with ${run.code}; the figures would be meaningless.\n` +
      `--- stdout ---\n${run.stdout.slice(-2000)}\n--- stderr ---\n${run.stderr.slice(-2000)}`
  )
}

function statusPath(server: FakeCodeArts, query = ''): string {
  return `${server.url}/v3/pipelines/${PIPELINE}/status${query}`
}

// ---------------------------------------------------------------------------------------------------
// 1. Start-up: spawn to first API request (action, node GET) and spawn to exit (node -e 0)

async function startup() {
  const completed = scriptedRun('b-start', 0, 'success')[0]!
  // When each status request reached the script: the same moment as its atMs, in high resolution.
  const receivedAt = new Map<RecordedRequest, number>()
  const server = await startFakeCodeArts(request => {
    receivedAt.set(request, performance.now())
    return completed
  })
  const firstRequestAfter = (before: number, spawnedAt: number, what: string): number => {
    const first = server.requests[before]
    if (!first) throw new Error(`${what} made no request`)
    const at = receivedAt.get(first) ?? first.atMs - performance.timeOrigin
    return at - spawnedAt
  }

  const action = async (): Promise<number> => {
    const before = server.requests.length
    let spawnedAt = 0
    const run = await runAction(waitInputs(server, 'b-start', '100ms'), {
      env: QUIET,
      onSpawn: () => (spawnedAt = performance.now())
    })
    expectSuccess('dist/index.js', run)
    return firstRequestAfter(before, spawnedAt, 'dist/index.js')
  }
  const bare = async (): Promise<number> => {
    const run = await runNode(['-e', '0'], CLEAN_ENV)
    expectSuccess('node -e 0', run)
    return run.closedAt - run.spawnedAt
  }
  const get = async (): Promise<number> => {
    const before = server.requests.length
    const run = await runNode(['-e', HTTP_GET, statusPath(server)], CLEAN_ENV)
    expectSuccess('node http GET', run)
    return firstRequestAfter(before, run.spawnedAt, 'node http GET')
  }

  const kinds = [action, bare, get]
  const samples: number[][] = [[], [], []]
  for (let round = 0; round < STARTUP_WARMUPS + STARTUP_RUNS; round++) {
    // Interleaved, and the order turns each round, so drift and position fall on all three alike.
    for (let k = 0; k < kinds.length; k++) {
      const kind = (round + k) % kinds.length
      const value = await kinds[kind]!()
      if (round >= STARTUP_WARMUPS) samples[kind]!.push(value)
    }
  }
  await server.close()
  return {
    action: summary(samples[0]!),
    nodeE0: summary(samples[1]!),
    httpGet: summary(samples[2]!)
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. Peak memory: a 200-poll wait, against node -e 0 and a bare Node http poller

async function memory() {
  const interval = 100
  const steps = scriptedRun('b-mem', MEMORY_POLLS - 1, 'success')
  // The waits take 20 s each, so they run side by side, each against its own server; peak RSS does not
  // depend on the neighbours.
  const actionRun = async (): Promise<number> => {
    const server = await startFakeCodeArts(steps)
    const { env, finish } = actionEnv(waitInputs(server, 'b-mem', `${interval}ms`))
    const run = await runNode([ACTION_PATH], env, { peak: true, killAfterMs: 80_000 })
    const outputs = finish()
    await server.close()
    expectSuccess('dist/index.js (200 polls)', run)
    const polls = server.calls('status').length
    if (polls !== MEMORY_POLLS || outputs.conclusion !== 'success') {
      throw new Error(`the 200-poll wait made ${polls} polls, concluded ${outputs.conclusion}`)
    }
    return peakOf(run)
  }
  const pollerRun = async (): Promise<number> => {
    const server = await startFakeCodeArts(steps)
    const run = await runNode(
      ['-e', HTTP_POLLER, statusPath(server), String(interval)],
      CLEAN_ENV,
      {
        peak: true,
        killAfterMs: 80_000
      }
    )
    await server.close()
    expectSuccess('node http poller', run)
    const polls = server.calls('status').length
    if (polls !== MEMORY_POLLS) throw new Error(`the bare poller made ${polls} polls`)
    return peakOf(run)
  }
  const [action, poller] = await Promise.all([
    Promise.all(Array.from({ length: MEMORY_RUNS }, actionRun)),
    Promise.all(Array.from({ length: MEMORY_RUNS }, pollerRun))
  ])
  const bare: number[] = []
  for (let i = 0; i < MEMORY_RUNS; i++) {
    const run = await runNode(['-e', hasTime ? '0' : BARE_LINGERING], CLEAN_ENV, {
      peak: true
    })
    expectSuccess('node -e 0', run)
    bare.push(peakOf(run))
  }
  return { actionKb: summary(action), nodeE0Kb: summary(bare), httpPollerKb: summary(poller) }
}

function peakOf(run: ChildRun): number {
  if (run.peakKb === undefined) throw new Error('no peak RSS could be read for a child')
  return run.peakKb
}

// ---------------------------------------------------------------------------------------------------
// 3. Detection lag: the first completed answer leaves the server -> the child exits

async function detectionLag() {
  const steps = scriptedRun('b-lag', 2, 'success')
  const lastIndex = steps.length - 1
  /** One wait against a fresh server, the run completing on the third poll. */
  const once = async (kind: 'action' | 'poller'): Promise<number> => {
    let completedAt: number | undefined
    const script: Script = (_request, index) => {
      if (index >= lastIndex) completedAt ??= performance.now()
      return steps[Math.min(index, lastIndex)]!
    }
    const server = await startFakeCodeArts(script)
    let run: ChildRun
    if (kind === 'action') {
      const { env, finish } = actionEnv(waitInputs(server, 'b-lag', '100ms'))
      run = await runNode([ACTION_PATH], env)
      const outputs = finish()
      if (outputs.conclusion !== 'success') throw new Error(`lag run: ${outputs.conclusion}`)
    } else {
      run = await runNode(['-e', HTTP_POLLER, statusPath(server), '100'], CLEAN_ENV)
    }
    await server.close()
    expectSuccess(`${kind} (lag)`, run)
    if (completedAt === undefined || server.calls('status').length !== steps.length) {
      throw new Error(`${kind} (lag) made ${server.calls('status').length} polls`)
    }
    return run.closedAt - completedAt
  }
  const action: number[] = []
  const poller: number[] = []
  for (let i = 0; i < LAG_RUNS; i++) {
    action.push(await once('action'))
    poller.push(await once('poller'))
  }
  return { action: summary(action), httpPoller: summary(poller) }
}

// ---------------------------------------------------------------------------------------------------
// 4. API economy: status calls per wait against wait time / poll interval, and with one 503

function running(buildId: string): FakeStep {
  return { json: v3Status({ buildId, status: 'running' }) }
}

function done(buildId: string): FakeStep {
  return { json: v3Status({ buildId, status: 'completed', outcome: 'success' }) }
}

async function economy() {
  // The run completes by the clock, not by the number of calls: 3 s after the first status request.
  let firstAt: number | undefined
  const server = await startFakeCodeArts(request => {
    firstAt ??= request.atMs
    return request.atMs - firstAt >= ECONOMY_WAIT_MS ? done('b-econ') : running('b-econ')
  })
  const run = await runAction(waitInputs(server, 'b-econ', `${ECONOMY_INTERVAL_MS}ms`), {
    env: QUIET
  })
  await server.close()
  expectSuccess('dist/index.js (economy)', run)
  const calls = server.calls('status')
  const times = calls.map(c => c.atMs)
  const elapsedMs = times[times.length - 1]! - times[0]!
  const gaps = times.slice(1).map((t, i) => t - times[i]!)
  const expected = Math.floor(elapsedMs / ECONOMY_INTERVAL_MS) + 1

  // One 503 on the third call: the run completes on the tenth usable answer, so one call more.
  const steps = scriptedRun('b-fault', FAULT_ANSWERS - 1, 'success')
  const FAULT_AT = 2
  const faulty = await startFakeCodeArts((_request, index) => {
    if (index === FAULT_AT) {
      return { status: 503, json: { error_code: 'DEV.503', error_msg: 'Service Unavailable' } }
    }
    const answer = index > FAULT_AT ? index - 1 : index
    return steps[Math.min(answer, steps.length - 1)]!
  })
  const faultRun = await runAction(waitInputs(faulty, 'b-fault', `${ECONOMY_INTERVAL_MS}ms`), {
    env: QUIET
  })
  await faulty.close()
  expectSuccess('dist/index.js (one 503)', faultRun)
  const faultCalls = faulty.calls('status')

  return {
    intervalMs: ECONOMY_INTERVAL_MS,
    statusCalls: calls.length,
    elapsedMs,
    expected,
    ratio: round(calls.length / expected, 3),
    gapMs: { median: median(gaps), min: Math.min(...gaps), max: Math.max(...gaps) },
    oneFault: {
      statusCalls: faultCalls.length,
      usableAnswersNeeded: FAULT_ANSWERS,
      expected: FAULT_ANSWERS + 1,
      elapsedMs: faultCalls[faultCalls.length - 1]!.atMs - faultCalls[0]!.atMs
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 5. dist/ on disk

function distSize() {
  const files: { path: string; bytes: number; blocksBytes: number }[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) {
        const stat = statSync(path)
        files.push({ path, bytes: stat.size, blocksBytes: stat.blocks * 512 })
      }
    }
  }
  walk(DIST)
  const maps = files.filter(f => f.path.endsWith('.map')).map(f => f.path)
  const inlineMap = /\/\/# sourceMappingURL=data:/.test(readFileSync(ACTION_PATH, 'utf8'))
  const shipped = maps.length > 0 || inlineMap
  const readme = existsSync('README.md') ? readFileSync('README.md', 'utf8') : ''
  return {
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    allocatedBytes: files.reduce((sum, f) => sum + f.blocksBytes, 0),
    indexBytes: statSync(ACTION_PATH).size,
    files: files.map(f => ({ path: f.path.slice(DIST.length + 1), bytes: f.bytes })),
    sourceMap: { shipped, files: maps, inline: inlineMap },
    // A shipped map is within budget only with a reason in the README.
    readmeExplainsMap: /source ?map/i.test(readme)
  }
}

// ---------------------------------------------------------------------------------------------------

interface Row {
  metric: string
  measured: string
  baseline: string
  ratio: string
  budget: string
  /** undefined: shown for context, not a budget. */
  pass: boolean | undefined
}

function table(rows: Row[]): string {
  const header = ['metric', 'measured', 'baseline', 'ratio', 'budget', 'pass']
  const cells = rows.map(r => [
    r.metric,
    r.measured,
    r.baseline,
    r.ratio,
    r.budget,
    r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i]!.length)))
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

async function main(): Promise<void> {
  if (!existsSync(ACTION_PATH)) {
    progress('dist/index.js is missing: npm run bundle')
    const bundle = spawnSync('npm', ['run', 'bundle'], { stdio: 'inherit' })
    if (bundle.status !== 0) throw new Error('npm run bundle failed')
  }
  const began = performance.now()
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: `${process.platform} ${release()}`,
    memoryMiB: Math.round(totalmem() / 2 ** 20)
  }
  const date = new Date().toISOString()
  progress(`bench on ${machine.cpu} x${machine.cores}, node ${machine.node}, ${date}`)

  progress(`start-up: ${STARTUP_WARMUPS} warm-ups + ${STARTUP_RUNS} runs of each, interleaved`)
  const start = await startup()
  progress(`detection lag: ${LAG_RUNS} runs of each`)
  const lag = await detectionLag()
  progress('API economy: a 3 s wait, and a wait with one 503')
  const api = await economy()
  progress(`peak memory: ${MEMORY_RUNS} waits of ${MEMORY_POLLS} polls, side by side (about 25 s)`)
  const mem = await memory()
  const dist = distSize()

  const startupRatio = start.action.median / start.nodeE0.median
  const memRatio = mem.actionKb.median / mem.nodeE0Kb.median
  const distPass =
    dist.totalBytes < DIST_BUDGET_BYTES && (!dist.sourceMap.shipped || dist.readmeExplainsMap)
  const rows: Row[] = [
    {
      metric: 'start-up: spawn -> first API request',
      measured: ms(start.action),
      baseline: `node -e 0 exit: ${ms(start.nodeE0)}`,
      ratio: `${startupRatio.toFixed(2)}x`,
      budget: '<= 1.3x',
      pass: startupRatio <= 1.3
    },
    {
      metric: '  (against a bare http GET)',
      measured: ms(start.action),
      baseline: `node http GET: ${ms(start.httpGet)}`,
      ratio: `${(start.action.median / start.httpGet.median).toFixed(2)}x`,
      budget: '-',
      pass: undefined
    },
    {
      metric: `peak RSS: ${MEMORY_POLLS}-poll wait`,
      measured: mib(mem.actionKb.median),
      baseline: `node -e 0: ${mib(mem.nodeE0Kb.median)}`,
      ratio: `${memRatio.toFixed(2)}x`,
      budget: '<= 1.35x',
      pass: memRatio <= 1.35
    },
    {
      metric: '  (bare node http poller)',
      measured: mib(mem.httpPollerKb.median),
      baseline: `node -e 0: ${mib(mem.nodeE0Kb.median)}`,
      ratio: `${(mem.httpPollerKb.median / mem.nodeE0Kb.median).toFixed(2)}x`,
      budget: '-',
      pass: undefined
    },
    {
      metric: 'detection lag: completed answer -> exit',
      measured: ms(lag.action),
      baseline: `http poller: ${ms(lag.httpPoller)}`,
      ratio: `${(lag.action.median / lag.httpPoller.median).toFixed(2)}x`,
      budget: '< 50 ms',
      pass: lag.action.median < 50
    },
    {
      metric: `status calls: ${api.elapsedMs} ms wait, ${api.intervalMs} ms interval`,
      measured: `${api.statusCalls} calls`,
      baseline: `floor(wait/interval)+1 = ${api.expected}`,
      ratio: `${api.ratio.toFixed(2)}x`,
      budget: 'expected +-1 call',
      pass: Math.abs(api.statusCalls - api.expected) <= 1
    },
    {
      metric: 'status calls: one 503 injected',
      measured: `${api.oneFault.statusCalls} calls`,
      baseline: `${api.oneFault.usableAnswersNeeded} answers + 1 retry`,
      ratio: `${(api.oneFault.statusCalls / api.oneFault.expected).toFixed(2)}x`,
      budget: `= ${api.oneFault.expected}`,
      pass: api.oneFault.statusCalls === api.oneFault.expected
    },
    {
      metric: 'dist/ size on disk',
      measured: `${kB(dist.totalBytes)} (index.js ${kB(dist.indexBytes)})`,
      baseline: `budget ${kB(DIST_BUDGET_BYTES)}`,
      ratio: `${(dist.totalBytes / DIST_BUDGET_BYTES).toFixed(2)}x`,
      budget: '< 500 kB, no map',
      pass: distPass
    },
    {
      metric: '  source map shipped',
      measured: dist.sourceMap.shipped ? 'yes' : 'no',
      baseline: '-',
      ratio: '-',
      budget: 'no (or README says why)',
      pass: !dist.sourceMap.shipped || dist.readmeExplainsMap
    }
  ]

  const seconds = (performance.now() - began) / 1000
  console.log(`\nnode ${machine.node} on ${machine.cpu} (${machine.cores} cores), ${date}`)
  console.log(`peak RSS read with ${hasTime ? `${TIME} -f %M` : '/proc/<pid>/status VmHWM'}`)
  console.log(`\n${table(rows)}\n`)

  const results = {
    date,
    machine,
    durationSeconds: round(seconds, 1),
    peakRssMethod: hasTime ? `${TIME} -f %M` : '/proc/<pid>/status VmHWM, sampled every 20 ms',
    budgetsMet: rows.every(r => r.pass !== false),
    table: rows,
    startupMs: { ...start, ratio: round(startupRatio, 3) },
    peakRss: { ...mem, ratio: round(memRatio, 3), polls: MEMORY_POLLS, pollIntervalMs: 100 },
    detectionLagMs: { ...lag, pollIntervalMs: 100, completesOnPoll: 3 },
    apiEconomy: api,
    dist
  }
  const out = resolve('bench/results.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`Figures written to ${out} (bench took ${seconds.toFixed(0)} s).`)

  const failed = rows.filter(r => r.pass === false)
  if (failed.length) console.log(`Over budget: ${failed.map(r => r.metric.trim()).join('; ')}`)
  if (CHECK && failed.length) process.exitCode = 1
}

await main()
