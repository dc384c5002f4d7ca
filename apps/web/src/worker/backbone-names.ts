import { backboneId, getVggArchitecture, HeadstartError } from '@headstart/core';

/**
 * The id and architecture `headstart train` gives a seeded random backbone cut after `block`: cutting
 * after the last block is no cut at all, so `vgg16` block 5 is plain `vgg16-random-s42`.
 */
export function randomBackboneName(choice: { arch: string; seed: number; block?: number }): {
  id: string;
  arch: string;
} {
  const blocks = getVggArchitecture(choice.arch).blocks.length;
  const block = choice.block;
  if (block !== undefined && (!Number.isInteger(block) || block < 1 || block > blocks)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Invalid feature block ${block}; ${choice.arch} has blocks 1 to ${blocks}.`,
    );
  }
  const cut = block !== undefined && block !== blocks ? `-b${block}` : '';
  return {
    id: `${backboneId({ arch: choice.arch, weights: 'random', seed: choice.seed })}${cut}`,
    arch: `${choice.arch}${cut}`,
  };
}
