// The fault matrix (issue 5) in `npm test`: the scenarios of support/fault-scenarios.ts, run against the
// bundled dist/index.js as `npm run faults` runs them, with the same figures asserted.
import {
  OVERSHOOT_BOUND_MS,
  SCENARIOS,
  SIGINT_BOUND_MS,
  TOKEN,
  coverageGaps,
  runMatrix,
  totalsOf,
  type ScenarioResult
} from '../support/fault-scenarios.js'

const results = new Map<string, ScenarioResult>()

beforeAll(async () => {
  for (const result of await runMatrix(SCENARIOS)) results.set(result.scenario.name, result)
}, 180_000)

function resultOf(name: string): ScenarioResult {
  const result = results.get(name)
  if (!result) throw new Error(`scenario ${name} did not run`)
  return result
}

describe('each scenario', () => {
  it.each(SCENARIOS.map(s => [s.name, s.expected]))('%s: %s', (name, expected) => {
    const { run, problems, scenario } = resultOf(name)
    expect(run.outputs.conclusion).toBe(expected)
    expect(run.signal).toBeNull()
    expect(run.code).toBe(expected === 'success' ? 0 : 1)
    expect(run.durationMs).toBeLessThan(scenario.timeoutS * 1000 + OVERSHOOT_BOUND_MS)
    for (const text of [run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(TOKEN)
    }
    expect(
      run.stdout
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
    ).not.toContain(TOKEN)
    // The scenario's own checks, and the shared ones: retry warnings, build-id, error annotation, ...
    expect(problems).toEqual([])
  })
})

describe('the figures', () => {
  it('has no false green and prints no secret', () => {
    const totals = totalsOf([...results.values()])
    expect(totals.scenarios).toBe(SCENARIOS.length)
    expect(totals.falseGreens).toBe(0)
    expect(totals.secretsSeen).toBe(0)
    // The token was echoed into the log somewhere (masked), so the secret check had something to find.
    expect(totals.echoesMasked).toBeGreaterThanOrEqual(10)
  })

  it('survives every fault it was expected to', () => {
    const totals = totalsOf([...results.values()])
    expect(totals.faultsInjected).toBeGreaterThanOrEqual(SCENARIOS.length)
    expect(totals.faultsSurvived).toBe(totals.faultsInjected)
  })

  it('ends within 1.5 s of the timeout and within 5 s of SIGINT', () => {
    const all = [...results.values()]
    const timedOut = all.filter(r => r.scenario.expected === 'timed_out')
    expect(timedOut.length).toBeGreaterThanOrEqual(5)
    for (const r of timedOut) expect(r.overshootMs).toBeDefined()
    const cancelled = all.filter(r => r.scenario.sigint)
    for (const r of cancelled) expect(r.sigintToExitMs).toBeDefined()
    const totals = totalsOf(all)
    expect(totals.worstOvershootMs).toBeLessThan(OVERSHOOT_BOUND_MS)
    expect(totals.worstSigintToExitMs).toBeLessThan(SIGINT_BOUND_MS)
  })
})

describe('the matrix itself', () => {
  const tagged = (tag: string) => SCENARIOS.filter(s => s.tags.includes(tag as never))

  it('covers each fault kind alone and mixed', () => {
    expect(coverageGaps([...results.values()])).toEqual([])
  })

  it('hides failures behind faults, and successes of runs not watched', () => {
    expect(
      tagged('hidden failure').filter(s => s.expected === 'failure').length
    ).toBeGreaterThanOrEqual(3)
    const others = tagged('other run completed')
    expect(others.filter(s => s.expected !== 'success').length).toBeGreaterThanOrEqual(2)
  })

  it('cancels a run it started and one it watched, on both APIs', () => {
    const sigint = tagged('sigint')
    expect(sigint.some(s => s.inputs?.start === 'true')).toBe(true)
    expect(sigint.some(s => s.inputs?.start !== 'true')).toBe(true)
    expect(new Set(sigint.map(s => s.api))).toEqual(new Set(['v3', 'v5']))
  })
})
