import { parse as legacyUrlParse } from 'node:url'
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js'
import fc from 'fast-check'
import { signRequest, type AccessKeys } from '../../src/codearts/signer.js'

const SDK_DATE = '20240102T030405Z'
const NOW = new Date(Date.UTC(2024, 0, 2, 3, 4, 5))

/** A request as the caller means it: path segments, query pairs and headers not yet encoded. */
interface Plain {
  method: string
  scheme: 'http' | 'https'
  host: string
  segments: string[]
  query: [string, string][]
  headers: Record<string, string>
  data: Record<string, unknown> | undefined
}

// AKSKSigner.sign takes the path from url.parse(request.endpoint), which escapes whitespace, quotes,
// '<>\^`{|}' (so the SDK signs them double-encoded, '%2520', while axios sends '%20') and cuts the
// path at '?' or '#'. The SDK cannot sign such a path as it sends it; for those paths alone this
// subclass hands the SDK's own CanonicalURI the raw path, skipping url.parse. Everything else
// (encoding rules, query, headers, hashes) stays the SDK's code.
let rawPathForSdk = ''
class RawPathSigner extends AKSKSigner {
  protected static override CanonicalURI(): string | undefined {
    return super.CanonicalURI(rawPathForSdk)
  }
}

const oracleUse = { faithful: 0, rawPath: 0 }

/** The SDK's Authorization for `plain`, fed the way HcClient/BaseCredentials feed AKSKSigner. */
function sdkSign(plain: Plain, keys: AccessKeys): Record<string, string> {
  // Path parameters are substituted raw into the endpoint (HcClient.buildRequest).
  const rawPath = '/' + plain.segments.join('/')
  const endpoint = `${plain.scheme}://${plain.host}${rawPath}`
  // queryParams: one key per name, an array when it repeats, '' for an empty value.
  const queryParams: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of plain.query) {
    const seen = queryParams[name]
    queryParams[name] =
      seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  // BaseCredentials.addAuthHeaders adds the token to the headers before signing; a given X-Sdk-Date
  // is used instead of the clock.
  const headers: Record<string, string> = { ...plain.headers, 'X-Sdk-Date': SDK_DATE }
  if (keys.securityToken) headers['X-Security-Token'] = keys.securityToken
  const request = { endpoint, method: plain.method, headers, queryParams, data: plain.data }
  const credentials = new BasicCredentials().withAk(keys.accessKey).withSk(keys.secretKey)

  const faithful = legacyUrlParse(endpoint, true).pathname === rawPath
  oracleUse[faithful ? 'faithful' : 'rawPath']++
  rawPathForSdk = rawPath
  return (faithful ? AKSKSigner : RawPathSigner).sign(request, credentials) as Record<
    string,
    string
  >
}

/** What the project's signer is given: the URL as a client sends it, the body as JSON. */
function clientRequest(plain: Plain): {
  method: string
  url: string
  headers: Record<string, string>
  body: string
} {
  const path = '/' + plain.segments.map(encodeURIComponent).join('/')
  const query = plain.query.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
  return {
    method: plain.method,
    url: `${plain.scheme}://${plain.host}${path}${query.length ? '?' + query.join('&') : ''}`,
    headers: plain.headers,
    body: plain.data === undefined ? '' : JSON.stringify(plain.data)
  }
}

// Characters that need encoding, reserved ones, unreserved '~', BMP and astral characters.
const tricky = fc.constantFrom(
  ...[' ', '?', '#', '%', '%41', '&', '=', '+', '~', '/', ':', '@', '!', '$', "'", '(', ')', '*'],
  ...[',', ';', '[', ']', '"', '<', '>', '\\', '^', '`', '{', '|', '}', '-', '_', '.', '\t'],
  ...['é', 'ß', '中', '\uFEFF', '\uFF01', '😀', '𝄞', '\u{10FFFF}']
)
const char = fc.oneof(
  tricky,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom(...'aZ09')
)
const text = (maxLength: number) => fc.array(char, { maxLength }).map(chars => chars.join(''))
// URL parsers drop '.' and '..' segments before sending, so no client can send them.
const segment = text(6).filter(s => s !== '.' && s !== '..')
// A small pool of names makes repeated names likely.
const queryName = fc.oneof(fc.constantFrom('a', 'b', '~', 'é', '😀', '\uFF01', '', 'a b'), text(4))
const queryValue = fc.oneof(fc.constant(''), fc.constantFrom('1', '2', '~', 'é'), text(5))
const headerName = fc.oneof(
  fc.constantFrom('Content-Type', 'X-Project-Id', 'Accept', 'X-Language'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/)
)
// Printable ASCII without surrounding whitespace, as an HTTP header value arrives.
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/)
const reserved = new Set([
  'host',
  'x-sdk-date',
  'x-security-token',
  'authorization',
  'x-sdk-content-sha256'
])

const plainRequest: fc.Arbitrary<Plain> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  scheme: fc.constantFrom('http', 'https'),
  host: fc.constantFrom(
    'cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
    '127.0.0.1:8443',
    'localhost:3000'
  ),
  segments: fc.array(segment, { maxLength: 4 }),
  query: fc.array(fc.tuple(queryName, queryValue), { maxLength: 6 }),
  headers: fc
    .uniqueArray(fc.tuple(headerName, headerValue), {
      maxLength: 4,
      selector: ([name]) => name.toLowerCase()
    })
    .map(pairs => Object.fromEntries(pairs.filter(([n]) => !reserved.has(n.toLowerCase())))),
  data: fc.option(fc.dictionary(text(4), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), {
    nil: undefined
  })
})

const accessKeys: fc.Arbitrary<AccessKeys> = fc.record(
  {
    accessKey: fc.stringMatching(/^[A-Z0-9]{20}$/),
    secretKey: fc.stringMatching(/^[A-Za-z0-9]{40}$/),
    securityToken: fc.stringMatching(/^[A-Za-z0-9+/=]{8,60}$/)
  },
  { requiredKeys: ['accessKey', 'secretKey'] }
)

describe('signRequest against the SDK (AKSKSigner)', () => {
  it('gives the same Authorization and X-Sdk-Date for any request', () => {
    fc.assert(
      fc.property(plainRequest, accessKeys, (plain, keys) => {
        const ours = signRequest(clientRequest(plain), keys, NOW)
        const sdk = sdkSign(plain, keys)
        expect(ours.Authorization).toBe(sdk.Authorization)
        expect(ours['X-Sdk-Date']).toBe(SDK_DATE)
        expect(ours['X-Security-Token']).toBe(keys.securityToken)
      }),
      { numRuns: 300 }
    )
    // The url.parse bypass must stay the exception, or the SDK's own path handling goes untested.
    expect(oracleUse.faithful).toBeGreaterThan(oracleUse.rawPath / 2)
    expect(oracleUse.rawPath).toBeGreaterThan(0)
  })

  it('agrees on query order by raw code unit, not by encoded name', () => {
    // Encoded, '%C3%A9' < '%EF%BC%81' < '%F0%9F%98%80' < '~'; raw, '~' < 'é' < '😀' < '！'.
    const plain: Plain = {
      method: 'GET',
      scheme: 'https',
      host: 'example.com',
      segments: ['v1'],
      query: [
        ['\uFF01', '1'],
        ['😀', '2'],
        ['é', 'b'],
        ['é', 'a'],
        ['~', '']
      ],
      headers: {},
      data: undefined
    }
    const keys = { accessKey: 'AK', secretKey: 'SK' }
    expect(signRequest(clientRequest(plain), keys, NOW).Authorization).toBe(
      sdkSign(plain, keys).Authorization
    )
  })

  it('signs a path with a space as sent, where the unmodified SDK double-encodes it', () => {
    const plain: Plain = {
      method: 'GET',
      scheme: 'https',
      host: 'example.com',
      segments: ['v1', 'a b'],
      query: [],
      headers: {},
      data: undefined
    }
    const keys = { accessKey: 'AK', secretKey: 'SK' }
    const ours = signRequest(clientRequest(plain), keys, NOW).Authorization
    expect(ours).toBe(sdkSign(plain, keys).Authorization)
    const unmodified = AKSKSigner.sign(
      {
        endpoint: 'https://example.com/v1/a b',
        method: 'GET',
        headers: { 'X-Sdk-Date': SDK_DATE },
        queryParams: {}
      },
      new BasicCredentials().withAk('AK').withSk('SK')
    ) as Record<string, string>
    expect(ours).not.toBe(unmodified.Authorization)
  })
})

describe('signRequest', () => {
  const keys = {
    accessKey: 'HPUAEXAMPLEACCESSKEY',
    secretKey: 'examplesecretkey0123456789ABCDEFGHIJKLMN'
  }
  const request = {
    method: 'POST',
    url: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com/v5/0f2b3c/api/pipelines/8d9e/pipeline-runs/detail?pipeline_run_id=a1%20b&x=%F0%9F%98%80',
    headers: { 'Content-Type': 'application/json' },
    body: '{"name":"näme"}'
  }

  it('gives the pinned signature for a known request, the same as the SDK', () => {
    const authorization =
      'SDK-HMAC-SHA256 Access=HPUAEXAMPLEACCESSKEY, SignedHeaders=content-type;host;x-sdk-date, ' +
      'Signature=b3266b00f095b25ab8efb2bfdaf60523556b473037fca9b910ceb631910b0be8'
    expect(signRequest(request, keys, NOW)).toEqual({
      'X-Sdk-Date': '20240102T030405Z',
      Authorization: authorization
    })
    const sdk = sdkSign(
      {
        method: 'POST',
        scheme: 'https',
        host: 'cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
        segments: ['v5', '0f2b3c', 'api', 'pipelines', '8d9e', 'pipeline-runs', 'detail'],
        query: [
          ['pipeline_run_id', 'a1 b'],
          ['x', '😀']
        ],
        headers: request.headers,
        data: { name: 'näme' }
      },
      keys
    )
    expect(sdk.Authorization).toBe(authorization)
  })

  it('adds and signs X-Security-Token only with temporary keys', () => {
    const permanent = signRequest(request, keys, NOW)
    const temporary = signRequest(request, { ...keys, securityToken: 'token-1' }, NOW)
    const otherToken = signRequest(request, { ...keys, securityToken: 'token-2' }, NOW)
    expect(permanent).not.toHaveProperty('X-Security-Token')
    expect(permanent.Authorization).toContain('SignedHeaders=content-type;host;x-sdk-date,')
    expect(temporary['X-Security-Token']).toBe('token-1')
    expect(temporary.Authorization).toContain(
      'SignedHeaders=content-type;host;x-sdk-date;x-security-token,'
    )
    expect(otherToken.Authorization).not.toBe(temporary.Authorization)
  })

  it('dates the request YYYYMMDDTHHMMSSZ in UTC, milliseconds dropped', () => {
    const at = new Date(Date.UTC(2031, 11, 9, 7, 5, 2, 999))
    expect(signRequest(request, keys, at)['X-Sdk-Date']).toBe('20311209T070502Z')
  })

  it('signs the host with a non-default port, and without a default one', () => {
    const at = (url: string) => signRequest({ ...request, url }, keys, NOW).Authorization
    const withPort = at('http://127.0.0.1:8443/v1/x')
    expect(withPort).toBe(
      sdkSign(
        {
          method: 'POST',
          scheme: 'http',
          host: '127.0.0.1:8443',
          segments: ['v1', 'x'],
          query: [],
          headers: request.headers,
          data: { name: 'näme' }
        },
        keys
      ).Authorization
    )
    expect(withPort).not.toBe(at('http://127.0.0.1:8444/v1/x'))
    expect(at('https://example.com:443/v1/x')).toBe(at('https://example.com/v1/x'))
  })

  it('refuses headers it sets itself, or cannot sign consistently', () => {
    for (const name of ['Host', 'x-sdk-date', 'Authorization', 'X-Security-Token', 'under_score']) {
      expect(() => signRequest({ ...request, headers: { [name]: 'v' } }, keys, NOW)).toThrow(
        `"${name}"`
      )
    }
    expect(() =>
      signRequest({ ...request, headers: { 'content-type': 'a', 'Content-Type': 'b' } }, keys, NOW)
    ).toThrow('given twice')
  })
})
