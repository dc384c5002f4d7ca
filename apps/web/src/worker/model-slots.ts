import {
  canRebuildBackbone,
  createBrowserDecoder,
  HeadstartError,
  type HeadModel,
  type OpenedBrowserModel,
  type OrtWebSession,
} from '@headstart/core/browser';
import type { ModelInfo, TrainBackboneChoice } from '../shared/protocol.ts';
import { describeModel, mergedHasNoBackbone, recordedAccuracy } from './model-info.ts';
import { noteSession } from './runtime.ts';
import type { TrainedModel } from './trainer.ts';
import type { LoadedBackbone } from './training-backbone.ts';

/**
 * The worker's two models — the one the Classify screen uses and the last one trained — and who owns
 * their heads and sessions. The two may share a head (after "classify with this model") or a session (a
 * run on the loaded bundle's backbone); each is freed once neither slot, nor the training backbone kept
 * for the next run, holds it.
 */
let current: { model: OpenedBrowserModel; info: ModelInfo } | undefined;
let trained: TrainedModel | undefined;
let trainingSession: OrtWebSession | undefined;
const decode = createBrowserDecoder();

function headInUse(head: HeadModel): boolean {
  return head === current?.model.head || head === trained?.head;
}

function sessionInUse(session: OrtWebSession): boolean {
  return (
    session === current?.model.session || session === trained?.backbone.session || session === trainingSession
  );
}

async function free(options: { head?: HeadModel; session?: OrtWebSession }): Promise<void> {
  if (options.head && !headInUse(options.head)) options.head.model.dispose();
  if (options.session && !sessionInUse(options.session)) await options.session.dispose();
}

async function setCurrent(next: { model: OpenedBrowserModel; info: ModelInfo }): Promise<ModelInfo> {
  const previous = current;
  current = next;
  noteSession(next.model.session);
  if (previous) await free({ head: previous.model.head, session: previous.model.session });
  return next.info;
}

export function currentModel(): OpenedBrowserModel | undefined {
  return current?.model;
}

export function currentInfo(): ModelInfo | undefined {
  return current?.info;
}

/** The Classify screen's model, or INVALID_OPTION saying to load one. */
export function requireModel(): OpenedBrowserModel {
  if (!current) throw new HeadstartError('INVALID_OPTION', 'No bundle is loaded; load one first.');
  return current.model;
}

/** Makes an opened bundle (or merged export) the Classify screen's model. */
export function adoptModel(model: OpenedBrowserModel, origin: ModelInfo['origin']): Promise<ModelInfo> {
  // A merged export carries no metrics.json: no recorded accuracy to show.
  const accuracy = recordedAccuracy(model.bundle?.metrics);
  const info = describeModel({
    model,
    ...(model.merged ? { merged: model.merged } : {}),
    backboneSource: model.backboneSource,
    origin,
    warnings: model.warnings,
    executionProvider: model.session.executionProvider,
    executionNote: model.session.note,
    ...(accuracy !== undefined ? { validationAccuracy: accuracy } : {}),
  });
  return setCurrent({ model, info });
}

/**
 * The loaded bundle's backbone, for a training run or a benchmark that chose it (undefined for any other
 * choice, or with nothing loaded). A merged export is refused: its graph ends in the head, so it gives
 * class probabilities, not features to train a head on or to time as a backbone.
 */
export function loadedBackbone(choice: TrainBackboneChoice): LoadedBackbone | undefined {
  if (choice.kind !== 'loaded' || !current) return undefined;
  const { model } = current;
  if (!model.backboneBytes) throw mergedHasNoBackbone(model.manifest.id);
  return {
    bytes: model.backboneBytes,
    spec: model.backbone,
    session: model.session,
    rebuildable: canRebuildBackbone(model.manifest.backbone),
  };
}

export function trainedModel(): TrainedModel {
  if (!trained) throw new HeadstartError('INVALID_OPTION', 'Nothing has been trained yet.');
  return trained;
}

/** Keeps a run's result (the previous one is freed unless the Classify screen uses it). */
export async function setTrained(next: TrainedModel): Promise<void> {
  const previous = trained;
  trained = next;
  if (previous) await free({ head: previous.head, session: previous.backbone.session });
}

/** Records the session kept for the next training run, freeing the one before when nothing uses it. */
export async function setTrainingSession(session: OrtWebSession): Promise<void> {
  const previous = trainingSession;
  trainingSession = session;
  if (previous && previous !== session) await free({ session: previous });
}

/** Makes the last trained head the Classify screen's model, on the backbone session it was trained with. */
export function useTrained(): Promise<ModelInfo> {
  const run = trainedModel();
  const { manifest, head, backbone } = run;
  const model: OpenedBrowserModel = {
    manifest,
    backbone: backbone.spec,
    head,
    session: backbone.session,
    decode,
    bundle: { manifest, head, metrics: run.metrics, history: run.history },
    backboneBytes: backbone.bytes,
    backboneSource: backbone.source,
    warnings: [],
    dispose: () => free({ head, session: backbone.session }),
  };
  const info = describeModel({
    model,
    backboneSource: backbone.source,
    origin: 'trained',
    warnings: [],
    executionProvider: backbone.session.executionProvider,
    executionNote: backbone.session.note,
    validationAccuracy: (run.metrics.validation as { accuracy: number }).accuracy,
  });
  return setCurrent({ model, info });
}

/** Tensors the models hold on purpose (their weights), for leak checks. */
export function heldTensors(): number {
  const count = (head: HeadModel | undefined) => head?.model.weights.length ?? 0;
  return (
    count(current?.model.head) + (trained && trained.head !== current?.model.head ? count(trained.head) : 0)
  );
}
