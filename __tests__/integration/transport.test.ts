// The transport against real sockets on this machine: time limits, size cap, redirects, proxies.
import * as http from 'node:http'
import * as net from 'node:net'
import { networkInterfaces } from 'node:os'
import { createTransport, MAX_BODY_BYTES, type Transport } from '../../src/codearts/transport.js'

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

const closers: (() => void)[] = []
let transport: Transport | undefined
const savedEnv = { ...process.env }

afterEach(() => {
  transport?.close()
  transport = undefined
  for (const close of closers.splice(0)) close()
  for (const name of [
    'http_proxy',
    'HTTP_PROXY',
    'https_proxy',
    'HTTPS_PROXY',
    'no_proxy',
    'NO_PROXY'
  ]) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
})

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (s: net.Socket) => {
    sockets.add(s)
    s.on('error', () => undefined)
  })
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  closers.push(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  return (server.address() as net.AddressInfo).port
}

async function serve(handler: Handler, host = '127.0.0.1'): Promise<number> {
  return listen(http.createServer(handler), host)
}

/** A CONNECT proxy that tunnels to the given port whatever host is asked for, counting tunnels. */
async function connectProxy(
  targetPort: number,
  host = '127.0.0.1'
): Promise<{ port: number; tunnels: string[] }> {
  const tunnels: string[] = []
  const proxy = http.createServer()
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    tunnels.push(req.url ?? '')
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    closers.push(() => upstream.destroy())
  })
  return { port: await listen(proxy, host), tunnels }
}

function request(url: string, timeoutMs = 5000) {
  transport ??= createTransport()
  return transport.request({ method: 'GET', url, headers: {}, body: '', timeoutMs })
}

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; error?: Error; value?: T }> {
  const start = Date.now()
  try {
    const value = await promise
    return { ms: Date.now() - start, value }
  } catch (error) {
    return { ms: Date.now() - start, error: error as Error }
  }
}

it('answers with status, headers and body', async () => {
  const port = await serve((_req, res) => {
    res.writeHead(201, { 'X-Test': 'yes' })
    res.end('{"a":1}')
  })
  const response = await request(`http://127.0.0.1:${port}/x`)
  expect(response).toMatchObject({ status: 201, body: '{"a":1}' })
  expect(response.headers['x-test']).toBe('yes')
})

it('gives up on a server that never answers, at its time limit', async () => {
  const port = await serve(() => undefined)
  const result = await timed(request(`http://127.0.0.1:${port}/`, 500))
  expect(result.error?.message).toContain('no complete answer within 500 ms')
  expect(result.ms).toBeLessThan(500 + 1000)
})

it('gives up on a body that drips in slower than the time limit allows', async () => {
  const port = await serve((_req, res) => {
    res.writeHead(200)
    const drip = setInterval(() => res.write(' '), 50)
    res.on('close', () => clearInterval(drip))
    closers.push(() => clearInterval(drip))
  })
  const result = await timed(request(`http://127.0.0.1:${port}/`, 600))
  expect(result.error?.message).toContain('no complete answer')
  expect(result.ms).toBeLessThan(600 + 1000)
})

it('refuses a body over the size cap', async () => {
  const port = await serve((_req, res) => {
    res.writeHead(200)
    const chunk = Buffer.alloc(1024 * 1024, 'a')
    let sent = 0
    const more = (): void => {
      while (sent <= MAX_BODY_BYTES / chunk.length + 2) {
        sent += 1
        if (!res.write(chunk)) return void res.once('drain', more)
      }
      res.end()
    }
    more()
  })
  const result = await timed(request(`http://127.0.0.1:${port}/`))
  expect(result.error?.message).toContain(`larger than ${MAX_BODY_BYTES} bytes`)
})

it('reports a body cut off before its length', async () => {
  const port = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Length': '1000' })
    res.write('{"partial":')
    setTimeout(() => res.socket?.destroy(), 20)
  })
  const result = await timed(request(`http://127.0.0.1:${port}/`))
  expect(result.error?.message).toMatch(/aborted|closed mid-answer/)
  expect(result.value).toBeUndefined()
})

it('does not follow a redirect', async () => {
  let hits = 0
  const port = await serve((_req, res) => {
    hits += 1
    res.writeHead(302, { Location: '/elsewhere' })
    res.end()
  })
  const response = await request(`http://127.0.0.1:${port}/`)
  expect(response.status).toBe(302)
  expect(hits).toBe(1)
})

it('goes through the proxy named by http_proxy', async () => {
  const port = await serve((_req, res) => res.end('via proxy'))
  const proxy = await connectProxy(port)
  process.env.http_proxy = `http://127.0.0.1:${proxy.port}`
  const response = await request('http://pipeline.test/v3/x')
  expect(response.body).toBe('via proxy')
  expect(proxy.tunnels).toEqual(['pipeline.test:80'])
})

it('goes through a proxy at an IPv6 address (the URL brackets are not part of it)', async () => {
  const port = await serve((_req, res) => res.end('via proxy'))
  const proxy = await connectProxy(port, '::1')
  process.env.http_proxy = `http://[::1]:${proxy.port}`
  const response = await request('http://pipeline.test/v3/x')
  expect(response.body).toBe('via proxy')
  expect(proxy.tunnels).toEqual(['pipeline.test:80'])
})

it('gives up at its time limit on a proxy that never answers CONNECT', async () => {
  const silent = net.createServer(() => undefined)
  const proxyPort = await listen(silent)
  process.env.https_proxy = `http://127.0.0.1:${proxyPort}`
  const result = await timed(request('https://pipeline.example.com/v3/x', 700))
  expect(result.error?.message).toContain('no complete answer within 700 ms')
  expect(result.ms).toBeLessThan(700 + 1000)
})

// no_proxy can only be seen with a host that is not loopback (loopback always bypasses the proxy).
const ownAddress = Object.values(networkInterfaces())
  .flat()
  .find(a => a && a.family === 'IPv4' && !a.internal)?.address
const withOwnAddress = ownAddress ? it : it.skip

withOwnAddress('honours no_proxy', async () => {
  const port = await serve((_req, res) => res.end('direct'), '0.0.0.0')
  const proxy = await connectProxy(port)
  process.env.http_proxy = `http://127.0.0.1:${proxy.port}`
  process.env.no_proxy = `example.org,${ownAddress}`
  const response = await request(`http://${ownAddress}:${port}/`)
  expect(response.body).toBe('direct')
  expect(proxy.tunnels).toEqual([])
  transport?.close()
  transport = undefined
  delete process.env.no_proxy
  expect((await request(`http://${ownAddress}:${port}/`)).body).toBe('direct')
  expect(proxy.tunnels).toEqual([`${ownAddress}:${port}`])
})
