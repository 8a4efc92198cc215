// Requests through https_proxy / HTTPS_PROXY to an https API, with TLS carried end to end inside the
// CONNECT tunnel. The bundled action runs as a child process: a certificate made for this run (for the
// made-up host pipeline.test) is trusted through NODE_EXTRA_CA_CERTS, which node reads only at start-up.
// The proxy sends every tunnel to the fake server on 127.0.0.1 whatever host is asked for, so the action
// reaches "pipeline.test" only through it.
//
// What cannot be tested on loopback, and is not:
// - A direct connection to a host that no_proxy matches by a domain suffix (`.test`): the direct path
//   needs the name to resolve, and nothing resolves `*.test` (its DNS query gets "no such name"). Only
//   the decision is checked: such a request never reaches the proxy. For the direct path itself, a name
//   the hosts file maps to loopback (other than localhost, which is always bypassed) stands in, with
//   the exact-host and host:port forms; those tests are skipped where the hosts file has none. Such
//   names are usually single-label, so they cannot show a suffix match.
// - An endpoint on loopback through a proxy: loopback always bypasses the proxy (http-client's rule).
// - A proxy that resolves real names, a real CA chain, proxy authentication other than Basic
//   (Negotiate/NTLM are not supported), and IPv6 proxies.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTransport } from '../../src/codearts/transport.js'
import { scriptedRun, startFakeCodeArts, type FakeCodeArts } from '../support/fake-codearts.js'
import { runAction, type ActionRun } from '../support/run-action.js'

const TOKEN = 'tok-proxy-5e4d3c2b1a-SECRET'
const PROXY_USER = 'corp\\builder'
const PROXY_PASSWORD = 'p@ss:w0rd/!%'
const PROXY_BASIC = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`
/** The credentials as they sit in the proxy URL: percent-encoded, as users must write them. */
const PROXY_USERINFO = `${encodeURIComponent(PROXY_USER)}:${encodeURIComponent(PROXY_PASSWORD)}`

interface Tunnel {
  target: string
  auth: string | undefined
  /** What the client sent through the tunnel (the first 64 KiB). */
  sent: Buffer
}

interface RecordingProxy {
  port: number
  tunnels: Tunnel[]
}

interface ProxyOptions {
  /** Where every tunnel goes, whatever host:port CONNECT names. */
  upstreamPort: number
  /** Answer 407 unless CONNECT carries this Proxy-Authorization; `always` refuses every CONNECT. */
  requireAuth?: string | 'always'
  /** Speak TLS to the client (an https:// proxy). */
  tls?: { key: string; cert: string }
}

const closers: (() => void)[] = []
const savedEnv = { ...process.env }
const PROXY_VARS = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'no_proxy',
  'NO_PROXY'
]

afterEach(() => {
  for (const close of closers.splice(0)) close()
  for (const name of PROXY_VARS) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
})

async function startProxy(options: ProxyOptions): Promise<RecordingProxy> {
  const tunnels: Tunnel[] = []
  const sockets = new Set<net.Socket>()
  const server = options.tls ? https.createServer(options.tls) : http.createServer()
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const auth = req.headers['proxy-authorization']
    const tunnel: Tunnel = { target: req.url ?? '', auth, sent: Buffer.alloc(0) }
    tunnels.push(tunnel)
    client.on('error', () => undefined)
    if (options.requireAuth === 'always' || (options.requireAuth && auth !== options.requireAuth)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\n' +
          'Proxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n'
      )
      return
    }
    const upstream = net.connect(options.upstreamPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    tunnel.sent = Buffer.from(head)
    client.on('data', (chunk: Buffer) => {
      if (tunnel.sent.length < 65536) tunnel.sent = Buffer.concat([tunnel.sent, chunk])
    })
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  return { port: (server.address() as net.AddressInfo).port, tunnels }
}

/** A name other than `localhost` that the hosts file maps to 127.x, if there is one. */
function loopbackAlias(): string | undefined {
  let text: string
  try {
    text = readFileSync('/etc/hosts', 'utf8')
  } catch {
    return undefined
  }
  for (const line of text.split(/\r?\n/)) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/)
    if (!address?.startsWith('127.')) continue
    const name = names.find(n => /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/i.test(n) && n !== 'localhost')
    if (name) return name
  }
  return undefined
}

const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const alias = loopbackAlias()
let dir: string
let tls: { key: string; cert: string; certPath: string }
let fake: FakeCodeArts
let apiPort: number

beforeAll(() => {
  if (!openssl) return
  // One certificate for the API's made-up name, the hosts-file alias and the https proxy on 127.0.0.1.
  dir = mkdtempSync(join(tmpdir(), 'codearts-proxy-tls-'))
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
  const names = ['DNS:pipeline.test', 'IP:127.0.0.1', ...(alias ? [`DNS:${alias}`] : [])]
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
    ].concat(['-subj', '/CN=pipeline.test', '-addext', `subjectAltName=${names.join(',')}`]),
    { stdio: 'ignore' }
  )
  tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), certPath: cert }
})

beforeEach(async () => {
  if (!openssl) return
  fake = await startFakeCodeArts(scriptedRun('b-proxy', 2, 'success'), {
    tls,
    auth: { token: TOKEN }
  })
  apiPort = Number(new URL(fake.url).port)
})

afterEach(async () => {
  await fake?.close()
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function inputs(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
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

function runBehind(endpoint: string, env: Record<string, string>, extra = {}): Promise<ActionRun> {
  return runAction(inputs(endpoint, extra), {
    env: { NODE_EXTRA_CA_CERTS: tls.certPath, ...env }
  })
}

/** Neither the token nor the proxy's credentials, in any form, in anything the action printed. */
function expectNoCredentials(run: ActionRun): void {
  const stdout = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const forms = [
    TOKEN,
    PROXY_PASSWORD,
    encodeURIComponent(PROXY_PASSWORD),
    PROXY_USERINFO,
    PROXY_BASIC.slice('Basic '.length)
  ]
  for (const text of [stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
    for (const form of forms) expect(text).not.toContain(form)
  }
}

const withTls = openssl ? describe : describe.skip

withTls('through https_proxy', () => {
  it('tunnels to the API by name and carries TLS end to end', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort })
    const endpoint = `https://pipeline.test:${apiPort}`
    const run = await runBehind(endpoint, { https_proxy: `http://127.0.0.1:${proxy.port}` })

    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(proxy.tunnels.map(t => t.target)).toContain(`pipeline.test:${apiPort}`)
    expect(proxy.tunnels.every(t => t.target === `pipeline.test:${apiPort}`)).toBe(true)
    // Every poll went through a tunnel (nothing resolves pipeline.test here). http-client's tunnel
    // agent opens one per request: a CONNECT and a TLS handshake every poll interval.
    const polls = fake.calls('status')
    expect(polls.length).toBeGreaterThanOrEqual(3)
    expect(polls.every(r => r.headers.host === `pipeline.test:${apiPort}`)).toBe(true)
    expect(proxy.tunnels.length).toBeLessThanOrEqual(polls.length)
    // What the proxy saw is TLS: a handshake record naming the host (SNI), and no request in clear.
    for (const tunnel of proxy.tunnels) {
      expect(tunnel.sent[0]).toBe(0x16)
      expect(tunnel.sent.includes('pipeline.test')).toBe(true)
      expect(tunnel.sent.includes(TOKEN)).toBe(false)
      expect(tunnel.sent.includes('/v3/pipelines')).toBe(false)
    }
    expectNoCredentials(run)
  })

  it('takes the proxy from HTTPS_PROXY too', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort })
    const run = await runBehind(`https://pipeline.test:${apiPort}`, {
      HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`
    })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(proxy.tunnels[0]?.target).toBe(`pipeline.test:${apiPort}`)
  })

  it('checks the certificate against the API host, not the proxy', async () => {
    // The proxy tunnels to the same server, whose certificate does not name wrong.test.
    const proxy = await startProxy({ upstreamPort: apiPort })
    const run = await runBehind(`https://wrong.test:${apiPort}`, {
      https_proxy: `http://127.0.0.1:${proxy.port}`
    })
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).toBe('error')
    expect(proxy.tunnels[0]?.target).toBe(`wrong.test:${apiPort}`)
    // Refused in the TLS handshake: no request, and so no token, reached the server.
    expect(fake.requests).toHaveLength(0)
    expect(run.stdout).toMatch(/^::error.*wrong\.test/m)
    expectNoCredentials(run)
  })

  it('sends the Basic credentials of the proxy URL, decoded, and never prints them', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort, requireAuth: PROXY_BASIC })
    const run = await runBehind(`https://pipeline.test:${apiPort}`, {
      https_proxy: `http://${PROXY_USERINFO}@127.0.0.1:${proxy.port}`
    })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(proxy.tunnels.every(t => t.auth === PROXY_BASIC)).toBe(true)
    // The proxy's credentials go to the proxy only, never through the tunnel to the API.
    expect(fake.requests.every(r => r.headers['proxy-authorization'] === undefined)).toBe(true)
    expectNoCredentials(run)
  })

  it('tunnels through an https:// proxy, TLS to the proxy and TLS inside', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort, tls })
    const run = await runBehind(`https://pipeline.test:${apiPort}`, {
      https_proxy: `https://127.0.0.1:${proxy.port}`
    })
    expect(run.code).toBe(0)
    expect(run.outputs.conclusion).toBe('success')
    expect(proxy.tunnels[0]?.target).toBe(`pipeline.test:${apiPort}`)
    expect(proxy.tunnels[0]?.sent[0]).toBe(0x16)
  })

  it('fails, naming the 407, when the proxy refuses the credentials; never hangs', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort, requireAuth: 'always' })
    const run = await runBehind(
      `https://pipeline.test:${apiPort}`,
      { https_proxy: `http://${PROXY_USERINFO}@127.0.0.1:${proxy.port}` },
      { timeout: '2', 'poll-interval': '0.2' }
    )
    expect(run.code).toBe(1)
    expect(run.outputs.conclusion).not.toBe('success')
    expect(run.stdout).toContain('HTTP 407')
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(fake.requests).toHaveLength(0)
    expect(run.durationMs).toBeLessThan(2000 + 2000)
    expectNoCredentials(run)
  })
})

withTls('the transport behind a proxy that answers 407', () => {
  it('rejects at once with the status, well inside its time limit, without the credentials', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort, requireAuth: 'always' })
    process.env.https_proxy = `http://${PROXY_USERINFO}@127.0.0.1:${proxy.port}`
    const transport = createTransport()
    closers.push(() => transport.close())
    const started = Date.now()
    const error = await transport
      .request({
        method: 'GET',
        url: `https://pipeline.test:${apiPort}/v3/pipelines/p/status`,
        headers: { 'X-Auth-Token': TOKEN },
        body: '',
        timeoutMs: 10_000
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error
      )
    const ms = Date.now() - started
    expect(error?.name).toBe('TransportError')
    expect(error?.message).toContain('HTTP 407')
    expect(error?.message).not.toContain('no complete answer')
    // Settled by the refusal, not by the 10 s limit.
    expect(ms).toBeLessThan(5_000)
    for (const form of [PROXY_PASSWORD, PROXY_USERINFO, TOKEN]) {
      expect(error?.message).not.toContain(form)
    }
    expect(proxy.tunnels[0]?.auth).toBe(PROXY_BASIC)
  })
})

withTls('no_proxy', () => {
  it('keeps a host that no_proxy matches by suffix away from the proxy', async () => {
    // Only the decision can be seen: pipeline.test does not resolve, so the direct request fails.
    const proxy = await startProxy({ upstreamPort: apiPort })
    process.env.https_proxy = `http://127.0.0.1:${proxy.port}`
    const request = async (noProxy: string): Promise<Error | undefined> => {
      process.env.no_proxy = noProxy
      const transport = createTransport()
      try {
        await transport.request({
          method: 'GET',
          url: `https://pipeline.test:${apiPort}/`,
          headers: {},
          body: '',
          timeoutMs: 2_000
        })
        return undefined
      } catch (error) {
        return error as Error
      } finally {
        transport.close()
      }
    }

    const direct = await request('example.org, .test')
    expect(direct).toBeDefined()
    expect(direct?.message).not.toMatch(/proxy|CONNECT/)
    expect(proxy.tunnels).toEqual([])

    // The same request with a no_proxy that does not match goes through the proxy.
    await request('example.org,other.test,test.example')
    expect(proxy.tunnels.map(t => t.target)).toEqual([`pipeline.test:${apiPort}`])
  })

  const withAlias = alias ? it : it.skip

  withAlias(
    'connects directly to a host NO_PROXY names with its port, with TLS checked',
    async () => {
      const proxy = await startProxy({ upstreamPort: apiPort })
      const endpoint = `https://${alias}:${apiPort}`
      const run = await runBehind(endpoint, {
        https_proxy: `http://127.0.0.1:${proxy.port}`,
        NO_PROXY: `example.org, ${alias}:${apiPort}`
      })
      expect(run.code).toBe(0)
      expect(run.outputs.conclusion).toBe('success')
      expect(proxy.tunnels).toEqual([])
      expect(fake.calls('status').every(r => r.headers.host === `${alias}:${apiPort}`)).toBe(true)

      // Another port of the same host is not exempt: through the proxy it goes.
      const viaProxy = await runBehind(endpoint, {
        https_proxy: `http://127.0.0.1:${proxy.port}`,
        NO_PROXY: `${alias}:${apiPort + 1}`
      })
      expect(viaProxy.code).toBe(0)
      expect(proxy.tunnels.map(t => t.target)).toContain(`${alias}:${apiPort}`)
    }
  )

  withAlias('uses no proxy from http_proxy for an https endpoint', async () => {
    const proxy = await startProxy({ upstreamPort: apiPort })
    const run = await runBehind(`https://${alias}:${apiPort}`, {
      http_proxy: `http://127.0.0.1:${proxy.port}`,
      HTTP_PROXY: `http://127.0.0.1:${proxy.port}`
    })
    expect(run.code).toBe(0)
    expect(proxy.tunnels).toEqual([])
  })
})
