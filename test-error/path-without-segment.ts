// expect: SPK006 has no {user_id} segment
import { Spikard, type Path } from "spikard";

const app = new Spikard();
app.get("/users", (user_id: Path<number>) => ({ user_id }));
