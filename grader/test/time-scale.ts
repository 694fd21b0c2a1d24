// How much slower than a real machine the tests run: CLASSPOD_TEST_TIME_SCALE
// (default 1). Under software emulation (a qemu TCG guest, 10–50 times slower)
// starting a sandbox alone can take longer than a 2 s wall clock, and a
// verdict would then say that, not the rule under test. Time limits and
// test timeouts are multiplied by it; nothing else changes.

export const TIME_SCALE = Math.max(1, Number(process.env.CLASSPOD_TEST_TIME_SCALE) || 1);
