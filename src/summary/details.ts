// The run's details, folded: its facts (numbers, status, times, executor), the repositories it built
// from, its parameters and its artifacts.
import type { Artifact, BuiltSource, Run } from '../model.js'
import { commitUrl } from '../provenance.js'
import { clip } from '../quote.js'
import { DETAILS_BUDGET_BYTES, fitting } from './budget.js'
import { escapeText, link, linkable, nameHtml } from './html.js'
import { statusWords } from './state.js'
import { timeHtml } from './times.js'
import { plural } from './text.js'

// Parameters and artifacts: each value cut on its own.
const MAX_PARAMETER_CHARS = 500
const MAX_ARTIFACTS = 50
// A pipeline builds from a few repositories at most; a long list from the server is cut.
const MAX_SOURCES = 5

/** `owner/repo`, from the end of its URL. */
function repositoryName(source: BuiltSource): string | null {
  const url = source.webUrl ?? source.gitUrl
  const m = url && /([^/:]+\/[^/:]+?)(?:\.git)?\/*$/.exec(url)
  return m ? m[1]! : null
}

function sourceHtml(source: BuiltSource, withRepository: boolean): string {
  const ref = source.tag
    ? `tag ${nameHtml(source.tag)}`
    : source.branch
      ? `branch ${nameHtml(source.branch)}`
      : ''
  const commit = source.commit ? link(commitUrl(source) ?? null, source.commit.slice(0, 12)) : ''
  const repo = withRepository ? repositoryName(source) : null
  return [repo ? `${nameHtml(repo)}:` : '', [ref, commit].filter(Boolean).join(' @ ')]
    .filter(Boolean)
    .join(' ')
}

function artifactHtml(artifact: Artifact): string {
  const version = artifact.version ? ` ${nameHtml(artifact.version)}` : ''
  const url = linkable(artifact.downloadUrl)
  return `<li><b>${nameHtml(artifact.name, 100)}</b>${version}${url ? ` · ${link(url, 'download')}` : ''}</li>`
}

function parameterHtml({ name, value }: { name: string; value: string }): string {
  // Each value cut on its own, so one long value cannot crowd out the others.
  const shown = value === '' ? '(empty)' : escapeText(clip(value, MAX_PARAMETER_CHARS))
  return `<li><code>${nameHtml(name, 128)}</code> = ${shown}</li>`
}

/** The run's facts, repositories, parameters and artifacts, folded. */
export function runDetails(run: Run, pipelineId: string): string {
  const rows: [string, string][] = []
  if (run.runNumber !== null) rows.push(['Run number', `#${run.runNumber}`])
  if (run.runId) rows.push(['Run id', nameHtml(run.runId, 100)])
  rows.push(['Pipeline id', nameHtml(pipelineId, 100)])
  const status = statusWords(run)
  if (status.length) rows.push(['Status', escapeText(status.join(' / '))])
  if (run.startTime) rows.push(['Started', timeHtml(run.startTime, run)])
  if (run.endTime) rows.push(['Ended', timeHtml(run.endTime, run)])
  if (run.executor) rows.push(['Executor', nameHtml(run.executor)])
  const sources = run.sources.slice(0, MAX_SOURCES).map(s => sourceHtml(s, run.sources.length > 1))
  if (run.sources.length > MAX_SOURCES) sources.push(`and ${run.sources.length - MAX_SOURCES} more`)
  if (sources.some(Boolean)) rows.push(['Built from', sources.filter(Boolean).join('<br>')])
  const out = [
    '<details><summary>Run details</summary>',
    '<table>',
    ...rows.map(([name, value]) => `<tr><th align="left">${name}</th><td>${value}</td></tr>`),
    '</table>'
  ]
  let room = DETAILS_BUDGET_BYTES
  const part = <T>(noun: string, items: T[], render: (item: T) => string, max: number) => {
    if (items.length === 0) return
    const shown = fitting(items.slice(0, max), render, room - 400)
    room -= Buffer.byteLength(shown.join('\n'))
    out.push(`<p><b>${noun[0]!.toUpperCase()}${noun.slice(1)}s</b></p>`, '<ul>', ...shown, '</ul>')
    const left = items.length - shown.length
    if (left > 0) {
      const are = left === 1 ? 'is' : 'are'
      out.push(`<p>${plural(left, `more ${noun}`)} ${are} left out to keep the summary short.</p>`)
    }
  }
  part('parameter', run.parameters, parameterHtml, Infinity)
  part('artifact', run.artifacts, artifactHtml, MAX_ARTIFACTS)
  out.push('</details>')
  return out.join('\n')
}
