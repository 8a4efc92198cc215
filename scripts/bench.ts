// `npm run bench [-- --node PATH] [-- --check]`: start-up and memory side by side with popular actions
// (issue 11, item 5), and the figures that keep a budget of their own (issue 7): detection lag, status-call
// economy, the size of dist/. Prints two tables and writes the figures to bench/results.json.
//
// Side by side: `node -e 0`, this action (dist/index.js as it is) and each peer action in ../shared/peers
// (next to the repository; BENCH_PEERS=dir to look elsewhere), each started with no INPUT_* variables in the
// clean environment runAction gives a child, so each fails fast on a missing input. 25 starts of each after
// 3 warm-ups, interleaved round-robin (the order turning each round) so that machine noise falls on all
// alike. Time is spawn -> exit, taken here with performance.now(); peak RSS comes from the same starts, read
// with GNU time's %M (or, without /usr/bin/time, sampled from /proc, which can miss a short child's peak).
// Without the peers directory the bench still runs, without them and without the verdict.
//
// Every child runs on one Node: the one running the bench, or BENCH_NODE=/path/to/node / --node PATH.
// What is measured is a copy of dist/ taken at the start, so that a rebuild meanwhile cannot mix two builds.
// --check exits 1 when a figure with a budget (detection lag, status calls, dist/) is over it; the
// side-by-side verdict is printed, never enforced.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  accessSync,
  constants,
  cpSync,
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
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import {
  scriptedRun,
  startFakeCodeArts,
  v3Status,
  type FakeCodeArts,
  type FakeStep,
  type Script
} from '../__tests__/support/fake-codearts.js'
import { ACTION_PATH, parseOutputFile } from '../__tests__/support/run-action.js'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DIST = dirname(ACTION_PATH)
/** The copy of dist/index.js every measurement runs: see snapshotDist. */
let ACTION = ACTION_PATH
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
// @actions/http-client brings undici (about 560 KB minified, loaded only on first need): the same cap
// as the bundle test.
const DIST_BUDGET_BYTES = 1024 * 1024

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

// ---------------------------------------------------------------------------------------------------
// Command line

interface Options {
  check: boolean
  /** The node binary every child runs on. */
  node: string
  /** Where the peers are looked for, and whether the caller named it. */
  peersDir: string
  peersNamed: boolean
}

function options(argv: string[]): Options {
  let check = false
  let node = process.env.BENCH_NODE || process.execPath
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--check') check = true
    else if (arg === '--node' && argv[i + 1]) node = argv[++i]!
    else if (arg.startsWith('--node=')) node = arg.slice('--node='.length)
    else throw new Error(`unknown argument ${arg}: npm run bench [-- --node PATH] [-- --check]`)
  }
  const named = process.env.BENCH_PEERS
  return {
    check,
    node: resolve(node),
    peersDir: named ? resolve(named) : resolve(REPO, '..', 'shared', 'peers'),
    peersNamed: Boolean(named)
  }
}

const OPTIONS = options(process.argv.slice(2))
const NODE = OPTIONS.node

function nodeVersion(): string {
  try {
    accessSync(NODE, constants.X_OK)
  } catch {
    throw new Error(`${NODE} is not an executable node (BENCH_NODE or --node)`)
  }
  const run = spawnSync(NODE, ['-p', 'process.version'], { env: CLEAN_ENV, encoding: 'utf8' })
  const version = run.stdout?.trim()
  if (run.status !== 0 || !version?.startsWith('v')) {
    throw new Error(`${NODE} -p process.version failed: ${run.stderr || run.error?.message}`)
  }
  return version
}

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

interface Stats {
  median: number
  p90: number
  min: number
  max: number
  runs: number
  samples: number[]
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

const round = (n: number, digits = 2): number => Number(n.toFixed(digits))
const msec = (n: number): string => `${n.toFixed(1)} ms`
const ms = (s: Stats): string => `${msec(s.median)} (p90 ${s.p90.toFixed(1)})`
const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`
const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`

function progress(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Columns padded to their widest cell; `right` columns are right-aligned. */
function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n')
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

// BENCH_GNU_TIME=0 forces the /proc fallback (to try it where GNU time is installed).
const hasTime = process.env.BENCH_GNU_TIME !== '0' && existsSync(TIME)
const PEAK_METHOD = hasTime ? `${TIME} -f %M` : '/proc/<pid>/status VmHWM, sampled every 5 ms'

/**
 * `NODE ARGS`, optionally with its peak RSS in KiB: from GNU time's %M (time's own fork and exec cost
 * well under a millisecond, alike for every child), else the last VmHWM seen in /proc.
 */
async function runNode(
  args: string[],
  env: Record<string, string>,
  options: { peak?: boolean; killAfterMs?: number; cwd?: string } = {}
): Promise<ChildRun> {
  const wrapped = options.peak && hasTime
  const [command, argv] = wrapped
    ? [TIME, ['-f', 'bench-maxrss-kb %M', NODE, ...args]]
    : [NODE, args]
  const child = spawn(command, argv, {
    env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe']
  })
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
    sampler = setInterval(sample, 5)
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

function peakOf(run: ChildRun, what: string): number {
  if (run.peakKb === undefined) throw new Error(`no peak RSS could be read for ${what}`)
  return run.peakKb
}

/** What a runner gives a step, as runAction does: PATH, the output and summary files, no debug. */
function runnerEnv(inputs: Record<string, string>): {
  env: Record<string, string>
  dir: string
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
    dir,
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

/** The action waiting against a fake server: a child with the wait's inputs. */
async function runWait(
  server: FakeCodeArts,
  buildId: string,
  pollInterval: string,
  options: { peak?: boolean; killAfterMs?: number } = {}
): Promise<ChildRun & { outputs: Record<string, string> }> {
  const { env, finish } = runnerEnv(waitInputs(server, buildId, pollInterval))
  const run = await runNode([ACTION], env, options)
  return { ...run, outputs: finish() }
}

/** Figures from a run that did not do its job would measure something else: stop the bench instead. */
function expectSuccess(what: string, run: ChildRun) {
  if (run.code === 0) return
  throw new Error(
    `${what} exited with ${run.code ?? run.signal}; the figures would be meaningless.\n` +
      `--- stdout ---\n${run.stdout.slice(-2000)}\n--- stderr ---\n${run.stderr.slice(-2000)}`
  )
}

function statusPath(server: FakeCodeArts, query = ''): string {
  return `${server.url}/v3/pipelines/${PIPELINE}/status${query}`
}

// ---------------------------------------------------------------------------------------------------
// 1. Side by side: time to fail on a missing input, and the peak RSS of that start

interface Contestant {
  name: string
  /** What the child is given after `node`. */
  args: string[]
  /** false: `node -e 0`, which exits 0; true: an action, which must fail with an ::error:: line. */
  fails: boolean
  peer: boolean
}

interface ContestantResult {
  name: string
  command: string
  peer: boolean
  timeMs: Stats
  peakRssKb: Stats
  /** The first ::error:: line of the last start: what the contestant failed on. */
  failedWith?: string
}

/** The peers: each directory of `dir` with an index.js, by name. */
function findPeers(dir: string): Contestant[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && existsSync(join(dir, entry.name, 'index.js')))
    .map(entry => entry.name)
    .sort()
    .map(name => ({ name, args: [join(dir, name, 'index.js')], fails: true, peer: true }))
}

async function sideBySide(peers: Contestant[]): Promise<ContestantResult[]> {
  const contestants: Contestant[] = [
    { name: 'node -e 0', args: ['-e', '0'], fails: false, peer: false },
    { name: 'this action', args: [ACTION], fails: true, peer: false },
    ...peers
  ]
  // Each contestant keeps its own output and summary files, and runs in its own empty directory.
  const envs = contestants.map(() => runnerEnv({}))
  const times: number[][] = contestants.map(() => [])
  const peaks: number[][] = contestants.map(() => [])
  const failedWith: (string | undefined)[] = contestants.map(() => undefined)

  const once = async (k: number): Promise<[number, number]> => {
    const contestant = contestants[k]!
    const { env, dir } = envs[k]!
    const run = await runNode(contestant.args, env, { peak: true, cwd: dir, killAfterMs: 20_000 })
    const what = `${contestant.name} (${contestant.args.join(' ')})`
    if (!contestant.fails) expectSuccess(what, run)
    else {
      const error = run.stdout.split('\n').find(line => line.startsWith('::error'))
      if (run.code === 0 || run.code === null || error === undefined) {
        throw new Error(
          `${what} was to fail on a missing input with an ::error:: line, but exited with ` +
            `${run.code ?? run.signal}.\n--- stdout ---\n${run.stdout.slice(-2000)}\n` +
            `--- stderr ---\n${run.stderr.slice(-2000)}`
        )
      }
      failedWith[k] = error.replace(/^::error[^:]*::/, '').replace(/%0A.*/s, ' …')
    }
    return [run.closedAt - run.spawnedAt, peakOf(run, what)]
  }

  const rounds = STARTUP_WARMUPS + STARTUP_RUNS
  for (let round = 0; round < rounds; round++) {
    // Round-robin, the order turning each round, so drift and position fall on all alike.
    for (let i = 0; i < contestants.length; i++) {
      const k = (round + i) % contestants.length
      const [time, peak] = await once(k)
      if (round >= STARTUP_WARMUPS) {
        times[k]!.push(time)
        peaks[k]!.push(peak)
      }
    }
  }
  for (const { finish } of envs) finish()

  return contestants.map((c, k) => ({
    name: c.name,
    command: `node ${c.args.map(a => (a === ACTION ? 'dist/index.js' : a)).join(' ')}`,
    peer: c.peer,
    timeMs: summary(times[k]!),
    peakRssKb: summary(peaks[k]!),
    failedWith: failedWith[k]
  }))
}

// ---------------------------------------------------------------------------------------------------
// 2. Peak memory over a 200-poll wait, and a bare Node http poller doing the same

async function memory() {
  const interval = 100
  const steps = scriptedRun('b-mem', MEMORY_POLLS - 1, 'success')
  // The waits take 20 s each, so they run side by side, each against its own server; peak RSS does not
  // depend on the neighbours.
  const actionRun = async (): Promise<number> => {
    const server = await startFakeCodeArts(steps)
    const run = await runWait(server, 'b-mem', `${interval}ms`, { peak: true, killAfterMs: 80_000 })
    await server.close()
    expectSuccess('dist/index.js (200 polls)', run)
    const polls = server.calls('status').length
    if (polls !== MEMORY_POLLS || run.outputs.conclusion !== 'success') {
      throw new Error(`the 200-poll wait made ${polls} polls, concluded ${run.outputs.conclusion}`)
    }
    return peakOf(run, 'the 200-poll wait')
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
    return peakOf(run, 'the bare poller')
  }
  const [action, poller] = await Promise.all([
    Promise.all(Array.from({ length: MEMORY_RUNS }, actionRun)),
    Promise.all(Array.from({ length: MEMORY_RUNS }, pollerRun))
  ])
  return { actionKb: summary(action), httpPollerKb: summary(poller) }
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
      const wait = await runWait(server, 'b-lag', '100ms')
      if (wait.outputs.conclusion !== 'success') {
        throw new Error(`lag run: ${wait.outputs.conclusion}`)
      }
      run = wait
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
  const run = await runWait(server, 'b-econ', `${ECONOMY_INTERVAL_MS}ms`)
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
  const faultRun = await runWait(faulty, 'b-fault', `${ECONOMY_INTERVAL_MS}ms`)
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

function distSize(dist: string) {
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
  walk(dist)
  const maps = files.filter(f => f.path.endsWith('.map')).map(f => f.path)
  const index = join(dist, basename(ACTION_PATH))
  const inlineMap = /\/\/# sourceMappingURL=data:/.test(readFileSync(index, 'utf8'))
  const shipped = maps.length > 0 || inlineMap
  const readmePath = join(REPO, 'README.md')
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : ''
  return {
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    allocatedBytes: files.reduce((sum, f) => sum + f.blocksBytes, 0),
    indexBytes: statSync(index).size,
    files: files.map(f => ({ path: relative(dist, f.path), bytes: f.bytes })),
    sourceMap: { shipped, files: maps, inline: inlineMap },
    // A shipped map is within budget only with a reason in the README.
    readmeExplainsMap: /source ?map/i.test(readme)
  }
}

// ---------------------------------------------------------------------------------------------------
// dist/ as it was when the bench began

/** Every file of `dir`, by relative path, hashed together. */
function hashDir(dir: string): string {
  const hash = createHash('sha256')
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1
    )) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) hash.update(`${relative(dir, path)}\0`).update(readFileSync(path))
    }
  }
  walk(dir)
  return hash.digest('hex').slice(0, 12)
}

/**
 * A copy of dist/ in a temporary directory, which every measurement runs: dist/ may be rebuilt while the
 * bench runs, and one run must measure one build. Taken again if dist/ changed while it was copied.
 */
async function snapshotDist(): Promise<{ dir: string; hash: string }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = hashDir(DIST)
    const dir = mkdtempSync(join(tmpdir(), 'codearts-bench-dist-'))
    cpSync(DIST, dir, { recursive: true })
    const copied = hashDir(dir)
    if (copied === before && hashDir(DIST) === before) return { dir, hash: copied }
    rmSync(dir, { recursive: true, force: true })
    await new Promise(done => setTimeout(done, 2_000))
  }
  throw new Error('dist/ kept changing while it was copied; run the bench when it is built')
}

// ---------------------------------------------------------------------------------------------------
// Report

/** This action against the peers: time to fail, and peak RSS (the larger of start and 200-poll wait). */
function verdict(results: ContestantResult[], waitPeakKb: number) {
  const action = results.find(r => r.name === 'this action')!
  const peers = results.filter(r => r.peer)
  const judge = (mine: number, theirs: number[]) => {
    const peersMedian = median(theirs)
    return {
      action: round(mine),
      peersMedian: round(peersMedian),
      best: round(Math.min(...theirs)),
      ratioToMedian: round(mine / peersMedian, 3),
      noWorseThanMedian: mine <= peersMedian,
      aheadOfAll: theirs.every(t => mine < t)
    }
  }
  const startPeakKb = action.peakRssKb.median
  return {
    peers: peers.map(p => p.name),
    timeToFailMs: judge(
      action.timeMs.median,
      peers.map(p => p.timeMs.median)
    ),
    peakRssKb: {
      ...judge(
        Math.max(startPeakKb, waitPeakKb),
        peers.map(p => p.peakRssKb.median)
      ),
      startKb: startPeakKb,
      waitKb: waitPeakKb
    }
  }
}

type Verdict = ReturnType<typeof verdict>

function sideBySideTable(
  results: ContestantResult[],
  waitPeakKb: number,
  verdictOf: Verdict | undefined
): string {
  const rows = results.map(r => [
    r.name === 'this action' ? 'this action (dist/index.js)' : r.name,
    msec(r.timeMs.median),
    msec(r.timeMs.p90),
    mib(r.peakRssKb.median),
    r.name === 'this action' ? mib(waitPeakKb) : '-'
  ])
  if (verdictOf) {
    const peers = results.filter(r => r.peer)
    rows.push([
      `peers' median (${peers.length})`,
      msec(median(peers.map(p => p.timeMs.median))),
      msec(median(peers.map(p => p.timeMs.p90))),
      mib(median(peers.map(p => p.peakRssKb.median))),
      '-'
    ])
  }
  return table(
    [
      'contestant',
      'time to fail',
      'p90',
      'peak RSS (start)',
      `peak RSS (${MEMORY_POLLS}-poll wait)`
    ],
    rows,
    [false, true, true, true, true]
  )
}

function verdictLines(v: Verdict): string[] {
  const n = v.peers.length
  const t = v.timeToFailMs
  const m = v.peakRssKb
  const yes = (b: boolean) => (b ? 'yes' : 'NO')
  const which = m.startKb >= m.waitKb ? 'start' : `${MEMORY_POLLS}-poll wait`
  return [
    `time to fail: this action ${msec(t.action)} vs the peers' median ${msec(t.peersMedian)} ` +
      `(${t.ratioToMedian.toFixed(2)}x): no worse than the median: ${yes(t.noWorseThanMedian)}; ` +
      `ahead of all ${n} (fastest peer ${msec(t.best)}): ${yes(t.aheadOfAll)}`,
    `peak RSS:     this action ${mib(m.action)} (its ${which}) vs the peers' median ` +
      `${mib(m.peersMedian)} (${m.ratioToMedian.toFixed(2)}x): no worse than the median: ` +
      `${yes(m.noWorseThanMedian)}; ahead of all ${n} (smallest peer ${mib(m.best)}): ${yes(m.aheadOfAll)}`
  ]
}

interface Row {
  metric: string
  measured: string
  baseline: string
  budget: string
  /** undefined: shown for context, not a budget. */
  pass: boolean | undefined
}

async function main(): Promise<void> {
  if (!existsSync(ACTION_PATH)) {
    progress('dist/index.js is missing: npm run bundle')
    const bundle = spawnSync('npm', ['run', 'bundle'], { stdio: 'inherit', cwd: REPO })
    if (bundle.status !== 0) throw new Error('npm run bundle failed')
  }
  const snapshot = await snapshotDist()
  ACTION = join(snapshot.dir, basename(ACTION_PATH))
  try {
    await bench(snapshot.hash, snapshot.dir)
  } finally {
    rmSync(snapshot.dir, { recursive: true, force: true })
  }
}

async function bench(distHash: string, distDir: string): Promise<void> {
  const began = performance.now()
  const measuredNode = { path: NODE, version: nodeVersion() }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: `${process.platform} ${release()}`,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    benchNode: process.version
  }
  const date = new Date().toISOString()
  // Other work on the machine shows in every figure: the load average says how busy it was.
  const loadAtStart = round(loadavg()[0]!)
  const peers = findPeers(OPTIONS.peersDir)
  if (OPTIONS.peersNamed && peers.length === 0) {
    throw new Error(`BENCH_PEERS=${OPTIONS.peersDir} holds no <peer>/index.js`)
  }
  progress(`bench: node ${measuredNode.version} (${NODE}) on ${machine.cpu} x${machine.cores}`)
  progress(`dist/ ${distHash}, copied to ${distDir}`)
  progress(
    peers.length
      ? `peers from ${OPTIONS.peersDir}: ${peers.map(p => p.name).join(', ')}`
      : `no peers at ${OPTIONS.peersDir}: the side-by-side comparison is left out`
  )

  const contestants = 2 + peers.length
  progress(
    `side by side: ${contestants} contestants, ${STARTUP_WARMUPS} warm-ups + ${STARTUP_RUNS} ` +
      `starts of each, round-robin`
  )
  const starts = await sideBySide(peers)
  progress(`peak memory: ${MEMORY_RUNS} waits of ${MEMORY_POLLS} polls, side by side (about 25 s)`)
  const mem = await memory()
  progress(`detection lag: ${LAG_RUNS} runs of each`)
  const lag = await detectionLag()
  progress('API economy: a 3 s wait, and a wait with one 503')
  const api = await economy()
  const dist = distSize(distDir)
  const distChanged = hashDir(DIST) !== distHash

  const waitPeakKb = mem.actionKb.median
  const verdictOf = peers.length ? verdict(starts, waitPeakKb) : undefined
  const distPass =
    dist.totalBytes < DIST_BUDGET_BYTES && (!dist.sourceMap.shipped || dist.readmeExplainsMap)
  const rows: Row[] = [
    {
      metric: 'detection lag: completed answer -> exit',
      measured: ms(lag.action),
      baseline: `bare http poller: ${ms(lag.httpPoller)}`,
      budget: '< 50 ms',
      pass: lag.action.median < 50
    },
    {
      metric: `status calls: ${api.elapsedMs} ms wait, ${api.intervalMs} ms interval`,
      measured: `${api.statusCalls} calls`,
      baseline: `floor(wait/interval)+1 = ${api.expected}`,
      budget: 'expected +-1 call',
      pass: Math.abs(api.statusCalls - api.expected) <= 1
    },
    {
      metric: 'status calls: one 503 injected',
      measured: `${api.oneFault.statusCalls} calls`,
      baseline: `${api.oneFault.usableAnswersNeeded} answers + 1 retry`,
      budget: `= ${api.oneFault.expected}`,
      pass: api.oneFault.statusCalls === api.oneFault.expected
    },
    {
      metric: 'dist/ size on disk',
      measured: `${kB(dist.totalBytes)} (index.js ${kB(dist.indexBytes)})`,
      baseline: '-',
      budget: `< ${kB(DIST_BUDGET_BYTES)}`,
      pass: distPass
    },
    {
      metric: '  source map shipped',
      measured: dist.sourceMap.shipped ? 'yes' : 'no',
      baseline: '-',
      budget: 'no (or README says why)',
      pass: !dist.sourceMap.shipped || dist.readmeExplainsMap
    },
    {
      metric: `peak RSS: ${MEMORY_POLLS}-poll wait`,
      measured: mib(mem.actionKb.median),
      baseline: `bare http poller: ${mib(mem.httpPollerKb.median)}`,
      budget: '-',
      pass: undefined
    }
  ]

  const seconds = (performance.now() - began) / 1000
  const loadAtEnd = round(loadavg()[0]!)
  const out: string[] = [
    '',
    `node ${measuredNode.version} (${NODE}); dist/ ${distHash}, copied at the start`,
    ...(distChanged
      ? ['(dist/ was rebuilt during the run: these figures are of the build copied at the start.)']
      : []),
    `${machine.cpu} (${machine.cores} cores), ${date}, load average ${loadAtStart} at the start, ` +
      `${loadAtEnd} at the end`,
    `Time to fail: spawn -> exit with no inputs (node -e 0: spawn -> exit), median and p90 of ` +
      `${STARTUP_RUNS} after ${STARTUP_WARMUPS} warm-ups, round-robin.`,
    `Peak RSS: ${PEAK_METHOD}, median of the same starts; the ${MEMORY_POLLS}-poll wait: median of ` +
      `${MEMORY_RUNS}.`,
    ...(hasTime
      ? []
      : ['(Without GNU time, a start can end between two samples: its peak RSS may read low.)']),
    '',
    sideBySideTable(starts, waitPeakKb, verdictOf),
    ''
  ]
  if (verdictOf) {
    out.push(...verdictLines(verdictOf), '')
    out.push(
      'What each failed on (its first ::error:: line):',
      ...starts
        .filter(r => r.failedWith !== undefined)
        .map(r => `  ${r.name}: ${r.failedWith!.slice(0, 90)}`),
      ''
    )
  } else {
    out.push(`No peers at ${OPTIONS.peersDir} (BENCH_PEERS=dir): no side-by-side verdict.`, '')
  }
  out.push(
    table(
      ['metric', 'measured', 'baseline', 'budget', 'pass'],
      rows.map(r => [
        r.metric,
        r.measured,
        r.baseline,
        r.budget,
        r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL'
      ])
    ),
    ''
  )
  console.log(out.join('\n'))

  const results = {
    date,
    node: measuredNode,
    machine,
    durationSeconds: round(seconds, 1),
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    distHash,
    distChangedDuringRun: distChanged,
    peakRssMethod: PEAK_METHOD,
    budgetsMet: rows.every(r => r.pass !== false),
    table: rows,
    sideBySide: {
      peersDir: peers.length ? OPTIONS.peersDir : null,
      warmups: STARTUP_WARMUPS,
      runs: STARTUP_RUNS,
      contestants: starts,
      verdict: verdictOf ?? null
    },
    peakRss: { ...mem, polls: MEMORY_POLLS, pollIntervalMs: 100 },
    detectionLagMs: { ...lag, pollIntervalMs: 100, completesOnPoll: 3 },
    apiEconomy: api,
    dist
  }
  const file = join(REPO, 'bench', 'results.json')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`Figures written to ${file} (bench took ${seconds.toFixed(0)} s).`)

  const failed = rows.filter(r => r.pass === false)
  if (failed.length) console.log(`Over budget: ${failed.map(r => r.metric.trim()).join('; ')}`)
  if (OPTIONS.check && failed.length) process.exitCode = 1
}

await main()
