// npm run mutate (not in CI: minutes per kernel mutation) is only worth its
// table while every mutation still applies to the code. This checks that in
// CI, so a change that moves or rewrites the mutated lines updates
// scripts/mutations.ts with it instead of leaving mutations silently stale.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { MUTATIONS, anchors } from '../scripts/mutations';

const root = fileURLToPath(new URL('..', import.meta.url));

test('every mutation of npm run mutate applies to the code as it is (each original text occurs exactly once)', () => {
  const stale = MUTATIONS.flatMap((m) =>
    anchors(root, m).flatMap((count, i) =>
      count === 1 ? [] : [`${m.id}: edit ${i + 1} occurs ${count} times in ${m.file} (update scripts/mutations.ts to the new code)`]),
  );
  assert.equal(stale, []);
});

test('mutation ids are unique and each names the test expected to catch it', () => {
  const ids = MUTATIONS.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const m of MUTATIONS) if (m.equivalent === undefined) assert.ok(m.expect.length > 0, m.id);
});

test.run();
