/* Sum and mean of n integers. Read the README, then fill in the TODOs. */
#include <stdio.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        sum += x; /* TODO: can the sum get too large for an int? */
    }
    printf("%d\n", sum);
    /* TODO: print the mean with three decimals (0.000 when n is 0) */
    return 0;
}
