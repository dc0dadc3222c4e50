/**
 * The undici dispatcher the Expo SDK sends through (its documented `httpAgent` option): it
 * sends every request to our base URL, bounds the wait for an answer, and reports each answer's
 * Retry-After. expo-server-sdk 5.0.0 has no base-URL option, only `EXPO_BASE_URL`, read once at
 * import and documented as "only for internal Expo use"; the SDK drops headers from its errors.
 */
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';

/** The SDK's own undici (its declared dependency), so the Agent matches the `fetch` it uses. */
function sdkUndici(): typeof import('undici') {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('expo-server-sdk'))('undici') as typeof import('undici');
}

/** A dispatcher for the SDK plus the means to close it. */
export interface ExpoDispatcher {
  /** Pass as `new Expo({httpAgent})`; `observe` receives each answer's `retry-after`, if any. */
  forRequest(observe: (retryAfter: string) => void): Dispatcher;
  /** Aborts open requests and closes pooled connections. */
  destroy(): Promise<void>;
}

/**
 * Creates the dispatcher.
 * @param baseUrl e.g. `https://exp.host` (production) or `http://127.0.0.1:<port>` (tests); a path
 *   is kept as a prefix of the SDK's `/--/api/v2/...` paths
 * @param timeoutMs how long to wait for response headers, then for each body chunk (ms)
 * @throws TypeError when `baseUrl` is not a URL
 */
export function createExpoDispatcher(baseUrl: string, timeoutMs: number): ExpoDispatcher {
  const target = new URL(baseUrl);
  const prefix = target.pathname.replace(/\/+$/, '');
  const agent = new (sdkUndici().Agent)({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    forRequest(observe) {
      return agent.compose((dispatch) => (options, handler) =>
        dispatch({ ...options, origin: target.origin, path: prefix + options.path }, observeHeaders(handler, observe)),
      );
    },
    async destroy() {
      await agent.destroy();
    },
  };
}

/**
 * Wraps a handler to read `retry-after` from the response head, whichever handler API undici
 * calls: `onHeaders` (raw header pairs, what fetch uses in undici 7) or `onResponseStart`.
 */
function observeHeaders(handler: Dispatcher.DispatchHandler, observe: (retryAfter: string) => void): Dispatcher.DispatchHandler {
  return new Proxy(handler, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'onHeaders') {
        return (status: number, rawHeaders: Buffer[], ...rest: unknown[]) => {
          for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
            if (String(rawHeaders[index]).toLowerCase() === 'retry-after') observe(String(rawHeaders[index + 1]));
          }
          return (value as (...args: unknown[]) => unknown).call(target, status, rawHeaders, ...rest);
        };
      }
      if (property === 'onResponseStart') {
        return (controller: unknown, status: number, headers: Record<string, string | string[] | undefined>, ...rest: unknown[]) => {
          const retryAfter = headers['retry-after'];
          if (retryAfter !== undefined) observe(String(retryAfter));
          return (value as (...args: unknown[]) => unknown).call(target, controller, status, headers, ...rest);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}
