import { describe, expect, it } from 'vitest';
import { preprocessFor } from '../backbone/preprocess-spec.ts';
import { isHeadstartError } from '../errors.ts';
import { exampleManifest as sampleManifest } from './example-manifest.ts';
import { parseManifest } from './manifest.ts';

function errorOf(value: unknown): { code: string; message: string } {
  try {
    parseManifest(value);
  } catch (error) {
    expect(isHeadstartError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseManifest', () => {
  it('accepts a good manifest, as object or text', () => {
    const manifest = sampleManifest();
    expect(parseManifest(manifest)).toEqual(manifest);
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
    const withScenario = sampleManifest({
      scenario: { kind: 'frozen' },
      data: { ...manifest.data, testCount: 5 },
    });
    expect(parseManifest(withScenario).scenario).toEqual({ kind: 'frozen' });
  });

  it('refuses a newer schema with an upgrade hint', () => {
    const error = errorOf({ ...sampleManifest(), schemaVersion: 3 });
    expect(error.code).toBe('BUNDLE_SCHEMA_TOO_NEW');
    expect(error.message).toBe(
      'bundle schema 3 is newer than this Headstart supports (1); upgrade Headstart.',
    );
  });

  it('names the missing or bad field', () => {
    const { labels: _labels, ...noLabels } = sampleManifest();
    expect(errorOf(noLabels)).toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringContaining('labels:'),
    });
    const badHash = sampleManifest();
    badHash.backbone.sha256 = 'xyz';
    expect(errorOf(badHash).message).toContain('backbone.sha256: expected 64 lowercase hex digits');
    const badMean = { ...sampleManifest(), preprocess: { ...preprocessFor('torch', 32), mean: [1, 2] } };
    expect(errorOf(badMean).message).toContain('preprocess.mean');
    expect(errorOf({ ...sampleManifest(), labels: ['a', 'a'] }).message).toContain('labels must be unique');
    const badLayer = sampleManifest();
    (badLayer.head.spec.layers[0] as { units: number }).units = 0;
    expect(errorOf(badLayer).message).toContain('head.spec.layers[0].units');
    expect(errorOf({ ...sampleManifest(), scenario: { kind: 'fine-tuned' } }).message).toContain(
      'scenario.kind',
    );
    expect(errorOf('{"schemaVersion":').message).toContain('manifest.json is not valid JSON');
    expect(errorOf({ schemaVersion: 0 }).code).toBe('BUNDLE_INVALID');
    expect(errorOf(null).message).toContain('(root)');
  });
});
