import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerSharedWasmIdentity, unregisterSharedWasmIdentity } from './wasm-identity.ts';

const numDataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterEach(() => unregisterSharedWasmIdentity());

describe('registerSharedWasmIdentity', () => {
  it('clones without copying, and keeps the values while any holder lives', () => {
    expect(registerSharedWasmIdentity()).toBe(true);
    const before = numDataIds();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    expect(b.dataId).toBe(a.dataId);
    expect(numDataIds()).toBe(before + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(numDataIds()).toBe(before);
  });

  it('can be undone, after which clones copy again', () => {
    registerSharedWasmIdentity();
    unregisterSharedWasmIdentity();
    const a = tf.tensor1d([4, 5]);
    const b = tf.clone(a);
    expect(b.dataId).not.toBe(a.dataId);
    expect(Array.from(b.dataSync())).toEqual([4, 5]);
    a.dispose();
    b.dispose();
  });
});
