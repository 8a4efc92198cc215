// The step outputs, from the last run seen and the verdict. Only what is known is set.
import type { Run, Stage, Task } from './model.js'
import { clip, webUrl } from './quote.js'
import type { Conclusion } from './result.js'

export function outputsOf(run: Run | null, conclusion: Conclusion): Record<string, string> {
  const outputs: Record<string, string> = { conclusion }
  if (!run) return outputs
  const known: Record<string, string | null> = {
    status: run.status,
    outcome: run.outcome,
    'build-id': run.runId,
    'pipeline-name': run.pipelineName,
    // Only a web link: workflows put it in scripts and pages.
    'detail-url': webUrl(run.detailUrl),
    'elapsed-time': run.durationSeconds === null ? null : String(run.durationSeconds)
  }
  // Short by nature; capped all the same, as the API's text can be anything.
  for (const [name, value] of Object.entries(known)) {
    if (value !== null) outputs[name] = clip(value, MAX_VALUE_CHARS)
  }
  outputs.stages = stagesJson(run.stages)
  return outputs
}

// GitHub takes up to 1 MB per output; stay well inside it however long the messages or many the stages.
const MAX_STAGES_BYTES = 512 * 1024
const MAX_MESSAGE_CHARS = 1000
const MAX_VALUE_CHARS = 4096

/** The `stages` output: stages with their tasks, messages cut short, stages past the size cap left out. */
export function stagesJson(stages: Stage[]): string {
  const item = (t: Task) => ({
    name: t.name,
    status: t.status,
    outcome: t.outcome,
    duration: t.durationSeconds,
    error: t.errorMessage && clip(t.errorMessage, MAX_MESSAGE_CHARS)
  })
  const kept: string[] = []
  let size = 2
  for (const stage of stages) {
    const entry = JSON.stringify({ ...item(stage), tasks: stage.tasks.map(item) })
    size += Buffer.byteLength(entry) + 1
    if (size > MAX_STAGES_BYTES) break
    kept.push(entry)
  }
  return `[${kept.join(',')}]`
}
