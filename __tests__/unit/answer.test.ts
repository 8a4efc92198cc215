import type { IncomingHttpHeaders } from 'node:http'
import { apiError, readAnswer, retryAfterMs, type Answer } from '../../src/codearts/answer.js'

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
    'treats a 200 answer with auth code %s as fatal',
    code => {
      const a = answer(200, { error_code: code, error_msg: 'The token must be updated' })
      expect(a.kind).toBe('fatal')
      expect(reasonOf(a)).toContain(code)
      expect(reasonOf(a)).toMatch(/token/i)
    }
  )
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

describe('readAnswer fatal statuses', () => {
  it.each([
    [401, /expired or invalid/],
    [403, /access denied/],
    [404, /not found/],
    [400, /rejected the request/]
  ])('treats HTTP %d as fatal with advice', (status, advice) => {
    const a = answer(status, { error_code: 'X.1', error_msg: 'server says no' })
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toMatch(advice)
    expect(reasonOf(a)).toContain(`HTTP ${status}`)
    expect(reasonOf(a)).toContain('server says no')
  })

  it('gives advice even without a body', () => {
    const a = answer(401, '')
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toMatch(/token/)
  })

  it.each([405, 409, 410, 418, 422])('treats other 4xx (%d) as fatal', status => {
    const a = answer(status, 'nope')
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toContain(`HTTP ${status}`)
  })

  it.each([301, 302, 307, 308])('treats a %d redirect as fatal, naming the target', status => {
    const a = answer(status, '', { location: 'https://login.example.com/sso?next=%2F' })
    expect(a.kind).toBe('fatal')
    expect(reasonOf(a)).toContain('https://login.example.com/sso?next=%2F')
    expect(reasonOf(a)).toContain('endpoint')
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
      retryAfterMs: 3000
    })
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
    expect(answer(500, { error_code: 'APIGW.0301', error_msg: 'wrong' }).kind).toBe('fatal')
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
