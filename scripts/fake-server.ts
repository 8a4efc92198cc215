// `npx tsx scripts/fake-server.ts [--fail] [--port N] [--url-file PATH]`: the tests' fake CodeArts server
// on 127.0.0.1, serving a short run (two polls running, then completed) until the process is stopped. The
// e2e workflow runs the action against it with `uses: ./`; `npx @github/local-action` runs src/ against it.
// Both API generations: v3 runs end `success` (`error` with --fail), v5 runs COMPLETED (FAILED). A run has
// the id the action asks for (after a start, the fake's started run), else `fake-run-1`. One server serves
// one action run: status requests advance one script, whichever run they ask for.
import { renameSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { parseArgs } from 'node:util'
import {
  scriptedRun,
  scriptedV5Run,
  startFakeCodeArts,
  type FakeStep
} from '../__tests__/support/fake-codearts.js'

const { values } = parseArgs({
  options: {
    fail: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    'url-file': { type: 'string' }
  }
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`--port must be a port number (0 for any free one), not ${values.port}`)
}
const RUNNING_POLLS = 2

const server = await startFakeCodeArts((request, index): FakeStep => {
  const v5 = request.path.startsWith('/v5/')
  const runId = request.query.get(v5 ? 'pipeline_run_id' : 'build_id') ?? 'fake-run-1'
  const steps = v5
    ? scriptedV5Run(runId, RUNNING_POLLS, values.fail ? 'FAILED' : 'COMPLETED')
    : scriptedRun(runId, RUNNING_POLLS, values.fail ? 'error' : 'success')
  const step = Math.min(index, steps.length - 1)
  console.log(`status of run ${runId} (${v5 ? 'v5' : 'v3'}): step ${step + 1} of ${steps.length}`)
  return steps[step]!
})

let url = server.url
if (port !== 0) {
  // The fake always listens on a free port; a fixed one (for a .env file) is relayed to it.
  const target = new URL(server.url)
  const relay = createServer(client => {
    const upstream = connect(Number(target.port), target.hostname)
    client.pipe(upstream).pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject)
    relay.listen(port, '127.0.0.1', resolve)
  })
  url = `http://127.0.0.1:${port}`
}

if (values['url-file']) {
  // Written whole, then renamed, so a step waiting for the file never reads half a URL.
  const partial = `${values['url-file']}.partial`
  writeFileSync(partial, url)
  renameSync(partial, values['url-file'])
}
console.log(`Fake CodeArts API on ${url}: ${values.fail ? 'failing' : 'succeeding'} runs.`)
