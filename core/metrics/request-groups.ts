/**
 * Requests split into rows by tag values: one RequestStats per sweep level,
 * per scenario, per stage. A definition names the tags whose values key a
 * row; a request joins a definition's row only when it carries all of them.
 */
import { TAG_LEVEL, TAG_SCENARIO, TAG_NAME, TAG_RATE, TAG_STAGE } from './builtin.js';
import type { EncodedRequestStats, RequestStats } from './request-stats.js';
import type { Tags } from './types.js';

export interface GroupDefinition {
  name: string;
  /** A request joins the group only when it carries every one of these tags. */
  tags: readonly string[];
}

/** Per scenario, per sweep level, per stage, per request name and per rate-sweep rate (each within its scenario). */
export const DEFAULT_GROUPS: readonly GroupDefinition[] = Object.freeze([
  { name: 'scenario', tags: [TAG_SCENARIO] },
  { name: 'level', tags: [TAG_SCENARIO, TAG_LEVEL] },
  { name: 'stage', tags: [TAG_SCENARIO, TAG_STAGE] },
  { name: 'name', tags: [TAG_SCENARIO, TAG_NAME] },
  { name: 'rate', tags: [TAG_SCENARIO, TAG_RATE] },
]);

export interface EncodedGroups {
  name: string;
  members: EncodedRequestStats[];
}

export class RequestGroups {
  readonly definitions: readonly GroupDefinition[];
  readonly #members = new Map<string, Map<string, RequestStats>>();
  readonly #create: (tags: Record<string, string>) => RequestStats;

  /** `create` makes an empty RequestStats for a row's tags. */
  constructor(definitions: readonly GroupDefinition[], create: (tags: Record<string, string>) => RequestStats) {
    this.definitions = definitions.map((g) => ({ name: g.name, tags: [...g.tags] }));
    this.#create = create;
    for (const def of this.definitions) this.#members.set(def.name, new Map());
  }

  /** The rows a request with these tags belongs to (one per definition it qualifies for), created on first use. */
  statsFor(tags: Tags): RequestStats[] {
    const out: RequestStats[] = [];
    for (const def of this.definitions) {
      if (!def.tags.every((t) => Object.hasOwn(tags, t))) continue;
      const values: Record<string, string> = {};
      for (const t of def.tags) values[t] = tags[t]!;
      out.push(this.#member(def, values));
    }
    return out;
  }

  /** The rows of one definition, in order of first request. */
  members(name: string): RequestStats[] {
    return [...(this.#members.get(name)?.values() ?? [])];
  }

  encode(): EncodedGroups[] {
    return [...this.#members].map(([name, members]) => ({ name, members: [...members.values()].map((m) => m.encode()) }));
  }

  /** Merge encoded rows into the matching rows (definitions this instance lacks are ignored). */
  merge(groups: readonly EncodedGroups[], decode: (encoded: EncodedRequestStats) => RequestStats): void {
    for (const group of groups) {
      const def = this.definitions.find((g) => g.name === group.name);
      if (def === undefined) continue;
      for (const member of group.members) this.#member(def, member.tags).merge(decode(member));
    }
  }

  #member(def: GroupDefinition, tags: Readonly<Record<string, string>>): RequestStats {
    const members = this.#members.get(def.name)!;
    const key = def.tags.map((t) => tags[t] ?? '').join('\u0001');
    let stats = members.get(key);
    if (stats === undefined) {
      const own: Record<string, string> = {};
      for (const t of def.tags) own[t] = tags[t] ?? '';
      stats = this.#create(own);
      members.set(key, stats);
    }
    return stats;
  }
}
