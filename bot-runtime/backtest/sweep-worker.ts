// A sweep worker: loads the candles once, then backtests each combination it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { type Combination, evaluate, loadMarkets, type SweepJob } from './sweep.ts';

const job = workerData as SweepJob;
const markets = loadMarkets(job.data);
const port = parentPort!;
port.on('message', (m: { i: number; params: Combination }) => {
  port.postMessage({ i: m.i, row: evaluate(job, markets, m.params) });
});
port.postMessage({ ready: true });
