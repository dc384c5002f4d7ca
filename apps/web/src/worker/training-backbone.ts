import {
  getStoredBackbone,
  HeadstartError,
  putStoredBackbone,
  rebuildRandomBackbone,
  type BackboneSpec,
  type OrtWebSession,
} from '@headstart/core/browser';
import type { TrainBackboneChoice } from '../shared/protocol.ts';
import { randomBackboneName } from './backbone-names.ts';
import { openSession } from './runtime.ts';
import { backboneStore } from './stores.ts';

/** A backbone ready to extract with: graph, spec and an open session. */
export interface TrainingBackbone {
  bytes: Uint8Array;
  spec: BackboneSpec;
  session: OrtWebSession;
  /** Whether `headstart` can rebuild it from architecture and seed, so a bundle need not carry it. */
  rebuildable: boolean;
  source: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function randomBackbone(
  choice: { arch: string; seed: number; block?: number },
  onBuild: (id: string) => void,
) {
  const { id, arch } = randomBackboneName(choice);
  const store = backboneStore();
  const alias = await store.get(`ids/${id}`);
  if (alias) {
    const stored = await getStoredBackbone({ store, sha256: decoder.decode(alias) });
    if (stored) return { ...stored, source: 'the browser cache' };
  }
  onBuild(id);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const built = rebuildRandomBackbone({ arch, seed: choice.seed });
  await putStoredBackbone({ store, backbone: built });
  await store.put(`ids/${id}`, encoder.encode(built.spec.sha256));
  return { ...built, source: 'rebuilt from its seed' };
}

/** The loaded bundle's backbone as a run takes it. */
export type LoadedBackbone = Omit<TrainingBackbone, 'source'>;

let cached: TrainingBackbone | undefined;

/**
 * The backbone a training run extracts with: seeded random weights rebuilt here (kept by id in IndexedDB),
 * or the loaded bundle's own. The session stays open between runs on the same graph.
 */
export async function trainingBackbone(options: {
  choice: TrainBackboneChoice;
  loaded?: LoadedBackbone;
  /** Hands over the session kept for the next run; the caller frees the one before when unused. */
  keep: (session: OrtWebSession) => Promise<void>;
  onBuild: (id: string) => void;
}): Promise<TrainingBackbone> {
  const { choice, loaded } = options;
  if (choice.kind === 'loaded') {
    if (!loaded)
      throw new HeadstartError(
        'INVALID_OPTION',
        'No bundle is loaded; load one on the Classify screen, or pick a random-weight backbone.',
      );
    return { ...loaded, source: 'the loaded bundle' };
  }
  const found = await randomBackbone(choice, options.onBuild);
  if (cached && cached.spec.sha256 === found.spec.sha256) return cached;
  const session = await openSession(found);
  cached = { bytes: found.bytes, spec: found.spec, session, rebuildable: true, source: found.source };
  await options.keep(session);
  return cached;
}
