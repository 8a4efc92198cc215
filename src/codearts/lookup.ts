// Host name lookup that a silent DNS server cannot turn into a hang.
//
// Node's usual lookup (getaddrinfo) runs on a libuv worker thread, and a process cannot exit while such a
// thread is stuck: with a DNS server that never answers, the step would outlive its timeout by the
// resolver's own timeouts, however the request itself is abandoned. So a name is first asked of DNS
// through c-ares, which runs on the event loop and is dropped at exit. Only once DNS has answered at all
// (even "no such name") does the system's own lookup run, with its hosts file, search domains and
// nsswitch order, none of which this changes. Names in the hosts file skip the probe.
import * as dns from 'node:dns'
import { readFileSync } from 'node:fs'
import type { LookupFunction } from 'node:net'

export interface LookupOptions {
  resolver?: Pick<dns.Resolver, 'resolve4' | 'cancel'>
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
  const resolver = (): Pick<dns.Resolver, 'resolve4' | 'cancel'> =>
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
    resolver().resolve4(hostname, error => {
      if (error && SILENT.has(error.code ?? '')) {
        callback(
          Object.assign(new Error(`DNS did not answer for ${hostname}`), { code: error.code }),
          '',
          4
        )
        return
      }
      systemLookup(hostname, lookupOptions, callback)
    })
  }
  return { lookup, cancel: () => made?.cancel() }
}
