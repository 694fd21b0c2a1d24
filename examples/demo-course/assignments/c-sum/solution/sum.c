/* Reference solution: sum and mean of n integers. */
#include <stdio.h>

int main(void) {
    long n;
    if (scanf("%ld", &n) != 1) return 1;
    long long sum = 0;
    for (long i = 0; i < n; i++) {
        long long x;
        if (scanf("%lld", &x) != 1) return 1;
        sum += x;
    }
    printf("%lld\n", sum);
    printf("%.3f\n", n > 0 ? (double)sum / (double)n : 0.0);
    return 0;
}
