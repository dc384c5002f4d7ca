import { createIndexedDbBlobStore, type IndexedDbBlobStore } from '@headstart/core/browser';

let features: IndexedDbBlobStore | undefined;
let backbones: IndexedDbBlobStore | undefined;

/** Content-addressed feature vectors, under the same keys the core's FeatureCache uses everywhere. */
export function featureStore(): IndexedDbBlobStore {
  features ??= createIndexedDbBlobStore({ store: 'features' });
  return features;
}

/** Backbone graphs by sha256 (and ids of rebuilt ones), so none is downloaded or rebuilt twice. */
export function backboneStore(): IndexedDbBlobStore {
  backbones ??= createIndexedDbBlobStore({ store: 'backbones' });
  return backbones;
}
