import { run } from './main.js'

await run()
// The verdict is out. A DNS lookup or proxy handshake abandoned at the deadline can still hold the
// event loop for many seconds; it must not hold the step.
setTimeout(() => process.exit(), 200).unref()
