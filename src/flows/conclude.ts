// After the wait: why it failed (the failed steps' logs), what was built against what the workflow is
// on, and the verdict out through report().
import { builtSource, commitMismatch } from '../provenance.js'
import type { Verdict } from '../result.js'
import type { FlowContext } from './context.js'
import { fetchLogs } from './logs.js'
import { report } from './report.js'
import type { Started } from './start.js'
import type { Outcome } from './watch.js'

export type StartedRun = Extract<Started, { sent: unknown }>

export interface Conclusion {
  /** The run this step started, when it did. */
  started?: StartedRun
  /** What the timeout leaves for reading logs. */
  timeLeftMs?: number
}

/** Reports `outcome`; its verdict, for the exit code. */
export async function conclude(
  context: FlowContext,
  outcome: Outcome,
  { started, timeLeftMs = 0 }: Conclusion = {}
): Promise<Verdict> {
  const { io, settings } = context
  const { verdict, runId, worthSummary } = outcome
  let { run } = outcome
  // Only for a run that ended, within what the timeout left.
  const logs =
    run?.phase === 'completed' && verdict.conclusion === 'failure'
      ? await fetchLogs(context, run, settings.logLines, timeLeftMs)
      : []
  // The v5 detail does not say what variables a run was given: show what this step sent.
  const sent = started?.sent.parameters ?? []
  if (run && run.parameters.length === 0 && sent.length > 0) run = { ...run, parameters: sent }
  const built = builtSource(run, settings.workflow)
  const mismatch = commitMismatch(started?.choice, built, settings.workflow)
  if (mismatch) io.warning(mismatch, { title: 'Not the workflow’s commit' })
  await report(io, {
    run,
    verdict,
    pipelineId: settings.pipelineId,
    runId,
    summary: settings.summary && worthSummary,
    commit: built?.commit ?? undefined,
    logs
  })
  return verdict
}
