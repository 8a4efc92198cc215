import { stopChoice } from '../../src/stop-rule.js'

const both = { stopOnCancel: true, stopOnTimeout: true }
const neither = { stopOnCancel: false, stopOnTimeout: false }

describe('stopChoice', () => {
  it('stops the run the step started when the workflow is cancelled', () => {
    expect(stopChoice('cancel', 'r1', true, both)).toEqual({ stop: true })
  })

  it('never stops a run the step did not start on cancel, whatever stop-on-cancel says', () => {
    expect(stopChoice('cancel', 'r1', false, both)).toEqual({
      stop: false,
      sentence: 'Run r1 was not started by this step, so it was left running.'
    })
  })

  it('stops a watched run on timeout only with stop-on-timeout', () => {
    expect(stopChoice('timeout', 'r1', false, both)).toEqual({ stop: true })
    expect(stopChoice('timeout', 'r1', true, neither)).toEqual({
      stop: false,
      sentence: 'Run r1 was left running (stop-on-timeout is false).'
    })
  })

  it('leaves the started run running on cancel with stop-on-cancel false', () => {
    expect(stopChoice('cancel', 'r1', true, { ...both, stopOnCancel: false })).toEqual({
      stop: false,
      sentence: 'Run r1 was left running (stop-on-cancel is false).'
    })
  })
})
