/**
 * What one REST route does, in one value next to its schemas: the zod schema of its JSON body
 * (the route table validates it, 400 BAD_MESSAGE), the schema of its answer (the handler
 * returns that value and the table sends it), the coded errors it may answer, and its words
 * for the OpenAPI document (openApi.ts). httpRoutes.ts pairs each endpoint with its method,
 * path and access.
 */
import { z } from 'zod';
import { TetherError, type ErrorCode } from '../common/index.js';
import type { RouteCall } from './types.js';

/** What a `:name` path segment accepts: an id as the daemon makes them (UUIDs, prompt ids). */
export const PARAM_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

/** Success statuses an endpoint answers with. */
export type SuccessStatus = 200 | 201;

/** A REST endpoint: its documentation, its schemas and its handler. */
export interface Endpoint<Context, Body = unknown, Reply = unknown> {
  /** One line for the OpenAPI `summary`. */
  readonly summary: string;
  /** More, when the summary is not enough (Markdown). */
  readonly description?: string;
  /** The OpenAPI tag the route is listed under. */
  readonly tag: EndpointTag;
  /** The JSON body's schema (request bodies are objects of at most 16 KiB); absent: the body is ignored. */
  readonly body?: z.ZodType<Body>;
  /** Largest body taken (bytes); default 16 KiB (MAX_BODY_BYTES). */
  readonly maxBodyBytes?: number;
  /** The answer's schema and status (default 200). */
  readonly reply: z.ZodType<Reply>;
  readonly status?: SuccessStatus;
  /**
   * When set, the handler may return `undefined`, which answers 204 No Content; the text says
   * when (e.g. "no queued prompt").
   */
  readonly noContent?: string;
  /** Coded errors the handler answers, besides the ones access, rate limit and body validation add. */
  readonly errors?: readonly ErrorCode[];
  /**
   * Handles one call whose body already passed `body`; returns the reply (sent as JSON with
   * `status`) or `undefined` for 204 when `noContent` is set.
   * @throws TetherError (answered with its code's status)
   */
  handle(context: Context, call: RouteCall<Body>): Reply | undefined | Promise<Reply | undefined>;
}

/** OpenAPI tags, in the order the document lists them. */
export const ENDPOINT_TAGS = {
  daemon: 'The daemon itself',
  pairing: 'Pairing a device (a one-time code for a device token)',
  sessions: 'Agent CLI sessions',
  queue: 'The prompt queue, autoplay and external executors',
  push: 'Push notifications',
  dashboard: 'The desktop dashboard (device management)',
} as const;

/** One of ENDPOINT_TAGS. */
export type EndpointTag = keyof typeof ENDPOINT_TAGS;

/** Declares an endpoint, keeping its body and reply types for the handler. */
export function endpoint<Context, Body = undefined, Reply = unknown>(spec: Endpoint<Context, Body, Reply>): Endpoint<Context, Body, Reply> {
  return spec;
}

/**
 * Validates a request body against an endpoint's schema.
 * @throws TetherError BAD_MESSAGE naming the first failing fields (`body.cols: Too big: …`)
 */
export function parseBody<Body>(schema: z.ZodType<Body>, value: unknown): Body {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const message = result.error.issues
    .slice(0, 3)
    .map((issue) => `${['body', ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
  throw new TetherError('BAD_MESSAGE', message);
}
