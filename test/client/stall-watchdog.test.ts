import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StallWatchdog, type Watched } from '../../core/client/stall-watchdog.js';

class Probe implements Watched {
  checks = 0;
  constructor(readonly onCheck: (probe: Probe) => void = () => {}) {}
  check(): void {
    this.checks++;
    this.onCheck(this);
  }
}

test('the period is a fifth of the shortest timeout, between 10 and 250 ms, and only shrinks while running', () => {
  const dog = new StallWatchdog<Probe>();
  dog.add(new Probe(), 60_000);
  assert.is(dog.periodMs, 250);
  dog.add(new Probe(), 500);
  assert.is(dog.periodMs, 100);
  dog.add(new Probe(), 2000);
  assert.is(dog.periodMs, 100);
  dog.add(new Probe(), 1);
  assert.is(dog.periodMs, 10);
  dog.close();
  assert.is(dog.items.size, 0);
});

test('every watched item is checked on each tick; an item may remove itself while being checked', async () => {
  const dog = new StallWatchdog<Probe>();
  const stays = new Probe();
  const leaves = new Probe((probe) => dog.delete(probe));
  dog.add(stays, 50);
  dog.add(leaves, 50);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.is(leaves.checks, 1);
  assert.ok(stays.checks >= 2, `checked ${stays.checks} times`);
  assert.is(dog.items.size, 1);
  dog.delete(stays);
  const after = stays.checks;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.is(stays.checks, after, 'the timer stops when nothing is watched');
});

/** An item that says when it could first be due (Watched.earliestDue); its checks note their time. */
class Deadline implements Watched {
  readonly checkedAt: number[] = [];
  constructor(public dueAt: number) {}
  check(now: number): void {
    this.checkedAt.push(now);
  }
  earliestDue(): number {
    return this.dueAt;
  }
}

test('an item that says when it could be due is not checked before then: an idle stream does not wake the thread each period', async () => {
  const dog = new StallWatchdog<Deadline>();
  const never = new Deadline(Infinity);
  const soon = new Deadline(performance.now() + 80);
  dog.add(never, 50);
  dog.add(soon, 50);
  assert.is(dog.periodMs, 10);
  const until = performance.now() + 200;
  while (performance.now() < until || soon.checkedAt.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(
    soon.checkedAt.every((at) => at >= soon.dueAt),
    `checked at ${soon.checkedAt.map((at) => (at - soon.dueAt).toFixed(1)).join(', ')} ms from its due time`,
  );
  // One tick at the due time checks every item; before it, none ran (a 10 ms period would have checked ~8 times).
  assert.ok(never.checkedAt.every((at) => at >= soon.dueAt));
  // Its bound moved on: the timer sleeps until then, not every period.
  soon.dueAt = Infinity;
  const before = soon.checkedAt.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(soon.checkedAt.length <= before + 1, `${soon.checkedAt.length - before} checks while nothing was due`);
  dog.close();
});

test.run();
