import { parseParameters } from '../../src/parameters.js'

function problems(text: string): string[] {
  const parsed = parseParameters(text)
  if (!('problems' in parsed)) throw new Error('parseParameters accepted the text')
  return parsed.problems
}

describe('parseParameters', () => {
  it('reads NAME=VALUE lines in order, splitting at the first "="', () => {
    expect(parseParameters('branch=main\nopts=--env=prod --replicas=3\nempty=')).toEqual({
      parameters: [
        { name: 'branch', value: 'main' },
        { name: 'opts', value: '--env=prod --replicas=3' },
        { name: 'empty', value: '' }
      ]
    })
  })

  it('skips blank lines and # comments, and reads CRLF line ends', () => {
    expect(parseParameters('\n# a comment\r\n  # indented comment\r\nA=1\r\n   \r\nB=2')).toEqual({
      parameters: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' }
      ]
    })
  })

  it('trims the name but keeps the value as written', () => {
    expect(parseParameters('  name  = spaced value ')).toEqual({
      parameters: [{ name: 'name', value: ' spaced value ' }]
    })
  })

  it('reads nothing from empty text', () => {
    expect(parseParameters('')).toEqual({ parameters: [] })
  })

  it('names every bad line, never echoing a value', () => {
    const found = problems('ok=1\nno equals sign SECRET\n=nameless\nbad name=x\nok=2')
    expect(found).toHaveLength(4)
    expect(found[0]).toMatch(/line 2 has no "="/)
    expect(found[1]).toMatch(/line 3 has a bad name/)
    expect(found[2]).toMatch(/line 4 has a bad name/)
    expect(found[3]).toMatch(/line 5 repeats the parameter "ok"/)
    expect(found.join('\n')).not.toContain('SECRET')
  })

  it('refuses a value longer than 8192 characters, and takes one of exactly 8192', () => {
    expect(problems(`big=${'x'.repeat(8193)}`)[0]).toMatch(/longer than 8192/)
    expect(parseParameters(`big=${'x'.repeat(8192)}`)).toEqual({
      parameters: [{ name: 'big', value: 'x'.repeat(8192) }]
    })
  })
})
