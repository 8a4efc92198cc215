import { tokenAuth } from '../../src/codearts/auth.js'
import { CodeArtsClient } from '../../src/codearts/client.js'
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport
} from '../../src/codearts/transport.js'

const TOKEN = 'MIIabc/def+ghi=='

function client(answer: (req: HttpRequest) => HttpResponse | Error): {
  client: CodeArtsClient
  requests: HttpRequest[]
} {
  const requests: HttpRequest[] = []
  const transport: Transport = {
    request: async req => {
      requests.push(req)
      const result = answer(req)
      if (result instanceof Error) throw result
      return result
    },
    close: () => undefined
  }
  return {
    client: new CodeArtsClient({
      endpoint: 'https://api.example.com/base',
      auth: tokenAuth(TOKEN),
      transport,
      secrets: [TOKEN],
      now: () => 0
    }),
    requests
  }
}

const ok = (body: unknown, headers = {}): HttpResponse => ({
  status: 200,
  headers,
  body: JSON.stringify(body)
})

describe('CodeArtsClient.status', () => {
  it('asks for the latest run, or for a run by id, with the token and a time limit', async () => {
    const { client: c, requests } = client(() => ok({ build_id: 'b' }))
    await c.status('pipe-1', undefined, 1234)
    await c.status('pipe-1', 'run 7/x', 99)
    expect(requests.map(r => r.url)).toEqual([
      'https://api.example.com/base/v3/pipelines/pipe-1/status',
      'https://api.example.com/base/v3/pipelines/pipe-1/status?build_id=run%207%2Fx'
    ])
    expect(requests.map(r => r.timeoutMs)).toEqual([1234, 99])
    expect(requests[0]?.method).toBe('GET')
    expect(requests[0]?.headers['X-Auth-Token']).toBe(TOKEN)
    expect(requests[0]?.headers['User-Agent']).toMatch(/codearts-pipeline-action/)
  })

  it('cuts an echoed token out of the answer, plain or with escaped slashes', async () => {
    const body = `{"pipeline_name":"${TOKEN}","error_msg":"${TOKEN.replace(/\//g, '\\/')}"}`
    const { client: c } = client(() => ({ status: 200, headers: {}, body }))
    const answer = await c.status('p', undefined, 1000)
    expect(JSON.stringify(answer)).not.toContain('def+ghi')
    expect(answer.kind).toBe('transient')
  })

  it('cuts an echoed token out of a redirect target', async () => {
    const { client: c } = client(() => ({
      status: 302,
      headers: { location: `https://evil.example/?t=${TOKEN}` },
      body: ''
    }))
    const answer = await c.status('p', undefined, 1000)
    expect(answer.kind).toBe('fatal')
    expect(JSON.stringify(answer)).not.toContain('def+ghi')
    expect(JSON.stringify(answer)).toContain('https://evil.example/?t=***')
  })

  it('keeps a long token out even when the message around it is cut short', async () => {
    const long = `T${'k'.repeat(6000)}`
    const c = new CodeArtsClient({
      endpoint: 'https://api.example.com',
      auth: tokenAuth(long),
      secrets: [long],
      transport: {
        request: async () => ({
          status: 500,
          headers: {},
          body: JSON.stringify({ error_code: 'X', error_msg: `bad token ${long}` })
        }),
        close: () => undefined
      }
    })
    const answer = await c.status('p', undefined, 1000)
    expect(JSON.stringify(answer)).not.toContain('kkkkkkkkkk')
  })

  it('treats network errors as transient', async () => {
    const { client: c } = client(
      () => new TransportError('ECONNRESET: socket hang up', 'ECONNRESET')
    )
    expect(await c.status('p', undefined, 1000)).toEqual({
      kind: 'transient',
      reason: 'ECONNRESET: socket hang up'
    })
  })

  it.each(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'treats the TLS trust error %s as fatal, with advice',
    code => {
      const { client: c } = client(() => new TransportError(`${code}: bad cert`, code))
      return c.status('p', undefined, 1000).then(answer => {
        expect(answer.kind).toBe('fatal')
        expect(JSON.stringify(answer)).toContain('NODE_EXTRA_CA_CERTS')
      })
    }
  )
})
