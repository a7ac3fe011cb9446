// What the server scripts print: one prefixed line per step, on stderr so that
// stdout stays free for machine-readable output.
export function say(message: string): void {
  process.stderr.write(`[servers] ${message}\n`);
}
