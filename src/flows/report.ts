// The verdict out: the run report, the error annotation, the outputs and the job summary.
import type { Run } from '../model.js'
import { outputsOf } from '../outputs.js'
import { runReport } from '../progress.js'
import { quote } from '../quote.js'
import type { Verdict } from '../result.js'
import { bestEffort, type StepIO } from '../step-io.js'
import { summaryHtml } from '../summary/index.js'
import type { StepLog } from '../model.js'

export interface Report {
  run: Run | null
  verdict: Verdict
  pipelineId: string
  /** The run the step followed, when known: the build-id output even if no status named it. */
  runId: string | undefined
  summary: boolean
  /** The commit the run built, for the `commit` output. */
  commit?: string
  /** The tails of the failed steps' logs. */
  logs?: StepLog[]
}

export async function report(
  io: StepIO,
  { run, verdict, pipelineId, runId, summary, commit, logs = [] }: Report
) {
  // The error first: bulky output after it (the report, logs) must not keep it from the runner.
  if (verdict.message !== undefined) {
    io.error(verdict.message, { title: verdict.culprit ?? 'CodeArts pipeline' })
  }
  if (run) io.group('CodeArts run report', runReport(run))
  for (const log of logs) {
    io.serverText(`Log of ${log.path} (last ${log.lines.length} lines)`, log.lines)
  }
  // wait: false ends green with the run still going: that is not the pipeline succeeding.
  if (verdict.message === undefined && run?.phase === 'completed') {
    io.info(`Pipeline ${quote(run.pipelineName ?? pipelineId)} succeeded.`)
  }
  await bestEffort(io, 'set the outputs', () => {
    const outputs = outputsOf(run, verdict.conclusion)
    if (runId !== undefined) outputs['build-id'] ??= runId
    if (commit !== undefined) outputs.commit = commit
    for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value)
  })
  if (summary) {
    await bestEffort(io, 'write the job summary', () =>
      io.appendSummary(summaryHtml(run, verdict, pipelineId, logs))
    )
  }
}
