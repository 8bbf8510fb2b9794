/**
 * Entry of the chart thread (chart-renderer.ts): loads vega as soon as it
 * starts, then draws each chart it is sent, in order, and on CLOSE saves the
 * bundles' code caches and ends.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { toErrorRecord } from '../errors.js';
import type { FromChartWorker, ToChartWorker } from './chart-renderer.js';
import { renderSvg } from './render-svg.js';
import { loadVega, saveBundleCodeCaches } from './vega-bundles.js';

function serve(port: MessagePort): void {
  const post = (message: FromChartWorker): void => port.postMessage(message);
  // A failure to load surfaces as each chart's error.
  let queue: Promise<unknown> = loadVega().catch(() => undefined);
  port.on('message', (message: ToChartWorker) => {
    if (message.cmd === 'RENDER') {
      queue = queue.then(() =>
        renderSvg(message.name, message.spec).then(
          (svg) => post({ cmd: 'SVG', id: message.id, svg }),
          (error: unknown) => post({ cmd: 'ERROR', id: message.id, error: toErrorRecord(error) }),
        ),
      );
    } else {
      void queue
        .then(() => saveBundleCodeCaches())
        .finally(() => {
          post({ cmd: 'CLOSED' });
          port.close();
        });
    }
  });
}

if (parentPort === null) throw new Error('chart-worker.js must run as a worker thread (use chartRendererThread)');
serve(parentPort);
