import type { IncomingHttpHeaders } from 'node:http'
import {
  apiError,
  noAnswer,
  readAnswer,
  retryAfterMs,
  type Answer
} from '../../src/codearts/answer.js'
import { TransportError } from '../../src/codearts/transport.js'

const NOW = Date.parse('2024-05-01T10:00:00Z')

function answer(status: number, body: unknown, headers: IncomingHttpHeaders = {}): Answer {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return readAnswer({ status, headers, body: text }, NOW)
}

function reasonOf(a: Answer): string {
  if (a.kind === 'ok') throw new Error('expected a problem, got ok')
  return a.reason
}

describe('readAnswer 2xx', () => {
  it('gives the parsed body of a 200 JSON answer', () => {
    const body = { status: 'running', build_id: '7' }
    expect(answer(200, body)).toEqual({ kind: 'ok', body })
  })

  it('treats a 200 answer that is not JSON as transient', () => {
    const a = answer(200, '<html>gateway page</html>')
    expect(a.kind).toBe('transient')
    expect(reasonOf(a)).toContain('not JSON')
    expect(reasonOf(a)).toContain('200')
  })

  it('treats an empty 200 answer as transient', () => {
    expect(answer(200, '').kind).toBe('transient')
  })

  it('treats a 200 answer carrying error_code as transient, quoting the error', () => {
    const a = answer(200, { error_code: 'DEVPIPE.0001', error_msg: 'backend busy' })
    expect(a.kind).toBe('transient')
    expect(reasonOf(a)).toContain('DEVPIPE.0001')
    expect(reasonOf(a)).toContain('backend busy')
  })

  it('treats a 200 answer carrying the nested error shape as transient', () => {
    const a = answer(200, { error: { code: 'DEVPIPE.0002', message: 'try later' } })
    expect(a.kind).toBe('transient')
    expect(reasonOf(a)).toContain('DEVPIPE.0002')
    expect(reasonOf(a)).toContain('try later')
  })

  it('does not mistake empty error fields for an error', () => {
    const body = { status: 'running', error_code: null, error_msg: '', error: null }
    expect(answer(200, body)).toEqual({ kind: 'ok', body })
  })

  it.each(['APIGW.0307', 'APIGW.0301', 'APIGW.0303', 'DEV.00000001'])(
    'treats a 200 answer with auth code %s as a refusal',
    code => {
      expect(answer(200, { error_code: code, error_msg: 'The token must be updated' })).toEqual({
        kind: 'fatal',
        reason: `HTTP 200 (${code}: The token must be updated)`,
        refusal: { status: 200, code }
      })
    }
  )

  it('reads an auth code in the nested error shape too', () => {
    expect(answer(200, { error: { code: 'APIGW.0307', message: 'expired' } })).toMatchObject({
      kind: 'fatal',
      refusal: { status: 200, code: 'APIGW.0307' }
    })
  })

  it('carries the body of a 200 answer with an API error', () => {
    const body = { error_code: 'DEVPIPE.00011169', error_msg: 'queued', pipeline_run_id: 'r1' }
    expect(answer(200, body)).toMatchObject({ kind: 'transient', body })
  })

  it('carries no body for a 200 answer that is not JSON', () => {
    const a = answer(200, 'not json')
    expect(a.kind === 'transient' && 'body' in a).toBe(false)
  })
})

describe('readAnswer error shapes', () => {
  it('quotes the flat shape {error_code, error_msg}', () => {
    const reason = reasonOf(answer(400, { error_code: 'DEVPIPE.00011', error_msg: 'bad build id' }))
    expect(reason).toContain('DEVPIPE.00011')
    expect(reason).toContain('bad build id')
  })

  it('quotes the nested shape {error: {code, message}}', () => {
    const reason = reasonOf(
      answer(400, { error: { code: 'DEVPIPE.00012', message: 'pipeline gone' } })
    )
    expect(reason).toContain('DEVPIPE.00012')
    expect(reason).toContain('pipeline gone')
  })

  it('quotes a multi-line error message on one line', () => {
    const reason = reasonOf(answer(400, { error_code: 'E', error_msg: 'line one\n::error::boom' }))
    expect(reason).not.toContain('\n')
    expect(reason).toContain('line one ::error::boom')
  })

  it('reads a message without a code, and a code without a message', () => {
    expect(apiError({ error_msg: 'only text' })).toEqual({ code: null, message: 'only text' })
    expect(apiError({ error: { code: 'C' } })).toEqual({ code: 'C', message: null })
  })

  it.each([null, 'x', 42, [], {}, { error: 'string' }, { error: {} }, { error_code: 5 }])(
    'finds no API error in %j',
    body => {
      expect(apiError(body)).toBeNull()
    }
  )

  it('falls back to the flat shape when the nested one is empty', () => {
    expect(apiError({ error: {}, error_code: 'F', error_msg: 'flat' })).toEqual({
      code: 'F',
      message: 'flat'
    })
  })
})

describe('readAnswer refusals', () => {
  it.each([401, 403])(
    'treats HTTP %d as a refusal, with the code and no advice of its own',
    status => {
      expect(answer(status, { error_code: 'X.1', error_msg: 'server says no' })).toEqual({
        kind: 'fatal',
        reason: `HTTP ${status} (X.1: server says no)`,
        refusal: { status, code: 'X.1' }
      })
    }
  )

  it.each([401, 403])('treats HTTP %d without a body as a refusal without a code', status => {
    expect(answer(status, '')).toEqual({
      kind: 'fatal',
      reason: `HTTP ${status}`,
      refusal: { status, code: undefined }
    })
  })

  it('reads the code of a refusal in the nested shape', () => {
    expect(answer(401, { error: { code: 'APIGW.0307', message: 'expired' } })).toMatchObject({
      refusal: { status: 401, code: 'APIGW.0307' }
    })
  })

  it('treats a refusal body without a code as a refusal without a code', () => {
    expect(answer(403, { error_msg: 'no permission' })).toEqual({
      kind: 'fatal',
      reason: 'HTTP 403 (no permission)',
      refusal: { status: 403, code: undefined }
    })
  })

  it('quotes a hostile refusal message on one line', () => {
    const a = answer(401, { error_code: 'APIGW.0301', error_msg: 'bad\n::error::injected' })
    expect(reasonOf(a)).not.toContain('\n')
  })

  it.each([400, 404, 409])('does not treat HTTP %d without an auth code as a refusal', status => {
    const a = answer(status, { error_code: 'DEVPIPE.1', error_msg: 'no' })
    expect(a.kind === 'fatal' && a.refusal).toBeUndefined()
  })

  it.each([
    [400, 'APIGW.0301'],
    [404, 'DEV.00000001'],
    [502, 'APIGW.0303']
  ])('treats HTTP %d with the auth code %s as a refusal', (status, code) => {
    expect(answer(status, { error_code: code, error_msg: 'no' })).toMatchObject({
      kind: 'fatal',
      refusal: { status, code }
    })
  })
})

describe('readAnswer fatal statuses', () => {
  it.each([
    [404, /not found/],
    [400, /rejected the request/]
  ])('treats HTTP %d as fatal with advice', (status, advice) => {
    const a = answer(status, { error_code: 'X.1', error_msg: 'server says no' })
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toMatch(advice)
    expect(reasonOf(a)).toContain(`HTTP ${status}`)
    expect(reasonOf(a)).toContain('server says no')
  })

  it('carries the parsed body of a fatal answer', () => {
    const body = { error: { code: 'DEVPIPE.00011170', message: 'queued', pipeline_run_id: 'r9' } }
    expect(answer(409, body)).toMatchObject({ kind: 'fatal', body })
  })

  it('carries no body when a fatal answer is not JSON', () => {
    const a = answer(404, '<html>not found</html>')
    expect(a).toMatchObject({ kind: 'fatal' })
    expect(a.kind === 'fatal' && a.body).toBeUndefined()
  })

  it.each([405, 409, 410, 418, 422])('treats other 4xx (%d) as fatal', status => {
    const a = answer(status, 'nope')
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toContain(`HTTP ${status}`)
  })

  it.each([301, 302, 307, 308])(
    'treats a %d redirect as fatal, naming the target by its origin only',
    status => {
      const a = answer(status, '', { location: 'https://login.example.com/sso?next=%2F&k=SECRET' })
      expect(a.kind).toBe('fatal')
      expect(a.kind === 'fatal' && a.refusal).toBeUndefined()
      expect(reasonOf(a)).toContain('redirect to https://login.example.com;')
      expect(reasonOf(a)).not.toContain('SECRET')
      expect(reasonOf(a)).toContain('endpoint')
    }
  )

  it('names a relative redirect without repeating it', () => {
    expect(reasonOf(answer(302, '', { location: '/elsewhere?k=SECRET' }))).toContain(
      'redirect to a relative location'
    )
  })

  it('treats a redirect without Location as fatal', () => {
    const a = answer(302, '')
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toContain('302')
  })

  it('quotes a hostile Location on one line', () => {
    const a = answer(302, '', { location: 'https://x.example.com/\n::error::injected' })
    expect(reasonOf(a)).not.toContain('\n')
  })
})

describe('readAnswer transient statuses', () => {
  it.each([500, 502, 503, 504, 408, 599])('treats HTTP %d as transient', status => {
    const a = answer(status, { error_code: 'APIGW.0201', error_msg: 'backend timeout' })
    expect(a.kind).toBe('transient')
    expect(reasonOf(a)).toContain(`HTTP ${status}`)
    expect(reasonOf(a)).toContain('APIGW.0201')
  })

  it('treats 429 as transient with Retry-After in seconds', () => {
    const a = answer(
      429,
      { error_code: 'APIGW.0308', error_msg: 'throttled' },
      { 'retry-after': '3' }
    )
    expect(a).toEqual({
      kind: 'transient',
      reason: expect.stringContaining('429'),
      retryAfterMs: 3000,
      body: { error_code: 'APIGW.0308', error_msg: 'throttled' }
    })
  })

  it('carries the parsed body of a 5xx answer, and none when it is not JSON', () => {
    expect(answer(503, { error_code: 'E', error_msg: 'busy' })).toMatchObject({
      body: { error_code: 'E', error_msg: 'busy' }
    })
    const notJson = answer(502, '<html>bad gateway</html>')
    expect(notJson.kind === 'transient' && notJson.body).toBeUndefined()
  })

  it('treats 429 as transient with Retry-After as an HTTP date', () => {
    const at = new Date(NOW + 90_000).toUTCString()
    const a = answer(429, '', { 'retry-after': at })
    expect(a).toMatchObject({ kind: 'transient', retryAfterMs: 90_000 })
  })

  it('reads Retry-After of a 503 too', () => {
    expect(answer(503, '', { 'retry-after': '120' })).toMatchObject({ retryAfterMs: 120_000 })
  })

  it('leaves retryAfterMs undefined when there is no Retry-After', () => {
    const a = answer(429, '')
    expect(a.kind).toBe('transient')
    expect(a.kind === 'transient' && a.retryAfterMs).toBeUndefined()
  })

  it('still treats an auth code on a 5xx as fatal (no retry towards the lock-out)', () => {
    expect(answer(500, { error_code: 'APIGW.0301', error_msg: 'wrong' })).toMatchObject({
      kind: 'fatal',
      refusal: { status: 500, code: 'APIGW.0301' }
    })
  })
})

describe('retryAfterMs', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    [' 7 ', 7000],
    ['1.5', 1500]
  ])('reads %j seconds as %d ms', (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms)
  })

  it('reads an HTTP date relative to now', () => {
    expect(retryAfterMs(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000)
  })

  it('reads an HTTP date in the past as 0', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(0)
  })

  it('uses the first of several values', () => {
    expect(retryAfterMs(['4', '9'], NOW)).toBe(4000)
  })

  it.each([undefined, '', [], 'soon', 'in a while'])('gives undefined for %j', value => {
    expect(retryAfterMs(value as string | string[] | undefined, NOW)).toBeUndefined()
  })

  // Date.parse reads much junk as some date; only an IMF-fixdate counts.
  it.each(['-1', 'abc 12', 'retry 5'])('gives undefined for the junk value %j', value => {
    expect(retryAfterMs(value, NOW)).toBeUndefined()
  })
})

describe('noAnswer', () => {
  it('treats a connection failure as transient, after the prefix', () => {
    expect(
      noAnswer(new TransportError('ECONNRESET: socket hang up', 'ECONNRESET'), 'IAM: ')
    ).toEqual({ kind: 'transient', reason: 'IAM: ECONNRESET: socket hang up' })
  })

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEOUT', 'EHOSTUNREACH'])(
    'marks %s, a connection never made, as not sent (a start then surely did not start)',
    code => {
      expect(noAnswer(new TransportError(`${code}: x`, code))).toMatchObject({
        kind: 'transient',
        reason: `${code}: x`,
        notSent: true
      })
    }
  )

  it.each([
    ['ECONNREFUSED', 'nothing accepts connections there'],
    ['ENOTFOUND', 'the host name does not exist'],
    ['EPROTO', 'is the endpoint http, not https?']
  ])('says what to check on %s, which looks like a wrong endpoint', (code, hint) => {
    expect(noAnswer(new TransportError(`${code}: x`, code))).toMatchObject({
      kind: 'transient',
      misconfigured: expect.stringContaining(hint)
    })
  })

  it('points at the proxy settings when it is the proxy that cannot be reached', () => {
    const error = new TransportError(
      'could not reach the proxy: connect ECONNREFUSED 127.0.0.1:3128',
      'ECONNREFUSED'
    )
    expect(noAnswer(error)).toMatchObject({
      kind: 'transient',
      notSent: true,
      misconfigured: expect.stringContaining('check https_proxy')
    })
  })

  it('gives no such hint for a busy endpoint (a reset, a time-out)', () => {
    expect(noAnswer(new TransportError('ECONNRESET: x', 'ECONNRESET'))).not.toHaveProperty(
      'misconfigured'
    )
    expect(noAnswer(new TransportError('no complete answer within 5 ms'))).not.toHaveProperty(
      'misconfigured'
    )
  })

  it("puts OpenSSL's own words into a plain sentence", () => {
    const error = new TransportError(
      'write EPROTO 80CC11E9957F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
      'EPROTO'
    )
    const answer = noAnswer(error)
    expect(answer.reason).toBe('EPROTO: the TLS handshake failed (wrong version number)')
    expect(answer.reason).not.toMatch(/0A00010B|deps\/openssl/)
  })

  it('treats a timeout without a code as transient', () => {
    expect(noAnswer(new TransportError('no complete answer within 5 ms'))).toEqual({
      kind: 'transient',
      reason: 'no complete answer within 5 ms'
    })
  })

  it.each([
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  ])('treats the TLS trust error %s as fatal, with advice', code => {
    const a = noAnswer(new TransportError(`${code}: bad cert`, code), 'IAM login failed: ')
    expect(a.kind).toBe('fatal')
    expect(a.reason).toMatch(/^IAM login failed: /)
    expect(a.reason).toContain('NODE_EXTRA_CA_CERTS')
  })

  it.each(['ECONNREFUSED', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER'])(
    'treats %s as transient',
    code => {
      expect(noAnswer(new TransportError(`${code}: x`, code)).kind).toBe('transient')
    }
  )

  it.each([
    ['a string', 'plain text', 'plain text'],
    ['null', null, 'null'],
    ['an object with a code that is no string', { code: 42 }, '[object Object]']
  ])('reads %s thrown as transient', (_what, thrown, reason) => {
    expect(noAnswer(thrown)).toEqual({ kind: 'transient', reason })
  })
})

describe('noAnswer: failures no retry can mend', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

  it.each([
    ['ERR_PROXY_AUTH', /user and password in https_proxy/],
    ['ERR_PROXY_FORBIDDEN', /no_proxy/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /does not name this host/]
  ])('ends the wait at once on %s, saying what to do', (code, advice) => {
    const answer = noAnswer(withCode('the proxy said no', code))
    expect(answer.kind).toBe('fatal')
    expect(answer.reason).toMatch(advice)
    expect(answer.reason).toContain('the proxy said no')
  })

  it('keeps a proxy answering 502 to CONNECT worth another try', () => {
    expect(noAnswer(new Error('the proxy answered CONNECT x:443 with HTTP 502')).kind).toBe(
      'transient'
    )
  })
})
