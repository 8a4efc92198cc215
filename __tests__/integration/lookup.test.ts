// The lookup against real UDP sockets: DNS in trouble must never reach the system's lookup.
import * as dgram from 'node:dgram'
import * as dns from 'node:dns'
import type { AddressInfo } from 'node:net'
import type { LookupFunction } from 'node:net'
import { createLookup, namesInHosts } from '../../src/codearts/lookup.js'

const sockets: dgram.Socket[] = []
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close()
})

type DnsBehaviour = 'silent' | 'nxdomain' | 'servfail' | 'a-only' | 'aaaa-only' | 'dual'

/**
 * A DNS server on 127.0.0.1: `silent` never answers; `nxdomain` says "no such name" to everything;
 * `servfail` fails every query; `a-only` answers A queries with 192.0.2.10 and drops AAAA ones (a known
 * middlebox fault); `aaaa-only` answers AAAA with 2001:db8::10 and A with no address; `dual` answers both.
 */
async function dnsServer(behaviour: DnsBehaviour): Promise<number> {
  const socket = dgram.createSocket('udp4')
  sockets.push(socket)
  socket.on('message', (query, peer) => {
    let end = 12
    while (end < query.length && query[end] !== 0) end += (query[end] ?? 0) + 1
    const type = query.readUInt16BE(end + 1)
    const question = query.subarray(0, end + 5)
    const reply = Buffer.from(question)
    reply[2] = (reply[2] ?? 0) | 0x80 // QR: this is a response
    let record: Buffer | undefined
    if (behaviour === 'silent' || (behaviour === 'a-only' && type === 28)) return
    if (behaviour === 'nxdomain') reply[3] = ((reply[3] ?? 0) & 0xf0) | 3 // RCODE 3: NXDOMAIN
    if (behaviour === 'servfail') reply[3] = ((reply[3] ?? 0) & 0xf0) | 2 // RCODE 2: SERVFAIL
    if ((behaviour === 'a-only' || behaviour === 'dual') && type === 1) {
      record = Buffer.from([192, 0, 2, 10])
    }
    if ((behaviour === 'aaaa-only' || behaviour === 'dual') && type === 28) {
      record = Buffer.from('20010db8000000000000000000000010', 'hex')
    }
    if (!record) return void socket.send(reply, peer.port, peer.address)
    reply.writeUInt16BE(1, 6) // one answer
    // The name by pointer to the question, type, class IN, a TTL of 60, the address.
    const head = Buffer.alloc(12)
    head.writeUInt16BE(0xc00c, 0)
    head.writeUInt16BE(type, 2)
    head.writeUInt16BE(1, 4)
    head.writeUInt32BE(60, 6)
    head.writeUInt16BE(record.length, 10)
    socket.send(Buffer.concat([reply, head, record]), peer.port, peer.address)
  })
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))
  return (socket.address() as AddressInfo).port
}

function resolverFor(port: number): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 300, tries: 1 })
  resolver.setServers([`127.0.0.1:${port}`])
  return resolver
}

/** The lookup against a DNS server that behaves so, with a spy for the system's lookup. */
async function lookupWith(behaviour: DnsBehaviour, hostsFile = '') {
  const system = systemLookupSpy()
  const { lookup } = createLookup({
    resolver: resolverFor(await dnsServer(behaviour)),
    systemLookup: system.lookup,
    hostsFile: () => hostsFile
  })
  return { lookup, system }
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
  host: string,
  options: dns.LookupOptions = {}
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise(resolve =>
    lookup(host, options, (error, address, family) => resolve({ error, address, family }))
  )
}

it('fails without calling the system lookup when DNS never answers', async () => {
  const { lookup, system } = await lookupWith('silent')
  const { error } = await run(lookup, 'pipeline.example.com')
  expect(error?.code).toBe(dns.TIMEOUT)
  expect(error?.message).toContain('DNS did not answer for pipeline.example.com')
  expect(system.asked).toEqual([])
})

it('hands a name DNS does not know to the system lookup (search domains, mDNS, ...)', async () => {
  const { lookup, system } = await lookupWith('nxdomain')
  const { error, address } = await run(lookup, 'internal-only.example')
  expect(error).toBeNull()
  expect(address).toBe('192.0.2.7')
  expect(system.asked).toEqual(['internal-only.example'])
})

it("uses DNS's own addresses, never the system lookup, so a dropped AAAA query cannot hold the exit", async () => {
  const { lookup, system } = await lookupWith('a-only')
  expect(await run(lookup, 'pipeline.example.com')).toEqual({
    error: null,
    address: '192.0.2.10',
    family: 4
  })
  // Node's connect asks for every address when it may try both families.
  const all = await run(lookup, 'pipeline.example.com', { all: true })
  expect(all.address).toEqual([{ address: '192.0.2.10', family: 4 }])
  expect(system.asked).toEqual([])
})

it('gives both families when both are wanted, IPv4 first, and only the family asked for', async () => {
  const { lookup, system } = await lookupWith('dual')
  // An IPv6-only runner behind NAT64 needs the IPv6 address even though there is an IPv4 one.
  expect((await run(lookup, 'pipeline.example.com', { all: true })).address).toEqual([
    { address: '192.0.2.10', family: 4 },
    { address: '2001:db8::10', family: 6 }
  ])
  expect((await run(lookup, 'pipeline.example.com')).address).toBe('192.0.2.10')
  expect((await run(lookup, 'pipeline.example.com', { family: 6 })).address).toBe('2001:db8::10')
  expect((await run(lookup, 'pipeline.example.com', { family: 4, all: true })).address).toEqual([
    { address: '192.0.2.10', family: 4 }
  ])
  expect(system.asked).toEqual([])
})

it('fails on a DNS failure that is not "no such name", without the system lookup', async () => {
  const { lookup, system } = await lookupWith('servfail')
  const { error } = await run(lookup, 'pipeline.example.com')
  expect(error?.code).toBe(dns.SERVFAIL)
  expect(error?.message).toBe('DNS could not answer for pipeline.example.com')
  expect(system.asked).toEqual([])
})

it('asks for IPv6 addresses when a name has no IPv4 one, or when only IPv6 is wanted', async () => {
  const { lookup, system } = await lookupWith('aaaa-only')
  expect(await run(lookup, 'v6.example.com')).toEqual({
    error: null,
    address: '2001:db8::10',
    family: 6
  })
  expect((await run(lookup, 'v6.example.com', { family: 6 })).address).toBe('2001:db8::10')
  expect(system.asked).toEqual([])
  // Asked for IPv4 only, it never answers with IPv6: DNS has no such address, so the system is asked.
  expect((await run(lookup, 'v6.example.com', { family: 4 })).address).toBe('192.0.2.7')
  expect(system.asked).toEqual(['v6.example.com'])
})

it('fails without the system lookup when only IPv6 is wanted and DNS never answers', async () => {
  const { lookup, system } = await lookupWith('a-only')
  const { error } = await run(lookup, 'pipeline.example.com', { family: 6 })
  expect(error?.code).toBe(dns.TIMEOUT)
  expect(system.asked).toEqual([])
})

it('skips the probe for names in the hosts file and for localhost', async () => {
  const { lookup, system } = await lookupWith(
    'silent',
    '10.0.0.5  Pipeline.Private.Example  # pinned\n'
  )
  expect((await run(lookup, 'pipeline.private.example')).error).toBeNull()
  expect((await run(lookup, 'pipeline.private.example.')).error).toBeNull()
  expect((await run(lookup, 'localhost')).error).toBeNull()
  expect(system.asked).toEqual([
    'pipeline.private.example',
    'pipeline.private.example.',
    'localhost'
  ])
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
