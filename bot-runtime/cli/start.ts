// `npm start`: until the runtime lands (issue 6), say what the demo will do.
export async function runStart(): Promise<void> {
  console.log(
    [
      'Bot Core demo (npm start)',
      '',
      'When the runtime lands, this runs a paper-trading bot from examples/ on a sped-up',
      'replay of the bundled real candles, with its status endpoint on http://127.0.0.1:8080.',
      'Today the workspace, the botcore command and the test servers are ready:',
      '  npx botcore --help     the command line',
      '  npm run env:up         start the real test servers (Kubernetes, NATS, Redis, MongoDB protocol)',
      '  npm test               every test, starting the servers it needs',
    ].join('\n'),
  );
}
