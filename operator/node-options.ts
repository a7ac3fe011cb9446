// The V8 flags the operator runs with: the container's NODE_OPTIONS
// (deploy/operator.yaml) and the operator processes of the integration
// suites and the benchmark (test/operator/harness.ts), kept equal by a test.
//
// Why: the operator's allocations are short-lived JSON (watch events, API
// answers, rendered manifests) around a small live set (the shaped caches:
// about 60 MB at 1,000 bots). Left to its defaults V8 grows the heap far past
// that before collecting (230 MB committed for 60 MB used at 1,000 bots), and
// the resident set follows. A small young generation and an old-generation
// ceiling keep the heap near what is live; the ceiling leaves room for several
// times the 1,000-bot live set and stays well under the 512Mi limit.
export const operatorNodeOptions: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=192'];
