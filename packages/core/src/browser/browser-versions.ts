import { version_core as tfjsVersion } from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import packageJson from '../../package.json' with { type: 'json' };

/** Versions recorded in bundle manifests written in the browser, like softwareVersions() in Node. */
export function browserSoftwareVersions(): Record<string, string> {
  return {
    headstart: packageJson.version,
    '@tensorflow/tfjs-core': tfjsVersion,
    'onnxruntime-web': ort.env.versions.web ?? 'unknown',
    browser: globalThis.navigator?.userAgent ?? 'unknown',
  };
}
