// Public API of node/image/.
export * from './decode-image.ts';
export * from './decode-image-sharp.ts';
export * from './decode-png-plain.ts';
