import { isHeadstartError, predictImages, type ImageInput, type LoadedModel } from '@headstart/core/browser';
import type { ClassifyInput, ClassifyResponse, ClassifyResult, EngineError } from '../shared/protocol.ts';
import { drawingToDigit } from './digit-image.ts';

/** A failure as the page shows it: the code and message, never a stack. */
export function toEngineError(error: unknown): EngineError {
  if (isHeadstartError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

async function toImageInput(input: ClassifyInput): Promise<ImageInput> {
  if (input.kind === 'drawing') {
    const image = drawingToDigit({ width: input.width, height: input.height, data: input.rgb });
    return { id: input.id, content: { kind: 'pixels', image } };
  }
  return {
    id: input.id,
    content: { kind: 'encoded', bytes: new Uint8Array(await input.blob.arrayBuffer()) },
  };
}

/**
 * Classifies files and drawings with the core's predictImages, timed from the first byte read to the last
 * probability. Each input gets its answer or its error, in order; one bad file spoils nothing else.
 */
export async function classifyInputs(options: {
  model: LoadedModel;
  inputs: ClassifyInput[];
  topK: number;
}): Promise<ClassifyResponse> {
  const { model, inputs, topK } = options;
  const started = performance.now();
  const prepared: ImageInput[] = [];
  const early = new Map<string, EngineError>();
  for (const input of inputs) {
    try {
      prepared.push(await toImageInput(input));
    } catch (error) {
      early.set(input.id, toEngineError(error));
    }
  }
  const predictions = await predictImages({ model, inputs: prepared, topK });
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const results = inputs.map((input): ClassifyResult => {
    const failed = early.get(input.id);
    const p = byId.get(input.id);
    if (failed) return { id: input.id, ok: false, error: failed };
    if (!p)
      return { id: input.id, ok: false, error: { code: 'INTERNAL', message: 'No prediction came back.' } };
    return p.ok
      ? { id: p.id, ok: true, label: p.label, probability: p.probability, top: p.top }
      : { id: p.id, ok: false, error: p.error };
  });
  return { results, durationMs: performance.now() - started };
}
