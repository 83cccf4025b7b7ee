import { Provide, type Header } from "spikard";

export class Database {
  readonly users = new Map<number, { name: string }>([[1, { name: "Ada" }]]);
}

export class Session {
  constructor(
    readonly db: Database,
    readonly user: string,
  ) {}
}

/** A factory with its own injected and header parameters (metadata keyed by parameter names under spikard gen). */
export const sessionProvider = Provide((db: Database, x_user: Header<string>) => new Session(db, x_user));
