/**
 * A multi-turn chat held by one VU (`vu.conversation()`): the history grows
 * turn by turn, every request carries all of it (so a server with prefix
 * caching reuses the earlier turns, as with real chat users), and the VU
 * thinks between turns.
 */
import type { ChatBody, ChatMessage } from '../client/request-types.js';
import type { RequestResult } from '../client/types.js';
import { createRng, mixSeed, type Rng } from '../executors/random.js';
import { parseDuration } from '../options/duration.js';
import type { ChatConversation, ConversationOptions, VU } from './vu-api.js';

/** Conversations started in this thread, so each gets its own think-time stream. */
let started = 0;

export class Conversation implements ChatConversation {
  readonly messages: ChatMessage[] = [];
  turns = 0;
  readonly #vu: VU;
  readonly #options: ConversationOptions;
  readonly #thinkMs: readonly [number, number];
  readonly #rng: Rng;

  constructor(vu: VU, options: ConversationOptions) {
    this.#vu = vu;
    this.#options = options;
    const think = options.thinkTime;
    this.#thinkMs =
      think === undefined
        ? [0, 0]
        : Array.isArray(think)
          ? [parseDuration(think[0], 'conversation thinkTime[0]'), parseDuration(think[1], 'conversation thinkTime[1]')]
          : [parseDuration(think, 'conversation thinkTime'), parseDuration(think, 'conversation thinkTime')];
    this.#rng = createRng(mixSeed(vu.id, ++started));
    if (options.system !== undefined) this.messages.push({ role: 'system', content: options.system });
  }

  async say(content: string, body?: Partial<ChatBody>): Promise<RequestResult> {
    if (this.turns > 0) await this.#think();
    this.messages.push({ role: 'user', content });
    const request: ChatBody = { ...this.#options.body, ...body, messages: [...this.messages] };
    let options = this.#options.options;
    if (this.#options.tagTurns === true) options = { ...options, tags: { ...options?.tags, turn: String(this.turns + 1) } };
    const result = await this.#vu.chat(request, options);
    if (result.ok) {
      this.messages.push({ role: 'assistant', content: result.text });
      this.turns++;
    } else {
      this.messages.pop();
    }
    return result;
  }

  async replay(turns: readonly string[], body?: Partial<ChatBody>): Promise<RequestResult[]> {
    const results: RequestResult[] = [];
    for (const turn of turns) {
      if (this.#vu.signal.aborted) break;
      const result = await this.say(turn, body);
      results.push(result);
      if (!result.ok) break;
    }
    return results;
  }

  /** The think time: fixed, or uniform in [min, max]; wakes early when the iteration is interrupted. */
  #think(): Promise<void> {
    const [min, max] = this.#thinkMs;
    const ms = min + (max - min) * this.#rng();
    return ms > 0 ? this.#vu.sleep(ms / 1000) : Promise.resolve();
  }
}
