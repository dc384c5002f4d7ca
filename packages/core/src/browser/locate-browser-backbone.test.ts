import { describe, expect, test } from 'vitest';
import { buildVggOnnx } from '../backbone/build-vgg-onnx.ts';
import { exampleManifest } from '../bundle/example-manifest.ts';
import { createMemoryBundle } from '../bundle/memory-bundle.ts';
import type { BundleManifest } from '../bundle/manifest.ts';
import { createMemoryBlobStore } from '../cache/blob-store.ts';
import { getStoredBackbone } from './backbone-store.ts';
import { BUNDLE_BACKBONE_FILES, locateBrowserBackbone } from './locate-browser-backbone.ts';
import { canRebuildBackbone, parseSlicedArch, rebuildRandomBackbone } from './rebuild-random-backbone.ts';

/** sha256 of vgg16-micro-random-s42-b3 as `headstart train --backbone vgg16-micro --weights random` writes it. */
const CLI_MICRO_B3_SHA256 = '0ed1f5e44e5d79a8aca966def55f8fc481ee5090ba4a3aeec87d6b2946bbdae7';

function manifestFor(backbone: Partial<BundleManifest['backbone']>): BundleManifest {
  const base = exampleManifest();
  return { ...base, backbone: { ...base.backbone, ...backbone } };
}

const micro = manifestFor({
  id: 'vgg16-micro-random-s42-b3',
  arch: 'vgg16-micro-b3',
  seed: 42,
  weights: 'random',
  sha256: CLI_MICRO_B3_SHA256,
});

describe('rebuildRandomBackbone', () => {
  test('rebuilds the CLI default cut (random seed 42, after block 3) byte for byte', () => {
    const built = rebuildRandomBackbone({ arch: 'vgg16-micro-b3', seed: 42 });
    expect(built.spec.sha256).toBe(CLI_MICRO_B3_SHA256);
    expect(built.spec.id).toBe('vgg16-micro-random-s42-b3');
    expect(built.spec.blocks).toHaveLength(3);
  });

  test('knows which backbones it can rebuild', () => {
    expect(parseSlicedArch('vgg16-micro-b3')).toEqual({ base: 'vgg16-micro', block: 3 });
    expect(parseSlicedArch('vgg19')).toEqual({ base: 'vgg19' });
    expect(canRebuildBackbone({ arch: 'vgg16-b3', weights: 'random', seed: 42 })).toBe(true);
    expect(canRebuildBackbone({ arch: 'vgg16', weights: 'imagenet' })).toBe(false);
    expect(canRebuildBackbone({ arch: 'custom', weights: 'random', seed: 1 })).toBe(false);
  });
});

describe('locateBrowserBackbone', () => {
  test('rebuilds a random backbone, stores it, and takes it from the store next time', async () => {
    const store = createMemoryBlobStore();
    const phases: string[] = [];
    const first = await locateBrowserBackbone({
      manifest: micro,
      reader: createMemoryBundle().reader,
      store,
      onPhase: (p) => phases.push(p),
    });
    expect(first.source).toBe('rebuilt from its seed');
    expect(phases).toEqual(['cache', 'read', 'rebuild', 'verify']);
    expect(store.size).toBe(2);
    const second = await locateBrowserBackbone({
      manifest: micro,
      reader: createMemoryBundle().reader,
      store,
    });
    expect(second.source).toBe('the browser cache');
    expect(second.bytes).toEqual(first.bytes);
  });

  test("takes an exported bundle's backbone.onnx when its hash matches", async () => {
    const built = buildVggOnnx({
      arch: 'vgg11-micro',
      weights: { kind: 'random', seed: 5 },
      id: 'custom-net',
    });
    const bundle = createMemoryBundle();
    await bundle.writer.write(BUNDLE_BACKBONE_FILES.graph, built.bytes);
    await bundle.writer.write(BUNDLE_BACKBONE_FILES.spec, JSON.stringify(built.spec));
    const manifest = manifestFor({
      id: 'custom-net',
      arch: 'custom',
      weights: 'imagenet',
      sha256: built.spec.sha256,
    });
    const found = await locateBrowserBackbone({ manifest, reader: bundle.reader });
    expect(found.source).toBe("the bundle's backbone.onnx");
    expect(found.spec.id).toBe('custom-net');
  });

  test('refuses a backbone whose hash differs from the manifest, naming both', async () => {
    const built = buildVggOnnx({ arch: 'vgg11-micro', weights: { kind: 'random', seed: 5 } });
    const bundle = createMemoryBundle();
    await bundle.writer.write(BUNDLE_BACKBONE_FILES.graph, built.bytes);
    await bundle.writer.write(BUNDLE_BACKBONE_FILES.spec, JSON.stringify(built.spec));
    const manifest = manifestFor({ weights: 'imagenet', sha256: 'c'.repeat(64) });
    const store = createMemoryBlobStore();
    const error = await locateBrowserBackbone({ manifest, reader: bundle.reader, store }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'BUNDLE_BACKBONE_MISMATCH' });
    expect((error as Error).message).toContain('cccccccccccc');
    expect((error as Error).message).toContain(built.spec.sha256.slice(0, 12));
    expect(store.size).toBe(0);
    // A seeded rebuild that comes out different (another seed in the manifest than in the hash) is refused too.
    const wrongSeed = { ...micro, backbone: { ...micro.backbone, seed: 43 } };
    await expect(
      locateBrowserBackbone({ manifest: wrongSeed, reader: createMemoryBundle().reader }),
    ).rejects.toMatchObject({
      code: 'BUNDLE_BACKBONE_MISMATCH',
    });
  });

  test('an ImageNet backbone that is not in the bundle asks for an exported bundle', async () => {
    const manifest = manifestFor({ id: 'vgg16', arch: 'vgg16', weights: 'imagenet', sha256: 'd'.repeat(64) });
    await expect(locateBrowserBackbone({ manifest, reader: createMemoryBundle().reader })).rejects.toThrow(
      /headstart export --model/,
    );
  });

  test('a damaged store entry is a miss, not a wrong graph', async () => {
    const store = createMemoryBlobStore();
    await store.put(`${CLI_MICRO_B3_SHA256}/graph.onnx`, new Uint8Array([1, 2, 3]));
    await store.put(`${CLI_MICRO_B3_SHA256}/spec.json`, new TextEncoder().encode('{}'));
    expect(await getStoredBackbone({ store, sha256: CLI_MICRO_B3_SHA256 })).toBeUndefined();
    const found = await locateBrowserBackbone({
      manifest: micro,
      reader: createMemoryBundle().reader,
      store,
    });
    expect(found.source).toMatch(/^rebuilt/);
    expect((await getStoredBackbone({ store, sha256: CLI_MICRO_B3_SHA256 }))?.spec.id).toBe(
      'vgg16-micro-random-s42-b3',
    );
  });
});
