// readMessage: a v5 job's or step's message, read out of the JSON the API often wraps it in; anything
// else is kept as the text it is.
import { readMessage } from '../../src/codearts/message.js'

describe('readMessage on text that is not a JSON object', () => {
  it('keeps plain text as the message, with no code', () => {
    expect(readMessage('unit tests failed: 3 of 120')).toEqual({
      message: 'unit tests failed: 3 of 120',
      code: null
    })
  })

  it('gives no message and no code for null', () => {
    expect(readMessage(null)).toEqual({ message: null, code: null })
  })

  it('keeps the empty string and whitespace as they are', () => {
    expect(readMessage('')).toEqual({ message: '', code: null })
    expect(readMessage('  \n ')).toEqual({ message: '  \n ', code: null })
  })

  it('keeps text that only mentions JSON keys as text', () => {
    const text = 'errorCode: E1, errorMessage: x'
    expect(readMessage(text)).toEqual({ message: text, code: null })
  })

  it('keeps invalid JSON that starts with { as text', () => {
    for (const text of ['{not json}', '{"errorMessage": "x"', '{"errorMessage": x}', '{}}', '{']) {
      expect(readMessage(text)).toEqual({ message: text, code: null })
    }
  })

  it('keeps text that starts with { but does not end with } as text', () => {
    const text = '{"errorMessage":"x"} and then some'
    expect(readMessage(text)).toEqual({ message: text, code: null })
  })

  it('keeps arrays as text, even of message objects', () => {
    for (const text of ['[{"errorMessage":"x","errorCode":"E1"}]', '[]', '["x"]']) {
      expect(readMessage(text)).toEqual({ message: text, code: null })
    }
  })

  it('keeps JSON scalars as text', () => {
    for (const text of ['"x"', '42', 'true', 'null']) {
      expect(readMessage(text)).toEqual({ message: text, code: null })
    }
  })
})

describe('readMessage on a JSON object', () => {
  it('reads errorMessage and errorCode', () => {
    expect(readMessage('{"errorMessage":"x","errorCode":"E1"}')).toEqual({
      message: 'x',
      code: 'E1'
    })
  })

  it('reads error_msg and error_code (the API error shape)', () => {
    expect(
      readMessage('{"error_msg":"Build failed: exit code 1","error_code":"DEV.CB.0001"}')
    ).toEqual({ message: 'Build failed: exit code 1', code: 'DEV.CB.0001' })
  })

  it('reads the other spellings: errorMsg, message, msg, error_message, code', () => {
    expect(readMessage('{"errorMsg":"a"}')).toEqual({ message: 'a', code: null })
    expect(readMessage('{"message":"b","code":"C2"}')).toEqual({ message: 'b', code: 'C2' })
    expect(readMessage('{"msg":"c"}')).toEqual({ message: 'c', code: null })
    expect(readMessage('{"error_message":"d"}')).toEqual({ message: 'd', code: null })
  })

  it('prefers errorMessage over the more generic keys', () => {
    expect(readMessage('{"message":"generic","errorMessage":"specific"}')).toEqual({
      message: 'specific',
      code: null
    })
  })

  it('reads a nested {"error":{"code":..,"message":..}}', () => {
    expect(
      readMessage('{"error":{"code":"APIGW.0101","message":"The API does not exist"}}')
    ).toEqual({
      message: 'The API does not exist',
      code: 'APIGW.0101'
    })
  })

  it('falls back to the outer object for what the nested error lacks', () => {
    expect(readMessage('{"error":{"code":"E9"},"message":"outer"}')).toEqual({
      message: 'outer',
      code: 'E9'
    })
  })

  it('reads a numeric code (and a numeric message) as text', () => {
    expect(readMessage('{"errorMessage":"x","errorCode":500}')).toEqual({
      message: 'x',
      code: '500'
    })
    expect(readMessage('{"error":{"code":401,"message":"Unauthorized"}}')).toEqual({
      message: 'Unauthorized',
      code: '401'
    })
    expect(readMessage('{"code":0}')).toEqual({ message: null, code: '0' })
    expect(readMessage('{"errorMessage":42}')).toEqual({ message: '42', code: null })
  })

  it('gives a code alone when only a code is there', () => {
    expect(readMessage('{"errorCode":"E1"}')).toEqual({ message: null, code: 'E1' })
  })

  it('skips empty, blank and non-text values', () => {
    expect(readMessage('{"errorMessage":"  ","message":"real","errorCode":""}')).toEqual({
      message: 'real',
      code: null
    })
    expect(readMessage('{"errorMessage":{"x":1},"errorCode":["E1"]}')).toEqual({
      message: '{"errorMessage":{"x":1},"errorCode":["E1"]}',
      code: null
    })
  })

  it('keeps JSON without a known key as text', () => {
    for (const text of ['{}', '{"foo":"bar"}', '{"error":"boom"}', '{"error":{"reason":"r"}}']) {
      expect(readMessage(text)).toEqual({ message: text, code: null })
    }
  })

  it('does not read keys from the prototype', () => {
    const text = '{"__proto__":{"errorMessage":"from proto"},"other":1}'
    expect(readMessage(text)).toEqual({ message: text, code: null })
  })

  it('reads JSON with whitespace around it', () => {
    expect(readMessage('  \n {"errorMessage":"x","errorCode":"E1"}\t\r\n')).toEqual({
      message: 'x',
      code: 'E1'
    })
  })

  it('keeps a message with newlines and markup as sent (quoting is the caller’s)', () => {
    expect(readMessage('{"errorMessage":"line 1\\nline 2 <b>&</b>"}')).toEqual({
      message: 'line 1\nline 2 <b>&</b>',
      code: null
    })
  })
})

describe('readMessage on very long input', () => {
  it('reads a message of a megabyte out of JSON', () => {
    const long = 'x'.repeat(1_000_000)
    expect(readMessage(JSON.stringify({ errorMessage: long, errorCode: 'E1' }))).toEqual({
      message: long,
      code: 'E1'
    })
  })

  it('keeps a megabyte of plain text whole, quickly', () => {
    const long = `{${'y'.repeat(1_000_000)}`
    const started = Date.now()
    expect(readMessage(long)).toEqual({ message: long, code: null })
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('survives JSON nested very deep, keeping it as text', () => {
    const depth = 100_000
    const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    const started = Date.now()
    expect(readMessage(deep)).toEqual({ message: deep, code: null })
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})
