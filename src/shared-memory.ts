import { isMainThread, workerData } from "node:worker_threads";

/**
 * Memory the threads of one process share (`workers` > 1): the main thread
 * creates each buffer, `spawnWorkers` hands the ones still alive to the worker
 * threads in their workerData, and a worker, running the same app module,
 * asks for its buffers in the same order and gets the main thread's.
 *
 * So a buffer is shared only when the main thread created it before `run()`
 * started the workers: at module load, as the app's constructor does.
 */
const WORKER_DATA_KEY = "spikardShared";

type Segments = Record<string, Array<SharedArrayBuffer | undefined>>;

/** Created by this (main) thread, by name, in creation order; weak, so apps that are dropped free theirs. */
const created = new Map<string, Array<WeakRef<SharedArrayBuffer> | undefined>>();
/** How many of each name this thread asked for so far. */
const asked = new Map<string, number>();

function inherited(): Segments | undefined {
  if (isMainThread) return undefined;
  return (workerData as Record<string, Segments | undefined> | null | undefined)?.[WORKER_DATA_KEY];
}

export interface SharedSegment {
  buffer: SharedArrayBuffer;
  /** The buffer came from the main thread (already initialised there). */
  inherited: boolean;
  /** In a Spikard worker that was given no buffer for this request: this thread's memory is its own. */
  unshared: boolean;
}

/** The `name`d buffer of `bytes` for this request (the n-th ask for a name matches the main thread's n-th). */
export function sharedMemory(name: string, bytes: number): SharedSegment {
  const n = asked.get(name) ?? 0;
  asked.set(name, n + 1);
  const fromMain = inherited();
  if (fromMain !== undefined) {
    const buffer = fromMain[name]?.[n];
    if (buffer !== undefined && buffer.byteLength === bytes) return { buffer, inherited: true, unshared: false };
    return { buffer: new SharedArrayBuffer(bytes), inherited: false, unshared: true };
  }
  const buffer = new SharedArrayBuffer(bytes);
  let list = created.get(name);
  if (list === undefined) created.set(name, (list = []));
  list[n] = new WeakRef(buffer);
  return { buffer, inherited: false, unshared: false };
}

/** What `spawnWorkers` adds to each worker's workerData. */
export function sharedWorkerData(): Record<string, Segments> {
  const segments: Segments = {};
  for (const [name, list] of created) segments[name] = Array.from(list, (ref) => ref?.deref());
  return { [WORKER_DATA_KEY]: segments };
}
