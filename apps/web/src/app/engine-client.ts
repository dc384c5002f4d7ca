import * as Comlink from 'comlink';
import type { EngineApi, EngineError } from '../shared/protocol.ts';

/** The engine worker, wrapped so its API is called like local async functions. */
export type Engine = Comlink.Remote<EngineApi>;

/** Starts the engine worker. */
export function startEngine(): Engine {
  const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'headstart-engine',
  });
  return Comlink.wrap<EngineApi>(worker);
}

/** The code and message of a failed engine call (the worker sends `CODE: message`). */
export function engineError(error: unknown): EngineError {
  const text = error instanceof Error ? error.message : String(error);
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(text);
  return match
    ? { code: match[1] as string, message: match[2] as string }
    : { code: 'INTERNAL', message: text };
}

/** Just the message of a failed engine call, for the slot next to what caused it. */
export function errorMessage(error: unknown): string {
  return engineError(error).message;
}

export { Comlink };
