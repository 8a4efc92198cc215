// End to end: the bundled dist/index.js as a child process against the fake CodeArts server.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  scriptedRun,
  startFakeCodeArts,
  v3Status,
  type FakeCodeArts,
  type Script
} from '../support/fake-codearts.js'
import {
  annotations,
  expectNoSecret,
  runAction as runBundle,
  type ActionRun,
  type RunOptions
} from '../support/run-action.js'

const TOKEN = 'tok-9f8e7d6c5b4a-SECRET'

let server: FakeCodeArts | undefined
const runs: ActionRun[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  // Whatever else a test checks, no run may print the token.
  for (const run of runs.splice(0)) expectNoSecret(run, [TOKEN])
})

async function serve(script: Script, tls?: { key: string; cert: string }): Promise<FakeCodeArts> {
  server = await startFakeCodeArts(script, { tls })
  return server
}

async function runAction(actionInputs: Record<string, string>, options?: RunOptions) {
  const run = await runBundle(actionInputs, options)
  runs.push(run)
  return run
}

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'pipeline-id': 'pipe-1',
    // v3 unless a test says otherwise (auto without project-id warns that v3 is being retired).
    'api-version': 'v3',
    endpoint: server?.url ?? 'http://127.0.0.1:9',
    token: TOKEN,
    'poll-interval': '0.1',
    timeout: '20',
    ...extra
  }
}

describe('outcomes', () => {
  it('succeeds, sets every output and writes the summary for a run that succeeds', async () => {
    const fake = await serve(scriptedRun('b-100', 3, 'success'))
    const run = await runAction(inputs())
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      conclusion: 'success',
      status: 'completed',
      outcome: 'success',
      'build-id': 'b-100',
      'pipeline-name': 'web-release',
      'detail-url': 'https://devcloud.example.com/pipeline/detail/pipe-1/b-100',
      'elapsed-time': '180'
    })
    const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; tasks: unknown[] }[]
    expect(stages.map(s => s.name)).toEqual(['Build', 'Test', 'Deploy'])
    expect(stages[0]?.tasks).toHaveLength(1)
    expect(run.summary).toContain('succeeded')
    expect(run.summary).toContain('web-release')
    expect(run.summary).toContain('Deploy task')
    expect(annotations(run, 'error')).toEqual([])
    // The first poll asks for the latest run; every later one for the run it saw.
    expect(fake.requests[0]?.query.get('build_id')).toBeNull()
    expect(fake.requests.slice(1).every(r => r.query.get('build_id') === 'b-100')).toBe(true)
    expect(fake.requests.every(r => r.headers['x-auth-token'] === TOKEN)).toBe(true)
  })

  it('logs a line per change, not per poll', async () => {
    // Ten identical polls of the same state, then the end.
    const [first, second, , end] = scriptedRun('b-1', 3, 'success')
    await serve([first!, ...Array(10).fill(second), end!])
    const run = await runAction(inputs())
    expect(run.code).toBe(0)
    const [waiting = '', report = ''] = run.stdout.split('::group::CodeArts run report\n')
    const buildLines = waiting.split('\n').filter(l => l.startsWith('  Stage "Build"'))
    // With the stage's elapsed time, which alone is no change.
    expect(buildLines).toEqual([
      '  Stage "Build": running, 1m',
      '  Stage "Build": completed (success), 1m'
    ])
    // The run's line heads each change: the first poll, the stage change, the end.
    expect(waiting.split('\n').filter(l => l.startsWith('Run b-1:'))).toHaveLength(3)
    // The grouped report at the end: the run, every stage and task, once.
    const grouped = report.split('::endgroup::')[0]!.trim().split('\n')
    expect(grouped[0]).toBe('Run b-1 of web-release: completed (success), 3m')
    expect(grouped.filter(l => l.startsWith('  Stage '))).toHaveLength(3)
    expect(grouped.filter(l => l.startsWith('    Task '))).toHaveLength(3)
  })

  it('fails naming the failed stage, task and error message', async () => {
    await serve(scriptedRun('b-2', 1, 'error'))
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')
    expect(run.outputs.outcome).toBe('error')
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain('web-release')
    expect(error).toContain('Test task')
    expect(error).toContain('unit tests failed: 3 of 120')
    expect(run.summary).toContain('failed')
    expect(run.summary).toContain('unit tests failed: 3 of 120')
  })

  it('reports an aborted run as cancelled and fails', async () => {
    await serve(scriptedRun('b-3', 1, 'aborted'))
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('cancelled')
    expect(run.outputs.outcome).toBe('aborted')
    expect(annotations(run, 'error')[0]).toContain('aborted')
    expect(run.summary).toContain('cancelled')
  })

  it('never passes a completed run whose outcome is missing or unknown', async () => {
    await serve([{ json: v3Status({ buildId: 'b-4', status: 'completed', outcome: null }) }])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('failure')
  })

  it('waits for the given build-id and asks for it by id', async () => {
    const fake = await serve(scriptedRun('b-given', 1, 'success'))
    const run = await runAction(inputs({ 'build-id': 'b-given' }))
    expect(run.code).toBe(0)
    expect(fake.requests.every(r => r.query.get('build_id') === 'b-given')).toBe(true)
  })

  it('sticks to the run it saw first when a newer run starts meanwhile', async () => {
    let polls = 0
    await serve(request => {
      polls += 1
      const asked = request.query.get('build_id')
      if (asked === 'b-old') {
        return polls < 4
          ? { json: v3Status({ buildId: 'b-old', status: 'running' }) }
          : { json: v3Status({ buildId: 'b-old', status: 'completed', outcome: 'error' }) }
      }
      // "Latest run": the old one at first, then a newer, successful one.
      return polls === 1
        ? { json: v3Status({ buildId: 'b-old', status: 'running' }) }
        : { json: v3Status({ buildId: 'b-new', status: 'completed', outcome: 'success' }) }
    })
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs['build-id']).toBe('b-old')
    expect(run.outputs.conclusion).toBe('failure')
  })

  it('does not take an answer about another run as its own', async () => {
    await serve([
      { json: v3Status({ buildId: 'b-other', status: 'completed', outcome: 'success' }) }
    ])
    const run = await runAction(inputs({ 'build-id': 'b-mine', timeout: '1' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(annotations(run, 'warning').some(w => w.includes('b-other'))).toBe(true)
  })
})

describe('time limits', () => {
  it('times out with the last status seen, close to the timeout', async () => {
    await serve([
      {
        json: v3Status({
          buildId: 'b-5',
          status: 'running',
          stages: [{ name: 'Deploy', status: 'running' }]
        })
      }
    ])
    const run = await runAction(inputs({ timeout: '1.5', 'poll-interval': '0.2' }))
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(run.outputs.status).toBe('running')
    const [error] = annotations(run, 'error')
    expect(error).toContain('Timed out after 1.5s')
    expect(error).toContain('last status running')
    expect(error).toContain('Deploy')
    expect(run.summary).toContain('timed out')
    expect(run.durationMs).toBeLessThan(1500 + 1500)
  })

  it('ends within about a second of the timeout even when a request hangs', async () => {
    const fake = await serve([{ fault: 'hang' }])
    const run = await runAction(inputs({ timeout: '1.5', 'poll-interval': '0.5' }))
    expect(run.outputs.conclusion).toBe('timed_out')
    expect(run.code).toBe(1)
    expect(fake.requests.length).toBeGreaterThanOrEqual(1)
    expect(run.durationMs).toBeLessThan(1500 + 1500)
  })

  it('gives up on a hung request and retries', async () => {
    const fake = await serve([{ fault: 'hang' }, ...scriptedRun('b-6', 1, 'success')])
    const run = await runAction(inputs({ timeout: '15' }))
    expect(run.code).toBe(0)
    expect(fake.requests.length).toBeGreaterThanOrEqual(3)
    expect(annotations(run, 'warning')[0]).toContain('no complete answer')
  })
})

describe('transient faults', () => {
  it('retries 429 (honouring Retry-After), 5xx, resets, garbage and truncation, then succeeds', async () => {
    const fake = await serve([
      { status: 429, headers: { 'Retry-After': '1' }, json: { error_code: 'APIGW.0308' } },
      {
        status: 503,
        body: '<html>Service Unavailable</html>',
        headers: { 'Content-Type': 'text/html' }
      },
      { status: 502 },
      { fault: 'reset' },
      { body: 'not json{' },
      { fault: 'truncate', json: v3Status({ buildId: 'b-7', status: 'running' }) },
      { json: { error: { code: 'DEVPIPE.500', message: 'internal' } } },
      ...scriptedRun('b-7', 1, 'success')
    ])
    const run = await runAction(inputs({ timeout: '30', 'poll-interval': '0.1' }))
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    const warnings = annotations(run, 'warning')
    expect(warnings.length).toBe(7)
    expect(warnings[0]).toContain('HTTP 429')
    expect(warnings[0]).toContain('APIGW.0308')
    expect(warnings[6]).toContain('DEVPIPE.500')
    const gap = (fake.requests[1]?.atMs ?? 0) - (fake.requests[0]?.atMs ?? 0)
    expect(gap).toBeGreaterThanOrEqual(950)
  })
})

describe('fatal errors', () => {
  it('stops at once on 401 quoting the API error, without retrying', async () => {
    const fake = await serve([
      {
        status: 401,
        json: { error_code: 'APIGW.0307', error_msg: 'The token must be updated.' }
      }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(1)
    expect(run.outputs.conclusion).toBe('error')
    const [error] = annotations(run, 'error')
    expect(error).toContain('the IAM token (input "token") must be updated')
    expect(error).toContain('APIGW.0307')
    expect(error).toContain('The token must be updated.')
  })

  it('still sets outputs and writes the summary when a fatal error follows a run seen', async () => {
    const fake = await serve([
      {
        json: v3Status({
          buildId: 'b-13',
          status: 'running',
          stages: [{ name: 'Build', status: 'running' }]
        })
      },
      { status: 403, json: { error_code: 'DEVPIPE.00011104', error_msg: 'no permission' } }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(2)
    expect(run.outputs).toMatchObject({
      conclusion: 'error',
      status: 'running',
      'build-id': 'b-13',
      'pipeline-name': 'web-release'
    })
    expect(annotations(run, 'error')[0]).toContain('access denied')
    expect(run.summary).toContain('could not be followed')
    expect(run.summary).toContain('b-13')
  })

  it('stops at once on 404 saying what to check', async () => {
    const fake = await serve([
      { status: 404, json: { error: { code: 'DEVPIPE.00011104', message: 'pipeline not found' } } }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(1)
    expect(annotations(run, 'error')[0]).toContain('check pipeline-id')
  })

  it('does not follow a redirect, naming its target by origin only', async () => {
    const fake = await serve([
      { status: 302, headers: { Location: 'https://elsewhere.example/x?sig=abc' } }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(1)
    expect(annotations(run, 'error')[0]).toContain('redirect to https://elsewhere.example;')
    expect(run.stdout).not.toContain('sig=abc')
  })

  it('keeps a token the server echoes back out of logs, outputs and summary', async () => {
    await serve([
      {
        json: v3Status({
          buildId: `b-${TOKEN}`.slice(0, 40),
          status: 'completed',
          outcome: 'error',
          name: `name ${TOKEN}`,
          stages: [
            {
              name: `Build ${TOKEN}`,
              status: 'completed',
              outcome: 'error',
              errorMsg: `bad ${TOKEN}`
            }
          ]
        })
      }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.summary).toContain('***')
  })
})

describe('hostile or broken surroundings', () => {
  it('keeps a long echoed token out entirely, not just its tail', async () => {
    const longToken = `MII${'Ab9+/'.repeat(1200)}`
    await serve([
      { status: 500, json: { error_code: 'DEV.500', error_msg: `rejected ${longToken}` } },
      {
        json: v3Status({
          buildId: 'b-11',
          status: 'completed',
          outcome: 'error',
          stages: [{ name: 'Build', status: 'completed', outcome: 'error', errorMsg: longToken }]
        })
      }
    ])
    const run = await runAction(inputs({ token: longToken }))
    expect(run.code).toBe(1)
    const printed = [
      run.stdout.replace(/^::add-mask::.*$/m, ''),
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs)
    ].join('\n')
    // Any 40 characters of the token would be a leak.
    expect(printed).not.toContain(longToken.slice(0, 40))
    expect(printed).not.toContain(longToken.slice(3000, 3040))
  })

  it('cannot be made to issue workflow commands by server text', async () => {
    const hostile = 'web\n::error::injected\n::stop-commands::zzz'
    await serve([
      {
        json: v3Status({
          buildId: 'b-12',
          status: 'completed',
          outcome: 'success',
          name: hostile,
          stages: [{ name: hostile, status: 'completed', outcome: 'success' }]
        })
      }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(0)
    const commands = run.stdout.split('\n').filter(line => line.trim().startsWith('::'))
    expect(
      commands.every(c => /^::(add-mask|debug|warning|set-output|group|endgroup)/.test(c))
    ).toBe(true)
    expect(run.stdout).not.toMatch(/^\s*::(error|stop-commands)/m)
  })

  it("cannot use the runner's old ##[command] form, which it obeys anywhere in a line", async () => {
    const stage = 'Build ##[stop-commands]zz'
    const message = 'step 1 ##[set-output name=detail-url;]javascript:alert(1)'
    await serve([
      {
        json: v3Status({
          buildId: 'b-12',
          status: 'completed',
          outcome: 'error',
          name: 'web ##[add-mask]x',
          stages: [
            {
              name: stage,
              status: 'completed',
              outcome: 'error',
              tasks: [{ name: 'compile', status: 'completed', outcome: 'error', errorMsg: message }]
            }
          ]
        })
      }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    // The runner reads `##[` only in lines that are not `::` commands: in those, it never comes out.
    const plain = run.stdout.split('\n').filter(line => !line.startsWith('::'))
    expect(plain.filter(line => line.includes('##['))).toEqual([])
    // Still shown, with a zero-width space between the two #.
    expect(run.stdout).toContain('Build #\u200b#[stop-commands]zz')
    // A command's own text is left exactly as it came, so a secret in it still matches its mask.
    expect(annotations(run, 'error').join('\n')).toContain('##[set-output name=detail-url;]')
  })

  it('ends close to its timeout behind a proxy that never answers', async () => {
    const sockets: Socket[] = []
    const proxy = createServer(socket => {
      sockets.push(socket)
      socket.on('error', () => undefined)
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    const { port } = proxy.address() as AddressInfo
    try {
      const run = await runAction(
        inputs({ endpoint: 'https://pipeline.example.com', timeout: '2', 'poll-interval': '0.5' }),
        { env: { https_proxy: `http://127.0.0.1:${port}` } }
      )
      expect(run.outputs.conclusion).toBe('timed_out')
      expect(run.code).toBe(1)
      expect(sockets.length).toBeGreaterThanOrEqual(1)
      expect(run.durationMs).toBeLessThan(2000 + 1500)
    } finally {
      for (const socket of sockets) socket.destroy()
      proxy.close()
    }
  })
})

describe('inputs', () => {
  it.each([
    [{ 'pipeline-id': 'has space' }, 'pipeline-id'],
    [{ 'pipeline-id': '' }, 'pipeline-id'],
    [{ token: 'has space' }, 'token'],
    [{ timeout: 'forever' }, 'timeout'],
    [{ 'poll-interval': '0' }, 'poll-interval'],
    [{ summary: 'yes' }, 'summary'],
    [{ 'build-id': 'a/b' }, 'build-id'],
    [{ endpoint: 'http://example.com' }, 'endpoint'],
    [{ endpoint: '', region: 'xx-nowhere-9' }, 'region'],
    [{ endpoint: '', region: '' }, 'region']
  ])('rejects %j before any request, naming %s', async (bad, name) => {
    const fake = await serve([{ json: v3Status({ buildId: 'b', status: 'running' }) }])
    const run = await runAction(inputs(bad as Record<string, string>))
    expect(run.code).toBe(1)
    expect(fake.requests).toHaveLength(0)
    expect(run.outputs.conclusion).toBe('error')
    const [error] = annotations(run, 'error')
    expect(error).toContain(`Input "${name}"`)
  })

  it('takes the region from HUAWEI_CLOUD_REGION and rejects an unknown one', async () => {
    const run = await runAction(inputs({ endpoint: '' }), {
      env: { HUAWEI_CLOUD_REGION: 'zz-moon-1' }
    })
    expect(run.code).toBe(1)
    expect(annotations(run, 'error')[0]).toContain('(got "zz-moon-1" from HUAWEI_CLOUD_REGION)')
  })

  it('writes no summary when summary is false', async () => {
    await serve(scriptedRun('b-8', 1, 'success'))
    const run = await runAction(inputs({ summary: 'false' }))
    expect(run.code).toBe(0)
    expect(run.summary).toBe('')
  })

  it('keeps the result when the summary cannot be written', async () => {
    await serve(scriptedRun('b-10', 1, 'success'))
    const run = await runAction(inputs(), {
      env: { GITHUB_STEP_SUMMARY: '/nonexistent-dir/summary.md' }
    })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(annotations(run, 'warning').some(w => w.includes('job summary'))).toBe(true)
  })

  it('escapes server text in the summary', async () => {
    await serve([
      {
        json: v3Status({
          buildId: 'b-9',
          status: 'completed',
          outcome: 'error',
          name: '<img src=x onerror=alert(1)>',
          stages: [
            {
              name: 'a | b',
              status: 'completed',
              outcome: 'error',
              errorMsg: '<script>alert(1)</script>\n\n# heading'
            }
          ]
        })
      }
    ])
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.summary).not.toMatch(/<img|<script/)
    expect(run.summary).toContain('&lt;script&gt;')
    expect(run.summary).toContain('<td><b>a | b</b></td>')
    // No blank line, so no text can end the HTML early; only the chart's fence has the blank lines
    // Markdown needs around it.
    expect(run.summary.replace(/\n\n```mermaid\n[^`]*\n```\n\n/, '\n')).not.toMatch(/\n\s*\n/)
  })
})

// A certificate made for this run (no key kept in the repository); skipped where openssl is missing.
const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

;(openssl ? describe : describe.skip)('TLS', () => {
  let dir: string
  let tls: { key: string; cert: string; certPath: string }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'codearts-tls-'))
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2'
      ].concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']),
      { stdio: 'ignore' }
    )
    tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), certPath: cert }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('stops at once on a certificate the runner does not trust, saying how to trust it', async () => {
    await serve(scriptedRun('b-14', 1, 'success'), tls)
    const run = await runAction(inputs())
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(annotations(run, 'warning')).toEqual([])
    expect(annotations(run, 'error')[0]).toContain('NODE_EXTRA_CA_CERTS')
  })

  it('works once the runner is given the certificate', async () => {
    await serve(scriptedRun('b-15', 1, 'success'), tls)
    const run = await runAction(inputs(), { env: { NODE_EXTRA_CA_CERTS: tls.certPath } })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
  })
})
