// Fixed-capacity buffer that forgets the oldest item: bounded memory no matter how fast events arrive.
export class Ring {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = new Array(capacity);
    this.start = 0;
    this.size = 0;
  }

  push(item) {
    const end = (this.start + this.size) % this.capacity;
    this.items[end] = item;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  clear() {
    this.items = new Array(this.capacity);
    this.start = 0;
    this.size = 0;
  }

  /** Oldest first. */
  toArray() {
    const out = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.start + i) % this.capacity];
    return out;
  }

  /** The newest `limit` items matching `predicate`, oldest first. */
  lastMatching(predicate, limit) {
    const out = [];
    for (let i = this.size - 1; i >= 0 && out.length < limit; i--) {
      const item = this.items[(this.start + i) % this.capacity];
      if (predicate(item)) out.push(item);
    }
    return out.reverse();
  }
}
