// The fake CodeArts gateway's check of an AK/SK-signed request. Written apart from src/codearts/signer.ts
// (and without the SDK) so that the two can only agree by both following the gateway's rules: it
// rebuilds the canonical request from what arrived on the wire, never from what the client meant.
import { createHash, createHmac } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export type SignatureCheck =
  { ok: true } | { ok: false; code: 'APIGW.0301' | 'APIGW.0303' | 'DEV.00000001'; reason: string }

const MAX_SKEW_MS = 15 * 60 * 1000
const AUTHORIZATION =
  /^SDK-HMAC-SHA256 Access=([^\s,]+), SignedHeaders=([^\s,]+), Signature=([0-9a-f]{64})$/
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

export function verifySignature(
  request: { method: string; rawUrl: string; headers: IncomingHttpHeaders; body: string },
  keys: { accessKey: string; secretKey: string; securityToken?: string },
  nowMs: number
): SignatureCheck {
  const header = (name: string): string | undefined => {
    const value = request.headers[name]
    return Array.isArray(value) ? value.join(',') : value
  }

  const authorization = header('authorization')
  if (authorization === undefined) {
    return header('x-auth-token') === undefined
      ? refuse('DEV.00000001', 'neither Authorization nor X-Auth-Token was sent')
      : refuse('APIGW.0301', 'an X-Auth-Token was sent where an AK/SK signature is expected')
  }
  const parts = AUTHORIZATION.exec(authorization)
  if (!parts) return refuse('APIGW.0301', 'Authorization is not an SDK-HMAC-SHA256 signature')
  const [, access = '', signedList = '', signature = ''] = parts

  const date = header('x-sdk-date')
  if (date === undefined) return refuse('APIGW.0303', 'X-Sdk-Date is missing')
  const signedAt = parseSdkDate(date)
  if (signedAt === undefined) return refuse('APIGW.0303', `X-Sdk-Date "${date}" is malformed`)
  if (Math.abs(nowMs - signedAt) > MAX_SKEW_MS) {
    return refuse('APIGW.0303', `X-Sdk-Date ${date} is more than 15 minutes off`)
  }

  if (access !== keys.accessKey) return refuse('APIGW.0301', 'unknown access key')
  const signedHeaders = signedList.split(';')
  for (const required of ['host', 'x-sdk-date']) {
    if (!signedHeaders.includes(required)) return refuse('APIGW.0301', `${required} is not signed`)
  }
  const token = header('x-security-token')
  if (keys.securityToken !== undefined) {
    if (token === undefined) return refuse('APIGW.0301', 'the security token is missing')
    if (!signedHeaders.includes('x-security-token')) {
      return refuse('APIGW.0301', 'the security token is not signed')
    }
    if (token !== keys.securityToken) return refuse('APIGW.0301', 'wrong security token')
  } else if (token !== undefined) {
    return refuse('APIGW.0301', 'a security token came with permanent access keys')
  }

  let canonicalHeaders = ''
  for (const name of signedHeaders) {
    const value = header(name)
    if (value === undefined) return refuse('APIGW.0301', `signed header ${name} was not sent`)
    canonicalHeaders += `${name}:${value.trim()}\n`
  }
  const queryAt = request.rawUrl.indexOf('?')
  const path = queryAt < 0 ? request.rawUrl : request.rawUrl.slice(0, queryAt)
  const query = queryAt < 0 ? '' : request.rawUrl.slice(queryAt + 1)
  let canonicalRequest: string
  try {
    canonicalRequest = [
      request.method,
      canonicalPath(path),
      canonicalQueryString(query),
      canonicalHeaders,
      signedList,
      hexSha256(request.body)
    ].join('\n')
  } catch {
    return refuse('APIGW.0301', 'the URL has malformed percent-encoding')
  }
  const stringToSign = `SDK-HMAC-SHA256\n${date}\n${hexSha256(canonicalRequest)}`
  const expected = createHmac('sha256', keys.secretKey).update(stringToSign).digest('hex')
  return expected === signature ? { ok: true } : refuse('APIGW.0301', 'signature mismatch')
}

function refuse(
  code: 'APIGW.0301' | 'APIGW.0303' | 'DEV.00000001',
  reason: string
): SignatureCheck {
  return { ok: false, code, reason }
}

function parseSdkDate(text: string): number | undefined {
  const m = SDK_DATE.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as number[]
  const ms = Date.UTC(year!, month! - 1, day, hour, minute, second)
  // Date.UTC rolls 31 February over into March; a real date survives the round trip.
  const back = new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z'
  return back === text ? ms : undefined
}

// Decoded as a whole, then each segment re-encoded; always ending in '/'.
function canonicalPath(path: string): string {
  const encoded = decodeURIComponent(path).split('/').map(percentEncode).join('/')
  return encoded.endsWith('/') ? encoded : encoded + '/'
}

// Names and values decoded, grouped by name; names sorted, then each name's values, by code unit.
function canonicalQueryString(query: string): string {
  const byName = new Map<string, string[]>()
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const [name = '', ...rest] = pair.split('=')
    const values = byName.get(decodeURIComponent(name)) ?? []
    values.push(decodeURIComponent(rest.join('=')))
    byName.set(decodeURIComponent(name), values)
  }
  return [...byName.keys()]
    .sort()
    .flatMap(name =>
      (byName.get(name) ?? []).sort().map(value => `${percentEncode(name)}=${percentEncode(value)}`)
    )
    .join('&')
}

// Byte-wise over UTF-8: A-Z a-z 0-9 - . _ ~ kept, every other byte as %XX.
function percentEncode(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

function hexSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
