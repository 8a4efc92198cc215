// Watching the run a push triggered (v5): find the run built from the workflow's commit among the newest
// runs, waiting for it to appear, and never taking a run of another commit.
import { ABORTED, pause, unlessAborted } from '../abortable.js'
import type { ListedRun } from '../codearts/v5-sources.js'
import { formatDuration } from '../duration.js'
import { ID_PATTERN } from '../ids.js'
import { requestTimeoutMs } from '../poller.js'
import { quote } from '../quote.js'
import type { Verdict } from '../result.js'
import { sameCommit } from '../provenance.js'
import type { FlowContext } from './context.js'

// Runs looked through on each poll, newest first: a pipeline busy enough to start more runs than this
// between a push and the look would be missed, but not mistaken.
const PAGE_SIZE = 20
const PAGES = 3

export type Found = { runId: string } | { verdict: Verdict }

/** The newest run of `commit` among the first pages of runs, or why the look failed. */
async function look(
  context: FlowContext,
  commit: string,
  deadline: number
): Promise<{ run?: ListedRun; problem?: string; fatal?: boolean }> {
  const { api, settings } = context
  for (let page = 0; page < PAGES; page++) {
    const left = deadline - Date.now()
    if (left <= 0 || !api.runs) return {}
    const timeoutMs = Math.min(requestTimeoutMs(settings.pollIntervalMs), left)
    const read = await api.runs(page * PAGE_SIZE, PAGE_SIZE, timeoutMs)
    if (read.kind === 'failed') {
      return {
        problem: read.answer?.reason ?? 'the list of runs could not be read',
        fatal: read.answer?.kind === 'fatal'
      }
    }
    const run = read.value.find(r => sameCommit(r.build?.commitId ?? null, commit))
    if (run) return { run }
    if (read.value.length < PAGE_SIZE) return {}
  }
  return {}
}

/** Waits, until the timeout, for a run built from `commit` to appear; its id, or the verdict. */
export async function findRunOfCommit(context: FlowContext, commit: string): Promise<Found> {
  const { io, settings, cancel } = context
  const deadline = Date.now() + settings.timeoutMs
  const pipeline = `pipeline ${settings.pipelineId}`
  const wanted = `a run of commit ${commit.slice(0, 12)}`
  let said = false
  let lastProblem: string | undefined
  while (!cancel.aborted) {
    const found = await unlessAborted(look(context, commit, deadline), cancel)
    if (found === ABORTED) break
    if (found.run) {
      const runId = found.run.runId ?? ''
      if (ID_PATTERN.test(runId)) {
        io.info(`Found run ${runId} of commit ${commit.slice(0, 12)}.`)
        return { runId }
      }
      lastProblem = `the runs list names ${quote(runId)}, which is not a run id`
    } else if (found.problem) {
      if (found.fatal) {
        return {
          verdict: {
            conclusion: 'error',
            message: `Could not look for ${wanted} of ${pipeline}: ${found.problem}`
          }
        }
      }
      io.warning(`Could not read the runs of ${pipeline} (${found.problem}); trying again.`)
      lastProblem = found.problem
    }
    if (!said) {
      io.info(`Waiting for ${wanted} to appear in ${pipeline}.`)
      said = true
    }
    const left = deadline - Date.now()
    if (left <= 0) break
    await pause(Math.min(settings.pollIntervalMs, left), cancel)
    if (Date.now() >= deadline) break
  }
  if (cancel.aborted) {
    return {
      verdict: {
        conclusion: 'cancelled',
        message: `The workflow was cancelled while waiting for ${wanted} of ${pipeline} to appear.`
      }
    }
  }
  const problem = lastProblem ? `; last error: ${lastProblem}` : ''
  return {
    verdict: {
      conclusion: 'timed_out',
      message: `Timed out after ${formatDuration(settings.timeoutMs)} waiting for ${wanted} of ${pipeline} to appear${problem}.`
    }
  }
}
