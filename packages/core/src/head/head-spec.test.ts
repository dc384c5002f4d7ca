import { describe, expect, it } from 'vitest';
import { isHeadstartError } from '../errors.ts';
import { formatHeadSpec, headPresetOf, parseHeadSpec } from './head-spec.ts';

function parseError(value: unknown, readFile?: (path: string) => string): string {
  try {
    parseHeadSpec({ value, readFile });
  } catch (error) {
    expect(isHeadstartError(error, 'HEAD_SPEC_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

describe('parseHeadSpec', () => {
  it('knows the Keras tutorial head', () => {
    const spec = parseHeadSpec({ value: 'tutorial' });
    expect(spec).toEqual({
      kind: 'mlp',
      layers: [
        { units: 1000, activation: 'relu', dropout: 0.3 },
        { units: 500, activation: 'sigmoid', dropout: 0.4 },
        { units: 150, activation: 'sigmoid', dropout: 0.2 },
      ],
    });
    expect(headPresetOf(spec)).toBe('tutorial');
    expect(formatHeadSpec(spec)).toBe(
      '1000 relu (dropout 0.3) → 500 sigmoid (dropout 0.4) → 150 sigmoid (dropout 0.2) → softmax',
    );
  });

  it('knows linear', () => {
    const spec = parseHeadSpec({ value: ' linear ' });
    expect(spec).toEqual({ kind: 'mlp', layers: [] });
    expect(formatHeadSpec(spec)).toBe('linear → softmax');
    expect(headPresetOf(spec)).toBe('linear');
  });

  it('reads mlp shorthand with default dropout, a global rate and per-layer activations', () => {
    expect(parseHeadSpec({ value: 'mlp:512,256' }).layers).toEqual([
      { units: 512, activation: 'relu', dropout: 0.2 },
      { units: 256, activation: 'relu', dropout: 0.2 },
    ]);
    expect(parseHeadSpec({ value: 'mlp:512/tanh, 256@0.3' }).layers).toEqual([
      { units: 512, activation: 'tanh', dropout: 0.3 },
      { units: 256, activation: 'relu', dropout: 0.3 },
    ]);
    const noDropout = parseHeadSpec({ value: 'mlp:64@0' });
    expect(noDropout.layers).toEqual([{ units: 64, activation: 'relu', dropout: 0 }]);
    expect(formatHeadSpec(noDropout)).toBe('64 relu → softmax');
    expect(headPresetOf(noDropout)).toBeUndefined();
  });

  it('reads JSON text, objects and files, filling defaults', () => {
    const json = '{"layers":[{"units":128,"activation":"sigmoid","dropout":0.5},{"units":32}]}';
    const expected = {
      kind: 'mlp',
      layers: [
        { units: 128, activation: 'sigmoid', dropout: 0.5 },
        { units: 32, activation: 'relu', dropout: 0 },
      ],
    };
    expect(parseHeadSpec({ value: json })).toEqual(expected);
    expect(parseHeadSpec({ value: JSON.parse(json) })).toEqual(expected);
    const files: string[] = [];
    expect(parseHeadSpec({ value: '@head.json', readFile: (p) => (files.push(p), json) })).toEqual(expected);
    expect(files).toEqual(['head.json']);
  });

  it('rejects bad specs naming the bad part and the accepted forms', () => {
    expect(parseError('resnet')).toMatch(/^Unknown head spec "resnet"; use tutorial, linear, mlp:/);
    expect(parseError('mlp:')).toContain('lists no layer widths');
    expect(parseError('mlp:512,abc')).toContain('Layer "abc"');
    expect(parseError('mlp:0')).toContain('Layer "0"');
    expect(parseError('mlp:512/gelu')).toContain('Unknown activation "gelu"');
    expect(parseError('mlp:512/gelu')).toContain('relu, sigmoid, tanh or linear');
    expect(parseError('mlp:512@1.5')).toContain('Dropout "1.5"');
    expect(parseError('mlp:512@')).toContain('Dropout ""');
    expect(parseError('{"layers": [')).toContain('not valid JSON');
    expect(parseError('{"layers":[{"units":-3}]}')).toContain('layers.0.units');
    expect(parseError({ layers: [{ units: 8, activation: 'swish' }] })).toContain('layers.0.activation');
    expect(parseError({ layers: [{ units: 8, dropout: 1 }] })).toContain('layers.0.dropout');
    expect(parseError({ kind: 'cnn', layers: [] })).toContain('kind');
    expect(parseError({ layers: [], extra: 1 })).toContain('extra');
    expect(parseError(42)).toContain('Invalid head spec');
    expect(parseError('@head.json')).toContain('cannot be read here');
    expect(
      parseError('@missing.json', () => {
        throw new Error('ENOENT');
      }),
    ).toContain('Head spec file "missing.json" could not be read');
    expect(parseError('@bad.json', () => '{"layers":"x"}')).toContain('head spec file "bad.json": layers');
  });
});
