// A class for similarity tests and benchmarks: C solutions of the demo
// course's c-sum, some copied from others with the names changed, and
// helpers to store a final submission as the hub keeps one.

import { randomBytes } from 'node:crypto';
import type { Hub } from '../../src/hub';

/** An original solution of c-sum, written differently for each `variant`. */
export function originalSolution(variant: number): string {
  const v = variant % 4;
  if (v === 0) {
    return `#include <stdio.h>

int main(void) {
    int count;
    if (scanf("%d", &count) != 1) return 1;
    long long total = 0;
    int index = 0;
    while (index < count) {
        int value;
        if (scanf("%d", &value) != 1) return 1;
        total = total + value;
        index++;
    }
    double average = count > 0 ? (double)total / count : 0.0;
    printf("%lld\\n%.3f\\n", total, average);
    return 0;
}
`;
  }
  if (v === 1) {
    return `#include <stdio.h>
#include <stdlib.h>

static long long read_all(int n, int *bad) {
    long long acc = 0;
    for (int k = 0; k < n; ++k) {
        int item = 0;
        if (scanf("%d", &item) != 1) { *bad = 1; break; }
        acc += item;
    }
    return acc;
}

int main(void) {
    int n = 0, bad = 0;
    if (scanf("%d", &n) != 1 || n < 0) return EXIT_FAILURE;
    long long s = read_all(n, &bad);
    if (bad) return EXIT_FAILURE;
    printf("%lld\\n", s);
    if (n == 0) puts("0.000"); else printf("%.3f\\n", s / (double)n);
    return EXIT_SUCCESS;
}
`;
  }
  if (v === 2) {
    return `#include <stdio.h>

long long sums[2];

void add(int x) { sums[0] += x; sums[1] += 1; }

int main() {
    int how_many;
    scanf("%d", &how_many);
    for (int j = how_many; j > 0; j--) {
        int x;
        scanf("%d", &x);
        add(x);
    }
    printf("%lld\\n", sums[0]);
    printf("%.3f\\n", sums[1] ? sums[0] * 1.0 / sums[1] : 0.0);
}
`;
  }
  return `#include <stdio.h>
#include <inttypes.h>

int main(void) {
    int64_t running = 0;
    int total_numbers;
    if (scanf("%d", &total_numbers) != 1) { fprintf(stderr, "no count\\n"); return 2; }
    int seen = 0;
    do {
        if (seen == total_numbers) break;
        int next;
        if (scanf("%d", &next) != 1) { fprintf(stderr, "short input\\n"); return 2; }
        running += next;
        seen += 1;
    } while (1);
    printf("%" PRId64 "\\n", running);
    printf("%.3f\\n", total_numbers == 0 ? 0.0 : (double)running / (double)total_numbers);
    return 0;
}
`;
}

/** The same program with every name changed: what a copy that tries to hide looks like. */
export function renamedCopy(source: string): string {
  return source
    .replace(/\bcount\b/g, 'numberOfValues')
    .replace(/\btotal\b/g, 'runningSum')
    .replace(/\bindex\b/g, 'position')
    .replace(/\bvalue\b/g, 'current')
    .replace(/\baverage\b/g, 'mean')
    .replace(/\bread_all\b/g, 'gather')
    .replace(/\bacc\b/g, 'result')
    .replace(/\bitem\b/g, 'got')
    .replace(/\bbad\b/g, 'failed');
}

/** Store a final submission of `files` for a student, as the hub keeps one (its snapshot in the blob store). */
export async function storeSubmission(hub: Hub, s: { courseId: string; assignmentId: string; studentId: string; files: Record<string, string | Buffer>; at?: string }): Promise<string> {
  const folder = await hub.blobs.putFolder(Object.entries(s.files).map(([path, content]) => ({ path, content: Buffer.isBuffer(content) ? content : Buffer.from(content), mode: 0o644 })));
  const id = `s_${randomBytes(10).toString('hex')}`;
  await hub.store.submissions.add({
    id,
    courseId: s.courseId,
    assignmentId: s.assignmentId,
    studentId: s.studentId,
    snapshotHash: folder.hash,
    submittedAt: s.at ?? hub.clock.now().toISOString(),
    source: 'submitted',
    late: false,
    penaltyPercent: 0,
    fileCount: folder.manifest.length,
    totalBytes: folder.totalBytes,
  });
  return id;
}
