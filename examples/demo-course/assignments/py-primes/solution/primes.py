"""Reference solution: how many primes lie in [a, b], and their sum."""
import sys


def main() -> None:
    a, b = map(int, sys.stdin.read().split()[:2])
    sieve = bytearray([1]) * (b + 1)
    sieve[0:2] = b"\x00\x00"[: min(2, b + 1)]
    i = 2
    while i * i <= b:
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, b + 1, i)))
        i += 1
    count = 0
    total = 0
    for n in range(max(a, 2), b + 1):
        if sieve[n]:
            count += 1
            total += n
    print(count)
    print(total)


if __name__ == "__main__":
    main()
