import * as assert from 'node:assert/strict';
import { silentLogger } from '@classpod/observability';
import { openEndpoint } from '../../../src/connection/open-endpoint';
import { ReconnectingConnection } from '../../../src/connection/reconnecting-connection';
import { CourseCatalog } from '../../../src/courses/course-catalog';
import { startFakeHub, type FakeHub } from '../fake-hub';

describe('CourseCatalog', function () {
  let hub: FakeHub;
  let connection: ReconnectingConnection;

  beforeEach(async function () {
    hub = await startFakeHub();
    connection = new ReconnectingConnection(() =>
      openEndpoint({ server: new URL(hub.url), path: '/v1/connect', token: 'alice-token', capabilities: [], clientVersion: 't', logger: silentLogger }),
    );
  });
  afterEach(async function () {
    connection.dispose();
    await hub.close();
  });

  it('lists assignments soonest due first, undated last, and follows the hub clock', async function () {
    const now = Date.now();
    const base = hub.assignments[0]!;
    hub.assignments = [
      { ...base, id: 'later', title: 'Later', dueAt: new Date(now + 9 * 86_400_000).toISOString() },
      { ...base, id: 'undated', title: 'Undated', dueAt: undefined },
      { ...base, id: 'soon', title: 'Soon', dueAt: new Date(now + 86_400_000).toISOString() },
    ];
    const times: string[] = [];
    const catalog = new CourseCatalog(() => connection.ready(), (iso) => times.push(iso));
    await catalog.refresh();
    assert.deepEqual(catalog.courses()[0]!.assignments.map((a) => a.id), ['soon', 'later', 'undated']);
    assert.equal(times.length, 1, 'the server time of the answer is reported');
  });

  it('shows a new score when one course is read again, and tells its listeners', async function () {
    const catalog = new CourseCatalog(() => connection.ready());
    await catalog.refresh();
    let changes = 0;
    catalog.onDidChange(() => changes++);
    hub.assignments = [{ ...hub.assignments[0]!, state: 'graded', score: 9, maxScore: 10 }];
    await catalog.refreshCourse('cs101');
    assert.equal(catalog.find('cs101', 'hello-c')?.score, 9);
    assert.equal(changes, 1);
    catalog.clear();
    assert.equal(catalog.courses().length, 0);
  });
});
