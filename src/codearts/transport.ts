// HTTP for the API client: one request, bounded in time and size, never following a redirect, through
// the proxy the environment names. @actions/http-client chooses the agent (direct, or a tunnel through
// https_proxy / http_proxy unless no_proxy matches); this file bounds the request itself.
import { HttpClient } from '@actions/http-client'
import * as http from 'node:http'
import * as https from 'node:https'
import type { LookupFunction } from 'node:net'
import { createLookup } from './lookup.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  /** Sent as is, with its Content-Length; '' for none. */
  body: string
  timeoutMs: number
}

export interface HttpResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>
  close(): void
}

/** No answer at all: the connection failed, timed out, or sent more than the size cap. */
export class TransportError extends Error {
  override name = 'TransportError'
  /** Node's error code (`ECONNRESET`, `CERT_HAS_EXPIRED`, ...) when there is one. */
  constructor(
    message: string,
    readonly code?: string
  ) {
    super(message)
  }
}

export const MAX_BODY_BYTES = 8 * 1024 * 1024

/** What the tunnel agent (the `tunnel` package, through http-client) keeps of the proxy. */
interface TunnelAgent extends http.Agent {
  proxyOptions?: { host?: string; lookup?: LookupFunction }
}

/**
 * The agent http-client gives for `url`, with two things of its tunnel put right: the CONNECT goes
 * through our DNS lookup too (lookup.ts), and an IPv6 proxy's address loses its URL brackets.
 */
function agentFor(client: HttpClient, url: URL, lookup: LookupFunction): http.Agent {
  const agent = client.getAgent(url.href) as TunnelAgent
  const proxy = agent.proxyOptions
  if (proxy && proxy.lookup !== lookup) {
    proxy.lookup = lookup
    proxy.host = proxy.host?.replace(/^\[(.*)\]$/, '$1')
  }
  return agent
}

/** Ends an agent's connections, a tunnel's (kept in a plain array, CONNECTs under way included) too. */
function destroyAgent(agent: http.Agent): void {
  const sockets: unknown = agent.sockets
  if (Array.isArray(sockets)) {
    for (const socket of sockets as { destroy?: () => void }[]) socket.destroy?.()
  } else {
    agent.destroy()
  }
}

export function createTransport(): Transport {
  const { lookup, cancel } = createLookup()
  const client = new HttpClient('codearts-pipeline-action', undefined, {
    keepAlive: true,
    allowRedirects: false
  })
  const used = new Set<http.Agent>()
  return {
    request: async req => {
      const url = new URL(req.url)
      const agent = agentFor(client, url, lookup)
      used.add(agent)
      return send(url.protocol === 'https:' ? https : http, agent, lookup, req)
    },
    close: () => {
      cancel()
      for (const agent of used) destroyAgent(agent)
    }
  }
}

function send(
  client: Pick<typeof http, 'request'>,
  agent: http.Agent,
  lookup: LookupFunction,
  req: HttpRequest
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url)
    const headers =
      req.body === ''
        ? req.headers
        : { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) }
    const request = client.request(url, {
      method: req.method,
      headers,
      agent,
      lookup
    })
    const fail = (error: Error): void => {
      clearTimeout(timer)
      reject(error instanceof TransportError ? error : transportError(error, url))
    }
    // One deadline for proxy handshake, connect, headers and body alike, so a slow drip cannot outlive
    // it. Settle here rather than wait for destroy() to emit 'error': while a proxy agent is still in
    // its CONNECT handshake there is no socket yet, and no 'error' ever comes.
    const timer = setTimeout(() => {
      fail(new TransportError(`no complete answer within ${req.timeoutMs} ms`))
      request.destroy()
    }, req.timeoutMs)
    request.on('error', fail)
    request.on('response', response => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY_BYTES) {
          request.destroy(new TransportError(`answer larger than ${MAX_BODY_BYTES} bytes`))
          return
        }
        chunks.push(chunk)
      })
      response.on('error', fail)
      response.on('close', () => {
        if (!response.complete) fail(new TransportError('connection closed mid-answer'))
      })
      response.on('end', () => {
        clearTimeout(timer)
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8')
        })
      })
    })
    request.end(req.body)
  })
}

function codeOf(error: Error & { code?: unknown }): string | undefined {
  return typeof error.code === 'string' ? error.code : undefined
}

// 407 and 403 are the proxy's final word (credentials, policy): asking again cannot help.
const PROXY_REFUSALS: Record<string, string> = {
  '407': 'ERR_PROXY_AUTH',
  '403': 'ERR_PROXY_FORBIDDEN'
}

/**
 * The error as a TransportError with Node's code. The tunnel calls every failure of a CONNECT
 * ECONNRESET; its message keeps the proxy's status, or the cause with the cause's own code.
 */
function transportError(error: Error, url: URL): TransportError {
  const tunnel =
    /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=(.*))/s.exec(
      error.message
    )
  if (tunnel?.[1] !== undefined) {
    const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`
    return new TransportError(
      `the proxy answered CONNECT ${target} with HTTP ${tunnel[1]}`,
      PROXY_REFUSALS[tunnel[1]]
    )
  }
  if (tunnel?.[2] !== undefined) {
    const code = /\b(E[A-Z_]{3,})\b/.exec(tunnel[2])?.[1]
    return new TransportError(`could not reach the proxy: ${tunnel[2]}`, code)
  }
  const code = codeOf(error)
  const message =
    code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message
  return new TransportError(message, code)
}
