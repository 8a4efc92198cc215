import { clip, quote } from '../../src/quote.js'

describe('quote', () => {
  it('collapses newlines and runs of whitespace into single spaces and trims', () => {
    expect(quote('  a\r\n\n b\t\tc  ')).toBe('a b c')
  })

  it('keeps short text as is', () => {
    expect(quote('x'.repeat(300))).toBe('x'.repeat(300))
  })

  it('truncates long text with an ellipsis', () => {
    const q = quote('y'.repeat(5000))
    expect(q).toBe(`${'y'.repeat(300)}…`)
  })

  it('truncates after collapsing, so whitespace does not count', () => {
    const q = quote(`${'z'.repeat(299)}\n\n\n\n\nA`)
    expect(q).toBe(`${'z'.repeat(299)} A`.slice(0, 300) + '…')
  })

  it('leaves no line that could start a workflow command', () => {
    const q = quote('ok\n::error::injected\r\n::stop-commands::x')
    expect(q).not.toMatch(/[\r\n]/)
    expect(q.startsWith('::')).toBe(false)
  })

  it('drops invisible format characters such as bidi overrides and zero-width spaces', () => {
    expect(quote('abc\u202Efed\u200Bx\uFEFF')).toBe('abcfedx')
  })
})

describe('clip', () => {
  it('keeps text within the limit as is', () => {
    expect(clip('abc', 3)).toBe('abc')
  })

  it('cuts with an ellipsis', () => {
    expect(clip('abcdef', 3)).toBe('abc…')
  })

  it('never splits a surrogate pair', () => {
    const clipped = clip('ab🙂cd', 3)
    expect(clipped).toBe('ab…')
    // No lone high surrogate left at the cut.
    expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })
})
