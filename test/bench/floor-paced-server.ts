/**
 * The floor for paced streaming: the least a Node server can do to send N
 * streams one SSE event each per fixed step, on absolute deadlines. No engine,
 * no request parsing beyond max_tokens, no faults, no metrics: one timer, and
 * per step one prebuilt chunk written to each stream's socket. It records its
 * step lag exactly as the simulator does (LagRecorder) and serves it on
 * GET /stats (POST /stats/reset), so sim-throughput.ts can run it with the
 * same clients and quote the simulator against it. Not part of llmload.
 *
 *   node dist/test/bench/floor-paced-server.js PORT STEP_MS
 *
 * Prints `listening on http://127.0.0.1:PORT` when ready; stops on SIGINT.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LagRecorder } from '../../core/sim/realtime-driver.js';

const [portArg = '0', stepArg = '20'] = process.argv.slice(2);
const stepMs = Number(stepArg);

interface PacedStream {
  res: ServerResponse;
  socket: Socket;
  /** The event of every token but the last, framed as an HTTP/1.1 chunk. */
  chunk: string;
  left: number;
}

const HEAD = 'data: {"id":"cmpl-floor","object":"text_completion","created":0,"model":"floor","choices":[{"index":0,"text":" tok","logprobs":null,';
const TOKEN = `${HEAD}"finish_reason":null,"stop_reason":null}]}\n\n`;
const FINAL = `${HEAD}"finish_reason":"length","stop_reason":null}]}\n\ndata: [DONE]\n\n`;
const framed = (event: string): string => `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`;
const TOKEN_FRAMED = framed(TOKEN);

const live = new Set<PacedStream>();
const lag = new LagRecorder();
const t0 = performance.now();
let step = 0;
let timer: NodeJS.Timeout | null = null;

function fire(): void {
  timer = null;
  lag.record(performance.now() - (t0 + step * stepMs));
  for (const s of live) {
    if (--s.left > 0) {
      s.socket.write(s.chunk);
    } else {
      live.delete(s);
      s.res.end(FINAL);
    }
  }
  schedule();
}

/** Next step at its absolute deadline, while any stream is live. */
function schedule(): void {
  if (live.size === 0 || timer !== null) return;
  const now = performance.now();
  step = Math.max(step + 1, Math.ceil((now - t0) / stepMs));
  timer = setTimeout(fire, t0 + step * stepMs - now);
}

const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  if (req.url === '/stats' || req.url === '/stats/reset') {
    if (req.url === '/stats/reset') lag.reset();
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ stepLag: lag.stats() }));
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { max_tokens?: number };
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    live.add({ res, socket: res.socket as Socket, chunk: TOKEN_FRAMED, left: body.max_tokens ?? 16 });
    schedule();
  });
});
server.on('connection', (socket) => socket.setNoDelay(true));
server.listen({ port: Number(portArg), host: '127.0.0.1', backlog: 4096 }, () => {
  const address = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.on('SIGINT', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
