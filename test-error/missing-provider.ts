// expect: SPK011 No provider for Mailer
import { Spikard } from "spikard";

class Mailer {
  send(): void {}
}

const app = new Spikard();
app.post("/invite", (mailer: Mailer) => {
  mailer.send();
  return { sent: true };
});
