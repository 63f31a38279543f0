/**
 * 特征编号 — interning text features as integer ids, shared by every model in the process.
 */
import { visitFeatures, type FeatureOptions, type FeatureVisitor } from './text.ts';

/** A text's features as distinct interned ids with their counts. */
export interface Bag {
  ids: Int32Array;
  counts: Float64Array;
}

/**
 * Process-wide feature → integer id table. Training interns its features once, so the
 * hot loops work on integers. Character n-grams are keyed by their char codes and words
 * by the raw word, never by a freshly built "b:…" string (hashing those dominated
 * classification time). Classification looks features up without adding them
 * (`grow = false`): a long-running server that sees millions of appeals must not grow
 * the table with every novel bigram.
 *
 * Use either `encode(strings)` or the streaming `start / word / bigram / trigram / token /
 * finish` calls (text.ts `visitFeatures` drives them); both give the same ids.
 */
export class FeatureIndex implements FeatureVisitor {
  private readonly words = new Map<string, number>();
  private readonly ngrams = new Map<number, number>();
  private readonly tokens = new Map<string, number>();
  private readonly family: string[] = [];
  // Builder state for one text: position of each id in the output, valid while
  // stamp[id] === generation, so counting needs no Map per call.
  private stamp = new Int32Array(0);
  private slot = new Int32Array(0);
  private generation = 0;
  private grow = false;
  private outIds: number[] = [];
  private outCounts: number[] = [];

  get size(): number {
    return this.family.length;
  }

  familyOf(id: number): string {
    return this.family[id] ?? '';
  }

  start(grow: boolean): void {
    if (++this.generation === 0x7fffffff) {
      this.generation = 1;
      this.stamp.fill(0);
    }
    this.grow = grow;
    this.outIds = [];
    this.outCounts = [];
  }

  word(w: string): void {
    this.add(this.words, w, 'w');
  }

  bigram(a: number, b: number): void {
    this.add(this.ngrams, a * 0x10000 + b, 'b');
  }

  trigram(a: number, b: number, c: number): void {
    // Han code points are ≥ 0x23, so trigram keys (≥ 0x23 · 2³²) never collide with bigram keys (< 2³²).
    this.add(this.ngrams, (a * 0x10000 + b) * 0x10000 + c, 't');
  }

  /** Any feature string; the n-gram and word families are routed to their numeric/raw keys. */
  token(f: string): void {
    this.route(f, this.count);
  }

  /** A feature string's table, key and family, handed to `to` (the same keys `word`/`bigram`/`trigram` use). */
  private route<R>(f: string, to: <K>(map: Map<K, number>, key: K, fam: string) => R): R {
    const fam = f.slice(0, f.indexOf(':'));
    const body = f.slice(fam.length + 1);
    if (fam === 'w') return to(this.words, body, 'w');
    if (fam === 'b' && body.length === 2) return to(this.ngrams, body.charCodeAt(0) * 0x10000 + body.charCodeAt(1), 'b');
    if (fam === 't' && body.length === 3) return to(this.ngrams, (body.charCodeAt(0) * 0x10000 + body.charCodeAt(1)) * 0x10000 + body.charCodeAt(2), 't');
    return to(this.tokens, f, fam);
  }

  private readonly count = <K>(map: Map<K, number>, key: K, fam: string): void => this.add(map, key, fam);
  private readonly idOf = <K>(map: Map<K, number>, key: K, fam: string): number => {
    let id = map.get(key);
    if (id === undefined) {
      id = this.family.length;
      map.set(key, id);
      this.family.push(fam);
    }
    return id;
  };

  finish(): Bag {
    return { ids: Int32Array.from(this.outIds), counts: Float64Array.from(this.outCounts) };
  }

  /**
   * Feature strings (the form `token()` accepts) of some ids: ids are process-local, so a persisted model
   * names its features and re-interns them when loaded (see snapshot.ts).
   */
  namesOf(ids: ArrayLike<number>): string[] {
    const byId = this.allNames();
    return Array.from(ids, (id) => byId[id]!);
  }

  private names: string[] = [];

  /** One feature's name (explanations); the reverse table is rebuilt only when features were added. */
  nameOf(id: number): string {
    if (this.names.length !== this.family.length) this.names = this.allNames();
    return this.names[id] ?? '';
  }

  private allNames(): string[] {
    const byId: string[] = [];
    for (const [w, id] of this.words) byId[id] = `w:${w}`;
    for (const [k, id] of this.ngrams) {
      const fam = this.family[id]!;
      const chars = fam === 't' ? [Math.floor(k / 0x100000000), Math.floor(k / 0x10000) % 0x10000, k % 0x10000] : [Math.floor(k / 0x10000), k % 0x10000];
      byId[id] = `${fam}:${String.fromCharCode(...chars)}`;
    }
    for (const [t, id] of this.tokens) byId[id] = t;
    return byId;
  }

  /**
   * Interns one feature string and returns its id, without a bag: a restored model interns its ~10⁵ feature
   * names one by one at every start, and building two typed arrays per name was most of that (issue #19).
   */
  intern(name: string): number {
    return this.route(name, this.idOf);
  }

  encode(features: readonly string[], grow: boolean): Bag {
    this.start(grow);
    for (const f of features) this.token(f);
    return this.finish();
  }

  private add<K>(map: Map<K, number>, key: K, fam: string): void {
    let id = map.get(key);
    if (id === undefined) {
      if (!this.grow) return;
      id = this.idOf(map, key, fam);
    }
    if (id >= this.stamp.length) this.growScratch(id);
    if (this.stamp[id] === this.generation) {
      this.outCounts[this.slot[id]!]! += 1;
    } else {
      this.stamp[id] = this.generation;
      this.slot[id] = this.outIds.length;
      this.outIds.push(id);
      this.outCounts.push(1);
    }
  }

  private growScratch(id: number): void {
    const size = Math.max(id + 1, this.stamp.length * 2, 4096);
    const stamp = new Int32Array(size);
    stamp.set(this.stamp);
    const slot = new Int32Array(size);
    slot.set(this.slot);
    this.stamp = stamp;
    this.slot = slot;
  }
}

export const FEATURES = new FeatureIndex();

/** Features of a normalised text, straight to ids (no feature strings built). */
export function encodeNormalized(norm: string, grow: boolean, opts?: FeatureOptions, index: FeatureIndex = FEATURES): Bag {
  index.start(grow);
  visitFeatures(norm, index, opts);
  return index.finish();
}

/** Concatenates bags whose ids are disjoint (e.g. text features + nature cue features). */
export function joinBags(a: Bag, b: Bag): Bag {
  const ids = new Int32Array(a.ids.length + b.ids.length);
  ids.set(a.ids);
  ids.set(b.ids, a.ids.length);
  const counts = new Float64Array(ids.length);
  counts.set(a.counts);
  counts.set(b.counts, a.counts.length);
  return { ids, counts };
}
