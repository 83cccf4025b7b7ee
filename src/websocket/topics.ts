import { BroadcastChannel } from "node:worker_threads";
import type { Encoded } from "../pipeline/outgoing";
import type { Broker } from "./broker";

/** A connection as the hub sees it: where a publish is written (through its backpressure policy). */
export interface Subscriber {
  deliver(data: string | Uint8Array, binary: boolean): void;
}

export interface TopicHubOptions {
  /** Tells this app's instances apart; the same on every worker thread of one instance. */
  origin: string;
  /** Share publishes with the app's other worker threads (`workers` > 1). */
  threads: boolean;
  broker?: Broker;
  logger: Pick<Console, "error">;
}

interface ThreadMessage {
  topic: string;
  payload: string | Uint8Array;
  binary: boolean;
}

/**
 * Topics of one app: who subscribed on this thread, and how a publish
 * reaches the others. A publish is written to this thread's subscribers at
 * once, posted to the app's other worker threads on a BroadcastChannel (its
 * name carries the instance's origin, so only this app's threads share it),
 * and handed to the broker for other instances. Fan-out is a loop over the
 * subscribers rather than uWS's native publish: each write then goes through
 * the connection's own backpressure policy and dropped count, and TestClient's
 * in-memory sockets behave exactly as real ones.
 */
export class TopicHub {
  private readonly topics = new Map<string, Set<Subscriber>>();
  private readonly channel: BroadcastChannel | undefined;
  private readonly broker: Broker | undefined;

  constructor(private readonly options: TopicHubOptions) {
    if (options.threads) {
      const channel = new BroadcastChannel(`spikard:topics:${options.origin}`);
      // A channel nobody else listens on must not keep the process alive.
      channel.unref();
      channel.onmessage = (event) => {
        const m = (event as unknown as { data: ThreadMessage }).data;
        this.deliver(m.topic, m.payload, m.binary, undefined);
      };
      this.channel = channel;
    }
    this.broker = options.broker;
    this.broker?.start(options.origin, (topic, payload, binary) => this.deliver(topic, payload, binary, undefined));
  }

  subscribe(topic: string, s: Subscriber): void {
    let set = this.topics.get(topic);
    if (set === undefined) {
      this.topics.set(topic, (set = new Set()));
      this.broker?.subscribe(topic);
    }
    set.add(s);
  }

  unsubscribe(topic: string, s: Subscriber): void {
    const set = this.topics.get(topic);
    if (set === undefined || !set.delete(s) || set.size > 0) return;
    this.topics.delete(topic);
    this.broker?.unsubscribe(topic);
  }

  /** Subscribers of `topic` on this thread. */
  subscribers(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  publish(topic: string, message: Encoded, except: Subscriber | undefined): void {
    this.deliver(topic, message.data, message.binary, except);
    if (this.channel !== undefined) {
      const m: ThreadMessage = { topic, payload: message.data, binary: message.binary };
      this.channel.postMessage(m);
    }
    this.broker?.publish(topic, message.data, message.binary);
  }

  private deliver(topic: string, payload: string | Uint8Array, binary: boolean, except: Subscriber | undefined): void {
    const set = this.topics.get(topic);
    if (set === undefined) return;
    // A write may close its connection (the "close" backpressure policy), which leaves the set mid-loop: Set
    // iteration tolerates that.
    for (const s of set) {
      if (s === except) continue;
      try {
        s.deliver(payload, binary);
      } catch (err) {
        this.options.logger.error(`spikard: a publish to "${topic}" failed for one subscriber`, err);
      }
    }
  }

  async close(): Promise<void> {
    this.channel?.close();
    await this.broker?.close();
  }
}
