// Worker bootstrap: lets a worker thread run a TypeScript module whether or not the parent process was
// started through tsx (vitest, plain node, the CLI). The module to run comes in workerData.module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
