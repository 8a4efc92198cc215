// The DNS probe against real UDP sockets: a silent server must never reach the system's lookup.
import * as dgram from 'node:dgram'
import * as dns from 'node:dns'
import type { AddressInfo } from 'node:net'
import type { LookupFunction } from 'node:net'
import { createLookup, namesInHosts } from '../../src/codearts/lookup.js'

const sockets: dgram.Socket[] = []
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close()
})

/** A DNS server on 127.0.0.1 that answers every query with "no such name", or never answers. */
async function dnsServer(answer: boolean): Promise<number> {
  const socket = dgram.createSocket('udp4')
  sockets.push(socket)
  socket.on('message', (query, peer) => {
    if (!answer) return
    const reply = Buffer.from(query)
    reply[2] = (reply[2] ?? 0) | 0x80 // QR: this is a response
    reply[3] = ((reply[3] ?? 0) & 0xf0) | 3 // RCODE 3: NXDOMAIN
    socket.send(reply, peer.port, peer.address)
  })
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))
  return (socket.address() as AddressInfo).port
}

function resolverFor(port: number): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 300, tries: 1 })
  resolver.setServers([`127.0.0.1:${port}`])
  return resolver
}

/** A stand-in for getaddrinfo that records the names it was asked. */
function systemLookupSpy(): { lookup: LookupFunction; asked: string[] } {
  const asked: string[] = []
  const lookup = ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
    asked.push(hostname)
    callback(null, '192.0.2.7', 4)
  }) as LookupFunction
  return { lookup, asked }
}

function run(
  lookup: LookupFunction,
  host: string
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown }> {
  return new Promise(resolve => lookup(host, {}, (error, address) => resolve({ error, address })))
}

it('fails without calling the system lookup when DNS never answers', async () => {
  const system = systemLookupSpy()
  const { lookup } = createLookup({
    resolver: resolverFor(await dnsServer(false)),
    systemLookup: system.lookup,
    hostsFile: () => ''
  })
  const { error } = await run(lookup, 'pipeline.example.com')
  expect(error?.code).toBe(dns.TIMEOUT)
  expect(error?.message).toContain('DNS did not answer for pipeline.example.com')
  expect(system.asked).toEqual([])
})

it('hands the name to the system lookup once DNS answers at all, even "no such name"', async () => {
  const system = systemLookupSpy()
  const { lookup } = createLookup({
    resolver: resolverFor(await dnsServer(true)),
    systemLookup: system.lookup,
    hostsFile: () => ''
  })
  const { error, address } = await run(lookup, 'internal-only.example')
  expect(error).toBeNull()
  expect(address).toBe('192.0.2.7')
  expect(system.asked).toEqual(['internal-only.example'])
})

it('skips the probe for names in the hosts file and for localhost', async () => {
  const system = systemLookupSpy()
  const { lookup } = createLookup({
    resolver: resolverFor(await dnsServer(false)),
    systemLookup: system.lookup,
    hostsFile: () => '10.0.0.5  Pipeline.Private.Example  # pinned\n'
  })
  expect((await run(lookup, 'pipeline.private.example')).error).toBeNull()
  expect((await run(lookup, 'localhost')).error).toBeNull()
  expect(system.asked).toEqual(['pipeline.private.example', 'localhost'])
})

it('reads the names of a hosts file, not its addresses or comments', () => {
  const names = namesInHosts(
    '# comment line\n127.0.0.1 localhost\n::1 ip6-localhost ip6-loopback\r\n10.1.2.3\tA.Example b # c.example\n\n'
  )
  expect([...names].sort()).toEqual([
    'a.example',
    'b',
    'ip6-localhost',
    'ip6-loopback',
    'localhost'
  ])
})
