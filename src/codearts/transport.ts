// HTTP for the API client: one request, bounded in time and size, never following a redirect, through
// the proxy the environment names (proxy.ts).
import * as http from 'node:http'
import type { LookupFunction } from 'node:net'
import { createLookup } from './lookup.js'
import { createAgents } from './proxy.js'

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

export function createTransport(): Transport {
  const { lookup, cancel } = createLookup()
  const agents = createAgents(lookup)
  return {
    request: async req => {
      const url = new URL(req.url)
      const agent = await agents.agentFor(url)
      // Loaded only for https (see proxy.ts): node caches it, so this costs nothing after the first.
      const client = url.protocol === 'https:' ? await import('node:https') : http
      return send(client, agent, lookup, req)
    },
    close: () => {
      cancel()
      agents.destroy()
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
      reject(
        error instanceof TransportError ? error : new TransportError(describe(error), codeOf(error))
      )
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

function describe(error: Error): string {
  const code = codeOf(error)
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message
}
