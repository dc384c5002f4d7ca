import type { ModelInfo } from '../shared/protocol.ts';
import type { Engine } from './engine-client.ts';

export type ScreenName = 'classify' | 'train';

/** What the screens share: the engine, the loaded model, the status line and navigation. */
export interface AppContext {
  engine: Engine;
  model(): ModelInfo | undefined;
  setModel(model: ModelInfo | undefined): void;
  onModel(listener: (model: ModelInfo | undefined) => void): void;
  refreshStatus(): Promise<void>;
  show(screen: ScreenName): void;
}

/** A small store for the loaded model, with listeners. */
export function createModelStore(): Pick<AppContext, 'model' | 'setModel' | 'onModel'> {
  let current: ModelInfo | undefined;
  const listeners: ((model: ModelInfo | undefined) => void)[] = [];
  return {
    model: () => current,
    setModel(model) {
      current = model;
      for (const listener of listeners) listener(model);
    },
    onModel: (listener) => void listeners.push(listener),
  };
}
