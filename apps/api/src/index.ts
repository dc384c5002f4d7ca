/** @headstart/api — the HTTP prediction API over a model bundle. */
export { createApp, API_ROUTES, type AppDeps } from './app.ts';
export { createApi, type Api, type CreateApiOptions } from './create-api.ts';
export { startServer, type RunningServer, type StartServerOptions } from './server.ts';
export {
  resolveApiConfig,
  defaultServingThreads,
  DEFAULT_API_CONFIG,
  API_ENV_VARS,
  type ApiConfig,
  type ApiConfigInput,
} from './config.ts';
export { parseApiArgs, apiUsage } from './cli-args.ts';
export { createModelHolder, type ModelHolder, type ReloadResult, type HolderStatus } from './model-holder.ts';
export { loadServingModel, type ServingModel, type LoadServingModelOptions } from './serving-model.ts';
export { createApiMetrics, type ApiMetrics } from './api-metrics.ts';
export {
  HTTP_STATUS,
  HTTP_ERROR_CODES,
  HttpError,
  type ApiErrorCode,
  type HttpErrorCode,
  type ErrorBody,
} from './http-errors.ts';
export { openApiDocument } from './openapi.ts';
