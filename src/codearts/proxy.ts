// Agents for the API's URLs: direct, or through the proxy that https_proxy / http_proxy name unless
// no_proxy (or a loopback host) says otherwise, exactly as @actions/http-client decides it. The tunnel is
// made here (an HTTP CONNECT, then TLS to the API inside it) because @actions/http-client's own agents
// come with undici, which costs the action more start-up than everything else together.
import * as http from 'node:http'
import * as https from 'node:https'
import type { LookupFunction, Socket } from 'node:net'
import * as tls from 'node:tls'
import { getProxyUrl } from '@actions/http-client/lib/proxy'

type ConnectCallback = (error: Error | null, socket?: Socket) => void

/** Opens each connection as a tunnel through `proxy`: CONNECT host:port, then TLS when `secure`. */
function tunnelAgent(
  proxy: URL,
  secure: boolean,
  lookup: LookupFunction,
  pending: Set<http.ClientRequest>
): http.Agent {
  const Base = secure ? https.Agent : http.Agent
  const agent = new Base({ keepAlive: true })
  const auth =
    proxy.username || proxy.password
      ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
      : undefined
  // Node's Agent accepts a connection made asynchronously through the callback.
  const createConnection = (
    options: tls.ConnectionOptions,
    callback: ConnectCallback
  ): undefined => {
    const target = `${options.host}:${options.port}`
    const connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname,
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
        finish(new Error(`the proxy answered CONNECT ${target} with HTTP ${response.statusCode}`))
        return
      }
      finish(null, secure ? tls.connect({ ...options, socket }) : socket)
    })
    connect.once('error', error => finish(error))
    connect.end()
    return undefined
  }
  Object.assign(agent, { createConnection })
  return agent
}

export interface Agents {
  agentFor(url: URL): http.Agent
  /** Ends kept-alive connections and any tunnel still being set up. */
  destroy(): void
}

export function createAgents(lookup: LookupFunction): Agents {
  const direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true })
  }
  const tunnels = new Map<string, http.Agent>()
  const pending = new Set<http.ClientRequest>()
  return {
    agentFor(url) {
      const secure = url.protocol === 'https:'
      const proxy = getProxyUrl(url)
      if (!proxy) return secure ? direct.https : direct.http
      const key = `${secure}|${proxy.href}`
      let agent = tunnels.get(key)
      if (!agent) tunnels.set(key, (agent = tunnelAgent(proxy, secure, lookup, pending)))
      return agent
    },
    destroy() {
      for (const request of pending) request.destroy()
      for (const agent of [direct.http, direct.https, ...tunnels.values()]) agent.destroy()
    }
  }
}
