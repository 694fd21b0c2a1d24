// An edit that reached the workspace makes "not started" worth reading again; nothing else does.

import * as assert from 'node:assert/strict';
import { stateMayHaveChanged } from '../../../src/courses/state-refresh';

describe('reading an assignment state again after a sync', function () {
  it('reads "not started" again once changes reached the workspace', function () {
    assert.equal(stateMayHaveChanged('not started', 1), true);
  });
  it('leaves it when nothing went to the workspace', function () {
    assert.equal(stateMayHaveChanged('not started', 0), false);
  });
  it('leaves the states a submission changes, which the hub announces', function () {
    for (const s of ['in progress', 'submitted', 'late', 'graded'] as const) assert.equal(stateMayHaveChanged(s, 3), false, s);
    assert.equal(stateMayHaveChanged(undefined, 3), false);
  });
});
