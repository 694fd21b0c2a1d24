// Programs that try to break the sandbox, in C, each with what the grader
// must answer. Programs that probe for an escape print `blocked` for every
// attempt that failed, so "accepted" means "contained".

/** One hostile program. */
export interface HostileProgram {
  name: string;
  source: string;
  verdict: 'AC' | 'TLE' | 'WLE' | 'MLE' | 'RE' | 'OLE';
  /** Expected standard output, for the probes. */
  stdout?: string;
  /** Limits other than the suite's (1 s CPU, 2 s wall clock, 64 MiB, 4 processes). */
  limits?: { wallMs?: number };
}

const HEAD = '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <signal.h>\n#include <fcntl.h>\n#include <errno.h>\n#include <sys/resource.h>\n#include <sys/socket.h>\n#include <netinet/in.h>\n#include <arpa/inet.h>\n';

export const HOSTILE: HostileProgram[] = [
  { name: 'infinite-loop', verdict: 'TLE', source: 'int main(void){ volatile unsigned long x = 0; for (;;) x++; }' },
  { name: 'sleep-forever', verdict: 'WLE', source: 'int main(void){ for (;;) pause(); }' },
  { name: 'fork-bomb', verdict: 'RE', source: 'int main(void){ for (;;) fork(); }' },
  {
    name: 'memory-hog',
    verdict: 'MLE',
    // It must reach its memory limit before the clock stops it, however busy the machine (a starved one took over 2 s).
    limits: { wallMs: 10000 },
    source: 'int main(void){ for (;;) { char *p = malloc(1 << 20); if (!p) abort(); memset(p, 7, 1 << 20); } }',
  },
  {
    name: 'stack-overflow',
    verdict: 'RE',
    source: 'int deep(int n){ volatile char pad[4096]; pad[0] = (char)n; return deep(n + 1) + pad[0]; }\nint main(void){ return deep(0); }',
  },
  {
    name: 'gigabytes-of-output',
    verdict: 'OLE',
    source: 'int main(void){ static char buf[1 << 16]; memset(buf, 121, sizeof buf); for (;;) fwrite(buf, 1, sizeof buf, stdout); }',
  },
  {
    name: 'giant-file',
    verdict: 'OLE',
    source: 'int main(void){ static char buf[1 << 16]; FILE *f = fopen("big.bin", "w"); for (;;) fwrite(buf, 1, sizeof buf, f); }',
  },
  {
    name: 'write-outside-the-box',
    verdict: 'AC',
    stdout: 'blocked\nblocked\nblocked\nblocked\nblocked\nblocked\nprivate tmp\n',
    source: [
      'static void try(const char *p){ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666); puts(fd < 0 ? "blocked" : "ESCAPED"); if (fd >= 0) { write(fd, "x", 1); close(fd); } }',
      'int main(int argc, char **argv){ try("/usr/bin/classpod-escape"); try("/etc/classpod-escape"); try("/classpod-escape");',
      '  try("/box/../classpod-escape2"); try("/proc/1/root/classpod-escape"); try(argv[1]);',
      '  FILE *t = fopen(argv[2], "w"); puts(t ? "private tmp" : "no tmp"); return 0; }',
    ].join('\n'),
  },
  {
    name: 'read-secrets',
    verdict: 'AC',
    stdout: 'blocked\nblocked\nblocked\nblocked\nblocked\n',
    source: [
      'static void try(const char *p){ FILE *f = fopen(p, "r"); char c; puts(f && fread(&c, 1, 1, f) == 1 ? "READ" : "blocked"); }',
      'int main(int argc, char **argv){ try("/etc/shadow"); for (int i = 1; i < argc; i++) try(argv[i]); return 0; }',
    ].join('\n'),
  },
  {
    name: 'open-sockets',
    verdict: 'AC',
    stdout: 'blocked\nblocked\nblocked\n',
    source: [
      'static void dial(const char *ip, int port){ int s = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); inet_pton(AF_INET, ip, &a.sin_addr);',
      '  puts(s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0 ? "CONNECTED" : "blocked"); }',
      'int main(int argc, char **argv){ dial("127.0.0.1", atoi(argv[1])); dial(argv[2], atoi(argv[1])); dial("1.1.1.1", 80); return 0; }',
    ].join('\n'),
  },
  {
    name: 'kill-parent',
    verdict: 'AC',
    stdout: 'blocked\nblocked\nalive\n',
    source: 'int main(void){ puts(kill(getppid(), SIGKILL) ? "blocked" : "KILLED"); puts(kill(1, SIGKILL) ? "blocked" : "KILLED"); kill(-1, SIGKILL); puts("alive"); return 0; }',
  },
  {
    name: 'background-processes',
    verdict: 'AC',
    stdout: 'done\n',
    source: 'int main(void){ for (int i = 0; i < 3; i++) if (fork() == 0) { setsid(); if (fork() == 0) { close(1); for (;;) sleep(1); } for (;;) sleep(1); } puts("done"); return 0; }',
  },
  {
    name: 'raise-own-limits',
    verdict: 'TLE',
    source: [
      'int main(void){ struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };',
      '  if (setrlimit(RLIMIT_CPU, &r) == 0 || setrlimit(RLIMIT_NPROC, &r) == 0 || setrlimit(RLIMIT_AS, &r) == 0 || setuid(0) == 0) puts("RAISED");',
      '  volatile unsigned long x = 0; for (;;) x++; }',
    ].join('\n'),
  },
].map((p) => ({ ...p, source: HEAD + p.source + '\n' })) as HostileProgram[];
