"""How many primes lie in [a, b], and their sum. Read the README first."""
import sys


def is_prime(n: int) -> bool:
    # TODO: this is correct for most numbers, but is it for 1? And is it fast enough?
    for d in range(2, n):
        if n % d == 0:
            return False
    return True


def main() -> None:
    a, b = map(int, sys.stdin.read().split()[:2])
    primes = [n for n in range(a, b + 1) if is_prime(n)]
    print(len(primes))
    print(sum(primes))


if __name__ == "__main__":
    main()
