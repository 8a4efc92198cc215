import { readFileSync } from 'node:fs'
import { parseV3Status } from '../../src/codearts/v3.js'
import { parseV5Detail } from '../../src/codearts/v5.js'
import type { Run, Stage, Task } from '../../src/model.js'
import type { Verdict } from '../../src/result.js'
import {
  MAX_BARS,
  SUMMARY_LIMIT_BYTES,
  chartLabel,
  escapeHtml,
  itemState,
  summaryHtml
} from '../../src/summary.js'

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

function task(name: string, over: Partial<Task> = {}): Task {
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

function stage(
  name: string,
  errorMessage: string | null,
  tasks: Task[] = [],
  over: Partial<Task> = {}
): Stage {
  return { ...task(name, { errorMessage, ...over }), tasks }
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

const HEADER = ['gantt', '    dateFormat YYYY-MM-DD HH:mm:ss', '    axisFormat %H:%M:%S']
const ICONS = '(?:✅|❌|⛔|🔄|⏳|⏭️|❔)'
const SAFE_TEXT = String.raw`[\p{L}\p{M}\p{N} .,_+\-/()…]*`
const SECTION_LINE = new RegExp(String.raw`^    section (?! )${SAFE_TEXT}$`, 'u')
const BAR_LINE = new RegExp(
  String.raw`^    ${ICONS} ${SAFE_TEXT} :(?:(?:done|crit|active), )?` +
    String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, [1-9]\d*s$`,
  'u'
)

/** Fails unless `chart` is a gantt of the form the summary writes: header, then sections of bars. */
function expectWellFormedGantt(chart: string): { sections: string[]; bars: string[] } {
  const lines = chart.split('\n')
  expect(lines.slice(0, 3)).toEqual(HEADER)
  expect(lines[3]).toBe('    todayMarker off')
  const body = lines.slice(4)
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
    bars: body.filter(l => BAR_LINE.test(l))
  }
}

/** The lines that would open or close a fenced block: server text must never make one. */
function fenceLines(summary: string): string[] {
  return summary.split('\n').filter(line => /^\s*(```|~~~)/.test(line))
}

/** Fails unless the Markdown around the HTML is sound: one fence at most, blank lines only around it. */
function expectSoundMarkdown(summary: string): void {
  const chart = chartOf(summary)
  expect(fenceLines(summary)).toEqual(chart === undefined ? [] : ['```mermaid', '```'])
  if (chart !== undefined) expectWellFormedGantt(chart)
  // A blank line would end an HTML block and let Markdown in server text render.
  expect(htmlOf(summary)).not.toMatch(/\n[ \t]*\n/)
  expect(summary).not.toContain('\r')
  expect((summary.match(/<details>/g) ?? []).length).toBe(
    (summary.match(/<\/details>/g) ?? []).length
  )
}

// A failed v5 run: a job failed with a long message, the next job was cancelled, a stage skipped.
const T0 = Date.UTC(2024, 10, 26, 5, 46, 40)
const LONG_MESSAGE = `mvn package exited with code 1: ${'[ERROR] Failed to execute goal; '.repeat(12)}`
const FAILED_V5 = {
  id: 'run-7',
  name: 'web-release',
  status: 'FAILED',
  executor_name: 'release-bot',
  start_time: T0,
  end_time: T0 + 200_000,
  detail_url: 'https://devcloud.example.com/pipeline/detail/p/run-7',
  variables: [{ name: 'branch', value: 'main' }],
  stages: [
    {
      id: 's1',
      name: 'Build',
      sequence: 0,
      status: 'FAILED',
      start_time: T0 + 1000,
      end_time: T0 + 120_000,
      jobs: [
        {
          id: 'j1',
          name: 'Compile',
          sequence: 0,
          status: 'FAILED',
          message: LONG_MESSAGE,
          start_time: T0 + 2000,
          end_time: T0 + 110_000
        },
        {
          id: 'j2',
          name: 'Lint',
          sequence: 1,
          status: 'CANCELED',
          message: 'cancelled: Compile failed',
          start_time: T0 + 2000,
          end_time: T0 + 111_000
        }
      ]
    },
    { id: 's2', name: 'Deploy', sequence: 1, status: 'SKIPPED', start_time: 0, end_time: 0 },
    { id: 's3', name: 'Approve', sequence: 2, status: 'QUEUED', start_time: 0, end_time: 0 }
  ]
}

describe('summaryHtml on the v3 API reference example (success)', () => {
  const html = summaryHtml(successRun(), SUCCESS, 'p1')

  it('names the pipeline, the run and its outcome', () => {
    expect(html).toContain('pipeline_test')
    expect(html).toContain('succeeded')
    expect(html).toContain('<td>xxxx</td>')
    expect(html).toContain('completed / success')
    expect(html).toContain('<td>3m4s</td>')
  })

  it('links the pipeline name to the run detail page', () => {
    expect(html).toContain(
      '<a href="https://xxxxxx/pipeline/detail/824e784b3f43492e99152a.....">pipeline_test</a>'
    )
  })

  it('lists the parameters in a collapsed <details>', () => {
    expect(html).toContain(
      '<td><details><summary>3 parameters</summary>' +
        'serviceName=Test<br>codeBranch=master<br>releaseVersion=1.0.0</details></td>'
    )
  })

  it('lists every stage and task, each status with its icon', () => {
    for (const name of ['Source code', 'Build', 'Release repo', 'Default task']) {
      expect(html).toContain(`<td>${name}</td>`)
    }
    expect(html.match(/<td>✅ completed<\/td>/g)).toHaveLength(4)
    expect(html).not.toContain('left out')
  })

  it('draws a timeline: a gantt fenced with blank lines, one section per stage', () => {
    expectSoundMarkdown(html)
    expect(html).toContain('<h3>Timeline</h3>\n\n```mermaid\ngantt\n')
    expect(html).toContain('\n```\n\n<h3>Stages</h3>')
    const { sections, bars } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toEqual(['Source code', 'Build', 'Release repo'])
    // Build is drawn by its task; the stages without tasks by themselves, zero seconds as one.
    expect(bars).toEqual([
      '    ✅ Source code :done, 2020-09-01 17:13:18, 1s',
      '    ✅ Default task :done, 2020-09-01 17:13:18, 183s',
      '    ✅ Release repo :done, 2020-09-01 17:16:22, 1s'
    ])
  })

  it('has no "What failed" section for a success', () => {
    expect(html).not.toContain('What failed')
  })

  it('uses the pipeline id when the run has no name', () => {
    const out = summaryHtml({ ...successRun(), pipelineName: null }, SUCCESS, 'pipe-77')
    expect(out).toContain('pipe-77')
  })

  it('shows the verdict message, escaped', () => {
    const out = summaryHtml(
      successRun(),
      { conclusion: 'failure', message: 'stage "<b>x</b>" failed' },
      'p1'
    )
    expect(out).toContain('failed')
    expect(out).toContain('<p>stage &quot;&lt;b&gt;x&lt;/b&gt;&quot; failed</p>')
  })
})

describe('summaryHtml on the v3 example of a pipeline that never ran', () => {
  const html = summaryHtml(
    v3('v3-status-never-ran.json'),
    { conclusion: 'timed_out', message: 'Timed out: the pipeline has no run yet.' },
    'p1'
  )

  it('shows the run table and no chart, fence or stage table', () => {
    expect(html).toContain('nightly')
    expect(html).toContain('<td>2024-05-01 10:00:00</td>')
    expect(html).not.toContain('```')
    expect(html).not.toContain('Timeline')
    expect(html).not.toContain('<h3>Stages</h3>')
    expect(html).not.toMatch(/\n[ \t]*\n/)
    expectSoundMarkdown(html)
  })
})

describe('summaryHtml on the v5 example of a running run', () => {
  const html = summaryHtml(
    v5(fixture('v5-run-detail-running.json')),
    { conclusion: 'timed_out', message: 'Timed out after 10m.' },
    'p1'
  )

  it('shows running items with 🔄 and finished ones with ✅', () => {
    expect(html).toContain('<td>✅ COMPLETED</td>')
    expect(html.match(/<td>🔄 RUNNING<\/td>/g)).toHaveLength(2)
  })

  it('draws the timeline in UTC, the running job as an active bar from its start', () => {
    expectSoundMarkdown(html)
    expect(html).toContain('<h3>Timeline (UTC)</h3>')
    const { sections, bars } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toEqual(['Build', 'Deploy'])
    expect(bars).toEqual([
      '    ✅ Compile :done, 2024-11-26 05:46:42, 87s',
      '    🔄 Deploy to CCE :active, 2024-11-26 05:48:11, 1s'
    ])
  })

  it('has no "What failed" section when nothing failed', () => {
    expect(html).not.toContain('What failed')
  })
})

describe('summaryHtml on a failed v5 run', () => {
  const run = v5(FAILED_V5)
  const html = summaryHtml(run, FAILURE, 'p1')

  it('lists what failed, with messages, before the run table, the timeline and the stages', () => {
    const failed = html.indexOf('<h3>What failed</h3>')
    expect(failed).toBeGreaterThan(html.indexOf('<p>The run failed.</p>'))
    expect(failed).toBeLessThan(html.indexOf('<table>'))
    expect(html.indexOf('<table>')).toBeLessThan(html.indexOf('<h3>Timeline'))
    expect(html.indexOf('<h3>Timeline')).toBeLessThan(html.indexOf('<h3>Stages</h3>'))
    const list = html.slice(failed, html.indexOf('</ul>'))
    expect(list.match(/<li>/g)).toHaveLength(2)
    expect(list).toContain('<li>❌ Build › <b>Compile</b>: <details><summary>mvn package exited')
    expect(list).toContain('<li>⛔ Build › <b>Lint</b>: cancelled: Compile failed</li>')
    // The Build stage says nothing of its own beyond its failed task; Deploy was only skipped.
    expect(list).not.toContain('<li>❌ <b>Build</b>')
    expect(list).not.toContain('Deploy')
  })

  it('folds a long message into <details>, whole and escaped inside', () => {
    const folded = /<details><summary>([^<]*)<\/summary>([^<]*)<\/details>/.exec(html)!
    expect(folded[1]!.length).toBeLessThanOrEqual(81)
    expect(folded[1]!.endsWith('…')).toBe(true)
    expect(folded[2]).toBe(LONG_MESSAGE)
    expect(html.split(LONG_MESSAGE)).toHaveLength(3) // in the list and in the table
  })

  it('keeps short messages open in the table', () => {
    expect(html).toContain('<td>cancelled: Compile failed</td></tr>')
  })

  it('gives every status its icon, v5 words included', () => {
    expect(html).toContain('<tr><td>Build</td><td></td><td>❌ FAILED</td><td>error</td>')
    expect(html).toContain('<td>❌ FAILED</td>')
    expect(html).toContain('<td>⛔ CANCELED</td>')
    expect(html).toContain('<td>⏭️ SKIPPED</td>')
    expect(html).toContain('<td>⏳ QUEUED</td>')
  })

  it('draws failed bars as crit and leaves out the stages that never started', () => {
    expectSoundMarkdown(html)
    const { sections, bars } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toEqual(['Build'])
    expect(bars).toEqual([
      '    ❌ Compile :crit, 2024-11-26 05:46:42, 108s',
      '    ⛔ Lint :2024-11-26 05:46:42, 109s'
    ])
  })

  it('lists a failed stage itself when it has no failed task to show, or a message of its own', () => {
    const out = summaryHtml(
      {
        ...run,
        stages: [
          stage('Gate', null, [task('check', { outcome: 'success' })]),
          stage('Scan', 'scanner crashed', [task('sast', { errorMessage: 'exit 2' })])
        ]
      },
      FAILURE,
      'p1'
    )
    const list = out.slice(out.indexOf('What failed'), out.indexOf('</ul>'))
    expect(list.match(/<li>[^\n]*/g)).toEqual([
      '<li>❌ <b>Gate</b></li>',
      '<li>❌ <b>Scan</b>: scanner crashed</li>',
      '<li>❌ Scan › <b>sast</b>: exit 2</li>'
    ])
  })

  it('does not repeat a stage whose message is that of its failed task (as v3 reports)', () => {
    const out = summaryHtml(
      {
        ...run,
        stages: [
          stage('Test', 'npm test failed', [task('jest', { errorMessage: 'npm test failed' })])
        ]
      },
      FAILURE,
      'p1'
    )
    const list = out.slice(out.indexOf('What failed'), out.indexOf('</ul>'))
    expect(list.match(/<li>[^\n]*/g)).toEqual(['<li>❌ Test › <b>jest</b>: npm test failed</li>'])
  })

  it('sums up a folded message by its first line, or an ellipsis when it has none', () => {
    const log = `first line\n${'x'.repeat(300)}`
    const out = summaryHtml(
      { ...run, stages: [stage('S', log), stage('T', ' \n'.repeat(150))] },
      FAILURE,
      'p1'
    )
    expect(out).toContain(
      `<details><summary>first line</summary>first line<br>${'x'.repeat(300)}</details>`
    )
    expect(out).toContain('<details><summary>…</summary>')
  })

  it('shows the error code of a v3 task beside its message', () => {
    const out = summaryHtml(
      { ...run, stages: [stage('Build', null, [task('mvn', { errorCode: 'PIPE.0001' })])] },
      FAILURE,
      'p1'
    )
    expect(out).toContain('<li>❌ Build › <b>mvn</b> <code>PIPE.0001</code></li>')
  })
})

describe('summaryHtml with no run', () => {
  it('is the heading and the message only', () => {
    const out = summaryHtml(null, { conclusion: 'cancelled', message: 'Cancelled <early>.' }, 'p9')
    expect(out).toBe(
      '<h2>⛔ CodeArts pipeline p9 was cancelled</h2>\n<p>Cancelled &lt;early&gt;.</p>\n'
    )
  })
})

describe('status icons', () => {
  it.each([
    // v3 words: status, outcome
    ['completed', 'success', '✅'],
    ['completed', 'error', '❌'],
    ['completed', 'aborted', '⛔'],
    ['running', null, '🔄'],
    ['waiting', null, '⏳'],
    ['verifying', null, '⏳'],
    ['suspending', null, '⏳'],
    ['completed', null, '❔'],
    // v5 words, and their outcomes as the v5 parser gives them
    ['COMPLETED', 'success', '✅'],
    ['FAILED', 'error', '❌'],
    ['ASYNC_FAILED', null, '❌'],
    ['CANCELED', 'aborted', '⛔'],
    ['RUNNING', null, '🔄'],
    ['ASYNC_RUNNING', null, '🔄'],
    ['QUEUED', null, '⏳'],
    ['INIT', null, '⏳'],
    ['PAUSED', null, '⏳'],
    ['SKIPPED', null, '⏭️'],
    ['IGNORED', null, '⏭️'],
    ['UNSELECTED', null, '⏭️'],
    // and what no API documents
    [null, null, '❔'],
    ['exploded', null, '❔'],
    ['toString', null, '❔'],
    ['__proto__', null, '❔'],
    ['RUNNİNG', null, '❔']
  ])('shows status %j, outcome %j as %s', (status, outcome, icon) => {
    const out = summaryHtml(
      { ...successRun(), stages: [stage('S', null, [], { status, outcome })] },
      SUCCESS,
      'p1'
    )
    expect(out).toContain(`<tr><td>S</td><td></td><td>${icon}${status ? ` ${status}` : ''}</td>`)
  })

  it('lets the outcome decide over the status', () => {
    expect(itemState(task('t', { status: 'running', outcome: 'error' }))).toBe('failed')
    expect(itemState(task('t', { status: 'FAILED', outcome: 'nonsense' }))).toBe('failed')
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
    '```\n</details>\n```mermaid'
  ].join(' ')

  const hostile: Run = {
    ...successRun(),
    pipelineName: evil,
    runId: evil,
    executor: evil,
    status: evil,
    parameters: [{ name: evil, value: evil }],
    stages: [
      stage(evil, evil, [stage(evil, evil, [], { startTime: '2020-09-01 17:13:18' })], {
        startTime: '2020-09-01 17:13:18'
      })
    ]
  }
  const html = summaryHtml(hostile, { conclusion: 'failure', message: evil }, 'p1')

  it('lets no server markup through', () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<img/i)
    expect(html).toContain('&lt;script&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&lt;/details&gt;')
  })

  it('writes "|" as it is, inside HTML, where no Markdown table can form', () => {
    expect(html).toContain('a | b')
    expect(html).toContain('<td>&lt;script&gt;')
    expectSoundMarkdown(html)
  })

  it('makes no link out of server text', () => {
    expect(html).not.toContain('href="https://evil.example.com')
    // The only link is the detail page.
    expect(html.match(/<a /g)).toHaveLength(1)
  })

  it('keeps newlines out of the HTML, so no block ends and Markdown is never parsed', () => {
    expect(html).toContain('line one<br><br>line two<br># heading')
    expectSoundMarkdown(html)
  })

  it('keeps the only fence the timeline, and the gantt well-formed', () => {
    expect(fenceLines(html)).toEqual(['```mermaid', '```'])
    const { sections, bars } = expectWellFormedGantt(chartOf(html)!)
    expect(sections).toHaveLength(1)
    expect(bars).toHaveLength(1)
  })

  it('does not link a javascript:, data: or broken detail URL', () => {
    for (const detailUrl of [
      'javascript:alert(document.cookie)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example.com',
      'https://x.example/a\nb',
      'https://x.example/a b'
    ]) {
      const out = summaryHtml({ ...successRun(), detailUrl }, SUCCESS, 'p1')
      expect(out).not.toContain('<a ')
      expect(out).not.toContain('href')
      expect(out).toContain('pipeline_test')
    }
  })

  it('escapes quotes inside a link target', () => {
    const out = summaryHtml(
      { ...successRun(), detailUrl: 'https://x.example.com/"onmouseover="alert(1)' },
      SUCCESS,
      'p1'
    )
    expect(out).toContain('href="https://x.example.com/&quot;onmouseover=&quot;alert(1)"')
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
    'ünïcödé 名前 (v1.2) a/b+c,d'
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
  const lines = (chartOf(html) ?? '').split('\n').slice(4)
  const sections = lines.filter(l => l.startsWith('    section ')).map(l => l.slice(12))
  const bars = lines.filter(l => !l.startsWith('    section '))

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

  it('keeps the letters of any script', () => {
    expect(sections).toContain('ünïcödé 名前 (v1.2) a/b+c,d')
  })

  it('cuts long names', () => {
    expect(Math.max(...sections.map(s => s.length))).toBeLessThanOrEqual(61)
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

describe('the timeline with missing, zero or impossible times', () => {
  const at = (startTime: string | null, durationSeconds: number | null, over: Partial<Task> = {}) =>
    stage('S', null, [], { startTime, durationSeconds, ...over })

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
    expect(out).not.toMatch(/\n[ \t]*\n/)
    expect(out.match(/<tr><td>/g) ?? []).toHaveLength(stages.length)
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

describe('summaryHtml size', () => {
  it('draws at most MAX_BARS bars, saying how many were left out', () => {
    const stages = Array.from({ length: 250 }, (_, i) =>
      stage(`s${i}`, null, [], {
        outcome: 'success',
        startTime: '2024-05-01 10:00:00',
        durationSeconds: i
      })
    )
    const out = summaryHtml({ ...successRun(), stages }, SUCCESS, 'p1')
    const { bars } = expectWellFormedGantt(chartOf(out)!)
    expect(bars).toHaveLength(MAX_BARS)
    expect(out).toContain(`<p>${250 - MAX_BARS} more bars are left out of the timeline`)
    expect(out.match(/<tr><td>/g)).toHaveLength(250)
    expectSoundMarkdown(out)
  })

  it('stays under 1 MiB for 20,000 failed stages with long messages, saying rows were left out', () => {
    const long = `<b>${'failure & more | '.repeat(300)}</b>`
    const stages = Array.from({ length: 20_000 }, (_, i) =>
      stage(`stage ${i} ${'<>'.repeat(100)}`, long, [stage(`task ${i}`, `${long} in the task`)], {
        startTime: '2024-05-01 10:00:00',
        errorCode: '|'.repeat(3000)
      })
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
      'p1'
    )
    expect(Buffer.byteLength(html)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expectSoundMarkdown(html)
    expect(expectWellFormedGantt(chartOf(html)!).bars).toHaveLength(MAX_BARS)

    const failedLeft = Number(/<p>(\d+) more failures are in the table below/.exec(html)![1])
    const failedShown = (html.match(/<li>/g) ?? []).length
    expect(failedShown).toBeGreaterThan(0)
    expect(failedShown + failedLeft).toBe(40_000)

    expect(html).toMatch(/<p>\d+ more stage and task rows are left out/)
    const left = Number(/<p>(\d+) more stage/.exec(html)![1])
    const shown = (html.match(/<tr><td>/g) ?? []).length
    expect(shown + left).toBe(40_000)
    expect(shown).toBeGreaterThan(0)
    expect(html).toContain('</table>')
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
    expect(out).toContain(`<p>${300_000 - MAX_BARS} more bars are left out`)
  })

  it('shows every row when they fit', () => {
    const stages = Array.from({ length: 50 }, (_, i) => stage(`s${i}`, 'short'))
    const html = summaryHtml({ ...successRun(), stages }, SUCCESS, 'p1')
    expect((html.match(/<tr><td>/g) ?? []).length).toBe(50)
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
