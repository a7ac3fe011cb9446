// A fan-out writer thread: waits for a batch, then takes chunks of it with the
// event loop and the other writers until none is left (socket-fan-out.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { Control, type WriterMemory, writeClaimed } from './socket-fan-out-writer.ts';

const memory = workerData as WriterMemory;
let wake = Atomics.load(memory.control, Control.WAKE);
parentPort?.postMessage('ready');
for (;;) {
  Atomics.wait(memory.control, Control.WAKE, wake);
  wake = Atomics.load(memory.control, Control.WAKE);
  writeClaimed(memory);
}
