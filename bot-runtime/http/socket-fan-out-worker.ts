// A fan-out writer thread: waits for a batch, writes it to each descriptor it
// was given, says it is done (socket-fan-out.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { Control, WRITER_DEAD, type WriterMemory, writeDirect } from './socket-fan-out-writer.ts';

const { control, fds, results, data } = workerData as WriterMemory;
let seen = 0;
parentPort?.postMessage('ready');
try {
  for (;;) {
    Atomics.wait(control, Control.SEQ, seen);
    seen = Atomics.load(control, Control.SEQ);
    const count = control[Control.COUNT]!;
    const batch = data.subarray(0, control[Control.LENGTH]!);
    for (let i = 0; i < count; i++) results[i] = writeDirect(fds[i]!, batch);
    Atomics.store(control, Control.DONE, seen);
    Atomics.notify(control, Control.DONE);
  }
} finally {
  // The event loop must never wait for a writer that is gone.
  Atomics.store(control, Control.DONE, WRITER_DEAD);
  Atomics.notify(control, Control.DONE);
}
