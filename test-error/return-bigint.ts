// expect: SPK009 a bigint at return.total
import { Spikard } from "spikard";

const app = new Spikard();
app.get("/total", () => ({ total: 10n ** 20n }));
