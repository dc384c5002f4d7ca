// Public API of metrics/.
export * from './classification-report.ts';
