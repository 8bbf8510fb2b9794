/**
 * Pass/fail counts per check and group, from `checks` samples (tags `check`
 * and `group`), for k6's root_group tree in the summary.
 */
import { TAG_CHECK, TAG_GROUP } from './builtin.js';
import type { Tags } from './types.js';

/** Pass/fail counts of one check within one group. */
export interface CheckRecord {
  /** k6 group path: '' for the root, '::outer::inner' otherwise. */
  group: string;
  name: string;
  passes: number;
  fails: number;
}

export class CheckTable {
  readonly #records = new Map<string, CheckRecord>();

  /** Count one `checks` sample. */
  count(tags: Tags | undefined, ok: boolean): void {
    const record = this.#record(normalizeGroupPath(tags?.[TAG_GROUP] ?? ''), tags?.[TAG_CHECK] ?? '');
    if (ok) record.passes++;
    else record.fails++;
  }

  /** Copies of the records, in order of first result. */
  records(): CheckRecord[] {
    return [...this.#records.values()].map((c) => ({ ...c }));
  }

  merge(records: readonly CheckRecord[]): void {
    for (const check of records) {
      const mine = this.#record(check.group, check.name);
      mine.passes += check.passes;
      mine.fails += check.fails;
    }
  }

  #record(group: string, name: string): CheckRecord {
    const key = `${group}\u0000${name}`;
    let record = this.#records.get(key);
    if (record === undefined) {
      record = { group, name, passes: 0, fails: 0 };
      this.#records.set(key, record);
    }
    return record;
  }
}

/** k6 group paths start with '::' ('' at the root); a bare name 'g' means '::g'. */
export function normalizeGroupPath(group: string): string {
  if (group === '' || group.startsWith('::')) return group;
  return `::${group}`;
}
