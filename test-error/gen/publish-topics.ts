// expect: SPK024 publish messages of different types to topics that can be the same string
import { Spikard } from "spikard";

const app = new Spikard();
export function announce(room: string, text: string, topic: string): void {
  app.publish(`room:${room}`, { text });
  // Any topic, "room:lobby" too: the runtime could not tell which type a message to it has.
  app.publish(topic, { count: 1 });
  // Neither overlaps these: a literal topic no pattern above matches but the second, with the same type as it.
  app.publish("news", { count: 2 });
}
export default app;
