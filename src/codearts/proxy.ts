// Agents for the API's URLs: direct, or through the proxy that https_proxy / http_proxy name unless
// no_proxy (or a loopback host) says otherwise, exactly as @actions/http-client decides it. The tunnel is
// made here (an HTTP CONNECT, then TLS to the API inside it) because @actions/http-client's own agents
// come with undici, which costs the action more start-up than everything else together.
import * as http from 'node:http'
import type * as Https from 'node:https'
import type { LookupFunction, Socket } from 'node:net'
import type * as Tls from 'node:tls'
import { getProxyUrl } from '@actions/http-client/lib/proxy'

// TLS is loaded only for an https URL (always, in real use): an http endpoint on loopback, as in tests
// and the benchmark, does not pay for it.
const loadHttps = (): Promise<typeof Https> => import('node:https')
const loadTls = (): Promise<typeof Tls> => import('node:tls')

type ConnectCallback = (error: Error | null, socket?: Socket) => void

/** Opens each connection as a tunnel through `proxy`: CONNECT host:port, then TLS when `secure`. */
async function tunnelAgent(
  proxy: URL,
  secure: boolean,
  lookup: LookupFunction,
  pending: Set<http.ClientRequest>
): Promise<http.Agent> {
  const needsTls = secure || proxy.protocol === 'https:'
  const https = needsTls ? await loadHttps() : undefined
  const tls = secure ? await loadTls() : undefined
  const Base = https && secure ? https.Agent : http.Agent
  const agent = new Base({ keepAlive: true })
  const auth =
    proxy.username || proxy.password
      ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
      : undefined
  // Node's Agent accepts a connection made asynchronously through the callback.
  const createConnection = (
    options: Tls.ConnectionOptions,
    callback: ConnectCallback
  ): undefined => {
    const target = `${options.host}:${options.port}`
    const connect = (proxy.protocol === 'https:' && https ? https : http).request({
      // An IPv6 proxy comes as [::1]: the brackets are URL syntax, not part of the address.
      host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { Host: target, ...(auth && { 'Proxy-Authorization': auth }) },
      agent: false,
      lookup
    })
    pending.add(connect)
    let done = false
    const finish = (error: Error | null, socket?: Socket): void => {
      pending.delete(connect)
      if (done) return
      done = true
      callback(error, socket)
    }
    connect.once('connect', (response: http.IncomingMessage, socket: Socket) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        // 407 and 403 are the proxy's final word (credentials, policy): asking again cannot help.
        const code =
          response.statusCode === 407
            ? 'ERR_PROXY_AUTH'
            : response.statusCode === 403
              ? 'ERR_PROXY_FORBIDDEN'
              : undefined
        const message = `the proxy answered CONNECT ${target} with HTTP ${response.statusCode}`
        finish(Object.assign(new Error(message), { code }))
        return
      }
      finish(null, tls ? tls.connect({ ...options, socket }) : socket)
    })
    connect.once('error', error => finish(error))
    connect.end()
    return undefined
  }
  Object.assign(agent, { createConnection })
  return agent
}

export interface Agents {
  agentFor(url: URL): Promise<http.Agent>
  /** Ends kept-alive connections and any tunnel still being set up. */
  destroy(): void
}

export function createAgents(lookup: LookupFunction): Agents {
  const agents = new Map<string, Promise<http.Agent>>()
  const pending = new Set<http.ClientRequest>()
  const make = async (secure: boolean, proxy: URL | undefined): Promise<http.Agent> => {
    if (proxy) return tunnelAgent(proxy, secure, lookup, pending)
    return secure
      ? new (await loadHttps()).Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true })
  }
  return {
    agentFor(url) {
      const secure = url.protocol === 'https:'
      const proxy = getProxyUrl(url)
      const key = `${secure}|${proxy?.href ?? ''}`
      let agent = agents.get(key)
      if (!agent) agents.set(key, (agent = make(secure, proxy)))
      return agent
    },
    destroy() {
      for (const request of pending) request.destroy()
      for (const agent of agents.values()) void agent.then(a => a.destroy())
    }
  }
}
