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

test.run();
