// expect: SPK017 have the same parameter names but different parameter types
import { Provide, type Header, type Query } from "spikard";

export const byHeader = Provide((tenant_code: Header<string>) => ({ tenant: tenant_code }));
export const byQuery = Provide((tenant_code: Query<number>) => ({ tenant: tenant_code }));
