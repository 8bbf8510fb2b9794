// The block pool: free counting, prefix registration, LRU eviction of cached prefixes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KvCache, type KvBlock } from '../../core/sim/kv-cache.js';

test('allocate and release count blocks; an unhashed block returns blank', () => {
  const kv = new KvCache(3, true);
  const a = kv.allocate()!;
  const b = kv.allocate()!;
  assert.is(kv.used, 2);
  assert.is(kv.free, 1);
  assert.is(kv.usage, 2 / 3);
  kv.release(a);
  kv.release(b);
  assert.is(kv.used, 0);
  assert.is(kv.cachedBlocks, 0);
});

test('a released hashed block stays cached until its space is needed, oldest first', () => {
  const kv = new KvCache(2, true);
  const a = kv.allocate()!;
  const b = kv.allocate()!;
  kv.register(a, 'A');
  kv.register(b, 'B');
  kv.release(a); // freed first: evicted first
  kv.release(b);
  assert.is(kv.free, 2);
  assert.is(kv.lookup(['A'], 10), 1);
  const c = kv.allocate()!;
  assert.is(c.hash, null);
  assert.is(kv.lookup(['A'], 10), 0, 'A was evicted');
  assert.is(kv.cachedBlocks, 1);
  assert.is(kv.allocate() !== null, true);
  assert.is(kv.allocate(), null, 'full');
});

test('acquiring a cached evictable block takes it out of the free pool and shares it', () => {
  const kv = new KvCache(4, true);
  const a = kv.allocate()!;
  kv.register(a, 'P');
  const into: KvBlock[] = [];
  kv.acquireCached(['P'], 1, into);
  assert.is(into[0], a);
  assert.is(a.refCount, 2);
  kv.release(a);
  kv.release(a);
  assert.is(kv.free, 4);
  assert.is(kv.evictableAmong(['P'], 1), 1);
  kv.acquireCached(['P'], 1, []);
  assert.is(kv.free, 3);
  assert.is(kv.evictableAmong(['P'], 1), 0);
});

test('lookup stops at maxBlocks and at the first miss', () => {
  const kv = new KvCache(8, true);
  for (const h of ['h0', 'h1', 'h2']) kv.register(kv.allocate()!, h);
  assert.is(kv.lookup(['h0', 'h1', 'h2'], 2), 2);
  assert.is(kv.lookup(['h0', 'zz', 'h2'], 3), 1);
});

test('without prefix caching nothing is registered or found', () => {
  const kv = new KvCache(2, false);
  const a = kv.allocate()!;
  kv.register(a, 'A');
  assert.is(a.hash, null);
  assert.is(kv.lookup(['A'], 1), 0);
});

test.run();
