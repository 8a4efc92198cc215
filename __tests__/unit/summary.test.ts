import { readFileSync } from 'node:fs'
import { parseV3Status } from '../../src/codearts/v3.js'
import type { Run, Stage } from '../../src/model.js'
import type { Verdict } from '../../src/result.js'
import { SUMMARY_LIMIT_BYTES, escapeHtml, summaryHtml } from '../../src/summary.js'

const FIXTURES = new URL('../fixtures/', import.meta.url)

function successRun(): Run {
  const body = JSON.parse(
    readFileSync(new URL('v3-status-success.json', FIXTURES), 'utf8')
  ) as unknown
  const run = parseV3Status(body)
  if (!run) throw new Error('fixture did not parse')
  return run
}

const SUCCESS: Verdict = { conclusion: 'success' }

function stage(name: string, errorMessage: string | null, tasks: Stage['tasks'] = []): Stage {
  return {
    id: name,
    name,
    status: 'completed',
    outcome: 'error',
    durationSeconds: 1,
    errorCode: null,
    errorMessage,
    tasks
  }
}

describe('summaryHtml on the API reference example', () => {
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

  it('lists the parameters', () => {
    expect(html).toContain('serviceName=Test<br>codeBranch=master<br>releaseVersion=1.0.0')
  })

  it('lists every stage and task', () => {
    for (const name of ['Source code', 'Build', 'Release repo', 'Default task']) {
      expect(html).toContain(`<td>${name}</td>`)
    }
    expect(html).not.toContain('left out')
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

describe('summaryHtml with hostile server text', () => {
  const evil = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'a | b',
    '[click me](https://evil.example.com/phish)',
    'line one\n\nline two\r\n# heading',
    '<a href="https://evil.example.com">x</a>'
  ].join(' ')

  const hostile: Run = {
    ...successRun(),
    pipelineName: evil,
    runId: evil,
    executor: evil,
    status: evil,
    parameters: [{ name: evil, value: evil }],
    stages: [stage(evil, evil, [stage(evil, evil)])]
  }
  const html = summaryHtml(hostile, { conclusion: 'failure', message: evil }, 'p1')

  it('lets no server markup through', () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/<img/i)
    expect(html).toContain('&lt;script&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('escapes "|" so it cannot end a table cell', () => {
    expect(html).not.toContain('a | b')
    expect(html).toContain('a &#124; b')
  })

  it('makes no link out of server text', () => {
    expect(html).not.toContain('href="https://evil.example.com')
    // The only link is the detail page.
    expect(html.match(/<a /g)).toHaveLength(1)
  })

  it('keeps newlines out, so the HTML block never ends and Markdown is never parsed', () => {
    expect(html).toContain('line one<br><br>line two<br># heading')
    // A blank line would end the HTML block and let `[click me](...)` or `# heading` render.
    expect(html).not.toMatch(/\n[ \t]*\n/)
    expect(html).not.toContain('\r')
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

describe('summaryHtml size', () => {
  it('stays under 1 MiB for 20,000 stages with long messages, saying rows were left out', () => {
    const long = `<b>${'failure & more | '.repeat(300)}</b>`
    const stages = Array.from({ length: 20_000 }, (_, i) =>
      stage(`stage ${i} ${'<>'.repeat(100)}`, long, [stage(`task ${i}`, long)])
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
    expect(html).toMatch(/<p>\d+ more stage and task rows are left out/)
    const left = Number(/<p>(\d+) more/.exec(html)![1])
    const shown = (html.match(/<tr><td>/g) ?? []).length
    expect(shown + left).toBe(40_000)
    expect(shown).toBeGreaterThan(0)
    expect(html).toContain('</table>')
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
    ["'", '&#39;'],
    ['|', '&#124;'],
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
