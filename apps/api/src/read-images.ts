import { HeadstartError } from '@headstart/core';
import type { HonoRequest } from 'hono';
import { HttpError } from './http-errors.ts';

/** One image from a request: a name for messages, and its encoded bytes. */
export interface UploadedImage {
  name: string;
  bytes: Uint8Array;
}

/** Raw-body media types accepted by the inference routes. */
export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function tooMany(count: number, maxImages: number): HttpError {
  return new HttpError(
    'PAYLOAD_TOO_LARGE',
    `The request holds ${count.toLocaleString('en-US')} images; the limit is ${maxImages} per request (--max-images).`,
  );
}

/** Decodes one base64 (or base64url, or `data:` URL) string strictly; garbage is refused, not skipped. */
function fromBase64(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string') {
    throw new HeadstartError(
      'INVALID_OPTION',
      `${name} is ${value === null ? 'null' : typeof value}; send each image as a base64 string.`,
    );
  }
  const body = value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value;
  const compact = body.replace(/\s+/g, '');
  if ((!BASE64.test(compact) && !BASE64URL.test(compact)) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new HeadstartError('IMAGE_DECODE_FAILED', `Cannot decode image "${name}": it is not valid base64.`);
  }
  return new Uint8Array(Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url'));
}

async function readJson(req: HonoRequest, maxImages: number): Promise<UploadedImage[]> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new HeadstartError(
      'INVALID_OPTION',
      'The body is not valid JSON; send { "images": ["<base64>", …] }.',
    );
  }
  const images = (body as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      'The JSON body has no "images" array; send { "images": ["<base64>", …] }.',
    );
  }
  if (images.length > maxImages) throw tooMany(images.length, maxImages);
  return images.map((value, i) => ({ name: `images[${i}]`, bytes: fromBase64(value, `images[${i}]`) }));
}

async function readMultipart(req: HonoRequest, maxImages: number): Promise<UploadedImage[]> {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new HeadstartError('INVALID_OPTION', 'The multipart/form-data body cannot be parsed.');
  }
  const parts = form.getAll('image');
  if (parts.length > maxImages) throw tooMany(parts.length, maxImages);
  return Promise.all(
    parts.map(async (part, i) => {
      if (typeof part === 'string') {
        throw new HeadstartError(
          'INVALID_OPTION',
          `Form field image[${i}] is text; send each image as a file part.`,
        );
      }
      const name = part.name ? `image[${i}] (${part.name})` : `image[${i}]`;
      return { name, bytes: new Uint8Array(await part.arrayBuffer()) };
    }),
  );
}

/**
 * The images of a prediction request, by content type: one raw image body, `multipart/form-data` with
 * `image` file fields, or JSON `{ "images": [base64, …] }`. Counts are checked before any decoding.
 */
export async function readImages(options: { req: HonoRequest; maxImages: number }): Promise<UploadedImage[]> {
  const { req, maxImages } = options;
  const header = req.header('content-type') ?? '';
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  let images: UploadedImage[];
  if ((IMAGE_MEDIA_TYPES as readonly string[]).includes(type)) {
    images = [{ name: 'image', bytes: new Uint8Array(await req.arrayBuffer()) }];
  } else if (type === 'multipart/form-data') {
    images = await readMultipart(req, maxImages);
  } else if (type === 'application/json') {
    images = await readJson(req, maxImages);
  } else {
    throw new HeadstartError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content type "${header || '(none)'}" is not accepted; send ${IMAGE_MEDIA_TYPES.join(', ')}, multipart/form-data with "image" fields, or application/json { "images": [base64, …] }.`,
    );
  }
  if (images.length === 0) {
    throw new HeadstartError('INVALID_OPTION', 'The request holds no images; send at least one.');
  }
  return images;
}
