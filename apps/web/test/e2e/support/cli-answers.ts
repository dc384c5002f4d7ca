import { basename } from 'node:path';
import { expect } from 'vitest';
import type { CliPrediction } from './cli.ts';
import { expectClose, type PageResult } from './page-actions.ts';

/** Page and CLI probabilities agree to this much (float32 ONNX in two runtimes, tf.js or not). */
export const CLI_TOLERANCE = 1e-4;

/** The CLI's answer for an image, by file name. */
export function cliAnswer(
  predictions: readonly CliPrediction[],
  name: string,
): { label: string; probabilities: Record<string, number> } {
  const answer = predictions.find((p) => basename(p.id) === name);
  if (!answer?.ok || !answer.top) throw new Error(`The CLI gave no prediction for ${name}.`);
  return {
    label: answer.label as string,
    probabilities: Object.fromEntries(answer.top.map((t) => [t.label, t.probability])),
  };
}

/** Every image the page classified got the CLI's label, and each probability within CLI_TOLERANCE. */
export function expectCliAnswers(
  results: readonly PageResult[],
  predictions: readonly CliPrediction[],
  count: number,
): void {
  expect(results).toHaveLength(count);
  for (const result of results) {
    const cli = cliAnswer(predictions, result.id);
    expect(result.ok, result.error).toBe(true);
    expect(result.label, result.id).toBe(cli.label);
    expect(Object.keys(result.probabilities).sort()).toEqual(Object.keys(cli.probabilities).sort());
    for (const [label, p] of Object.entries(cli.probabilities))
      expectClose(result.probabilities[label] as number, p, CLI_TOLERANCE, `${result.id} ${label}`);
  }
}
