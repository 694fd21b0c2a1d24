// The similarity pages as the webview gets them and the client as the hub
// sees it: a strict content security policy, the notice that similarity is
// evidence and not a verdict, pairs in rank order with the earlier offering
// marked, every text from the hub escaped, fragments coloured alike on both
// sides, and a client that pages through every pair and waits for a check.

import * as assert from 'node:assert/strict';
import type { SimilarityPair, SimilarityRun } from '@classpod/protocol';
import { ListSimilarityPairsRequest, SimilarityStatusRequest } from '@classpod/protocol';
import type { HubRequester } from '../../../../src/professor/hub-requester';
import { pairPage, pairsPage } from '../../../../src/professor/similarity/similarity-html';
import { describePair, EVIDENCE_NOTICE, lineFragments, runSummary, SimilarityClient } from '../../../../src/professor/similarity/similarity-model';

const FRAME = { title: 'Similarity: c-sum', nonce: 'n0nce', cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/similarity.js' };

const RUN: SimilarityRun = {
  id: 'sim_1',
  courseId: 'cs101',
  assignmentId: 'c-sum',
  earlierCourseIds: ['cs101-2025'],
  state: 'done',
  done: 0,
  total: 0,
  language: 'c',
  submissionCount: 3,
  fileCount: 3,
  pairCount: 2,
  skipped: [{ submissionId: 's_1', studentId: 'alice', path: 'a.out', reason: 'not text' }],
  skippedCount: 1,
  requestedBy: 'prof',
  requestedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:02.000Z',
};

const side = (studentId: string, name: string, earlier = false) => ({ submissionId: `s_${studentId}`, studentId, studentName: name, courseId: earlier ? 'cs101-2025' : 'cs101', path: 'sum.c', earlier });
const PAIRS: SimilarityPair[] = [
  { id: 'p_1', rank: 1, left: side('alice', 'Alice <script>'), right: side('bob', 'Bob'), similarity: 0.934, longestFragment: 40, overlap: 60, fragmentCount: 2 },
  { id: 'p_2', rank: 2, left: side('carol', 'Carol'), right: side('erin', 'Erin', true), similarity: 0.71, longestFragment: 1, overlap: 30, fragmentCount: 1 },
];

describe('similarity pages', () => {
  it('has a strict content security policy and the evidence notice on both pages', () => {
    const opened = { pair: PAIRS[0]!, left: { path: 'sum.c', content: 'a\nb\n' }, right: { path: 'sum.c', content: 'a\nb\n' }, fragments: [] };
    for (const html of [pairsPage(FRAME, RUN, PAIRS), pairPage(FRAME, opened)]) {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
      assert.ok(csp);
      assert.match(csp, /^default-src 'none'; /);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      assert.deepEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), [`<script nonce="n0nce" src="${FRAME.scriptUri}">`]);
      assert.doesNotMatch(html, /\son[a-z]+=|\sstyle="/i, 'no inline handlers or style attributes (the policy would block them)');
      assert.ok(html.includes(EVIDENCE_NOTICE.replace(/"/g, '&quot;')), 'says it is evidence, not a verdict');
      assert.doesNotMatch(html, /https?:\/\/(?!file\+\.vscode-resource)/, 'nothing remote');
    }
  });

  it('lists the pairs in rank order, in words, with the earlier offering marked and names escaped', () => {
    const html = pairsPage(FRAME, RUN, PAIRS);
    assert.deepEqual([...html.matchAll(/data-pair="([^"]+)"/g)].map((m) => m[1]), ['p_1', 'p_2']);
    assert.ok(html.includes('Alice &lt;script&gt;') && !html.includes('Alice <script>'));
    assert.match(html, /93%/);
    assert.match(html, /<span class="mark earlier">earlier offering \(cs101-2025\)<\/span>/);
    assert.equal(describePair(PAIRS[1]!).label, 'Rank 2: Carol and Erin, 71% similar, longest fragment 1 k-gram, 1 fragment, earlier offering (cs101-2025). Enter opens them side by side.');
    assert.match(html, /a\.out — not text/);
    assert.equal(runSummary(RUN), '3 final submissions · 3 files (c) · 2 pairs · with cs101-2025 · 1 file left out');
    assert.equal(runSummary({ ...RUN, state: 'running', phase: 'comparing with Dolos', done: 2, total: 9 }), 'comparing with Dolos (2 of 9)…');
    assert.equal(runSummary({ ...RUN, state: 'failed', message: 'more than 2 files' }), 'The check stopped: more than 2 files');
  });

  it('colours each fragment alike on both sides, the longest winning a shared line', () => {
    assert.deepEqual(lineFragments(6, [{ startRow: 1, endRow: 3 }, { startRow: 3, endRow: 4 }, { startRow: 9, endRow: 12 }]), [undefined, 0, 0, 0, 1, undefined]);
    const opened = {
      pair: PAIRS[0]!,
      left: { path: 'sum.c', content: 'int a;\nint b;\nint <c>;\n' },
      right: { path: 'copy.c', content: 'x\nint a2;\nint b2;\n' },
      fragments: [{ left: { startRow: 0, startCol: 0, endRow: 1, endCol: 5 }, right: { startRow: 1, startCol: 0, endRow: 2, endCol: 6 } }],
    };
    const html = pairPage(FRAME, opened);
    const left = html.slice(html.indexOf('data-side="left"'), html.indexOf('data-side="right"'));
    const right = html.slice(html.indexOf('data-side="right"'));
    assert.equal([...left.matchAll(/class="frag f0" data-fragment="0"/g)].length, 2);
    assert.equal([...right.matchAll(/class="frag f0" data-fragment="0"/g)].length, 2);
    assert.ok(left.includes('int &lt;c&gt;;'));
    assert.match(html, /Fragment 1: lines 1–2 ↔ 2–3/);
  });
});

describe('similarity client', () => {
  it('pages through every pair and waits for a check to finish', async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ ...PAIRS[0]!, id: `p_${i}`, rank: i + 1 }));
    let looks = 0;
    const request = (async (type: { method: string }, params: Record<string, unknown>) => {
      if (type.method === ListSimilarityPairsRequest.method) {
        const offset = Number(params.offset ?? 0);
        return { run: RUN, pairs: many.slice(offset, offset + Number(params.limit)), total: many.length };
      }
      if (type.method === SimilarityStatusRequest.method) {
        looks++;
        return { run: looks < 3 ? { ...RUN, state: 'running', phase: 'comparing', done: looks, total: 3 } : RUN };
      }
      throw new Error(`unexpected ${type.method}`);
    }) as unknown as HubRequester;
    const client = new SimilarityClient(request);
    assert.deepEqual((await client.pairs('sim_1', 200)).map((p) => p.rank), many.map((p) => p.rank));
    const seen: string[] = [];
    const done = await client.finished({ ...RUN, state: 'queued' }, (r) => seen.push(r.state), 1);
    assert.equal(done.state, 'done');
    assert.deepEqual(seen, ['running', 'running', 'done']);
  });
});
