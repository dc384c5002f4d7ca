import { createRequire } from 'node:module';
import { version_core as tfjsVersion } from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Versions recorded in bundle manifests, so a result can be traced to the software that made it. */
export function softwareVersions(): Record<string, string> {
  return {
    headstart: (require('../../../package.json') as { version: string }).version,
    '@tensorflow/tfjs-core': tfjsVersion,
    'onnxruntime-node': versionOf('onnxruntime-node'),
    node: process.versions.node,
  };
}
