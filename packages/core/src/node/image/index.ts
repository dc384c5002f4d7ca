// Public API of node/image/.
export * from './decode-image-sharp.ts';
