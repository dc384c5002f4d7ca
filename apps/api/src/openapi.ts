import { HTTP_STATUS } from './http-errors.ts';
import { IMAGE_MEDIA_TYPES } from './read-images.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });

const imageBody = {
  required: true,
  description: 'One raw image, several `image` file fields, or base64 strings in JSON.',
  content: {
    ...Object.fromEntries(
      IMAGE_MEDIA_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
    ),
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: { image: { type: 'array', items: { type: 'string', format: 'binary' } } },
        required: ['image'],
      },
    },
    'application/json': {
      schema: {
        type: 'object',
        properties: { images: { type: 'array', items: { type: 'string', contentEncoding: 'base64' } } },
        required: ['images'],
      },
    },
  },
};

const inferenceErrors = {
  400: error(
    'Corrupt, truncated or empty image (the message names which), bad base64, bad JSON or bad topK.',
  ),
  401: error('Missing or wrong bearer token (only when HEADSTART_API_KEY is set).'),
  413: error('Body, image count or decoded pixel count over the limit.'),
  415: error('Content type or image format not accepted.'),
  503: error('Queue full (see Retry-After) or model not loaded yet.'),
  504: error('The request did not finish within the timeout.'),
};

const timing = {
  type: 'object',
  properties: { decodeMs: { type: 'number' }, inferenceMs: { type: 'number' }, totalMs: { type: 'number' } },
};

const schemas = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string', enum: Object.keys(HTTP_STATUS) }, message: { type: 'string' } },
      },
    },
  },
  Ranked: { type: 'object', properties: { label: { type: 'string' }, probability: { type: 'number' } } },
  PredictResponse: {
    type: 'object',
    properties: {
      model: { type: 'string', description: 'The bundle id.' },
      predictions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            image: { type: 'string' },
            label: { type: 'string' },
            probability: { type: 'number' },
            top: { type: 'array', items: ref('Ranked') },
          },
        },
      },
      timing,
    },
  },
  EmbedResponse: {
    type: 'object',
    properties: {
      model: { type: 'string' },
      pooling: { type: 'string', enum: ['flatten', 'avg', 'max'] },
      dim: { type: 'integer' },
      embeddings: {
        type: 'array',
        items: {
          type: 'object',
          properties: { image: { type: 'string' }, features: { type: 'array', items: { type: 'number' } } },
        },
      },
      timing,
    },
  },
  Model: {
    type: 'object',
    description: 'From the bundle manifest and metrics.json.',
    properties: {
      id: { type: 'string' },
      labels: { type: 'array', items: { type: 'string' } },
      backbone: { type: 'object' },
      preprocess: { type: 'object' },
      pooling: { type: 'string' },
      featureDim: { type: 'integer' },
      head: { type: 'object' },
      metrics: { type: ['object', 'null'] },
    },
  },
};

/** The OpenAPI 3.1 description of every route, served at /openapi.json. */
export function openApiDocument(options: { version: string }) {
  const bearer = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Headstart prediction API',
      version: options.version,
      description:
        'Classifies images with a Headstart model bundle: the same preprocessing, backbone and head as `headstart predict`.',
    },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: bearer,
    paths: {
      '/v1/predict': {
        post: {
          summary: 'Classify one or more images.',
          parameters: [{ name: 'topK', in: 'query', schema: { type: 'integer', minimum: 1, default: 3 } }],
          requestBody: imageBody,
          responses: {
            200: {
              description: 'One prediction per image, in order.',
              content: json(ref('PredictResponse')),
            },
            ...inferenceErrors,
          },
        },
      },
      '/v1/embed': {
        post: {
          summary: 'The pooled backbone feature vector of each image (before the head standardises it).',
          requestBody: imageBody,
          responses: {
            200: { description: 'One vector per image.', content: json(ref('EmbedResponse')) },
            ...inferenceErrors,
          },
        },
      },
      '/v1/model': {
        get: {
          summary: 'Labels, backbone, preprocessing and metrics of the served bundle.',
          responses: { 200: { description: 'The model.', content: json(ref('Model')) } },
        },
      },
      '/v1/model/reload': {
        post: {
          summary: 'Load the bundle again and swap it in atomically (SIGHUP does the same).',
          responses: {
            200: {
              description: 'Swapped in; in-flight requests finished on the old model.',
              content: json({ type: 'object' }),
            },
            500: error('The new bundle could not be loaded; the old one keeps serving.'),
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Alive (no auth).',
          security: [],
          responses: { 200: { description: 'Alive.', content: json({ type: 'object' }) } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Bundle loaded and backbone warm; names the execution provider.',
          responses: {
            200: { description: 'Ready.', content: json({ type: 'object' }) },
            503: { description: 'Loading or stopping.' },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics: requests, latency, batch sizes, queue depth, images/s.',
          responses: {
            200: {
              description: 'Prometheus text format 0.0.4.',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document.',
          responses: { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
        },
      },
    },
  };
}
