/**
 * Entry of the simulator's own worker thread (startSimulatorThread): runs the
 * HTTP server and its engine on this thread's event loop, so that the load
 * generator's loop never waits for the simulator's timers and writes.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { toErrorRecord } from '../errors.js';
import { startSimulator } from './index.js';
import type { FromSimWorker, SimWorkerData, ToSimWorker } from './thread-messages.js';

async function main(port: MessagePort): Promise<void> {
  const post = (message: FromSimWorker): void => port.postMessage(message);
  const { options } = workerData as SimWorkerData;
  let handle;
  try {
    handle = await startSimulator(options);
  } catch (error) {
    post({ cmd: 'ERROR', error: toErrorRecord(error) });
    port.close();
    return;
  }
  const sim = handle;
  port.on('message', (message: ToSimWorker) => {
    if (message.cmd === 'STATS') {
      void sim.stats().then((data) => post({ cmd: 'STATS', id: message.id, data }));
    } else if (message.cmd === 'CLOSE') {
      void sim.close().then(() => post({ cmd: 'CLOSED' }));
    }
  });
  post({ cmd: 'READY', url: sim.url, host: sim.host, port: sim.port, model: sim.model, preset: sim.preset });
}

if (parentPort === null) throw new Error('sim-worker.js must run as a worker thread (use startSimulatorThread)');
await main(parentPort);
