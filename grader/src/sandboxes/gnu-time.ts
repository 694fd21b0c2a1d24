// Reads the report GNU time writes (`-o FILE -f FORMAT`) inside the `local`
// sandbox: exit status or signal, CPU time and peak memory of the program.

/** The format the `local` sandbox passes to GNU time. */
export const GNU_TIME_FORMAT = 'classpod-time %e %U %S %M %x';

/** What GNU time reported. */
export interface GnuTimeReport {
  exitCode: number | null;
  /** Signal number when the program was killed by one. */
  signal: number | null;
  cpuMs: number;
  wallMs: number;
  maxRssKb: number;
}

/** Parse a GNU time report; null when it has no `classpod-time` line (time itself was killed). */
export function parseGnuTime(text: string): GnuTimeReport | null {
  let signal: number | null = null;
  let report: GnuTimeReport | null = null;
  for (const line of text.split('\n')) {
    const sig = /^Command terminated by signal (\d+)/.exec(line);
    if (sig) signal = Number(sig[1]);
    const m = /^classpod-time ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (-?\d+)/.exec(line);
    if (m) {
      report = {
        exitCode: Number(m[5]),
        signal: null,
        wallMs: Math.round(Number(m[1]) * 1000),
        cpuMs: Math.round((Number(m[2]) + Number(m[3])) * 1000),
        maxRssKb: Number(m[4]),
      };
    }
  }
  if (report && signal !== null) {
    report.signal = signal;
    report.exitCode = null;
  }
  return report;
}
