import { z } from 'zod';
import { HeadstartError, formatChoices } from '../errors.ts';

/** Activations a hidden Dense layer may use (Keras names). */
export const HEAD_ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'linear'] as const;
export type HeadActivation = (typeof HEAD_ACTIVATIONS)[number];

/** One hidden Dense layer, followed by dropout at `dropout` rate while training (0 = none). */
export interface HeadLayerSpec {
  units: number;
  activation: HeadActivation;
  dropout: number;
}

/**
 * A classifier head: hidden Dense layers in order, then an implied Dense softmax layer with one unit per
 * class. No hidden layers is a linear (multinomial logistic regression) head.
 */
export interface HeadSpec {
  kind: 'mlp';
  layers: HeadLayerSpec[];
}

/** Named heads accepted by parseHeadSpec. */
export const HEAD_PRESETS = ['tutorial', 'linear'] as const;
export type HeadPreset = (typeof HEAD_PRESETS)[number];

/** Dropout of `mlp:` shorthand layers when no `@rate` is given. */
export const DEFAULT_MLP_DROPOUT = 0.2;

const MAX_UNITS = 65_536;

/** Zod schema of a HeadSpec as JSON; omitted activation means relu, omitted dropout means none. */
export const headSpecSchema = z.strictObject({
  kind: z.literal('mlp').default('mlp'),
  layers: z.array(
    z.strictObject({
      units: z.int().min(1).max(MAX_UNITS),
      activation: z.enum(HEAD_ACTIVATIONS).default('relu'),
      dropout: z.number().min(0).lt(1).default(0),
    }),
  ),
});

const ACCEPTED_FORMS =
  'use tutorial, linear, mlp:<units>[/<activation>],...[@<dropout>] (e.g. mlp:512,256@0.3), ' +
  'a JSON HeadSpec ({"layers":[{"units":512,"activation":"relu","dropout":0.2}]}) or @<file.json>';

/** The head of the Keras VGG16 transfer-learning tutorial. */
function tutorialSpec(): HeadSpec {
  return {
    kind: 'mlp',
    layers: [
      { units: 1000, activation: 'relu', dropout: 0.3 },
      { units: 500, activation: 'sigmoid', dropout: 0.4 },
      { units: 150, activation: 'sigmoid', dropout: 0.2 },
    ],
  };
}

function invalid(message: string, cause?: unknown): HeadstartError {
  return new HeadstartError('HEAD_SPEC_INVALID', `${message}; ${ACCEPTED_FORMS}.`, { cause });
}

export interface ParseHeadSpecOptions {
  /** A preset name, `mlp:` shorthand, JSON text, `@path` to a JSON file, or an already-parsed object. */
  value: unknown;
  /** Reads a JSON file for `@path` values; without it `@path` is rejected (e.g. in the browser). */
  readFile?: (path: string) => string;
}

/**
 * Parses a head spec from any accepted form:
 * - `tutorial`: Dense 1000 relu, dropout 0.3, Dense 500 sigmoid, dropout 0.4, Dense 150 sigmoid, dropout 0.2;
 * - `linear`: no hidden layers;
 * - `mlp:512,256`: relu layers with dropout 0.2; `/tanh` after a width sets that layer's activation and
 *   a trailing `@0.3` sets the dropout of every layer (`mlp:512/tanh,256@0.3`; `@0` turns dropout off);
 * - a JSON HeadSpec as text or object, or `@file.json` read through `readFile`.
 */
export function parseHeadSpec(options: ParseHeadSpecOptions): HeadSpec {
  const { value, readFile } = options;
  if (typeof value !== 'string') return validateJson(value, 'head spec');
  const text = value.trim();
  if (text === 'tutorial') return tutorialSpec();
  if (text === 'linear') return { kind: 'mlp', layers: [] };
  if (text.startsWith('mlp:') || text === 'mlp') return parseMlpShorthand(text);
  if (text.startsWith('{')) return validateJson(parseJsonText(text, 'head spec JSON'), 'head spec JSON');
  if (text.startsWith('@')) {
    const path = text.slice(1);
    if (!readFile) throw invalid(`Head spec file "${path}" cannot be read here`);
    let content: string;
    try {
      content = readFile(path);
    } catch (error) {
      throw invalid(`Head spec file "${path}" could not be read`, error);
    }
    return validateJson(parseJsonText(content, `head spec file "${path}"`), `head spec file "${path}"`);
  }
  throw invalid(`Unknown head spec "${text}"`);
}

function parseMlpShorthand(text: string): HeadSpec {
  const body = text.slice('mlp:'.length);
  const at = body.lastIndexOf('@');
  const list = at >= 0 ? body.slice(0, at) : body;
  let dropout = DEFAULT_MLP_DROPOUT;
  if (at >= 0) {
    const rateText = body.slice(at + 1);
    dropout = Number(rateText);
    if (rateText === '' || !Number.isFinite(dropout) || dropout < 0 || dropout >= 1) {
      throw invalid(`Dropout "${rateText}" in head spec "${text}" must be a number in [0, 1)`);
    }
  }
  if (list.trim() === '') throw invalid(`Head spec "${text}" lists no layer widths`);
  const layers = list.split(',').map((item): HeadLayerSpec => {
    const [unitsText = '', activationText = 'relu', ...rest] = item.trim().split('/');
    const units = Number(unitsText);
    if (!/^\d+$/.test(unitsText) || units < 1 || units > MAX_UNITS || rest.length > 0) {
      throw invalid(
        `Layer "${item}" in head spec "${text}" must be a width from 1 to ${MAX_UNITS}, optionally /activation`,
      );
    }
    if (!(HEAD_ACTIVATIONS as readonly string[]).includes(activationText)) {
      throw invalid(
        `Unknown activation "${activationText}" in head spec "${text}" (use ${formatChoices(HEAD_ACTIVATIONS)})`,
      );
    }
    return { units, activation: activationText as HeadActivation, dropout };
  });
  return { kind: 'mlp', layers };
}

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`The ${what} is not valid JSON (${(error as Error).message})`, error);
  }
}

function validateJson(value: unknown, what: string): HeadSpec {
  const result = headSpecSchema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw invalid(`Invalid ${what}: ${details}`, result.error);
}

/** One line for display, e.g. `1000 relu (dropout 0.3) → 500 sigmoid (dropout 0.4) → softmax`. */
export function formatHeadSpec(spec: HeadSpec): string {
  const hidden = spec.layers.map(
    (layer) => `${layer.units} ${layer.activation}${layer.dropout > 0 ? ` (dropout ${layer.dropout})` : ''}`,
  );
  if (hidden.length === 0) return 'linear → softmax';
  return [...hidden, 'softmax'].join(' → ');
}

/** The preset name that `spec` equals, if any (for manifests and logs). */
export function headPresetOf(spec: HeadSpec): HeadPreset | undefined {
  if (spec.layers.length === 0) return 'linear';
  const tutorial = tutorialSpec().layers;
  const same =
    spec.layers.length === tutorial.length &&
    spec.layers.every(
      (layer, i) =>
        layer.units === tutorial[i]?.units &&
        layer.activation === tutorial[i]?.activation &&
        layer.dropout === tutorial[i]?.dropout,
    );
  return same ? 'tutorial' : undefined;
}
