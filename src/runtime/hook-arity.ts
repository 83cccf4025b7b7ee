/**
 * Parameters each lifecycle hook takes before its injected ones: the request
 * (and, for onResponse/onError, the response or error first). The runtime
 * checks registrations against it; the transformer reads the injected
 * parameters that follow.
 */
export const FIXED_ARGS = { onRequest: 1, preValidation: 1, preHandler: 1, onResponse: 2, onError: 2 } as const satisfies Record<string, number>;

export type HookName = keyof typeof FIXED_ARGS;
