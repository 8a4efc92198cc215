// End to end, issue 14: the bundled dist/index.js as a child process against what is meant to hurt it: a
// body of millions of empty objects, thousands of stages changing every poll, a runner that reads the log
// slowly, a server that echoes credentials in disguise, an endpoint that is plainly wrong, and inputs
// that deserve a clearer word. Some cases measure the child (peak RSS, log bytes), or read its log
// slowly, so they spawn it here rather than through run-action.ts.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import {
  logScript,
  startFakeCodeArts,
  v3Status,
  v5Detail,
  type FakeCodeArts,
  type FakeOptions,
  type FakeStep,
  type RecordedRequest,
  type Script,
  type V5StageSpec
} from '../support/fake-codearts.js'
import {
  ACTION_PATH,
  annotations,
  expectNoSecret,
  parseOutputFile,
  stepEnvironment,
  type ActionRun
} from '../support/run-action.js'

// Characters whose encodings all differ from the token itself, and whose base64 holds `+` and `/` at
// every alignment (so base64url differs from base64 wherever the token starts).
const TOKEN = 'MIIc?~>/+tok&en=SECRET-7e21d'
const AK = 'HPUAK3R7ZC9XW4QT1M8E'
const SK = 'skHard3n1ngYq4Vt8nRz2Lm6Pc1Xw9Kd5Hs3Jf7G'
const PROJECT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
const MiB = 1024 * 1024
/** A step must end within this of its timeout (as in the fault matrix). */
const OVERSHOOT_BOUND_MS = 1_500
/** The hostile body may cost the step this much memory at most. */
const RSS_BOUND_KB = 300 * 1024

// ---------------------------------------------------------------------------------------------------
// The child, spawned here

interface LaunchOptions {
  /** Measure the child's peak RSS: with /usr/bin/time when there is one, else from /proc/PID/status. */
  measureRss?: boolean
  /** Read the child's stdout at about this many bytes per millisecond, pausing the pipe in between. */
  readBytesPerMs?: number
  onSpawn?: (pid: number) => void
  killAfterMs?: number
}

interface Launched extends ActionRun {
  /** Peak resident set size in KiB; undefined when it could not be measured. */
  peakRssKb: number | undefined
  stdoutBytes: number
  /** When, from the spawn, the first `::error` line reached this side; undefined if it never did. */
  errorLineAtMs: number | undefined
}

const TIME = '/usr/bin/time'
const RSS_MARK = 'codearts-peak-rss-kb='

/** The /proc reading of a live process's peak RSS (VmHWM), in KiB. */
function vmHwmKb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

async function launch(
  inputs: Record<string, string>,
  options: LaunchOptions = {}
): Promise<Launched> {
  const { dir, outputFile, summaryFile, env } = stepEnvironment(inputs)
  const viaTime = options.measureRss === true && existsSync(TIME)
  const [command, args] = viaTime
    ? [TIME, ['-f', `${RSS_MARK}%M`, process.execPath, ACTION_PATH]]
    : [process.execPath, [ACTION_PATH]]
  const started = Date.now()
  // Its own process group, so that a kill at the deadline takes /usr/bin/time's child with it.
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const pid = child.pid ?? 0
  options.onSpawn?.(pid)
  let sampled: number | undefined
  const sampler =
    options.measureRss && !viaTime
      ? setInterval(() => {
          const kb = vmHwmKb(pid)
          if (kb !== undefined) sampled = Math.max(sampled ?? 0, kb)
        }, 10)
      : undefined
  const chunks: Buffer[] = []
  let stdoutBytes = 0
  let errorLineAtMs: number | undefined
  let tail = ''
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    stdoutBytes += chunk.length
    if (errorLineAtMs === undefined) {
      const text = tail + chunk.toString('latin1')
      if (/(^|\n)::error/.test(text)) errorLineAtMs = Date.now() - started
      tail = text.slice(-16)
    }
    const rate = options.readBytesPerMs
    if (rate) {
      child.stdout.pause()
      setTimeout(() => child.stdout.resume(), chunk.length / rate)
    }
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const killer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // Gone already.
    }
  }, options.killAfterMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(done =>
    child.on('close', (c, s) => done([c, s]))
  )
  clearTimeout(killer)
  if (sampler) clearInterval(sampler)
  const durationMs = Date.now() - started
  const measured = new RegExp(`^${RSS_MARK}(\\d+)$`, 'm').exec(stderr)
  const result: Launched = {
    code,
    signal,
    stdout: Buffer.concat(chunks).toString('utf8'),
    stderr: stderr
      .split('\n')
      .filter(line => !line.startsWith(RSS_MARK) && !/^Command (exited|terminated)/.test(line))
      .join('\n'),
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs,
    peakRssKb: measured ? Number(measured[1]) : sampled,
    stdoutBytes,
    errorLineAtMs
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

// ---------------------------------------------------------------------------------------------------
// Shared set-up

const servers: FakeCodeArts[] = []
const runs: ActionRun[] = []
/** Measured figures, printed once at the end. */
const figures: string[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()))
  // Whatever else a test checks, no run may print a credential.
  for (const run of runs.splice(0)) expectNoSecret(run, [TOKEN, AK, SK])
})

afterAll(() => {
  if (figures.length) console.log(`hardening figures:\n  ${figures.join('\n  ')}`)
})

async function serve(script: Script, options: FakeOptions = {}): Promise<FakeCodeArts> {
  const fake = await startFakeCodeArts(script, { auth: { token: TOKEN }, ...options })
  servers.push(fake)
  return fake
}

async function runAction(inputs: Record<string, string>, options?: LaunchOptions) {
  const run = await launch(inputs, options)
  runs.push(run)
  return run
}

function v3Inputs(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    'api-version': 'v3',
    endpoint,
    token: TOKEN,
    'poll-interval': '0.1',
    timeout: '20',
    ...extra
  }
}

const mb = (bytes: number): string => `${(bytes / MiB).toFixed(2)} MiB`
const rss = (kb: number | undefined): string =>
  kb === undefined ? 'not measured' : `${(kb / 1024).toFixed(0)} MiB`

/** The lines of the run report group at the end of the log. */
function reportGroup(run: ActionRun): string[] {
  const after = run.stdout.split('::group::CodeArts run report\n')[1] ?? ''
  return after.split('::endgroup::')[0]!.split('\n').filter(Boolean)
}

/** A port on which nothing listens: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

// ---------------------------------------------------------------------------------------------------
// 1. Bounded work

/** A v3 status of one stage holding `tasks` empty task objects: `{..."states":[{"children":[{},{},...]}]}`. */
function emptyTasksBody(tasks: number, status: 'running' | 'completed'): string {
  const head = JSON.stringify({
    pipeline_id: 'pipe-1',
    pipeline_name: 'web-release',
    build_id: 'b-1',
    status,
    outcome: status === 'completed' ? 'success' : null,
    detail_url: 'https://devcloud.example.com/pipeline/detail/pipe-1/b-1'
  })
  const children = new Array<string>(tasks).fill('{}').join(',')
  return `${head.slice(0, -1)},"states":[{"name":"Flood","status":"${status}","children":[${children}]}]}`
}

/** The `{` and `[` in `text`: how the action counts an answer's objects and lists. */
const containers = (text: string): number => (text.match(/[{[]/g) ?? []).length

describe('bounded work on a hostile answer', () => {
  it('a 7.7 MiB body of 2.7 million empty objects: not parsed; the step times out on time, in little memory', async () => {
    const body = emptyTasksBody(2_700_000, 'running')
    expect(body.length).toBeGreaterThan(7.5 * MiB)
    expect(body.length).toBeLessThan(8 * MiB)
    const fake = await serve([{ body }])
    const run = await runAction(v3Inputs(fake.url, { timeout: '5', 'poll-interval': '1' }), {
      measureRss: true,
      killAfterMs: 40_000
    })
    figures.push(
      `2.7M empty objects (${mb(body.length)}): ${run.durationMs} ms with timeout 5 s (overshoot ${run.durationMs - 5_000} ms), peak RSS ${rss(run.peakRssKb)}, stdout ${run.stdoutBytes} bytes, ${fake.calls('status').length} requests`
    )
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(run.durationMs).toBeGreaterThanOrEqual(4_900)
    expect(run.durationMs).toBeLessThan(5_000 + OVERSHOOT_BOUND_MS)
    if (process.platform === 'linux') expect(run.peakRssKb).toBeDefined()
    if (run.peakRssKb !== undefined) expect(run.peakRssKb).toBeLessThan(RSS_BOUND_KB)
    expect(run.stdoutBytes).toBeLessThan(MiB)
    // Each answer is a failed request, and the warning says why: how many objects it held.
    const count = containers(body)
    const warnings = annotations(run, 'warning').filter(w => w.includes('Status request failed'))
    expect(warnings.length).toBeGreaterThanOrEqual(2)
    for (const warning of warnings) expect(warning).toContain(`${count} objects`)
    expect(annotations(run, 'error')).toHaveLength(1)
  }, 60_000)

  it('150k empty tasks in one stage, just under the limit: read within the item budget, the rest counted', async () => {
    const tasks = 150_000
    const body = emptyTasksBody(tasks, 'completed')
    expect(containers(body)).toBeLessThan(200_000)
    const fake = await serve([{ body }])
    const run = await runAction(v3Inputs(fake.url), { measureRss: true })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    const group = reportGroup(run)
    const note = group.find(line => /more .* than were read/.test(line)) ?? ''
    expect(note).toMatch(/held \d+ more stages, jobs and steps than were read/)
    const leftOut = Number(/held (\d+) more/.exec(note)?.[1])
    // The one stage and some of its tasks were read, at most a few thousand; the note counts the rest.
    const stages = JSON.parse(run.outputs.stages ?? '[]') as { tasks: unknown[] }[]
    expect(stages).toHaveLength(1)
    const read = stages[0]!.tasks.length
    expect(read).toBeGreaterThan(0)
    expect(read).toBeLessThanOrEqual(5_000)
    expect(read + leftOut).toBe(tasks)
    // The report says how much more it left out; the whole stays small.
    expect(group.length).toBeLessThanOrEqual(503)
    expect(group.some(line => /^ {2}\.\.\. and \d+ more stages and tasks/.test(line))).toBe(true)
    const summaryBytes = Buffer.byteLength(run.summary)
    figures.push(
      `150k empty tasks (${mb(body.length)}): read ${read}, left out ${leftOut}, ${run.durationMs} ms, peak RSS ${rss(run.peakRssKb)}, stdout ${run.stdoutBytes} bytes, summary ${summaryBytes} bytes`
    )
    expect(summaryBytes).toBeLessThan(MiB)
    expect(run.stdoutBytes).toBeLessThan(MiB)
  }, 60_000)
})

// ---------------------------------------------------------------------------------------------------
// 2. Log volume

/** A compact v3 status: `stages` stages, every one in `stageStatus`. */
function manyStages(stages: number, runStatus: string, stageStatus: string): FakeStep {
  const body = JSON.stringify({
    pipeline_name: 'web-release',
    build_id: 'b-1',
    status: runStatus,
    outcome: runStatus === 'completed' ? 'success' : null,
    states: Array.from({ length: stages }, (_, i) => ({
      id: `s${i}`,
      name: `S${i}`,
      status: stageStatus,
      outcome: stageStatus === 'completed' ? 'success' : null
    }))
  })
  return { body }
}

describe('log volume', () => {
  it('10k stages changing state every poll: at most ~50 change lines a poll, and a count of the rest', async () => {
    const polls = 10
    const fake = await serve((_request, index) =>
      index < polls
        ? manyStages(10_000, 'running', index % 2 === 0 ? 'running' : 'verifying')
        : manyStages(10_000, 'completed', 'completed')
    )
    const run = await runAction(v3Inputs(fake.url, { 'poll-interval': '0.2' }))
    expect(run.code).toBe(0)
    expect(fake.calls('status')).toHaveLength(polls + 1)
    const waiting = run.stdout.split('::group::CodeArts run report\n')[0]!.split('\n')
    // One block per poll that changed something: the run's line, then its changes.
    const blocks: string[][] = []
    for (const line of waiting) {
      if (line.startsWith('Run b-1:')) blocks.push([])
      else blocks.at(-1)?.push(line)
    }
    expect(blocks.length).toBeGreaterThanOrEqual(polls)
    const changeLines = blocks.map(block => block.filter(l => l.startsWith('  Stage ')).length)
    for (const [i, block] of blocks.entries()) {
      expect(changeLines[i]).toBeLessThanOrEqual(50)
      expect(block.some(l => /^ {2}\.\.\. and \d+ more changes$/.test(l))).toBe(true)
    }
    figures.push(
      `10k stages x ${polls + 1} polls: stdout ${run.stdoutBytes} bytes, change lines per poll ${Math.max(...changeLines)} at most`
    )
    expect(run.stdoutBytes).toBeLessThan(MiB)
  }, 60_000)
})

// ---------------------------------------------------------------------------------------------------
// 3. Delivery to a slow runner

describe('delivery', () => {
  it('a log of over 1 MB read at 0.25 MB/s: the error line and exit code 1 both arrive', async () => {
    const runningPolls = 16
    const long = (label: string, n: number) => `${label} ${n} ${'x'.repeat(290)}`
    const stages = (poll: number | 'end'): V5StageSpec[] =>
      Array.from({ length: 300 }, (_, i) => ({
        name: long('Stage', i),
        status: poll === 'end' ? 'FAILED' : 'RUNNING',
        jobs: [
          {
            name: long('Job', i),
            status: poll === 'end' ? 'FAILED' : 'RUNNING',
            // A new message every poll: every job is a change.
            message: `${poll === 'end' ? 'failed' : `poll ${poll}`}: ${'m'.repeat(290)}`,
            steps:
              i < 5 ? [{ name: `step ${i}`, status: poll === 'end' ? 'FAILED' : 'RUNNING' }] : []
          }
        ]
      }))
    // Each failed step's log: 200 lines of 1000 characters (the action keeps the last 64 KiB of each).
    const log = Array.from({ length: 200 }, (_, n) => `line ${n} ${'L'.repeat(990)}`)
    const fake = await serve(
      (_request, index) => ({
        json: v5Detail({
          runId: 'r-1',
          status: index < runningPolls ? 'RUNNING' : 'FAILED',
          stages: stages(index < runningPolls ? index : 'end')
        })
      }),
      { logs: logScript(log) }
    )
    const run = await runAction(
      {
        'pipeline-id': 'pipe-1',
        'project-id': PROJECT,
        endpoint: fake.url,
        token: TOKEN,
        'poll-interval': '0.25',
        timeout: '60',
        'log-lines': '1000'
      },
      { readBytesPerMs: 250, killAfterMs: 90_000 }
    )
    figures.push(
      `slow reader (0.25 MB/s): ${mb(run.stdoutBytes)} received, error line at ${run.errorLineAtMs ?? 'never'} ms, exit at ${run.durationMs} ms (code ${run.code}), ${mb(Buffer.byteLength(run.stdout.slice(run.stdout.indexOf('\n::error'))))} from the error line on, log groups closed: ${(run.stdout.match(/^::endgroup::$/gm) ?? []).length}, last line: ${JSON.stringify(run.stdout.trimEnd().split('\n').at(-1)?.slice(0, 60))}`
    )
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(run.stdoutBytes).toBeGreaterThan(1_000_000)
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('step 0')
    // Ahead of the bulk (the report, the logs), as far as that arrived.
    const report = run.stdout.indexOf('::group::CodeArts run report')
    if (report >= 0) expect(run.stdout.indexOf('\n::error')).toBeLessThan(report)
  }, 120_000)
})

// ---------------------------------------------------------------------------------------------------
// 4. Scrubbing

/** The signature of a signed request, from its Authorization header. */
const signatureOf = (request: RecordedRequest): string | undefined =>
  /Signature=([0-9a-f]+)/.exec(String(request.headers.authorization ?? ''))?.[1]

/**
 * What the run left where a reader sees it, each also as it reads once the runner or a browser decodes
 * it: the log without ::add-mask:: lines (`%25` is a workflow command's `%`), stderr, the summary
 * (`&amp;` is its `&`), the outputs.
 */
function views(run: ActionRun): string[] {
  const log = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const outputs = JSON.stringify(run.outputs)
  return [
    log,
    log.replace(/%25/g, '%'),
    run.stderr,
    run.summary,
    run.summary.replace(/&amp;/g, '&'),
    outputs,
    Object.values(run.outputs).join('\n')
  ]
}

/** Each of `secrets` of which some `piece`-character stretch shows in what the run left, with that stretch. */
function shown(run: ActionRun, secrets: string[], piece = 12): string[] {
  const texts = views(run)
  return secrets.flatMap(secret => {
    const pieces = Array.from({ length: Math.max(1, secret.length - piece + 1) }, (_, i) =>
      secret.slice(i, i + piece)
    )
    const found = pieces.find(p => texts.some(text => text.includes(p)))
    return found === undefined ? [] : [`${secret} (as much as "${found}")`]
  })
}

describe('scrubbing echoed credentials', () => {
  it("AK/SK: a server echoing the signed request's headers never gets the signature into the log, outputs or summary", async () => {
    const echo = (request: RecordedRequest, upper = false) => {
      const authorization = String(request.headers.authorization ?? '')
      const written = upper
        ? authorization.replace(
            /Signature=([0-9a-f]+)/,
            (_, s: string) => `Signature=${s.toUpperCase()}`
          )
        : authorization
      return `headers seen: Authorization: ${written}; X-Sdk-Date: ${String(request.headers['x-sdk-date'])}`
    }
    const running = v3Status({
      buildId: 'b-1',
      status: 'running',
      stages: [
        { name: 'Deploy', status: 'running', tasks: [{ name: 'Rollout', status: 'running' }] }
      ]
    })
    const script: Script = (request, index) => {
      if (index === 1)
        return { status: 500, json: { error_code: 'DEV.500', error_msg: echo(request) } }
      if (index === 3) {
        return { status: 503, json: { error: { code: 'DEV.503', message: echo(request, true) } } }
      }
      if (index < 5) return { json: running }
      // The last word: a failure whose message carries the headers, for the summary and outputs.
      return {
        json: v3Status({
          buildId: 'b-1',
          status: 'completed',
          outcome: 'error',
          stages: [
            {
              name: 'Deploy',
              status: 'completed',
              outcome: 'error',
              tasks: [
                { name: 'Rollout', status: 'completed', outcome: 'error', errorMsg: echo(request) }
              ]
            }
          ]
        })
      }
    }
    const fake = await serve(script, { auth: { keys: { accessKey: AK, secretKey: SK } } })
    const inputs = v3Inputs(fake.url, { 'access-key': AK, 'secret-key': SK })
    delete inputs.token
    const run = await runAction(inputs)
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')
    const echoed = [1, 3, 5].map(i => signatureOf(fake.calls('status')[i]!))
    for (const signature of echoed) expect(signature).toMatch(/^[0-9a-f]{64}$/)
    // Requests signed within the same second may share a signature.
    const signatures = [...new Set(echoed.map(s => s!))]
    expect(shown(run, [...signatures, ...signatures.map(s => s.toUpperCase())])).toEqual([])
    for (const signature of signatures) {
      // Masked in the runner's log too: the action told it the value.
      expect(run.stdout.split('\n')).toContain(`::add-mask::${signature}`)
    }
    // The echoes did reach the log and the report, cut.
    const warnings = annotations(run, 'warning').filter(w => w.includes('headers seen'))
    expect(warnings).toHaveLength(2)
    for (const warning of warnings) expect(warning).toContain('Signature=***')
    expect(annotations(run, 'error')[0]).toContain('Signature=***')
    expect(run.summary).toContain('Signature=***')
    expect(run.outputs.stages).toContain('Signature=***')
  }, 30_000)

  it('a token echoed percent-encoded in lower case, as HTML entities, base64 and base64url never shows', async () => {
    const points = [...TOKEN].map(c => c.codePointAt(0)!)
    const base64 = (prefix: string) => Buffer.from(prefix + TOKEN).toString('base64')
    const base64url = (prefix: string) => Buffer.from(prefix + TOKEN).toString('base64url')
    const forms: [string, string][] = [
      [
        'percent, lower-case hex',
        encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, h => h.toLowerCase())
      ],
      ['HTML decimal entities', points.map(p => `&#${p};`).join('')],
      ['HTML hex entities', points.map(p => `&#x${p.toString(16)};`).join('')],
      [
        'HTML hex entities, upper-case',
        points.map(p => `&#x${p.toString(16).toUpperCase()};`).join('')
      ],
      // The token at each of base64's three alignments, as a header or a cookie would carry it.
      ['base64', base64('')],
      ['base64 after 1 byte', base64('a')],
      ['base64 after 2 bytes', base64('ab')],
      ['base64url', base64url('')],
      ['base64url after 1 byte', base64url('a')],
      ['base64url after 2 bytes', base64url('ab')]
    ]
    // The test's own premise: each form differs from the token, and base64url from base64.
    for (const [, form] of forms) expect(form).not.toContain(TOKEN)
    for (const prefix of ['', 'a', 'ab']) expect(base64url(prefix)).not.toBe(base64(prefix))

    const running = { json: v3Status({ buildId: 'b-1', status: 'running' }) }
    // Running, then each echo between running answers (so the retries stay short), then success.
    const script: Script = (_request, index) => {
      if (index % 2 === 0)
        return index / 2 < forms.length
          ? running
          : { json: v3Status({ buildId: 'b-1', status: 'completed', outcome: 'success' }) }
      const [what, form] = forms[(index - 1) / 2]!
      return { status: 500, json: { error_code: 'DEV.500', error_msg: `echo (${what}): ${form}` } }
    }
    const fake = await serve(script)
    const run = await runAction(v3Inputs(fake.url, { timeout: '30' }))
    expect(run.code).toBe(0)
    expect(fake.calls('status')).toHaveLength(2 * forms.length + 1)
    // Each form that shows (in part), by name.
    expect(forms.filter(([, form]) => shown(run, [form]).length > 0).map(([what]) => what)).toEqual(
      []
    )
    // Each echo reached the log, cut.
    const echoes = annotations(run, 'warning').filter(w => w.includes('echo ('))
    expect(echoes).toHaveLength(forms.length)
    for (const warning of echoes) expect(warning).toContain('***')
  }, 40_000)
})

// ---------------------------------------------------------------------------------------------------
// 5. Fast failure on a wrong endpoint

describe('a wrong endpoint fails fast, with a hint', () => {
  const slowInputs = (endpoint: string) =>
    v3Inputs(endpoint, { timeout: '1h', 'poll-interval': '0.5' })

  function expectFastFailure(run: Launched, hint: string): void {
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(run.durationMs).toBeLessThan(20_000)
    const errors = annotations(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(hint)
  }

  it('(a) nothing listens there: connection refused', async () => {
    const run = await runAction(slowInputs(`http://127.0.0.1:${await closedPort()}`), {
      killAfterMs: 30_000
    })
    figures.push(`refused: error after ${run.durationMs} ms`)
    expectFastFailure(run, 'nothing accepts connections there')
    expect(annotations(run, 'error')[0]).toContain('ECONNREFUSED')
  }, 40_000)

  it('(b) https:// to a plain-http server: a plain sentence, no OpenSSL codes', async () => {
    const fake = await serve([{ json: v3Status({ buildId: 'b-1', status: 'running' }) }])
    const run = await runAction(slowInputs(fake.url.replace(/^http:/, 'https:')), {
      killAfterMs: 30_000
    })
    figures.push(`https to http: error after ${run.durationMs} ms`)
    expectFastFailure(run, 'is the endpoint http, not https?')
    expect(fake.calls('status')).toHaveLength(0)
    for (const line of [...annotations(run, 'error'), ...annotations(run, 'warning')]) {
      expect(line).not.toContain('0A00010B')
      expect(line).not.toMatch(/:error:[0-9A-F]{8}:/)
      expect(line).not.toContain('SSL routines')
    }
  }, 40_000)

  it('(c) a web page answers with HTTP 200', async () => {
    const page: FakeStep = {
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>'
    }
    const fake = await serve([page])
    const run = await runAction(slowInputs(fake.url), { killAfterMs: 30_000 })
    figures.push(
      `web page: error after ${run.durationMs} ms, ${fake.calls('status').length} requests`
    )
    expectFastFailure(run, 'a web page?')
    expect(fake.calls('status')).toHaveLength(3)
  }, 40_000)

  it('(d) refused only after the API has answered: a fault to retry until the timeout', async () => {
    const fake: FakeCodeArts = await serve((_request, index) => {
      // Gone for good once the first answer is out: every later connection is refused.
      if (index === 0) setTimeout(() => void fake.close(), 200)
      return { json: v3Status({ buildId: 'b-1', status: 'running' }) }
    })
    const run = await runAction(v3Inputs(fake.url, { timeout: '4', 'poll-interval': '0.5' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(run.durationMs).toBeGreaterThanOrEqual(3_900)
    expect(run.durationMs).toBeLessThan(4_000 + OVERSHOOT_BOUND_MS)
    expect(fake.calls('status')).toHaveLength(1)
    const retries = annotations(run, 'warning').filter(w => w.includes('Status request failed'))
    expect(retries.length).toBeGreaterThanOrEqual(3)
    expect(retries.some(w => w.includes('ECONNREFUSED'))).toBe(true)
    expect(run.stdout).not.toContain('nothing accepts connections there')
  }, 30_000)
})

// ---------------------------------------------------------------------------------------------------
// 6. Clearer words

describe('clearer words', () => {
  it('a cancel during a slow IAM login, before the start is sent: ends at once, no run was started', async () => {
    const fake = await serve([{ json: v3Status({ buildId: 'b-started', status: 'running' }) }], {
      auth: {
        iam: { username: 'ci-user', password: 'Pa55-word-SECRET', domain: 'acme', tokens: ['T-1'] },
        loginDelayMs: [5_000]
      }
    })
    const cancel = { sentAt: 0, loginAt: 0 }
    let watcher: NodeJS.Timeout | undefined
    const run = await runAction(
      {
        'pipeline-id': 'pipe-1',
        'api-version': 'v3',
        endpoint: fake.url,
        region: 'cn-north-4',
        'iam-endpoint': fake.url,
        'iam-username': 'ci-user',
        'iam-password': 'Pa55-word-SECRET',
        'iam-domain': 'acme',
        start: 'true',
        'poll-interval': '0.1',
        timeout: '20'
      },
      {
        // SIGINT 300 ms into the login, as the runner sends it on cancel.
        onSpawn: pid => {
          watcher = setInterval(() => {
            const login = fake.calls('login')[0]
            if (!login) return
            clearInterval(watcher)
            cancel.loginAt = login.atMs
            setTimeout(() => {
              try {
                process.kill(pid, 'SIGINT')
                cancel.sentAt = Date.now()
              } catch {
                // Already gone: sentAt stays 0, and the test says so.
              }
            }, 300)
          }, 10)
        },
        killAfterMs: 20_000
      }
    )
    clearInterval(watcher)
    const exitedAt = Date.now()
    figures.push(
      `cancel during login: exit ${exitedAt - cancel.sentAt} ms after SIGINT (${exitedAt - cancel.loginAt} ms after the login began)`
    )
    expect(cancel.sentAt).toBeGreaterThan(0)
    expect(run.signal).toBeNull()
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('cancelled')
    // Well before the 2.5 s a sent start would be given, let alone the 5 s login.
    expect(exitedAt - cancel.sentAt).toBeLessThan(1_500)
    const [error] = annotations(run, 'error')
    expect(error).toContain('no run was started')
    expect(error).not.toMatch(/may (or may not )?have started/)
    expect(fake.calls('start')).toHaveLength(0)
  }, 30_000)

  const done = () => ({
    json: v3Status({ buildId: 'b-1', status: 'completed', outcome: 'success' })
  })

  it('warns that project-id does nothing with api-version v3', async () => {
    const fake = await serve([done()])
    const run = await runAction(v3Inputs(fake.url, { 'project-id': PROJECT }))
    expect(run.code).toBe(0)
    expect(annotations(run, 'warning')).toContainEqual(
      expect.stringContaining('Input "project-id" is not used with api-version v3')
    )
  })

  it('warns that a poll-interval longer than the timeout asks only once', async () => {
    const fake = await serve([done()])
    const run = await runAction(v3Inputs(fake.url, { 'poll-interval': '10s', timeout: '5s' }))
    expect(run.code).toBe(0)
    const [warning] = annotations(run, 'warning').filter(w => w.includes('"poll-interval"'))
    expect(warning).toContain('is longer than "timeout"')
    expect(warning).toContain('10s')
    expect(warning).toContain('5s')
  })

  it('echoes a bad 300-character pipeline-id cut to about 100 characters, its zero-width space spelled out', async () => {
    const bad = `pipe\u200b${'x'.repeat(295)}`
    expect(bad).toHaveLength(300)
    const run = await runAction(v3Inputs('http://127.0.0.1:9', { 'pipeline-id': bad }))
    expect(run.code).toBe(1)
    const [error = ''] = annotations(run, 'error')
    expect(error).toContain('Input "pipeline-id"')
    const got = /\(got "([^"]*)"\)/.exec(error)?.[1]
    expect(got).toBeDefined()
    expect(got!.startsWith('pipe\\u200bxxx')).toBe(true)
    expect(got!.length).toBeLessThanOrEqual(101)
    expect(run.stdout).not.toContain('\u200b')
  })

  it('a bad iam-endpoint is answered with an IAM URL as the example', async () => {
    const run = await runAction({
      'pipeline-id': 'pipe-1',
      'api-version': 'v3',
      region: 'cn-north-4',
      'iam-endpoint': 'http://iam.example.com',
      'iam-username': 'ci-user',
      'iam-password': 'Pa55-word-SECRET',
      'iam-domain': 'acme'
    })
    expect(run.code).toBe(1)
    const [error = ''] = annotations(run, 'error')
    expect(error).toContain('Input "iam-endpoint" must use https')
    expect(error).toMatch(/such as https:\/\/iam\.[a-z0-9.-]+/)
    expect(error).not.toContain('cloudpipeline')
  })

  it('a detail_url with quotes and brackets in its path comes out percent-encoded', async () => {
    const status = (detailUrl: string): FakeStep => ({
      json: {
        ...v3Status({ buildId: 'b-7', status: 'completed', outcome: 'success' }),
        detail_url: detailUrl
      }
    })
    const fake = await serve([
      status('https://devcloud.example.com/pipeline/detail/pipe-1/b-7/"$(id)"<x>`y`')
    ])
    const run = await runAction(v3Inputs(fake.url))
    expect(run.code).toBe(0)
    expect(run.outputs['detail-url']).toBe(
      'https://devcloud.example.com/pipeline/detail/pipe-1/b-7/%22%24%28id%29%22%3Cx%3E%60y%60'
    )
    // A space never comes out raw either.
    const spaced = await serve([status('https://devcloud.example.com/pipeline/detail/a b')])
    const second = await runAction(v3Inputs(spaced.url))
    expect(second.code).toBe(0)
    expect(second.outputs['detail-url']).toBe('https://devcloud.example.com/pipeline/detail/a%20b')
  })
})
