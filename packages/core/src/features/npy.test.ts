import { describe, expect, it } from 'vitest';
import { encodeNpyFloat32 } from './npy.ts';

describe('encodeNpyFloat32', () => {
  it('writes a header NumPy accepts and the data after it', () => {
    const bytes = encodeNpyFloat32({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect([...bytes.slice(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.slice(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    const body = new Float32Array(bytes.slice(10 + headerLength).buffer);
    expect([...body]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
