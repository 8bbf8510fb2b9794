/**
 * One answer on the wire: turns the engine's tokens for one request into
 * SSE chunks (or one JSON body), and applies the request's mid-stream faults.
 *
 * The engine calls `onToken` at the end of each step that gave this request a
 * token; everything here is per token and cheap (string concatenation on
 * precomputed templates, one res.write per SSE event).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Sequence } from './engine.js';
import type { Fault } from './faults.js';
import type { SimMetrics } from './metrics-exposition.js';
import type { ParsedRequest } from './openai-request.js';
import type { FinishReason, OutputPlan } from './output-plan.js';
import { OutputText } from './output-text.js';
import type { DriverSink, RealtimeDriver } from './realtime-driver.js';
import { ChunkTemplates, DONE_EVENT, KEEP_ALIVE_EVENT, jsonText, type UsageFigures } from './sse-writer.js';
import { errorBody } from './vllm-errors.js';

/** Fault kinds that act inside an answer (the others act before it: status codes, slow headers, keep-alive). */
const MID_STREAM = new Set(['malformed', 'stall', 'error', 'reset']);

export interface StreamInit {
  res: ServerResponse;
  request: ParsedRequest;
  plan: OutputPlan;
  /** Seed of the answer's text. */
  textSeed: number;
  templates: ChunkTemplates;
  faults: readonly Fault[];
  tokensPerChunk: number;
  driver: RealtimeDriver<SimStream>;
  metrics: SimMetrics;
  /** Called once when the answer is over (sent, failed or abandoned). */
  onDone: (stream: SimStream) => void;
}

export class SimStream implements DriverSink {
  readonly finishReason: FinishReason;
  readonly #i: StreamInit;
  readonly #res: ServerResponse;
  readonly #text: OutputText;
  /** Characters of the answer the client may see (the text before a stop string). */
  readonly #visibleChars: number;
  /** Mid-stream faults not yet fired, by firing point. */
  readonly #pendingFaults: Fault[];
  #seq: Sequence<SimStream> | null = null;
  /** Tokens handed out so far (streamed, or added to the body). */
  #sent = 0;
  /** Characters of the full answer generated so far. */
  #chars = 0;
  /** Escaped text waiting for the chunk to fill (tokensPerChunk > 1). */
  #chunkText = '';
  #chunkTokens = 0;
  /** Non-streamed: the answer so far. */
  #body = '';
  #done = false;
  /** While stalled, writes queue here and run when the stall ends. */
  #stalled: Array<() => void> | null = null;
  /** Stall timers (they flush queued bytes, so they outlive the engine's part). */
  #timers: Array<NodeJS.Timeout> = [];
  #keepAlive: NodeJS.Timeout | null = null;
  #malformedBody = false;
  #normal = false;
  /**
   * Set when SSE bytes go straight to the socket with HTTP/1.1 chunk framing, skipping
   * ServerResponse's per-write bookkeeping: about 1 µs of the ~8 µs a streamed token costs on
   * loopback (the rest is the send syscall). Only for a chunked response that owns its socket;
   * res.end() still writes the terminating chunk, after ours, on the same socket.
   */
  #socket: Socket | null = null;

  constructor(init: StreamInit) {
    this.#i = init;
    this.#res = init.res;
    this.finishReason = init.plan.finishReason;
    this.#text = new OutputText(init.textSeed);
    this.#visibleChars = init.plan.visibleChars ?? Number.POSITIVE_INFINITY;
    // A fault set past the end fires before the last token, so that it is always seen.
    const lastPoint = init.plan.tokens - 1;
    this.#pendingFaults = init.faults
      .filter((f) => MID_STREAM.has(f.kind))
      .map((f) => ({ ...f, after: Math.min(f.after, lastPoint) }))
      .sort((a, b) => a.after - b.after);
  }

  /** Send the headers (streaming), hand the request to the engine, watch for the client leaving. */
  start(): void {
    const { request, templates, plan, driver } = this.#i;
    this.#res.on('close', this.#onClose);
    if (request.stream) {
      this.#res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-request-id': templates.id,
      });
      // vLLM's StreamingResponse sends the status line at once, before the first token.
      this.#res.flushHeaders();
      // `chunkedEncoding` is ServerResponse's own flag (set when the headers are stored); HTTP/1.0 clients get no chunking.
      if ((this.#res as unknown as { chunkedEncoding?: boolean }).chunkedEncoding === true) this.#socket = this.#res.socket;
      const keepAlive = this.#i.faults.find((f) => f.kind === 'keepAlive');
      if (keepAlive !== undefined) this.#startKeepAlive(keepAlive.seconds);
    }
    this.#seq = driver.submit({
      id: templates.id,
      promptTokens: request.prompt.count,
      blockHashes: request.prompt.blockHashes,
      outputTokens: plan.tokens,
      tag: this,
    });
  }

  /**
   * Tokens from the engine: those numbered after the last one sent, up to seq.generated (one,
   * unless the driver merged late steps). Their events leave in one write.
   */
  onToken(seq: Sequence<DriverSink>): void {
    const { request, templates } = this.#i;
    const finished = seq.status === 'finished';
    let out = '';
    for (let n = this.#sent + 1; n <= seq.generated && !this.#done; n++) {
      this.#sent = n;
      // Faults fire when the token after their point is due, so the client has had a step's time
      // to read what came before; the events before them leave first.
      if (this.#pendingFaults.length > 0 && (this.#pendingFaults[0] as Fault).after <= n - 1) {
        if (out !== '') this.#write(out);
        out = '';
        if (this.#fireFaults(n - 1)) return;
      }
      const last = finished && n === seq.generated;
      const token = this.#text.next();
      const start = this.#chars;
      this.#chars += token.length;
      // Only the part before a stop string is ever sent.
      const visible = start >= this.#visibleChars ? '' : this.#chars <= this.#visibleChars ? token : token.slice(0, this.#visibleChars - start);
      if (!request.stream) {
        this.#body += visible;
        if (last) this.#finishBody(seq);
        continue;
      }
      // The role chunk travels with the first token, and the last events with each other: whole
      // events, fewer send calls.
      const role = n === 1 && request.api === 'chat' ? templates.role() : '';
      this.#chunkText += jsonText(visible);
      this.#chunkTokens++;
      if (last) {
        const usage = request.continuousUsage ? this.#usage(seq, n) : undefined;
        const final = templates.final(this.#chunkText, this.finishReason, this.#i.plan.stopReason, usage);
        this.#end(out + role + final + (request.includeUsage ? templates.usage(this.#usage(seq, n)) : '') + DONE_EVENT);
        return;
      }
      if (this.#chunkTokens >= this.#i.tokensPerChunk) {
        out += role + templates.token(this.#chunkText, request.continuousUsage ? this.#usage(seq, n) : undefined);
        this.#chunkText = '';
        this.#chunkTokens = 0;
      } else if (role !== '') {
        out += role;
      }
    }
    if (out !== '') this.#write(out);
  }

  /** True once the whole answer was handed to the socket (not cut short by a fault or the client). */
  get finishedNormally(): boolean {
    return this.#normal;
  }

  /** Close the response at once (server shutdown). */
  destroy(): void {
    if (this.#done) return;
    this.#res.destroy();
    this.#onClose();
  }

  /** Usage after `completionTokens` tokens. */
  #usage(seq: Sequence<DriverSink>, completionTokens: number): UsageFigures {
    return { promptTokens: this.#i.request.prompt.count, completionTokens, cachedTokens: seq.cachedTokens };
  }

  #finishBody(seq: Sequence<DriverSink>): void {
    let body = this.#i.templates.body(this.#body, this.finishReason, this.#i.plan.stopReason, this.#usage(seq, seq.generated));
    if (this.#malformedBody) body = body.slice(0, Math.floor(body.length / 2));
    this.#run(() => {
      this.#res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': this.#i.templates.id });
      this.#res.end(body);
    });
    this.#finish();
  }

  /** Fire every pending fault whose point is `sent` tokens. Returns true when the answer is over. */
  #fireFaults(sent: number): boolean {
    const pending = this.#pendingFaults;
    while (pending.length > 0 && (pending[0] as Fault).after <= sent) {
      const fault = pending.shift() as Fault;
      switch (fault.kind) {
        case 'malformed':
          if (this.#i.request.stream) this.#write(this.#i.templates.malformed());
          else this.#malformedBody = true;
          break;
        case 'stall':
          this.#stall(fault.seconds);
          break;
        case 'error':
          this.#failWithError();
          return true;
        case 'reset':
          this.#reset();
          return true;
        default:
          break;
      }
    }
    return false;
  }

  /** vLLM's way to report a failure after HTTP 200: an error event, then [DONE]. */
  #failWithError(): void {
    const message = 'llmload simulator: injected engine error';
    this.#abandon();
    if (this.#i.request.stream) {
      this.#write(this.#i.templates.error(500, message) + DONE_EVENT);
      this.#run(() => this.#res.end());
    } else {
      this.#run(() => {
        this.#res.writeHead(500, { 'content-type': 'application/json' });
        this.#res.end(errorBody(500, message));
      });
    }
  }

  /** Reset the TCP connection (RST, not FIN): what a crashed server or a proxy timeout looks like. */
  #reset(): void {
    const socket = this.#res.socket;
    this.#abandon();
    if (socket === null) return void this.#res.destroy();
    // An RST discards unsent bytes: let the tokens already written leave first (an empty write completes
    // after every earlier one), so the client sees exactly the tokens before the fault.
    this.#run(() => socket.write('', () => socket.resetAndDestroy()));
  }

  #stall(seconds: number): void {
    if (this.#stalled !== null) return;
    const queued: Array<() => void> = [];
    this.#stalled = queued;
    this.#timers.push(
      setTimeout(() => {
        this.#stalled = null;
        for (const op of queued) op();
      }, seconds * 1000),
    );
  }

  #startKeepAlive(seconds: number): void {
    const beat = (): void => {
      // A stall means no bytes at all: comments wait too.
      if (this.#stalled === null && !this.#res.writableEnded) this.#send(KEEP_ALIVE_EVENT);
    };
    beat();
    this.#keepAlive = setInterval(beat, Math.max(1, seconds * 1000));
  }

  /** Write SSE text now, or after the stall when stalled. */
  #write(data: string): void {
    if (this.#stalled !== null) this.#stalled.push(() => this.#send(data));
    else this.#send(data);
  }

  #send(data: string): void {
    const socket = this.#socket;
    if (socket === null) {
      if (!this.#res.destroyed) this.#res.write(data);
    } else if (!socket.destroyed) {
      socket.write(`${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`);
    }
  }

  /** Run a response operation now, or after the stall when stalled; never on a closed response. */
  #run(op: () => void): void {
    if (this.#stalled !== null) this.#stalled.push(() => this.#run(op));
    else if (!this.#res.destroyed) op();
  }

  /**
   * End the answer with its last events: res.end(data) sends them and the terminating chunk in one
   * send call (streams often finish together, and a second call per stream made those steps late).
   */
  #end(last: string): void {
    this.#run(() => this.#res.end(last));
    this.#finish();
  }

  /** The engine is done with this request (it finished); the bytes may still be queued by a stall. */
  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#normal = true;
    this.#stopKeepAlive();
    this.#i.onDone(this);
  }

  /**
   * The request ends before its answer: drop it from the engine. Stall timers stay, so that bytes
   * queued before the fault (and the fault itself) still go out when the stall ends.
   */
  #abandon(): void {
    if (this.#done) return;
    if (this.#seq !== null && this.#seq.status !== 'finished') {
      this.#i.driver.abort(this.#seq);
      this.#i.metrics.aborted();
    }
    this.#done = true;
    this.#stopKeepAlive();
    this.#i.onDone(this);
  }

  #stopKeepAlive(): void {
    if (this.#keepAlive !== null) clearInterval(this.#keepAlive);
    this.#keepAlive = null;
  }

  readonly #onClose = (): void => {
    this.#abandon();
    // The client is gone: nothing queued by a stall can be sent any more.
    this.#stopKeepAlive();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  };
}
