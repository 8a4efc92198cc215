import { formatDuration, parseDuration } from '../../src/duration.js'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['1h', 3_600_000],
    ['2m15s', 135_000],
    ['1s500ms', 1_500],
    ['0.2', 200],
    ['30', 30_000],
    [' 10s ', 10_000],
    ['1.5h', 5_400_000]
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', 'abc', '10x', '-1', '1m1h', '1h1h', 's', '1 h', '.5', '10sec', 'ms'])(
    'rejects %j',
    text => {
      expect(parseDuration(text)).toBeUndefined()
    }
  )
})

describe('formatDuration', () => {
  it.each([
    [200, '200ms'],
    [1_500, '1.5s'],
    [10_000, '10s'],
    [5_400_000, '1h30m'],
    [3_600_000, '1h'],
    [184_000, '3m4s'],
    [59_999, '1m']
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
