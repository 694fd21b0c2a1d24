// Long lists (a class's students, a course's workspaces) shown a page at a
// time. Each list, named by the id of the row it hangs under, remembers how
// many of its items are shown; "show more" adds one page, and a new filter
// starts every list over at one page.

/** The part of a list that is shown, and how many items are left after it. */
export interface Page<T> {
  shown: T[];
  remaining: number;
}

export class ListPager {
  private readonly limits = new Map<string, number>();

  /** @param pageSize items shown before the first "show more" (at least 1). */
  constructor(readonly pageSize: number) {}

  /** The shown part of the list named `listId`. */
  page<T>(listId: string, items: readonly T[]): Page<T> {
    const limit = this.limits.get(listId) ?? this.pageSize;
    return { shown: items.slice(0, limit), remaining: Math.max(0, items.length - limit) };
  }

  /** Show one more page of the list named `listId`. */
  showMore(listId: string): void {
    this.limits.set(listId, (this.limits.get(listId) ?? this.pageSize) + this.pageSize);
  }

  /** Show whole pages of the list named `listId` until at least `count` items are shown. */
  showAtLeast(listId: string, count: number): boolean {
    const limit = this.limits.get(listId) ?? this.pageSize;
    if (limit >= count) return false;
    this.limits.set(listId, Math.ceil(count / this.pageSize) * this.pageSize);
    return true;
  }

  /** Every list back to its first page. */
  reset(): void {
    this.limits.clear();
  }
}
