import { readFileSync } from 'node:fs'
import { v5Detail, type V5RunSpec } from '../support/fake-codearts.js'
import { parseV3Status } from '../../src/codearts/v3.js'
import { parseV5Detail } from '../../src/codearts/v5.js'
import type { Job, Run, Stage, StepLog, Task } from '../../src/model.js'
import { culpritPath, decide, type Verdict } from '../../src/result.js'
import {
  MAX_BARS,
  MAX_FAILURES,
  MAX_LOG_LINES,
  MAX_TABLE_ROWS,
  SUMMARY_LIMIT_BYTES,
  chartLabel,
  escapeHtml,
  itemState,
  summaryHtml
} from '../../src/summary/index.js'

const FIXTURES = new URL('../fixtures/', import.meta.url)

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as unknown
}

function v3(name: string): Run {
  const run = parseV3Status(fixture(name))
  if (!run) throw new Error(`${name} did not parse`)
  return run
}

function v5(body: unknown): Run {
  const run = parseV5Detail(body)
  if (!run) throw new Error('v5 body did not parse')
  return run
}

function successRun(): Run {
  return v3('v3-status-success.json')
}

const SUCCESS: Verdict = { conclusion: 'success' }
const FAILURE: Verdict = { conclusion: 'failure', message: 'The run failed.' }

function item(name: string, over: Partial<Task> = {}): Task {
  return {
    id: name,
    name,
    status: 'completed',
    outcome: 'error',
    startTime: null,
    durationSeconds: 1,
    errorCode: null,
    errorMessage: null,
    ...over
  }
}

function task(name: string, over: Partial<Job> = {}): Job {
  return { ...item(name), steps: [], ...over }
}

function stage(
  name: string,
  errorMessage: string | null,
  tasks: Job[] = [],
  over: Partial<Stage> = {}
): Stage {
  return { ...item(name, { errorMessage }), tasks, gates: [], ...over }
}

// --- Reading a summary back: the Mermaid fence, the HTML around it, and the gantt's grammar. ---

const FENCE = /\n\n```mermaid\n([^`]*)\n```\n\n/

/** The gantt between the fences, or undefined when the summary has no chart. */
function chartOf(summary: string): string | undefined {
  return FENCE.exec(summary)?.[1]
}

/** The summary without its chart: the HTML, which must be one unbroken block per part. */
function htmlOf(summary: string): string {
  return summary.replace(FENCE, '\n')
}

const THEME = /^%%\{init: \{"themeVariables": \{("\w+": "#[0-9a-f]{6}"(, )?)+\}\}\}%%$/
const HEADER = ['gantt', '    dateFormat YYYY-MM-DD HH:mm:ss']
const AXIS = /^ {4}axisFormat %[HYmd][%HMSYmd: -]*$/
const TICK = /^ {4}tickInterval [1-9]\d*(second|minute|hour|day|week)$/
const ICONS = '(?:✅|❌|⛔|🔄|⏳|⏭️|❔)'
const SAFE_TEXT = String.raw`[\p{L}\p{M}\p{N} .,_+\-/()…]*`
const SECTION_LINE = new RegExp(String.raw`^    section (?! )${SAFE_TEXT}$`, 'u')
const BAR_LINE = new RegExp(
  String.raw`^    ${ICONS} ${SAFE_TEXT} :(?:(?:done|crit|active), )?` +
    String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, [1-9]\d*s$`,
  'u'
)

/** Fails unless `chart` is a gantt of the form the summary writes: theme, header, sections of bars. */
function expectWellFormedGantt(chart: string): {
  sections: string[]
  bars: string[]
  axis: string[]
} {
  const lines = chart.split('\n')
  expect(lines[0]).toMatch(THEME)
  expect(lines.slice(1, 3)).toEqual(HEADER)
  const todayAt = lines.indexOf('    todayMarker off')
  const axis = lines.slice(3, todayAt)
  expect(axis[0]).toMatch(AXIS)
  expect(axis.slice(1).every(l => TICK.test(l))).toBe(true)
  expect(axis.length).toBeLessThanOrEqual(2)
  const body = lines.slice(todayAt + 1)
  expect(body[0]).toMatch(SECTION_LINE)
  const bad = body.filter(line => !SECTION_LINE.test(line) && !BAR_LINE.test(line))
  expect(bad).toEqual([])
  // Every bar's start is a real date, the one the chart's dateFormat reads.
  for (const line of body.filter(l => BAR_LINE.test(l))) {
    const when = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}), \d+s$/.exec(line)!
    expect(new Date(`${when[1]}T${when[2]}Z`).toISOString().slice(0, 19)).toBe(
      `${when[1]}T${when[2]}`
    )
  }
  return {
    sections: body.filter(l => SECTION_LINE.test(l)).map(l => l.slice('    section '.length)),
    bars: body.filter(l => BAR_LINE.test(l)),
    axis
  }
}

/** The lines that would open or close a fenced block: server text must never make one. */
function fenceLines(summary: string): string[] {
  return summary.split('\n').filter(line => /^\s*(```|~~~)/.test(line))
}

// The tags the summary writes, each in the one shape it writes it; all on GitHub's allow-list.
const OWN_TAG =
  /<(?:\/?(?:h2|h3|p|b|code|ul|li|details|summary|pre|br|table|tr|th|td)|t[hd] align="(?:left|right)"|a href="https?:\/\/[^"<>\s]*"|\/a)>/g

/** Fails unless the Markdown around the HTML is sound: one fence at most, blank lines only around it. */
function expectSoundMarkdown(summary: string): void {
  const chart = chartOf(summary)
  expect(fenceLines(summary)).toEqual(chart === undefined ? [] : ['```mermaid', '```'])
  if (chart !== undefined) expectWellFormedGantt(chart)
  const html = htmlOf(summary)
  // A blank line would end an HTML block and let Markdown in server text render.
  expect(html).not.toMatch(/\n[ \t]*\n/)
  // Every line is inside an HTML block: it starts with a tag.
  expect(html.split('\n').filter(l => l !== '' && !l.startsWith('<'))).toEqual([])
  expect(html.replace(OWN_TAG, '')).not.toMatch(/[<>]/)
  expect(summary).not.toContain('\r')
  expect(summary.endsWith('\n')).toBe(true)
  for (const tag of ['details', 'summary', 'pre', 'table', 'ul', 'li', 'a', 'b', 'code', 'p']) {
    expect((html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe(
      (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length
    )
  }
}

/** The rows of the stage table: [name cell, result cell, duration cell]. */
function tableRows(summary: string): string[][] {
  const table = /<th align="left">Stage \/ job<\/th>[\s\S]*?<\/table>/.exec(summary)?.[0] ?? ''
  return [
    ...table.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><td align="right">(.*?)<\/td><\/tr>/g)
  ].map(m => m.slice(1, 4))
}

/** The text of the first <p> that contains `word`. */
function paragraph(summary: string, word: string): string | undefined {
  return summary.split('\n').find(l => l.startsWith('<p>') && l.includes(word))
}

// A failed v5 run: a step failed with a long message, a job was cancelled because of it, a stage never
// started, another was not selected.
const LONG_MESSAGE = `mvn package exited with code 1: ${'[ERROR] Failed to execute goal; '.repeat(12)}done`
const FAILED_SPEC: V5RunSpec = {
  runId: 'run-7',
  status: 'FAILED',
  name: 'web-release',
  runNumber: 128,
  elapsed: 200,
  sources: [
    {
      gitUrl: 'https://github.com/acme/web.git',
      webUrl: 'https://github.com/acme/web',
      gitType: 'github',
      buildType: 'branch',
      branch: 'main',
      commitId: '9fceb02d0ae598e95dc970b74767f19372d61af8'
    }
  ],
  artifacts: [
    { name: 'web.jar', version: '1.2.3', downloadUrl: 'https://repo.example.com/web.jar' },
    { name: 'evil.zip', version: '6.6.6', downloadUrl: 'javascript:alert(1)' }
  ],
  stages: [
    {
      name: 'Build',
      status: 'FAILED',
      jobs: [
        {
          name: 'Compile',
          status: 'FAILED',
          message: 'Step failed',
          steps: [
            { name: 'Checkout', status: 'COMPLETED' },
            { name: 'mvn package', status: 'FAILED', message: LONG_MESSAGE }
          ]
        },
        { name: 'Lint', status: 'CANCELED', message: 'cancelled: Compile failed' }
      ]
    },
    { name: 'Deploy', status: 'INIT', jobs: [{ name: 'Deploy to CCE', status: 'INIT' }] },
    { name: 'Release', status: 'UNSELECTED', jobs: [{ name: 'Approve', status: 'SKIPPED' }] }
  ]
}
const FAILED_BODY = {
  ...v5Detail(FAILED_SPEC),
  variables: [
    { name: 'branch', value: 'main' },
    { name: 'notes', value: `${'n'.repeat(600)}END` },
    { name: 'tag', value: 'v1' }
  ]
}
const DETAIL_URL = 'https://devcloud.example.com/cicd/project/p/pipeline/detail/pipe-1/run-7'

function failedRun(): Run {
  return v5(FAILED_BODY)
}

/** The verdict the action reaches for a completed run. */
function verdictOf(run: Run): Verdict {
  return decide({ kind: 'completed', run }, 'pipe-1', 60_000)
}

/** The path the log reader gives a step's log. */
function stepPath(run: Run, s: number, j: number, k: number): string {
  const st = run.stages[s]!
  const job = st.tasks[j]!
  return culpritPath({ stage: st, task: job, step: job.steps[k] })
}

describe('the summary of a failed v5 run', () => {
  const run = failedRun()
  const logs: StepLog[] = [
    {
      path: stepPath(run, 0, 0, 1),
      lines: Array.from({ length: 45 }, (_, i) => `[INFO] line ${i} <b>&amp;</b> | \`tick\``)
    }
  ]
  const html = summaryHtml(run, verdictOf(run), 'pipe-1', logs)

  it('is sound Markdown and HTML, ending in a newline', () => {
    expectSoundMarkdown(html)
  })

  it('heads with the pipeline, linked, its run number and the verdict', () => {
    expect(html.split('\n')[0]).toBe(
      `<h2>❌ CodeArts pipeline <a href="${DETAIL_URL}">web-release</a> #128 failed</h2>`
    )
  })

  it('says on one line what failed, how long it ran, when it started (UTC), who ran it, and links it', () => {
    expect(html.split('\n')[1]).toBe(
      '<p><b>1 job failed</b> in stage <b>Build</b> · ran 3m20s · ' +
        'started 2026-11-26 10:00:00 UTC by release-bot · ' +
        `<a href="${DETAIL_URL}">Open in CodeArts ↗</a></p>`
    )
  })

  it('leaves out the verdict message, which the list says better', () => {
    expect(html).not.toContain('ended with outcome')
  })

  it('lists the failed step with its reason on one line and the rest folded', () => {
    const list = html.slice(html.indexOf('<h3>What failed</h3>'), html.indexOf('</ul>'))
    const items = list.match(/<li>.*?<\/li>/g)!
    expect(items).toHaveLength(1)
    const item = items[0]!
    expect(item).toMatch(
      /^<li>❌ <b>Build › Compile › mvn package<\/b> after 30s<details><summary>mvn package exited with code 1: /
    )
    const summary = /<summary>(.*?)<\/summary>/.exec(item)![1]!
    // One line, cut in its middle: its start and its end both stay.
    expect(summary.length).toBeLessThanOrEqual(165)
    expect(summary).toContain(' … ')
    expect(summary.endsWith('goal; done')).toBe(true)
  })

  it('folds the whole long message into a <pre>', () => {
    expect(html).toContain(`<pre>${LONG_MESSAGE.slice(0, 100)}`)
  })

  it('folds the last lines of the step log, escaped, capped to MAX_LOG_LINES', () => {
    expect(MAX_LOG_LINES).toBe(30)
    expect(html).toContain('<p>The last 30 lines of its log:</p>')
    const pres = [...html.matchAll(/<pre>(.*?)<\/pre>/g)].map(m => m[1]!)
    const log = pres.find(p => p.includes('line 44'))!
    const lines = log.split('<br>')
    expect(lines).toHaveLength(30)
    expect(lines[0]).toBe('[INFO] line 15 &lt;b&gt;&amp;amp;&lt;/b&gt; | `tick`')
    expect(lines[29]).toBe('[INFO] line 44 &lt;b&gt;&amp;amp;&lt;/b&gt; | `tick`')
    expect(html).not.toContain('line 14 ')
  })

  it('names what was cancelled as a consequence and what was not reached, in one sentence', () => {
    expect(paragraph(html, 'consequence')).toBe(
      '<p>⛔ Also stopped as a consequence: <b>Build › Lint</b>. Not reached: Deploy and Release.</p>'
    )
    // Not as failures.
    expect(html).not.toMatch(/<li>⛔/)
    expect(html).not.toMatch(/<li>[^\n]*Deploy/)
  })

  it('draws the timeline after the list, then the table, then the run details', () => {
    const at = (s: string) => html.indexOf(s)
    expect(at('<h3>What failed</h3>')).toBeLessThan(at('<h3>Timeline (UTC)</h3>'))
    expect(at('<h3>Timeline (UTC)</h3>')).toBeLessThan(at('<h3>Stages</h3>'))
    expect(at('<h3>Stages</h3>')).toBeLessThan(at('<details><summary>Run details</summary>'))
  })

  it('draws failed bars red (crit), successful ones green (done), the theme saying so', () => {
    const { bars } = expectWellFormedGantt(chartOf(html)!)
    expect(bars).toEqual([
      '    ❌ Compile :crit, 2026-11-26 10:00:00, 60s',
      '    ⛔ Lint :2026-11-26 10:00:00, 60s'
    ])
    expect(chartOf(html)!.split('\n')[0]).toContain('"doneTaskBkgColor": "#4ac26b"')
    expect(chartOf(html)!.split('\n')[0]).toContain('"critBkgColor": "#cf222e"')
  })

  it('has a table with one Result column in plain words and durations right-aligned', () => {
    expect(html).toContain(
      '<table>\n<tr><th align="left">Stage / job</th><th align="left">Result</th>' +
        '<th align="right">Duration</th></tr>'
    )
    expect(html).not.toContain('Error</th>')
    expect(html).not.toContain('Outcome</th>')
    expect(tableRows(html)).toEqual([
      ['<b>Build</b>', '❌ Failed', '1m'],
      ['↳ Compile', '❌ Failed: mvn package exited with … to execute goal; done', '1m'],
      ['↳ Lint', '⛔ Cancelled', '1m'],
      ['<b>Deploy</b>', '⏳ Not started', ''],
      ['<b>Release</b>', '⏭️ Skipped (not selected)', '']
    ])
  })

  it('folds the run details: ids, status, times, source, parameters and artifacts', () => {
    const details = html.slice(html.indexOf('<details><summary>Run details</summary>'))
    expect(details).toContain('<tr><th align="left">Run number</th><td>#128</td></tr>')
    expect(details).toContain('<tr><th align="left">Run id</th><td>run-7</td></tr>')
    expect(details).toContain('<tr><th align="left">Pipeline id</th><td>pipe-1</td></tr>')
    expect(details).toContain(
      '<tr><th align="left">Started</th><td>2026-11-26 10:00:00 UTC</td></tr>'
    )
    expect(details).toContain(
      '<tr><th align="left">Built from</th><td>branch main @ ' +
        '<a href="https://github.com/acme/web/commit/9fceb02d0ae598e95dc970b74767f19372d61af8">' +
        '9fceb02d0ae5</a></td></tr>'
    )
    expect(details).toContain('<li><code>branch</code> = main</li>')
    expect(details).toContain('<li><code>tag</code> = v1</li>')
    expect(details).toContain(
      '<li><b>web.jar</b> 1.2.3 · <a href="https://repo.example.com/web.jar">download</a></li>'
    )
    // No link but a web one.
    expect(details).toContain('<li><b>evil.zip</b> 6.6.6</li>')
    expect(details).not.toContain('javascript')
    expect(details.endsWith('</details>\n')).toBe(true)
  })

  it('cuts each parameter value on its own', () => {
    const notes = /<li><code>notes<\/code> = (n+)…<\/li>/.exec(html)
    expect(notes![1]!.length).toBe(500)
    expect(html).not.toContain('END')
  })
})

describe('the summary of a successful run stays short', () => {
  const html = summaryHtml(successRun(), SUCCESS, 'p1')

  it('is the heading, the status line, the timeline, and the table and details folded', () => {
    expectSoundMarkdown(html)
    const outline = htmlOf(html)
      .split('\n')
      .filter(l => /^<(h2|h3|p|details|table)/.test(l))
      .map(l => l.slice(0, 30))
    expect(outline).toEqual([
      '<h2>✅ CodeArts pipeline <a hre',
      '<p><b>All 3 stages succeeded</',
      "<h3>Timeline (region's local t",
      '<details><summary>Stages: 3 st',
      '<table>',
      '<details><summary>Run details<',
      '<table>',
      '<p><b>Parameters</b></p>'
    ])
    expect(html).not.toContain('What failed')
    expect(html).not.toContain('<h3>Stages</h3>')
  })

  it('gives the zone-less v3 times as the region’s local time', () => {
    expect(html.split('\n')[1]).toBe(
      '<p><b>All 3 stages succeeded</b> · ran 3m4s · started 2020-09-01 17:13:18 ' +
        "(region's local time) by xxx · " +
        '<a href="https://xxxxxx/pipeline/detail/824e784b3f43492e99152a.....">Open in CodeArts ↗</a></p>'
    )
    expect(html).toContain("<h3>Timeline (region's local time)</h3>")
  })

  it('folds the table, which says how many stages and jobs it holds', () => {
    expect(html).toContain('<details><summary>Stages: 3 stages and 1 job</summary>\n<table>')
    expect(tableRows(html)).toEqual([
      ['<b>Source code</b>', '✅ Succeeded', '0ms'],
      ['<b>Build</b>', '✅ Succeeded', '3m3s'],
      ['↳ Default task', '✅ Succeeded', '3m3s'],
      ['<b>Release repo</b>', '✅ Succeeded', '0ms']
    ])
  })

  it('draws a timeline: a gantt fenced with blank lines, one section per stage', () => {
    expect(html).toContain(`<h3>Timeline (region's local time)</h3>\n\n\`\`\`mermaid\n`)
    expect(html).toContain('\n```\n\n<details><summary>Stages')
    const { sections, bars, axis } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toEqual(['Source code', 'Build', 'Release repo'])
    expect(bars).toEqual([
      '    ✅ Source code :done, 2020-09-01 17:13:18, 1s',
      '    ✅ Default task :done, 2020-09-01 17:13:18, 183s',
      '    ✅ Release repo :done, 2020-09-01 17:16:22, 1s'
    ])
    expect(axis).toEqual(['    axisFormat %H:%M:%S', '    tickInterval 30second'])
  })

  it('keeps the run details: the run id, the parameters', () => {
    expect(html).toContain('<tr><th align="left">Run id</th><td>xxxx</td></tr>')
    expect(html).toContain('<li><code>serviceName</code> = Test</li>')
    expect(html).toContain('<li><code>releaseVersion</code> = 1.0.0</li>')
  })

  it('uses the pipeline id when the run has no name', () => {
    const out = summaryHtml({ ...successRun(), pipelineName: null }, SUCCESS, 'pipe-77')
    expect(out.split('\n')[0]).toContain('>pipe-77</a> succeeded</h2>')
  })
})

describe('the summary of a run that did not end', () => {
  it('says a timed-out v5 run is still running, and where, with the verdict message', () => {
    const run = v5(fixture('v5-run-detail-running.json'))
    const html = summaryHtml(
      run,
      { conclusion: 'timed_out', message: 'Timed out after 10m.' },
      'p1'
    )
    expectSoundMarkdown(html)
    expect(html.split('\n')[0]).toContain('>web-release</a> #42 timed out</h2>')
    expect(html.split('\n')[1]).toMatch(
      /^<p><b>Still running<\/b> in stage <b>Deploy<\/b> · started 2024-11-26 05:46:40 UTC by release-bot · <a /
    )
    expect(html).toContain('<p>Timed out after 10m.</p>')
    expect(html).not.toContain('What failed')
    expect(tableRows(html).map(r => r[1])).toEqual([
      '✅ Succeeded',
      '✅ Succeeded',
      '🔄 Running',
      '🔄 Running'
    ])
    const { sections, bars } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toEqual(['Build', 'Deploy'])
    expect(bars).toEqual([
      '    ✅ Compile :done, 2024-11-26 05:46:42, 87s',
      '    🔄 Deploy to CCE :active, 2024-11-26 05:48:11, 1s'
    ])
  })

  it('keeps the timeout message when something failed before it', () => {
    const run = v5(
      v5Detail({
        runId: 'r',
        status: 'RUNNING',
        stages: [
          {
            name: 'Test',
            status: 'RUNNING',
            jobs: [
              { name: 'unit', status: 'FAILED', message: 'exit 1' },
              { name: 'e2e', status: 'RUNNING' }
            ]
          }
        ]
      })
    )
    const html = summaryHtml(run, { conclusion: 'timed_out', message: 'Timed out after 1h.' }, 'p1')
    expect(html.split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^<p><b>1 job failed<\/b> in stage <b>Test<\/b> · started /),
      '<p>Timed out after 1h.</p>'
    ])
    expect(html).toContain('<li>❌ <b>Test › unit</b> after 1m<br>exit 1</li>')
  })

  it('says what has not started yet, not what was not reached', () => {
    const run = v5(
      v5Detail({
        runId: 'r',
        status: 'RUNNING',
        stages: [
          { name: 'Build', status: 'RUNNING', jobs: [{ name: 'mvn', status: 'RUNNING' }] },
          { name: 'Deploy', status: 'INIT' }
        ]
      })
    )
    const html = summaryHtml(run, { conclusion: 'timed_out', message: 'Timed out.' }, 'p1')
    expect(paragraph(html, 'Deploy')).toBe('<p>⏳ Not started yet: Deploy.</p>')
  })

  it('says a cancelled run was cancelled, and what stopped, not as failures', () => {
    const run = v5(
      v5Detail({
        runId: 'r',
        status: 'CANCELED',
        stages: [
          { name: 'Build', status: 'COMPLETED', jobs: [{ name: 'mvn', status: 'COMPLETED' }] },
          { name: 'Test', status: 'CANCELED', jobs: [{ name: 'jest', status: 'CANCELED' }] },
          { name: 'Deploy', status: 'INIT' }
        ]
      })
    )
    const verdict = verdictOf(run)
    expect(verdict.conclusion).toBe('cancelled')
    const html = summaryHtml(run, verdict, 'p1')
    expectSoundMarkdown(html)
    expect(html.split('\n')[1]).toMatch(/^<p><b>Cancelled<\/b> in stage <b>Test<\/b> · ran 3m · /)
    expect(html).toContain(
      '<p>The run r of pipeline &quot;web-release&quot; (pipe-1) was aborted.</p>'
    )
    expect(html).not.toContain('What failed')
    expect(paragraph(html, 'Stopped')).toBe(
      '<p>⛔ Stopped: <b>Test › jest</b>. Not reached: Deploy.</p>'
    )
  })

  it('shows the v3 example of a pipeline that never ran: no chart, no table', () => {
    const html = summaryHtml(
      v3('v3-status-never-ran.json'),
      { conclusion: 'timed_out', message: 'Timed out: the pipeline has no run yet.' },
      'p1'
    )
    expectSoundMarkdown(html)
    expect(html.split('\n').slice(0, 3)).toEqual([
      '<h2>⏱️ CodeArts pipeline nightly timed out</h2>',
      "<p><b>No run yet</b> · started 2024-05-01 10:00:00 (region's local time)</p>",
      '<p>Timed out: the pipeline has no run yet.</p>'
    ])
    expect(html).not.toContain('```')
    expect(html).not.toContain('Timeline')
    expect(html).not.toContain('Stage / job')
  })

  it('is the heading and the message only when there is no run', () => {
    const out = summaryHtml(null, { conclusion: 'cancelled', message: 'Cancelled <early>.' }, 'p9')
    expect(out).toBe(
      '<h2>⛔ CodeArts pipeline p9 was cancelled</h2>\n<p>Cancelled &lt;early&gt;.</p>\n'
    )
  })

  it('shows the verdict message of a failure with nothing to blame (an ignored run)', () => {
    const run = v5(v5Detail({ runId: 'r', status: 'IGNORED', stages: [] }))
    const verdict = verdictOf(run)
    const html = summaryHtml(run, verdict, 'p1')
    expect(html.split('\n')[1]).toMatch(/^<p><b>Ended: ignored<\/b> · /)
    expect(html).toContain('concurrency rule')
  })
})

describe('what failed', () => {
  const base = successRun()
  const out = (stages: Stage[], logs: StepLog[] = []) =>
    summaryHtml({ ...base, stages }, FAILURE, 'p1', logs)
  const items = (html: string) =>
    html.slice(0, html.indexOf('</ul>')).match(/<li>.*?<\/li>(?=\n)/g) ?? []

  it('lists a failed stage itself when it has nothing failed inside, or a message of its own', () => {
    const html = out([
      stage('Gate', null, [task('check', { outcome: 'success' })]),
      stage('Scan', 'scanner crashed', [task('sast', { errorMessage: 'exit 2' })])
    ])
    expect(items(html)).toEqual([
      '<li>❌ <b>Gate</b> after 1s</li>',
      '<li>❌ <b>Scan</b> after 1s<br>scanner crashed</li>',
      '<li>❌ <b>Scan › sast</b> after 1s<br>exit 2</li>'
    ])
    expect(html.split('\n')[1]).toMatch(
      /^<p><b>1 job and 1 stage failed<\/b> in stages <b>Gate<\/b> and <b>Scan<\/b> · /
    )
  })

  it('does not repeat a stage whose message is that of its failed task (as v3 reports)', () => {
    const html = out([
      stage('Test', 'npm test failed', [task('jest', { errorMessage: 'npm test failed' })])
    ])
    expect(items(html)).toEqual(['<li>❌ <b>Test › jest</b> after 1s<br>npm test failed</li>'])
  })

  it('lists each failed step, its own message before its job’s, and failed gates', () => {
    const step = (name: string, over: Partial<Task> = {}) => ({
      ...task(name),
      task: null,
      ...over
    })
    const html = out([
      stage(
        'Build',
        null,
        [
          task('Compile', {
            errorMessage: 'Step failed',
            steps: [
              step('checkout', { outcome: 'success' }),
              step('mvn', { errorMessage: 'exit 1', durationSeconds: 61 }),
              step('upload', { errorMessage: null })
            ]
          })
        ],
        { gates: [step('Quality gate', { errorMessage: 'coverage 61% < 80%' })] }
      )
    ])
    expect(items(html)).toEqual([
      '<li>❌ <b>Build › Compile › mvn</b> after 1m1s<br>exit 1</li>',
      '<li>❌ <b>Build › Compile › upload</b> after 1s<br>Step failed</li>',
      '<li>❌ <b>Build › Quality gate</b> (gate) after 1s<br>coverage 61% &lt; 80%</li>'
    ])
    expect(html.split('\n')[1]).toMatch(
      /^<p><b>1 job and 1 gate failed<\/b> in stage <b>Build<\/b>/
    )
    // The table's reason for the job is its failed step's.
    expect(tableRows(html)[1]).toEqual(['↳ Compile', '❌ Failed: exit 1', '1s'])
    expect(tableRows(html)[0]).toEqual(['<b>Build</b>', '❌ Failed', '1s'])
  })

  it('shows a v3 error code beside the item', () => {
    const html = out([stage('Build', null, [task('mvn', { errorCode: 'PIPE.0001' })])])
    expect(items(html)).toEqual(['<li>❌ <b>Build › mvn</b> after 1s <code>PIPE.0001</code></li>'])
  })

  it('keeps the first and the last lines of a long error in a <pre>, saying how many it left out', () => {
    const message = Array.from({ length: 100 }, (_, i) => `error line ${i}`).join('\n')
    const html = out([stage('S', null, [task('t', { errorMessage: message })])])
    const pre = /<pre>(.*?)<\/pre>/.exec(html)![1]!.split('<br>')
    expect(pre).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `error line ${i}`),
      '… 80 lines left out …',
      ...Array.from({ length: 10 }, (_, i) => `error line ${90 + i}`)
    ])
    // The one-line reason: the first and the last lines, cut in the middle.
    const summary = /<summary>(.*?)<\/summary>/.exec(html)![1]!
    expect(summary.startsWith('error line 0 · error line 1')).toBe(true)
    expect(summary.endsWith('error line 98 · error line 99')).toBe(true)
  })

  it('shows a short message of a few lines in full on one line, with nothing to fold', () => {
    const html = out([stage('S', null, [task('t', { errorMessage: 'exit 1\n\nsee above' })])])
    expect(items(html)).toEqual(['<li>❌ <b>S › t</b> after 1s<br>exit 1 · see above</li>'])
  })

  it('shows a log whose step is not listed on its own, and a step with a log but no message', () => {
    const step = { ...task('mvn'), task: null }
    const st = stage('Build', null, [task('Compile', { steps: [step] })])
    const html = out(
      [st],
      [
        { path: 'Build › Compile › mvn', lines: ['boom'] },
        { path: 'Elsewhere › job › step', lines: ['other'] }
      ]
    )
    expect(items(html)).toEqual([
      '<li>❌ <b>Build › Compile › mvn</b> after 1s<details><summary>Its log</summary>' +
        '<p>The last 1 line of its log:</p><pre>boom</pre></details></li>',
      '<li>📄 <b>Elsewhere › job › step</b><details><summary>The last 1 line of its log</summary>' +
        '<pre>other</pre></details></li>'
    ])
  })

  it('cleans log lines: no terminal escapes or invisible characters, long lines cut, tabs as spaces', () => {
    const step = { ...task('mvn', { errorMessage: 'exit 1' }), task: null }
    const st = stage('Build', null, [task('Compile', { steps: [step] })])
    const html = out(
      [st],
      [
        {
          path: 'Build › Compile › mvn',
          lines: ['\u001b[31mred\u001b[0m\tdone', 'a\u202Eb\u200Bc', `${'y'.repeat(1000)}END`, '']
        }
      ]
    )
    const pre = /<pre>(.*?)<\/pre>/.exec(html)![1]!.split('<br>')
    expect(pre[0]).toBe('red    done')
    expect(pre[1]).toBe('abc')
    expect(pre[2]!.length).toBeLessThanOrEqual(300)
    expect(pre[2]!.endsWith('yEND')).toBe(true)
    expect(pre[3]).toBe('')
    expectSoundMarkdown(html)
  })

  it(`lists at most ${MAX_FAILURES} failures, and says how many more it left out`, () => {
    const stages = Array.from({ length: 50 }, (_, i) => stage(`s${i}`, `broke ${i}`))
    const html = out(stages)
    expect(items(html)).toHaveLength(MAX_FAILURES)
    expect(html).toContain(
      `<p>${50 - MAX_FAILURES} more failures are left out of this list to keep the summary short; ` +
        "the run's page in CodeArts shows them.</p>"
    )
  })

  it('counts a cancelled item with a message as stopped, not failed', () => {
    const html = out([
      stage('Build', null, [
        task('mvn', { errorMessage: 'exit 1' }),
        task('lint', { outcome: 'aborted', errorMessage: 'cancelled: mvn failed' })
      ])
    ])
    expect(items(html)).toEqual(['<li>❌ <b>Build › mvn</b> after 1s<br>exit 1</li>'])
    expect(paragraph(html, 'consequence')).toBe(
      '<p>⛔ Also stopped as a consequence: <b>Build › lint</b>.</p>'
    )
  })

  it('names at most six items in the sentence, then how many more', () => {
    const stages = [
      stage('Build', 'x'),
      ...Array.from({ length: 9 }, (_, i) =>
        stage(`D${i}`, null, [], { status: 'waiting', outcome: null })
      )
    ]
    expect(paragraph(out(stages), 'Not reached')).toBe(
      '<p>⏳ Not reached: D0, D1, D2, D3, D4, D5 and 3 more.</p>'
    )
  })
})

describe('the Result column', () => {
  it.each([
    // v3 words: status, outcome
    ['completed', 'success', '✅ Succeeded'],
    ['completed', 'error', '❌ Failed'],
    ['completed', 'aborted', '⛔ Cancelled'],
    ['running', null, '🔄 Running'],
    ['waiting', null, '⏳ Not started'],
    ['verifying', null, '⏳ Awaiting review'],
    ['suspending', null, '⏸️ Suspended'],
    ['completed', null, '❔ completed'],
    // v5 words, and their outcomes as the v5 parser gives them
    ['COMPLETED', 'success', '✅ Succeeded'],
    ['FAILED', 'error', '❌ Failed'],
    ['ASYNC_FAILED', null, '❌ Failed'],
    ['CANCELED', 'aborted', '⛔ Cancelled'],
    ['RUNNING', null, '🔄 Running'],
    ['ASYNC_RUNNING', null, '🔄 Running'],
    ['QUEUED', null, '⏳ Queued'],
    ['INIT', null, '⏳ Not started'],
    ['PAUSED', null, '⏸️ Paused'],
    ['SUSPEND', null, '⏸️ Suspended'],
    ['SKIPPED', null, '⏭️ Skipped'],
    ['IGNORED', null, '⏭️ Skipped (ignored)'],
    ['UNSELECTED', null, '⏭️ Skipped (not selected)'],
    // and what no API documents
    [null, null, '❔ Unknown'],
    ['exploded', null, '❔ exploded'],
    ['toString', null, '❔ toString'],
    ['__proto__', null, '❔ __proto__'],
    ['RUNNİNG', null, '❔ RUNNİNG'],
    ['<b>x</b>', 'a|b', '❔ &lt;b&gt;x&lt;/b&gt; / a|b']
  ])('shows status %j, outcome %j as %s', (status, outcome, words) => {
    const out = summaryHtml(
      { ...successRun(), stages: [stage('S', null, [], { status, outcome })] },
      SUCCESS,
      'p1'
    )
    expect(tableRows(out)).toEqual([['<b>S</b>', words, '1s']])
  })

  it('gives a failed item its reason: the first line, cut in the middle at a space', () => {
    const message =
      'docker compose -f it/compose.yml run integration tests exited with code 137\nmore'
    const out = summaryHtml(
      { ...successRun(), stages: [stage('S', null, [task('it', { errorMessage: message })])] },
      FAILURE,
      'p1'
    )
    expect(tableRows(out)[1]).toEqual([
      '↳ it',
      '❌ Failed: docker compose -f … tests exited with code 137',
      '1s'
    ])
  })

  it('lets the outcome decide over the status', () => {
    expect(itemState(task('t', { status: 'running', outcome: 'error' }))).toBe('failed')
    expect(itemState(task('t', { status: 'FAILED', outcome: 'nonsense' }))).toBe('failed')
  })

  it('lists the jobs of a stage that began, not those of a stage that never did', () => {
    const waiting = { status: 'waiting', outcome: null, durationSeconds: null }
    const out = summaryHtml(
      {
        ...successRun(),
        stages: [
          stage('Build', null, [task('mvn', { outcome: 'success' })], { outcome: 'success' }),
          stage('Deploy', null, [task('cce', waiting), task('smoke', waiting)], waiting)
        ]
      },
      FAILURE,
      'p1'
    )
    expect(tableRows(out).map(r => r[0])).toEqual(['<b>Build</b>', '↳ mvn', '<b>Deploy</b>'])
  })
})

describe('the timeline', () => {
  const at = (
    startTime: string | null,
    durationSeconds: number | null,
    over: Partial<Stage> = {}
  ) => stage('S', null, [], { startTime, durationSeconds, ...over })

  it.each([
    [20, '    axisFormat %H:%M:%S', '    tickInterval 5second'],
    [184, '    axisFormat %H:%M:%S', '    tickInterval 30second'],
    [680, '    axisFormat %H:%M', '    tickInterval 1minute'],
    [2700, '    axisFormat %H:%M', '    tickInterval 5minute'],
    [5 * 3600, '    axisFormat %H:%M', '    tickInterval 30minute'],
    [3 * 86400, '    axisFormat %d %H:%M', '    tickInterval 6hour'],
    [30 * 86400, '    axisFormat %m-%d', '    tickInterval 1week']
  ])('fits its ticks to a run of %ss', (seconds, format, tick) => {
    const html = summaryHtml(
      { ...successRun(), stages: [at('2024-05-01 10:00:00', seconds, { outcome: 'success' })] },
      SUCCESS,
      'p1'
    )
    expect(expectWellFormedGantt(chartOf(html)!).axis).toEqual([format, tick])
  })

  it('lets the chart pick its ticks for a run of months', () => {
    const html = summaryHtml(
      { ...successRun(), stages: [at('2024-05-01 10:00:00', 200 * 86400)] },
      SUCCESS,
      'p1'
    )
    expect(expectWellFormedGantt(chartOf(html)!).axis).toEqual(['    axisFormat %Y-%m-%d'])
  })

  it('keeps labels short', () => {
    const name = 'a very long job name that goes on and on'
    const html = summaryHtml(
      { ...successRun(), stages: [at('2024-05-01 10:00:00', 5, { name })] },
      FAILURE,
      'p1'
    )
    const { sections, bars } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toEqual(['a very long job name tha…'])
    expect(bars).toEqual(['    ❌ a very long job name that goes… :crit, 2024-05-01 10:00:00, 5s'])
  })

  it(`draws at most ${MAX_BARS} bars, failures first, saying how many it left out`, () => {
    const stages = Array.from({ length: 250 }, (_, i) =>
      stage(`s${i}`, null, [], {
        outcome: i % 50 === 49 ? 'error' : 'success',
        startTime: '2024-05-01 10:00:00',
        durationSeconds: i + 1
      })
    )
    const out = summaryHtml({ ...successRun(), stages }, FAILURE, 'p1')
    expectSoundMarkdown(out)
    const { sections, bars } = expectWellFormedGantt(chartOf(out)!)
    expect(bars).toHaveLength(MAX_BARS)
    // The five failures, then the first successes; in the run's order.
    expect(bars.filter(b => b.includes(':crit'))).toHaveLength(5)
    expect(sections.slice(0, 25)).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`))
    expect(sections.slice(25)).toEqual(['s49', 's99', 's149', 's199', 's249'])
    expect(out).toContain(
      `<p>The timeline shows ${MAX_BARS} of its 250 bars, failures first; the table below lists them all.</p>`
    )
    expect(tableRows(out)).toHaveLength(250)
  })

  it('does not claim the table lists the bars it left out when the table is cut too', () => {
    const stages = Array.from({ length: MAX_TABLE_ROWS + 10 }, (_, i) =>
      stage(`s${i}`, null, [], { outcome: 'success', startTime: '2024-05-01 10:00:00' })
    )
    const out = summaryHtml({ ...successRun(), stages }, SUCCESS, 'p1')
    expect(out).toContain(
      `<p>The timeline shows ${MAX_BARS} of its ${MAX_TABLE_ROWS + 10} bars, failures first; ` +
        "the run's page in CodeArts shows the rest.</p>"
    )
  })

  it.each<[string, Stage[]]>([
    ['no stages', []],
    ['no start times', [at(null, 10), at(null, null)]],
    ['no durations', [at('2024-05-01 10:00:00', null)]],
    [
      'unreadable or impossible times',
      [
        at('yesterday', 5),
        at('0', 5),
        at('2024-02-30 10:00:00', 5),
        at('2023-02-29 10:00:00', 5),
        at('2024-13-01 10:00:00', 5),
        at('2024-05-01 10:60:00', 5),
        at('2024-05-01 24:00:00', 5),
        at('0099-05-01 10:00:00', 5),
        at('+275760-09-13T00:00:00Z', 5)
      ]
    ],
    [
      'negative or endless durations',
      [at('2024-05-01 10:00:00', -5), at('9999-12-31 23:59:59', 60)]
    ],
    ['a running item without a start', [at(null, null, { status: 'running', outcome: null })]]
  ])('writes no chart, fence or heading for %s', (_, stages) => {
    const out = summaryHtml({ ...successRun(), stages }, FAILURE, 'p1')
    expect(fenceLines(out)).toEqual([])
    expect(out).not.toContain('mermaid')
    expect(out).not.toContain('Timeline')
    expectSoundMarkdown(out)
    expect(tableRows(out)).toHaveLength(stages.length)
  })

  it('leaves out only the items it cannot draw', () => {
    const out = summaryHtml(
      {
        ...successRun(),
        stages: [
          stage('A', null, [task('a1', { startTime: null }), task('a2', { startTime: 'x' })], {
            startTime: '2024-05-01 10:00:00',
            durationSeconds: 5
          }),
          stage('B', null, [], { startTime: null }),
          stage('C', null, [task('c1', { startTime: '2024-05-01T10:00:09Z', durationSeconds: 0 })])
        ]
      },
      FAILURE,
      'p1'
    )
    const { sections, bars } = expectWellFormedGantt(chartOf(out)!)
    expect(sections).toEqual(['A', 'C'])
    expect(bars).toEqual([
      '    ❌ A :crit, 2024-05-01 10:00:00, 5s',
      '    ❌ c1 :crit, 2024-05-01 10:00:09, 1s'
    ])
  })

  it('draws nothing for v5 items whose end is before their start, or whose times are 0', () => {
    const T0 = Date.UTC(2024, 10, 26, 5, 46, 40)
    const run = v5({
      status: 'FAILED',
      stages: [
        { name: 'Back', status: 'FAILED', start_time: T0 + 5000, end_time: T0 },
        { name: 'Zero', status: 'FAILED', start_time: 0, end_time: 0 },
        { name: 'Good', status: 'COMPLETED', start_time: T0, end_time: T0 + 3000 }
      ]
    })
    const { bars } = expectWellFormedGantt(chartOf(summaryHtml(run, FAILURE, 'p1'))!)
    expect(bars).toEqual(['    ✅ Good :done, 2024-11-26 05:46:40, 3s'])
  })

  it('draws a running item up to the latest moment the run is known to have reached', () => {
    const out = summaryHtml(
      {
        ...successRun(),
        startTime: '2024-05-01 10:00:00',
        durationSeconds: 100,
        stages: [
          at('2024-05-01 10:00:30', null, { name: 'Deploy', status: 'running', outcome: null })
        ]
      },
      { conclusion: 'timed_out', message: 'Timed out.' },
      'p1'
    )
    expect(chartOf(out)).toContain('    🔄 Deploy :active, 2024-05-01 10:00:30, 70s')
  })
})

describe('the timeline with hostile names', () => {
  const NAMES = [
    '```',
    '```mermaid\ngraph TD\n```',
    '</details><script>alert(1)</script>',
    'deploy: prod; rm -rf / # now',
    '%%{init: {"securityLevel": "loose"}}%%',
    'section injected',
    'title injected',
    'click t1 call alert(1)',
    'dateFormat YYYY',
    'todayMarker stroke:red',
    '2020-01-01 looks like a date',
    'line one\nline two\r\n\n    section x',
    'vert 2024-01-01',
    `${'long '.repeat(2000)}end`,
    '\u202Eexe.txt\u200B',
    ':',
    '',
    'ünïcödé 名前 (v1.2)'
  ]

  const run: Run = {
    ...successRun(),
    stages: NAMES.map((name, i) =>
      stage(name, i % 2 ? name : null, [task(`${name}!`, { errorMessage: name })], {
        startTime: `2020-09-01 17:${String(10 + i).padStart(2, '0')}:00`,
        durationSeconds: 30
      })
    ).map((s, i) => ({
      ...s,
      tasks: s.tasks.map(t => ({ ...t, startTime: s.startTime, durationSeconds: 20 + i }))
    }))
  }
  const html = summaryHtml(run, FAILURE, 'p1')
  // Read without asserting, so that each test below fails on its own.
  const lines = (chartOf(html) ?? '').split('\n')
  const body = lines.slice(lines.indexOf('    todayMarker off') + 1)
  const sections = body.filter(l => l.startsWith('    section ')).map(l => l.slice(12))
  const bars = body.filter(l => !l.startsWith('    section '))

  it('cannot break the fence, the gantt or the HTML', () => {
    expectSoundMarkdown(html)
    expect(expectWellFormedGantt(chartOf(html)!).bars).toEqual(bars)
    expect(sections).toHaveLength(NAMES.length)
    expect(bars).toHaveLength(NAMES.length)
  })

  it('cannot start a gantt statement: every bar starts with its icon', () => {
    for (const line of bars) expect(line).toMatch(/^ {4}❌ /)
    expect(sections).toContain('section injected')
    expect(sections).toContain('title injected')
    expect(sections).toContain('init securityLevel loose')
  })

  it('names a stage whose name has nothing left by its place', () => {
    expect(sections).toContain(`Stage ${NAMES.indexOf(':') + 1}`)
    expect(sections).toContain(`Stage ${NAMES.indexOf('') + 1}`)
  })

  it('keeps the letters of any script, and drops invisible ones', () => {
    expect(sections).toContain('ünïcödé 名前 (v1.2)')
    expect(sections).toContain('exe.txt')
  })

  it('cuts long names', () => {
    expect(Math.max(...sections.map(s => s.length))).toBeLessThanOrEqual(25)
    expect(Math.max(...bars.map(b => b.indexOf(' :')))).toBeLessThanOrEqual(4 + 3 + 31)
  })

  it.each(NAMES.map((name, i) => [i, name]))(
    'reduces name %i to safe label characters',
    (_, name) => {
      expect(chartLabel(name)).toMatch(/^[\p{L}\p{M}\p{N} .,_+\-/()…]*$/u)
      expect(chartLabel(name)).not.toMatch(/^ | $| {2}/)
    }
  )

  it('lets no markup through the "What failed" list', () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('&lt;/details&gt;&lt;script&gt;')
  })
})

describe('summaryHtml with hostile server text', () => {
  const evil = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'a | b',
    '[click me](https://evil.example.com/phish)',
    'line one\n\nline two\r\n# heading',
    '<a href="https://evil.example.com">x</a>',
    '```\n</details>\n```mermaid',
    'bidi \u202Egnp.exe\u202C zero\u200Bwidth\u2066iso\u2069 \u3164filler'
  ].join(' ')

  const hostile: Run = {
    ...successRun(),
    pipelineName: evil,
    runId: evil,
    executor: evil,
    status: evil,
    parameters: [{ name: evil, value: evil }],
    stages: [
      stage(evil, evil, [task(evil, { errorMessage: evil, startTime: '2020-09-01 17:13:18' })], {
        startTime: '2020-09-01 17:13:18'
      })
    ],
    artifacts: [{ name: evil, version: evil, downloadUrl: 'javascript:alert(1)' }],
    sources: [
      {
        gitUrl: 'javascript:alert(1)//x/y.git',
        webUrl: null,
        buildType: 'branch',
        branch: evil,
        tag: null,
        commit: 'a'.repeat(40)
      }
    ]
  }
  const logs = [{ path: 'x › y › z', lines: [evil, evil] }]
  const html = summaryHtml(hostile, { conclusion: 'failure', message: evil }, 'p1', logs)

  it('lets no server markup through', () => {
    expectSoundMarkdown(html)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<img/i)
    expect(html).toContain('&lt;script&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&lt;/details&gt;')
  })

  it('escapes with the five XML entities only, as the runner masks secrets in that form', () => {
    const entities = new Set(html.match(/&[#\w]+;/g))
    expect([...entities].sort()).toEqual(
      ['&amp;', '&apos;', '&gt;', '&lt;', '&quot;'].filter(e => entities.has(e))
    )
    expect(html).toContain('&lt;a href=&quot;https://evil.example.com&quot;&gt;')
  })

  it('writes "|" and backticks as they are, inside HTML, where no Markdown table or code can form', () => {
    expect(html).toContain('a | b')
    expect(fenceLines(html)).toEqual(['```mermaid', '```'])
  })

  it('removes bidi overrides, isolates, zero-width characters and fillers', () => {
    expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060\u3164\uFEFF]/)
    expect(html).toContain('bidi gnp.exe zerowidthiso filler')
  })

  it('keeps names on one line', () => {
    expect(tableRows(html)[0]![0]).not.toContain('<br>')
    expect(tableRows(html)[1]![0]).not.toContain('<br>')
    expect(html.split('\n')[0]).not.toContain('<br>')
    const failed = html.match(/<li>❌ <b>(.*?)<\/b>/)![1]!
    expect(failed).not.toContain('<br>')
  })

  it('makes no link out of server text, and links no javascript: URL', () => {
    expect(html).not.toContain('href="https://evil.example.com')
    expect(html).not.toMatch(/href="(?!https?:)/)
    // The only link is the detail page, twice: heading and status line.
    expect(html.match(/<a /g)).toHaveLength(2)
  })

  it('keeps newlines of messages and parameters out of the HTML', () => {
    expect(html).toContain('line one<br><br>line two<br># heading')
    expectSoundMarkdown(html)
  })

  it('does not link a javascript:, data: or broken detail URL', () => {
    for (const detailUrl of [
      'javascript:alert(document.cookie)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example.com',
      'https://x.example/a\nb'
    ]) {
      const out = summaryHtml({ ...successRun(), detailUrl }, SUCCESS, 'p1')
      expect(out).not.toContain('<a ')
      expect(out).not.toContain('href')
      expect(out).not.toContain('Open in CodeArts')
      expect(out).toContain('pipeline_test')
    }
  })

  it('links a detail URL with a space as a browser reads it, percent-encoded', () => {
    const out = summaryHtml({ ...successRun(), detailUrl: 'https://x.example/a b' }, SUCCESS, 'p1')
    expect(out).toContain('href="https://x.example/a%20b"')
  })

  it('links no URL too long for a browser, and cuts nothing short for it', () => {
    const detailUrl = `https://x.example.com/${'a'.repeat(5000)}`
    const out = summaryHtml({ ...successRun(), detailUrl }, SUCCESS, 'p1')
    expect(out).not.toContain('<a ')
    expect(out.length).toBeLessThan(10_000)
  })

  it('escapes quotes inside a link target', () => {
    const out = summaryHtml(
      { ...successRun(), detailUrl: `https://x.example.com/"onmouseover="alert(1)'x'` },
      SUCCESS,
      'p1'
    )
    expect(out).toContain('href="https://x.example.com/%22onmouseover=%22alert%281%29%27x%27"')
  })
})

describe('summaryHtml size and truncation notes', () => {
  it('says the API held more items than were read, on a huge v5 run; cuts the table truthfully', () => {
    const stages = Array.from({ length: 2600 }, (_, i) => ({
      name: `Shard ${i + 1}`,
      status: i % 500 === 7 ? 'FAILED' : 'COMPLETED',
      jobs: [{ name: `Test ${i + 1}`, status: i % 500 === 7 ? 'FAILED' : 'COMPLETED' }]
    }))
    const run = v5(v5Detail({ runId: 'big', status: 'FAILED', stages }))
    expect(run.leftOut).toBe(200)
    const html = summaryHtml(run, verdictOf(run), 'p1')
    expectSoundMarkdown(html)
    expect(html).toContain(
      "<p>⚠️ The API's answer held 200 more items (stages, jobs, steps or gates) than the action " +
        'reads; this summary does not show them.</p>'
    )
    const rows = tableRows(html)
    expect(rows.length).toBeLessThanOrEqual(MAX_TABLE_ROWS)
    // Every stage that did not succeed is in the table, in the run's order among the others.
    const failed = rows.filter(r => r[1]!.startsWith('❌')).map(r => r[0])
    expect(failed).toEqual([
      '<b>Shard 8</b>',
      '↳ Test 8',
      '<b>Shard 508</b>',
      '↳ Test 508',
      '<b>Shard 1008</b>',
      '↳ Test 1008',
      '<b>Shard 1508</b>',
      '↳ Test 1508',
      '<b>Shard 2008</b>',
      '↳ Test 2008',
      // Its jobs were beyond what the action reads.
      '<b>Shard 2508</b>'
    ])
    // Successful stages fold to one row, their jobs counted; the note counts what is left out.
    expect(rows[0]).toEqual(['<b>Shard 1</b>', '✅ Succeeded · 1 job', '1m'])
    const stageRows = rows.filter(r => r[0]!.startsWith('<b>')).length
    const note =
      /<p>Successful stages show one row each, with their jobs counted\. (\d+) stages and (\d+) jobs are left out of this table to keep it short \(stages that did not succeed are kept first\); the run's page in CodeArts lists every one\.<\/p>/.exec(
        html
      )!
    expect(stageRows + Number(note[1])).toBe(2600)
    expect(html).toContain("the run's page in CodeArts shows the rest.</p>")
    expect(html).not.toContain('the table below lists them all')
  })

  it('stays under 1 MiB for 20,000 failed stages with long messages, saying what it left out', () => {
    const long = `<b>${'failure & more | '.repeat(300)}</b>`
    const stages = Array.from({ length: 20_000 }, (_, i) =>
      stage(
        `stage ${i} ${'<>'.repeat(100)}`,
        long,
        [task(`task ${i}`, { errorMessage: `${long} in the task` })],
        {
          startTime: '2024-05-01 10:00:00',
          errorCode: '|'.repeat(3000)
        }
      )
    )
    const html = summaryHtml(
      {
        ...successRun(),
        pipelineName: '<'.repeat(50_000),
        parameters: Array.from({ length: 500 }, (_, i) => ({
          name: `p${i}`,
          value: '&'.repeat(8192)
        })),
        stages
      },
      { conclusion: 'failure', message: '"'.repeat(100_000) },
      'p1',
      Array.from({ length: 5 }, (_, i) => ({
        path: `stage ${i}`,
        lines: Array.from({ length: 1000 }, () => '<'.repeat(1000))
      }))
    )
    expect(Buffer.byteLength(html)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expectSoundMarkdown(html)
    expect(expectWellFormedGantt(chartOf(html)!).bars).toHaveLength(MAX_BARS)

    const failedLeft = Number(/<p>(\d+) more failures are left out of this list/.exec(html)![1])
    const failedShown = (html.match(/<li>❌/g) ?? []).length
    expect(failedShown).toBeGreaterThan(0)
    expect(failedShown + failedLeft).toBe(40_000)

    const left = /(\d+) stages and (\d+) jobs are left out of this table/.exec(html)!
    const rows = tableRows(html)
    expect(rows.filter(r => r[0]!.startsWith('<b>')).length + Number(left[1])).toBe(20_000)
    expect(rows.filter(r => r[0]!.startsWith('↳')).length + Number(left[2])).toBe(20_000)
    expect(html).toMatch(/more parameters are left out to keep the summary short/)
  })

  it('copes with a stage of 300,000 running tasks', () => {
    const tasks = Array.from({ length: 300_000 }, (_, i) =>
      task(`t${i}`, {
        status: 'running',
        outcome: null,
        startTime: '2024-05-01 10:00:00',
        durationSeconds: i % 2 ? 5 : null
      })
    )
    const out = summaryHtml({ ...successRun(), stages: [stage('Big', null, tasks)] }, FAILURE, 'p1')
    expect(Buffer.byteLength(out)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(expectWellFormedGantt(chartOf(out)!).bars).toHaveLength(MAX_BARS)
    expect(out).toContain(`<p>The timeline shows ${MAX_BARS} of its 300000 bars`)
    expect(tableRows(out)).toHaveLength(MAX_TABLE_ROWS)
  })

  it('shows every row, and no note, when they fit', () => {
    const stages = Array.from({ length: 50 }, (_, i) => stage(`s${i}`, 'short'))
    const html = summaryHtml({ ...successRun(), stages }, SUCCESS, 'p1')
    expect(tableRows(html)).toHaveLength(50)
    expect(html).not.toContain('left out')
  })
})

describe('escapeHtml', () => {
  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&apos;'],
    ['|', '|'],
    ['`', '`'],
    ['a\nb', 'a<br>b'],
    ['a\r\nb', 'a<br>b'],
    ['a\rb', 'a b'],
    ['a\tb\u0000c\u007fd', 'a b c d'],
    ['a\u0085b\u009bc', 'a b c'],
    ['a\u2028b', 'a b'],
    ['a\u202Eb\u200Bc\u2066d\uFEFFe\u00ADf', 'abcdef'],
    ['&lt;', '&amp;lt;'],
    ['plain text', 'plain text']
  ])('escapes %j as %j', (input, output) => {
    expect(escapeHtml(input)).toBe(output)
  })

  it('truncates very long text before escaping', () => {
    const out = escapeHtml('<'.repeat(10_000))
    expect(out).toBe(`${'&lt;'.repeat(2000)}…`)
  })
})

describe('summaryHtml with status words that name Object.prototype members', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'does not throw on %s anywhere, and shows it as a word',
    word => {
      const body = v5Detail({
        runId: 'r1',
        status: word,
        stages: [
          { name: 'Build', status: word, jobs: [{ name: 'Compile', status: word }] },
          { name: 'Test', status: 'FAILED', jobs: [{ name: 'Unit', status: word }] }
        ]
      })
      const run = parseV5Detail(body)!
      for (const conclusion of ['failure', 'timed_out', 'cancelled', 'error'] as const) {
        const html = summaryHtml(run, { conclusion, message: 'm' }, 'p1')
        expect(html.endsWith('\n')).toBe(true)
      }
      // Waiting by its outcome, named by its status: the held-words lookup takes the status.
      const held = { id: 's', name: 'Build', status: word, outcome: 'queued', children: [] }
      const v3 = parseV3Status({ build_id: '1', status: word, outcome: 'queued', states: [held] })!
      for (const conclusion of ['failure', 'timed_out'] as const) {
        expect(() => summaryHtml(v3, { conclusion, message: 'm' }, 'p1')).not.toThrow()
      }
    }
  )
})
