// Host name lookup that a DNS server in trouble cannot turn into a hang.
//
// Node's usual lookup (getaddrinfo) runs on a libuv worker thread, and a process cannot exit while such a
// thread is stuck, not even through process.exit(): with a DNS server that never answers, or one that
// answers A queries but drops AAAA ones, or a dead first server in resolv.conf, the step would outlive
// its timeout (and the runner's SIGTERM) by the resolver's own timeouts, however the request itself is
// abandoned. So a name is asked of DNS through c-ares, which runs on the event loop and is dropped at
// exit, for IPv4 and IPv6 addresses at once, and its addresses are used as they come. The system's own
// lookup (hosts file, search domains, nsswitch) runs only for names in the hosts file and for names DNS
// says do not exist or have no address, which something other than DNS may still resolve; any other
// DNS failure is an error of its own, retried like a network fault.
import * as dns from 'node:dns'
import { readFileSync } from 'node:fs'
import type { LookupFunction } from 'node:net'

export interface LookupOptions {
  resolver?: Pick<dns.Resolver, 'resolve4' | 'resolve6' | 'cancel'>
  systemLookup?: LookupFunction
  hostsFile?: () => string
}

export interface Lookup {
  lookup: LookupFunction
  /** Drops probes under way, so nothing holds the process. */
  cancel(): void
}

// c-ares answers these when it heard nothing from DNS at all.
const SILENT: ReadonlySet<string> = new Set([dns.TIMEOUT, dns.CANCELLED])

function hostsFilePath(): string {
  return process.platform === 'win32'
    ? `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32\\drivers\\etc\\hosts`
    : '/etc/hosts'
}

/** The names the hosts file lists, lower-cased. */
export function namesInHosts(text: string): Set<string> {
  const names = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const [, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/)
    for (const name of aliases) if (name) names.add(name.toLowerCase())
  }
  return names
}

export function createLookup(options: LookupOptions = {}): Lookup {
  // A second per try, three tries: DNS that is alive answers well inside that.
  // Made on first need: an IP address or a name in the hosts file never needs it.
  let made = options.resolver
  const resolver = (): Pick<dns.Resolver, 'resolve4' | 'resolve6' | 'cancel'> =>
    (made ??= new dns.Resolver({ timeout: 1000, tries: 3 }))
  const systemLookup = options.systemLookup ?? (dns.lookup as LookupFunction)
  let hosts: Set<string> | undefined
  const inHosts = (name: string): boolean => {
    if (hosts === undefined) {
      try {
        hosts = namesInHosts((options.hostsFile ?? (() => readFileSync(hostsFilePath(), 'utf8')))())
      } catch {
        hosts = new Set()
      }
    }
    return hosts.has(name.toLowerCase())
  }

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const name = hostname.replace(/\.$/, '')
    if (name.toLowerCase() === 'localhost' || inHosts(name)) {
      systemLookup(hostname, lookupOptions, callback)
      return
    }
    const wanted = familyOf(lookupOptions.family)
    const families: Family[] = wanted === 4 ? [4] : wanted === 6 ? [6] : [4, 6]
    const outcomes = new Map<Family, string[] | string>()
    let settled = false
    let delay: NodeJS.Timeout | undefined

    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(delay)
      const found = ordered(families).flatMap(family => {
        const outcome = outcomes.get(family)
        return Array.isArray(outcome) ? outcome.map(address => ({ address, family })) : []
      })
      const first = found[0]
      if (first) {
        if (lookupOptions.all) callback(null, found)
        else callback(null, first.address, first.family)
        return
      }
      const codes = [...outcomes.values()].map(o => (Array.isArray(o) ? dns.NODATA : o))
      // DNS knows no such name, or no address for it: search domains or mDNS still may.
      if (codes.every(code => code === dns.NOTFOUND || code === dns.NODATA)) {
        systemLookup(hostname, lookupOptions, callback)
        return
      }
      const code =
        codes.find(c => SILENT.has(c)) ?? codes.find(c => c !== dns.NOTFOUND && c !== dns.NODATA)!
      const what = SILENT.has(code) ? 'did not answer' : 'could not answer'
      callback(Object.assign(new Error(`DNS ${what} for ${hostname}`), { code }), '', families[0])
    }
    const done =
      (family: Family) =>
      (error: NodeJS.ErrnoException | null, addresses: string[]): void => {
        if (settled) return
        outcomes.set(family, error ? (error.code ?? 'EDNS') : addresses)
        if (outcomes.size === families.length) return finish()
        // One family has addresses: the other gets a moment more, not its full timeout (a server that
        // drops AAAA queries would otherwise cost seconds per connection).
        if (addresses?.length) delay ??= setTimeout(finish, RESOLUTION_DELAY_MS)
      }
    for (const family of families) {
      if (family === 4) resolver().resolve4(name, done(4))
      else resolver().resolve6(name, done(6))
    }
  }
  return { lookup, cancel: () => made?.cancel() }
}

type Family = 4 | 6

// RFC 8305's resolution delay: how long to wait for the second family once the first has answered.
const RESOLUTION_DELAY_MS = 50

/** IPv4 first, as Node's own lookup orders them unless told IPv6 first. */
function ordered(families: Family[]): Family[] {
  const order = (dns as { getDefaultResultOrder?: () => string }).getDefaultResultOrder?.()
  return order === 'ipv6first' ? [...families].reverse() : families
}

function familyOf(family: number | string | undefined): number {
  return family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : Number(family ?? 0)
}
