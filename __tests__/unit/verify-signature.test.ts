import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parse as legacyUrlParse } from 'node:url'
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js'
import fc from 'fast-check'
import { signRequest, type AccessKeys } from '../../src/codearts/signer.js'
import { verifySignature } from '../support/verify-signature.js'

type Received = Parameters<typeof verifySignature>[0]

const SDK_DATE = '20240102T030405Z'
const NOW = new Date(Date.UTC(2024, 0, 2, 3, 4, 5))
const MINUTE = 60 * 1000

interface Plain {
  method: string
  host: string
  segments: string[]
  query: [string, string][]
  headers: Record<string, string>
  data: Record<string, unknown> | undefined
}

/** The URL a client sends for `plain`: each segment, name and value through encodeURIComponent. */
function clientUrl(plain: Plain): string {
  const path = '/' + plain.segments.map(encodeURIComponent).join('/')
  const query = plain.query.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
  return `http://${plain.host}${path}${query.length ? '?' + query.join('&') : ''}`
}

/** What a Node server sees of a request to `url` with these headers (names lower-cased). */
function received(url: string, method: string, headers: Record<string, string>, body: string) {
  const { pathname, search } = new URL(url)
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return { method, rawUrl: pathname + search, headers: lower, body }
}

/** Signed by the SDK's AKSKSigner, fed the way HcClient feeds it (raw path, queryParams object). */
function sdkSigned(plain: Plain, keys: AccessKeys): Received {
  const queryParams: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of plain.query) {
    const seen = queryParams[name]
    queryParams[name] =
      seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  const headers: Record<string, string> = { ...plain.headers, 'X-Sdk-Date': SDK_DATE }
  if (keys.securityToken) headers['X-Security-Token'] = keys.securityToken
  const sent = AKSKSigner.sign(
    {
      endpoint: `http://${plain.host}/${plain.segments.join('/')}`,
      method: plain.method,
      headers,
      queryParams,
      data: plain.data
    },
    new BasicCredentials().withAk(keys.accessKey).withSk(keys.secretKey)
  ) as Record<string, string>
  const body = plain.data === undefined ? '' : JSON.stringify(plain.data)
  return received(clientUrl(plain), plain.method, sent, body)
}

/** Signed by the project's signer; Node adds Host. */
function ourSigned(plain: Plain, keys: AccessKeys, now = NOW): Received {
  const url = clientUrl(plain)
  const body = plain.data === undefined ? '' : JSON.stringify(plain.data)
  const added = signRequest({ method: plain.method, url, headers: plain.headers, body }, keys, now)
  const headers = { host: new URL(url).host, ...plain.headers, ...added }
  return received(url, plain.method, headers, body)
}

const char = fc.oneof(
  fc.constantFrom(' ', '?', '#', '%', '&', '=', '+', '~', '/', "'", '*', 'é', '中', '😀', '\uFF01'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom(...'aZ09')
)
const text = (maxLength: number) => fc.array(char, { maxLength }).map(chars => chars.join(''))
const plainRequest: fc.Arbitrary<Plain> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  host: fc.constantFrom('cloudpipeline-ext.cn-north-4.myhuaweicloud.com', '127.0.0.1:8443'),
  // URL parsers drop '.' and '..' segments before sending.
  segments: fc.array(
    text(5).filter(s => s !== '.' && s !== '..'),
    { maxLength: 4 }
  ),
  query: fc.array(fc.tuple(fc.oneof(fc.constantFrom('a', 'é', ''), text(3)), text(4)), {
    maxLength: 5
  }),
  headers: fc
    .uniqueArray(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('Content-Type', 'X-Project-Id'),
          fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/)
        ),
        fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/)
      ),
      { maxLength: 3, selector: ([name]) => name.toLowerCase() }
    )
    .map(pairs =>
      Object.fromEntries(
        pairs.filter(([name]) => !['x-sdk-date', 'x-security-token'].includes(name.toLowerCase()))
      )
    ),
  data: fc.option(fc.dictionary(text(4), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), {
    nil: undefined
  })
})
const accessKeys: fc.Arbitrary<AccessKeys> = fc.record(
  {
    accessKey: fc.stringMatching(/^[A-Z0-9]{20}$/),
    secretKey: fc.stringMatching(/^[A-Za-z0-9]{40}$/),
    securityToken: fc.stringMatching(/^[A-Za-z0-9+/=]{8,40}$/)
  },
  { requiredKeys: ['accessKey', 'secretKey'] }
)
const skew = fc.integer({ min: -15 * MINUTE, max: 15 * MINUTE })

describe('verifySignature accepts', () => {
  it('any request signed by the SDK', () => {
    // Only paths the SDK can sign as it sends them: url.parse inside AKSKSigner escapes or cuts
    // some characters (see signer.test.ts).
    const sdkCanSign = (plain: Plain) => {
      const path = '/' + plain.segments.join('/')
      return legacyUrlParse(`http://${plain.host}${path}`).pathname === path
    }
    fc.assert(
      fc.property(plainRequest.filter(sdkCanSign), accessKeys, skew, (plain, keys, off) => {
        expect(verifySignature(sdkSigned(plain, keys), keys, NOW.getTime() + off)).toEqual({
          ok: true
        })
      }),
      { numRuns: 300 }
    )
  })

  it('any request signed by the project signer', () => {
    fc.assert(
      fc.property(plainRequest, accessKeys, skew, (plain, keys, off) => {
        expect(verifySignature(ourSigned(plain, keys), keys, NOW.getTime() + off)).toEqual({
          ok: true
        })
      }),
      { numRuns: 300 }
    )
  })
})

describe('verifySignature rejects', () => {
  const keys = { accessKey: 'AKEXAMPLE0123456789A', secretKey: 'sk-example', securityToken: 'tok' }
  const plain: Plain = {
    method: 'POST',
    host: '127.0.0.1:8443',
    segments: ['v5', 'p1', 'api', 'pipelines', 'a b', 'run'],
    query: [
      ['a', '1'],
      ['b', 'é']
    ],
    headers: { 'Content-Type': 'application/json' },
    data: { a: 1 }
  }
  const good = ourSigned(plain, keys)
  const now = NOW.getTime()
  const refusal = (code: string, reason: string | RegExp) => ({
    ok: false,
    code,
    reason: expect.stringMatching(reason)
  })

  it('nothing when unaltered (the baseline of the cases below)', () => {
    expect(good.rawUrl).toBe('/v5/p1/api/pipelines/a%20b/run?a=1&b=%C3%A9')
    expect(verifySignature(good, keys, now)).toEqual({ ok: true })
  })

  it('a tampered body, query value or path, or the wrong secret', () => {
    const mismatch = refusal('APIGW.0301', 'signature mismatch')
    expect(verifySignature({ ...good, body: '{"a":2}' }, keys, now)).toEqual(mismatch)
    const query = { ...good, rawUrl: good.rawUrl.replace('a=1', 'a=2') }
    expect(verifySignature(query, keys, now)).toEqual(mismatch)
    const path = { ...good, rawUrl: good.rawUrl.replace('/p1/', '/p2/') }
    expect(verifySignature(path, keys, now)).toEqual(mismatch)
    expect(verifySignature(good, { ...keys, secretKey: 'sk-other' }, now)).toEqual(mismatch)
  })

  it('a wrong access key', () => {
    expect(verifySignature(good, { ...keys, accessKey: 'AKOTHER' }, now)).toEqual(
      refusal('APIGW.0301', 'unknown access key')
    )
  })

  it('a security token missing, unsigned, wrong, or not expected', () => {
    const withoutToken = { ...good.headers }
    delete withoutToken['x-security-token']
    expect(verifySignature({ ...good, headers: withoutToken }, keys, now)).toEqual(
      refusal('APIGW.0301', 'security token is missing')
    )
    const permanent = { accessKey: keys.accessKey, secretKey: keys.secretKey }
    const unsigned = ourSigned(plain, permanent)
    unsigned.headers['x-security-token'] = keys.securityToken
    expect(verifySignature(unsigned, keys, now)).toEqual(
      refusal('APIGW.0301', 'security token is not signed')
    )
    expect(verifySignature(ourSigned(plain, { ...keys, securityToken: 'old' }), keys, now)).toEqual(
      refusal('APIGW.0301', 'wrong security token')
    )
    expect(verifySignature(good, permanent, now)).toEqual(
      refusal('APIGW.0301', 'security token came with permanent')
    )
  })

  it('a date more than 15 minutes off, missing, or malformed', () => {
    const late = refusal('APIGW.0303', 'more than 15 minutes off')
    expect(verifySignature(good, keys, now + 16 * MINUTE)).toEqual(late)
    expect(verifySignature(good, keys, now - 16 * MINUTE)).toEqual(late)
    expect(verifySignature(good, keys, now + 15 * MINUTE)).toEqual({ ok: true })
    const dated = (date: string | undefined): Received => ({
      ...good,
      headers: { ...good.headers, 'x-sdk-date': date }
    })
    expect(verifySignature(dated(undefined), keys, now)).toEqual(refusal('APIGW.0303', 'missing'))
    for (const bad of ['2024-01-02T03:04:05Z', '20240102T030405', '20240230T030405Z']) {
      expect(verifySignature(dated(bad), keys, now)).toEqual(refusal('APIGW.0303', 'malformed'))
    }
  })

  it('an unsigned host or X-Sdk-Date', () => {
    for (const name of ['host', 'x-sdk-date']) {
      const authorization = String(good.headers.authorization).replace(
        /SignedHeaders=([^,]*)/,
        (_, list: string) =>
          `SignedHeaders=${list
            .split(';')
            .filter(n => n !== name)
            .join(';')}`
      )
      const unsigned = { ...good, headers: { ...good.headers, authorization } }
      expect(verifySignature(unsigned, keys, now)).toEqual(
        refusal('APIGW.0301', `${name} is not signed`)
      )
    }
  })

  it('a request without credentials, or with a token instead of a signature', () => {
    const anonymous = { ...good.headers }
    delete anonymous.authorization
    expect(verifySignature({ ...good, headers: anonymous }, keys, now)).toEqual(
      refusal('DEV.00000001', 'neither')
    )
    const token = { ...good, headers: { ...anonymous, 'x-auth-token': 'MIIabc' } }
    expect(verifySignature(token, keys, now)).toEqual(refusal('APIGW.0301', 'X-Auth-Token'))
  })
})

describe('verifySignature behind a Node HTTP server', () => {
  let server: http.Server
  let port: number
  const keys = { accessKey: 'AKEXAMPLE0123456789A', secretKey: 'sk-example', securityToken: 'tok' }

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          rawUrl: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8')
        }
        res.end(JSON.stringify(verifySignature(request, keys, Date.now())))
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise(resolve => server.close(resolve)))

  // Sent the way src/codearts/transport.ts sends: http.request(new URL(url)), Content-Length added.
  function send(url: string, signWith: AccessKeys, sentBody = '{"näme":"😀"}'): Promise<unknown> {
    const method = 'POST'
    const headers = { 'Content-Type': 'application/json', 'X-Project-Id': 'p1' }
    const added = signRequest({ method, url, headers, body: '{"näme":"😀"}' }, signWith, new Date())
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(url), {
        method,
        headers: { ...headers, ...added, 'Content-Length': String(Buffer.byteLength(sentBody)) }
      })
      req.on('error', reject)
      req.on('response', res => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
        res.on('end', () => resolve(JSON.parse(text)))
      })
      req.end(sentBody)
    })
  }

  it('accepts what the signer signed, as Node sends it', async () => {
    const path = ['v5', 'a b', 'é/😀', "x'(*)~"].map(encodeURIComponent).join('/')
    const url = `http://127.0.0.1:${port}/${path}?b=${encodeURIComponent('&=+')}&a=2&a=1&empty=`
    await expect(send(url, keys)).resolves.toEqual({ ok: true })
  })

  it('rejects it when the body sent is not the body signed', async () => {
    await expect(send(`http://127.0.0.1:${port}/v5`, keys, '{"näme":"x"}')).resolves.toEqual({
      ok: false,
      code: 'APIGW.0301',
      reason: 'signature mismatch'
    })
  })
})
