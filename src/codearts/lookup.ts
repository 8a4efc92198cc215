// Host name lookup that a DNS server in trouble cannot turn into a hang.
//
// Node's usual lookup (getaddrinfo) runs on a libuv worker thread, and a process cannot exit while such a
// thread is stuck, not even through process.exit(): with a DNS server that never answers, or one that
// answers A queries but drops AAAA ones, or a dead first server in resolv.conf, the step would outlive
// its timeout (and the runner's SIGTERM) by the resolver's own timeouts, however the request itself is
// abandoned. So a name is asked of DNS through c-ares, which runs on the event loop and is dropped at
// exit, and its addresses are used as they come. The system's own lookup (hosts file, search domains,
// nsswitch) runs only for names in the hosts file, and for names DNS says it does not know, which
// something other than DNS may still resolve.
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
    if (hostname.toLowerCase() === 'localhost' || inHosts(hostname)) {
      systemLookup(hostname, lookupOptions, callback)
      return
    }
    const answer = (addresses: string[], family: 4 | 6): void => {
      if (lookupOptions.all)
        callback(
          null,
          addresses.map(address => ({ address, family }))
        )
      else callback(null, addresses[0]!, family)
    }
    const ask = (family: 4 | 6): void => {
      const done = (error: NodeJS.ErrnoException | null, addresses: string[]): void => {
        if (!error && addresses.length > 0) return answer(addresses, family)
        if (error && SILENT.has(error.code ?? '')) {
          const silent = new Error(`DNS did not answer for ${hostname}`)
          return callback(Object.assign(silent, { code: error.code }), '', family)
        }
        // The name has no IPv4 address: perhaps an IPv6 one.
        if (family === 4 && error?.code === dns.NODATA) return ask(6)
        systemLookup(hostname, lookupOptions, callback)
      }
      if (family === 4) resolver().resolve4(hostname, done)
      else resolver().resolve6(hostname, done)
    }
    ask(familyOf(lookupOptions.family) === 6 ? 6 : 4)
  }
  return { lookup, cancel: () => made?.cancel() }
}

function familyOf(family: number | string | undefined): number {
  return family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : Number(family ?? 0)
}
