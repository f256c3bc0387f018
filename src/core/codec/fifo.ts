/**
 * A first-in first-out queue with O(1) shift: Array.prototype.shift copies the array, which
 * would make draining many small frames quadratic.
 */
export class Fifo<T> {
  /** Given-back slots are cleared: a slot left holding its item would keep it alive until the next compaction. */
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    // Compact once the consumed half dominates: amortised O(1), memory bounded by 2x.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
