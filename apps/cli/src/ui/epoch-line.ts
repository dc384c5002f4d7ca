import pc from 'picocolors';
import type { EpochRecord } from '@headstart/core';

/** One line per finished epoch: the figures Keras' fit prints, plus throughput. */
export function formatEpochLine(record: EpochRecord, epochs: number, best: boolean): string {
  const pct = (v: number | undefined) =>
    v === undefined ? '   –   ' : `${(v * 100).toFixed(2).padStart(6)}%`;
  const num = (v: number | undefined) => (v === undefined ? '   –  ' : v.toFixed(4));
  const parts = [
    `epoch ${String(record.epoch).padStart(String(epochs).length)}/${epochs}`,
    `loss ${num(record.loss)}`,
    `acc ${pct(record.accuracy)}`,
    `val_loss ${num(record.valLoss)}`,
    `val_acc ${pct(record.valAccuracy)}`,
    `${Math.round(record.samplesPerSecond).toLocaleString('en-US').padStart(7)} samples/s`,
    `${(record.durationMs / 1000).toFixed(1)}s`,
  ];
  return `${parts.join('  ')}${best ? pc.green(' *') : ''}`;
}
