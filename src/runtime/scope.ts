// Ownership: every handle (a tensor or a tape) has exactly one owner at a
// time: a scope (a tidy, a tape, a backward pass, or the frame of one op
// call) or the user. What is created goes to the scope on top of the stack,
// or to the user when there is none. Ownership moves explicitly (tidy's
// return, keep, detach). Scopes end deterministically; user-owned handles,
// and tapes, are also watched by a FinalizationRegistry so that dropped ones
// are freed once the program yields.

import { stats, collectableBytes, type Storage } from './storage';

// ---- owners ----

/** Something a scope can own: tensors and tapes. */
export interface Owned {
  /** Tapes: now owned (directly or through other tapes) by the user, so the collector may free it. */
  _becomeCollectable?(): void;
  _owner: Scope | null;
  /** Position in the owner's list (scopes are arrays, not Sets: cheap to make). */
  _slot: number;
  /** For tensors: their storage, which a tape's ledger releases if the tape is collected. */
  readonly _storage?: Storage;
  /** Frees the object, saying who freed it (for later DisposedErrors); a no-op when already freed. */
  dispose(freedBy?: string): void;
  /** Now owned by the user: watch it so that it is freed if the program drops it. */
  _toUser(): void;
}

/**
 * What a tape must give back if the program drops it: the storages of the
 * tensors it owns (parallel to its scope's slots) and those it holds for its
 * backward pass. It never references the tape or any handle, so the
 * FinalizationRegistry can hold it while the tape itself is collected.
 */
export class Ledger {
  owned: (Storage | null)[] = [];
  /** Kept only while the tape is collectable (a tape inside a tidy releases by walking its nodes). */
  held: Storage[] = [];
  /** Releases everything; called once, by the collector. */
  releaseAll(): void {
    for (const s of this.owned) {
      if (s === null) continue;
      stats.liveTensors--;
      s.release();
    }
    for (const s of this.held) s.release();
    this.owned.length = 0;
    this.held.length = 0;
  }
}

export type ScopeKind = 'tidy' | 'tape' | 'backward' | 'frame';

/** What a DisposedError says freed a tensor that a scope freed. */
const FREED_BY: Record<ScopeKind, string> = {
  tidy: 'the end of the tidy that owned it',
  tape: 'the disposal of the tape that owned it (tape.dispose(), or the end of a tidy holding the tape)',
  backward: 'the backward pass (a temporary of a gradient rule)',
  frame: 'a failed call that created it',
};

let serials = 0;

/**
 * What a tidy, a tape, a backward pass or one op call owns. Rule temporaries
 * use marks on one backward scope rather than a scope each, so this is a
 * plain array with O(1) removal by slot.
 */
export class Scope {
  // Entries past `size` are stale; keeping them avoids resizing the array.
  private list: (Owned | null)[] = [];
  private size = 0;
  /** Creation order: a scope made after another, while that one is open, lives inside it. */
  readonly serial = ++serials;
  /**
   * Tape scopes only: whatever the tape is (an object kept alive as long as
   * any handle it owns is reachable, so a collected tape never frees a
   * tensor the program still holds), and its ledger.
   */
  holder: object | null = null;
  ledger: Ledger | null = null;
  /**
   * Tape scopes of tapes the user owns (the collector may free them): what
   * they own is counted for ballast (see collectableBytes). A tape inside a
   * tidy or another tape is freed deterministically and needs none.
   */
  collectable = false;
  ballast: ArrayBuffer[] | null = null;

  constructor(readonly kind: ScopeKind) {}

  add(item: Owned): void {
    item._owner = this;
    item._slot = this.size;
    this.list[this.size] = item;
    if (this.collectable) {
      // Only a tape the collector may free needs its ledger kept up to date.
      const storage = item._storage ?? null;
      this.ledger!.owned[this.size] = storage;
      if (storage !== null) this.addBallast(storage.bytes);
      if (item._becomeCollectable !== undefined) item._becomeCollectable();
    }
    this.size++;
  }

  /** Counts `bytes` the collector alone may free, keeping the ballast that makes engines notice them. */
  addBallast(bytes: number): void {
    const chunks = collectableBytes(bytes);
    if (chunks !== null) (this.ballast ??= []).push(...chunks);
  }

  /**
   * Tape scopes: the tape now belongs to the user (or to a tape the user
   * owns); what it owns becomes the collector's to free, tapes included.
   */
  becomeCollectable(): void {
    if (this.collectable) return;
    this.collectable = true;
    const owned = this.ledger!.owned;
    let bytes = 0;
    for (let i = 0; i < this.size; i++) {
      const item = this.list[i];
      const storage = item?._storage ?? null;
      owned[i] = storage;
      if (storage !== null) bytes += storage.bytes;
      item?._becomeCollectable?.();
    }
    this.addBallast(bytes);
  }

  remove(item: Owned): void {
    if (item._owner !== this) return;
    this.list[item._slot] = null;
    if (this.collectable) this.ledger!.owned[item._slot] = null;
    item._owner = null;
  }

  /**
   * The scope's only item, now owned by nobody, with the scope left empty;
   * or null (and nothing changed) when it holds none or several. The common
   * end of an op's frame, without building a list.
   */
  takeSole(): Owned | null {
    if (this.size !== 1) return null;
    const item = this.list[0];
    if (item === null) return null;
    this.list[0] = null;
    this.size = 0;
    if (this.collectable) this.ledger!.owned.length = 0;
    item._owner = null;
    return item;
  }

  /** A position to come back to with `takeFrom` (a stack mark). */
  mark(): number {
    return this.size;
  }

  /** What was added since `mark`, now owned by nobody, removed from the scope. */
  takeFrom(mark: number): Owned[] {
    const out: Owned[] = [];
    const list = this.list;
    for (let i = mark; i < this.size; i++) {
      const item = list[i];
      if (item !== null) {
        item._owner = null;
        out.push(item);
      }
      list[i] = null;
    }
    this.size = mark;
    if (this.collectable) this.ledger!.owned.length = mark;
    return out;
  }

  /** Everything the scope owns, now owned by nobody; the scope is left empty. */
  take(): Owned[] {
    return this.takeFrom(0);
  }

  get freedBy(): string {
    return FREED_BY[this.kind];
  }
}

const scopes: Scope[] = [];

export function currentScope(): Scope | null {
  return scopes.length === 0 ? null : scopes[scopes.length - 1];
}

export function pushScope(scope: Scope): Scope {
  scopes.push(scope);
  return scope;
}

export function popScope(scope: Scope): void {
  const top = scopes.pop();
  if (top !== scope) {
    // Only reachable through a bug in this library: scopes nest like calls.
    throw new Error('autograd-wasm internal error: scopes popped out of order');
  }
}

/** Whether `item`'s owner is `scope` or a scope opened after it (inside it). */
export function ownedWithin(item: Owned, scope: Scope): boolean {
  return item._owner !== null && item._owner.serial >= scope.serial;
}

/** Gives a new or moving item to the scope on top of the stack, or to the user. */
export function adopt(item: Owned): void {
  const scope = currentScope();
  if (scope !== null) scope.add(item);
  else item._toUser();
}

/** Moves an item from whatever owns it to the scope on top of the stack, or to the user. */
export function moveToCurrent(item: Owned): void {
  if (item._owner !== null) item._owner.remove(item);
  adopt(item);
}

/** Moves an item from whatever owns it to the user. */
export function moveToUser(item: Owned): void {
  if (item._owner !== null) item._owner.remove(item);
  item._toUser();
}

// Whether a tape that is recording now will read `item` in its backward
// pass (then the end of a scope hands it on instead of freeing it). Set by
// core/, which knows what a tape is; `recordingNow.active` says whether any
// tape records at all, so that scopes end without asking when none does.
let neededWhileRecording: (item: Owned) => boolean = () => false;
export const recordingNow = { active: false };
export function setNeededWhileRecording(fn: (item: Owned) => boolean): void {
  neededWhileRecording = fn;
}

/**
 * The end of a scope (or a stretch of one): each item is spared (moves to
 * the scope now on top of the stack, or the user), when `spare` says so or a
 * recording tape needs it, or else freed.
 */
export function endScope(items: Owned[], freedBy: string, spare?: (item: Owned) => boolean): void {
  if (spare === undefined && !recordingNow.active) {
    for (let i = 0; i < items.length; i++) items[i].dispose(freedBy);
    return;
  }
  for (const item of items) {
    if ((spare !== undefined && spare(item)) || neededWhileRecording(item)) adopt(item);
    else item.dispose(freedBy);
  }
}

/** Frees everything in `items`, each with `freedBy` as the reason. */
export function disposeAll(items: Owned[], freedBy: string): void {
  for (const item of items) item.dispose(freedBy);
}

