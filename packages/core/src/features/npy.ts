/**
 * Encodes a float32 matrix as a NumPy `.npy` file (format 1.0, little-endian `<f4`, C order), the form
 * `numpy.load` and most Python tools read directly.
 */
export function encodeNpyFloat32(options: { data: Float32Array; shape: readonly number[] }): Uint8Array {
  const { data, shape } = options;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, then \n.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) {
    out.set(body, 10 + header.length);
  } else {
    const view = new DataView(out.buffer, 10 + header.length);
    data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  }
  return out;
}
