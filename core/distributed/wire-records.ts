/**
 * The runners' records on the wire to their coordinator. A record's ITL
 * gaps are most of its bytes and most of the coordinator's JSON parsing (one
 * decimal number per token); they travel as the base64 of their float64
 * bits, little-endian, instead: a third fewer bytes, one string to parse per
 * record, and the same numbers bit for bit, so the merged summary stays
 * exact. Everything else of a worker message travels as it is.
 */
import type { RequestRecord } from '../client/types.js';
import type { BatchMsg, WorkerMsg } from '../workers/messages.js';

/** A record as sent: its ITL gaps packed (packItl). */
export type WireRecord = Omit<RequestRecord, 'itlMs'> & { itlMs: string };
export type WireBatch = Omit<BatchMsg, 'records'> & { records: WireRecord[] };
export type WireMsg = Exclude<WorkerMsg, BatchMsg> | WireBatch;

/** base64 of the gaps' float64 bits, little-endian on every machine. */
export function packItl(gaps: readonly number[]): string {
  if (gaps.length === 0) return '';
  const bytes = Buffer.allocUnsafe(gaps.length * 8);
  for (let i = 0; i < gaps.length; i++) bytes.writeDoubleLE(gaps[i]!, i * 8);
  return bytes.toString('base64');
}

export function unpackItl(packed: string): number[] {
  if (packed === '') return [];
  const bytes = Buffer.from(packed, 'base64');
  const n = bytes.length >>> 3;
  const gaps = new Array<number>(n);
  for (let i = 0; i < n; i++) gaps[i] = bytes.readDoubleLE(i * 8);
  return gaps;
}

/** The messages as a report carries them; the runner's own messages are left as they are. */
export function toWire(messages: readonly WorkerMsg[]): WireMsg[] {
  return messages.map((msg) => (msg.cmd === 'BATCH' ? { ...msg, records: msg.records.map((record) => ({ ...record, itlMs: packItl(record.itlMs) })) } : msg));
}

/**
 * A message of a report as the controller code takes it. In place: it was just parsed from the
 * report. Throws on a record whose gaps are not packed (a runner of another protocol version is
 * refused at registration, so this is a broken sender).
 */
export function fromWire(msg: WireMsg): WorkerMsg {
  if (msg.cmd !== 'BATCH') return msg;
  for (const record of msg.records) {
    if (typeof record.itlMs !== 'string') throw new TypeError('a record in a runner report has no packed ITL gaps');
    (record as unknown as RequestRecord).itlMs = unpackItl(record.itlMs);
  }
  return msg as unknown as BatchMsg;
}
