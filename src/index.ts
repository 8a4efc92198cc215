import { run } from './main.js'

// The step waits far more than it computes: V8's optimising compilers would add about 12 MB of resident
// memory over a long wait (measured with npm run bench) to speed up code that runs once per poll. Turned
// off once the first request is on its way, as loading node:v8 costs more start-up than all the rest.
setTimeout(() => {
  void import('node:v8').then(v8 => {
    v8.setFlagsFromString('--no-maglev')
    v8.setFlagsFromString('--no-turbofan')
  })
}, 100).unref()

// No top-level await: the bundle is CommonJS (scripts/bundle.ts). run() reports its own errors.
void run().then(() => {
  // The verdict is out. A DNS lookup or proxy handshake abandoned at the deadline can still hold the
  // event loop for many seconds; it must not hold the step.
  setTimeout(() => process.exit(), 200).unref()
})
