// The log-lines input: how many last lines of each failed step's log to show (v5), 0 to 1000.
import { readFileSync } from 'node:fs'
import { InputError, readSettings, type InputSource } from '../../src/input-helper.js'

const BASE = {
  'pipeline-id': 'pipe_1',
  token: 'MIIT0kenValue.SECRET-abc123',
  region: 'cn-north-4',
  'project-id': 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
}

/** An InputSource over a plain object, trimming as the runner's reader does; unnamed inputs are ''. */
function source(inputs: Record<string, string>): InputSource {
  return {
    get: (name, keepWhitespace) => {
      const value = inputs[name] ?? ''
      return keepWhitespace ? value : value.trim()
    },
    getSecret: name => inputs[name] ?? '',
    getSecretEnv: () => '',
    env: {}
  }
}

const logLines = (value?: string) =>
  readSettings(source(value === undefined ? BASE : { ...BASE, 'log-lines': value })).settings
    .logLines

function problemsOf(value: string): string[] {
  try {
    readSettings(source({ ...BASE, 'log-lines': value }))
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error(`log-lines "${value}" was accepted`)
}

describe('log-lines', () => {
  it('is 100 when not given, or given empty', () => {
    expect(logLines()).toBe(100)
    expect(logLines('')).toBe(100)
    expect(logLines('   ')).toBe(100)
  })

  it('accepts 0 (no logs)', () => {
    expect(logLines('0')).toBe(0)
  })

  it('accepts 1000, the most, and numbers in between', () => {
    expect(logLines('1000')).toBe(1000)
    expect(logLines('1')).toBe(1)
    expect(logLines('250')).toBe(250)
  })

  it('accepts a value with spaces around it', () => {
    expect(logLines(' 42 ')).toBe(42)
  })

  it.each(['1001', '-1', 'abc', '1.5', '9999', '10000', '+5', '1e3', '0x10', '5 lines'])(
    'refuses %j, naming log-lines and what it accepts',
    value => {
      const problems = problemsOf(value)
      expect(problems).toHaveLength(1)
      expect(problems[0]).toContain('"log-lines"')
      expect(problems[0]).toContain('from 0 (no logs) to 1000')
      expect(problems[0]).toContain(`got "${value}"`)
    }
  )

  it('is listed beside the other problems, not instead of them', () => {
    try {
      readSettings(source({ ...BASE, 'log-lines': 'abc', timeout: 'forever' }))
      throw new Error('accepted')
    } catch (error) {
      const problems = (error as InputError).problems
      expect(problems.some(p => p.includes('"log-lines"'))).toBe(true)
      expect(problems.some(p => p.includes('"timeout"'))).toBe(true)
    }
  })

  it('is declared in action.yml with default 100', () => {
    const yml = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
    const block = /\n {2}log-lines:\n((?: {4}.*\n)+)/.exec(yml)?.[1] ?? ''
    expect(block).toMatch(/required: false/)
    expect(block).toMatch(/default: '?100'?/)
    expect(block).toMatch(/description: .*1000/)
  })
})
