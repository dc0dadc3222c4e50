/**
 * The YAML configuration file: its schema, defaults and loader. Every field has a default,
 * so the daemon runs with no file at all (loopback only, push off).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TetherError } from '../common/index.js';
import { readYaml } from './yamlText.js';
import { approvalsSchema } from './approvalsConfig.js';

/** Default port: unassigned by IANA, easy to remember. */
export const DEFAULT_PORT = 7878;

const apnsSchema = z.object({
  /** Path to the .p8 token-auth key from Apple Developer → Keys. */
  key_file: z.string(),
  key_id: z.string(),
  team_id: z.string(),
  bundle_id: z.string(),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  /** Host override (tests point this at a local HTTP/2 mock). */
  address: z.string().optional(),
  port: z.number().int().positive().optional(),
  /** Extra CA certificate (PEM) trusted for `address` (tests use a self-signed CA). */
  ca_file: z.string().optional(),
});

const fcmSchema = z.object({
  /** Google service-account JSON with the Firebase Cloud Messaging scope. */
  service_account_file: z.string(),
  /** Firebase project id; defaults to the one in the service-account file. */
  project_id: z.string().optional(),
  /** Endpoint override (tests point this at a local mock). */
  endpoint: z.string().url().optional(),
  /** Android notification channel id for Tether's notifications. */
  android_channel_id: z.string().default('tether_prompts'),
});

const expoSchema = z.object({
  /** Expo access token, when the project requires enhanced push security. */
  access_token: z.string().optional(),
  /** Base URL override (tests point this at a local mock). */
  base_url: z.string().url().optional(),
});

const webPushSchema = z.object({
  /** VAPID subject: a mailto: or https: URL identifying the sender (RFC 8292 §2.1). */
  subject: z.string().default('mailto:tether@localhost'),
});

/** "HH:MM", 24-hour clock. */
const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'expected "HH:MM" (24-hour)');

/** A device's quiet hours; `null` (from JSON-RPC) turns them off. */
export const quietHoursSchema = z.object({
  start: clockTime,
  end: clockTime,
  /** IANA time zone; the daemon's local zone when absent. */
  time_zone: z
    .string()
    .max(64)
    .refine((zone) => isTimeZone(zone), 'unknown IANA time zone')
    .optional(),
});

/** Per-device preferences: `push.devices.<device_id>` in the YAML, or JSON-RPC `device/preferences`. */
export const devicePreferencesSchema = z.object({
  quiet_hours: quietHoursSchema.nullable().optional(),
  /** `false` turns pushes of that wait type off for the device. */
  wait_types: z
    .object({
      tool_approval: z.boolean().optional(),
      plan_approval: z.boolean().optional(),
      clarifying_question: z.boolean().optional(),
      awaiting_response: z.boolean().optional(),
    })
    .optional(),
  /** `true` turns on "Task complete" / "Task failed" pushes at a turn's end (off by default). */
  task_pushes: z.boolean().optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const pushSchema = z.object({
  enabled: z.boolean().default(true),
  /** With a client connected, wait this long and push only if the prompt is still live (s). */
  delay_seconds: z.number().min(0).max(600).default(3),
  /** `minimal` leaves command text out of payloads. */
  content: z.enum(['full', 'minimal']).default('minimal'),
  /** Notifications per device per rolling minute; the excess is queued (collapsed per session), never dropped. */
  max_per_minute: z.number().int().min(1).max(1000).default(10),
  /** How long a retryable failure (429, 5xx, timeout) keeps being retried, from the first attempt (s). */
  retry_window_seconds: z.number().int().min(0).max(3600).default(300),
  /** Preferences by device id; JSON-RPC `device/preferences` overrides them field by field. */
  devices: z.record(z.string(), devicePreferencesSchema).default({}),
  apns: apnsSchema.optional(),
  fcm: fcmSchema.optional(),
  expo: expoSchema.optional(),
  /** Web Push is on by default: VAPID keys are generated on first start and kept in the data dir. */
  webpush: webPushSchema.prefault({}),
});

/** The whole configuration file. */
export const configSchema = z.object({
  server: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
      /** Serve HTTPS/WSS (phones allow service workers and Web Push only on secure origins), e.g. from `tailscale cert`. */
      tls: z.object({ cert_file: z.string(), key_file: z.string() }).optional(),
      /**
       * Listen beyond loopback without TLS anyway (tokens and pairing codes then cross the
       * network in clear). Off by default: such a bind is refused. `--insecure-no-tls` says the same.
       */
      insecure_no_tls: z.boolean().default(false),
      /** Extra names the daemon answers to (Host header), besides loopback, the bind address, the TLS name and the LAN addresses. */
      allowed_hosts: z.array(z.string().min(1).max(253)).max(64).default([]),
      /** Extra browser origins (`https://example.net:8443`) allowed to change state and open the WebSocket, besides the daemon's own. */
      allowed_origins: z.array(z.string().min(1).max(512)).max(64).default([]),
      /** Open connections at once (HTTP and WebSocket); more are refused with TOO_MANY_CONNECTIONS. */
      max_connections: z.number().int().min(1).max(100_000).default(256),
      /** Open connections at once from one address. */
      max_connections_per_address: z.number().int().min(1).max(100_000).default(32),
    })
    .prefault({}),
  push: pushSchema.prefault({}),
  /** How long decision prompts wait and what their expiry does (approvalsConfig.ts). */
  approvals: approvalsSchema.prefault({}),
  sessions: z
    .object({
      /** Default size of new sessions (cells/rows). */
      cols: z.number().int().min(10).max(1000).default(120),
      rows: z.number().int().min(5).max(500).default(40),
      /** Pause between typed text and the submitting `\r` (ms). */
      submit_delay_ms: z.number().int().min(0).max(5000).default(150),
      /** Sessions running at once; one more is refused with SESSION_LIMIT. */
      max_running: z.number().int().min(1).max(1000).default(32),
      /** Exited sessions kept (final screen, exit code, last events); the oldest beyond this are removed. */
      keep_exited: z.number().int().min(0).max(10_000).default(50),
      /** Event history per running session for clients resuming with `since` (bytes). */
      history_bytes: z.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(2 * 1024 * 1024),
      /** Run each agent in a session host process that outlives the daemon (restart, crash, update); false: in the daemon's process. */
      hosted: z.boolean().default(true),
      /** How long a host whose agent exited waits for a daemon before writing a final record and exiting (seconds). */
      host_orphan_exit_seconds: z.number().int().min(0).max(7 * 86_400).default(300),
      /**
       * What a device with the phone's scope may start (`create_session.cli`, bare command
       * names); absent: every agent CLI Tether knows (not shells). Devices paired with
       * `--scope full`, the dashboard and the local CLI may start anything.
       */
      allowed_clis: z.array(z.string().min(1).max(256)).max(256).optional(),
      /** Folders (and everything below them) such a device may start sessions in; `~` is the home directory. */
      allowed_roots: z.array(z.string().min(1).max(4096)).max(64).default(['~']),
    })
    .prefault({}),
  auth: z
    .object({
      /** Days a device token works after pairing or its last rotation; 0: forever. */
      token_ttl_days: z.number().int().min(0).max(36_500).default(365),
    })
    .prefault({}),
});

/** Parsed, defaulted configuration. */
export type TetherConfig = z.infer<typeof configSchema>;
/** The APNs section. */
export type ApnsConfig = z.infer<typeof apnsSchema>;
/** The push section. */
export type PushConfig = z.infer<typeof pushSchema>;

/**
 * Parses YAML text into a config.
 * @throws TetherError CONFIG_INVALID with the failing path(s) in the message
 */
export function parseConfig(yamlText: string, source = 'config'): TetherConfig {
  const raw = readYaml(yamlText, source);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new TetherError('CONFIG_INVALID', `${source}: ${where}`);
  }
  return result.data;
}

/**
 * Loads a config file, or the defaults when `path` is undefined.
 * @throws TetherError CONFIG_INVALID when the file is unreadable or invalid
 */
export function loadConfig(path?: string): TetherConfig {
  if (path === undefined) return configSchema.parse({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TetherError('CONFIG_INVALID', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(text, path);
}
