/**
 * Paired devices, their push registrations and notification preferences, persisted in
 * `<dataDir>/devices.json` (atomic, 0600). Device tokens are random 32-byte base64url strings handed out once at
 * pairing; only their SHA-256 hashes are stored, and lookups compare hashes in constant time.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { plainLabel, rightsOf, SCOPE_PRESETS, TetherError } from '../common/index.js';
import type { Right } from '../common/index.js';
import { readFileIfExists, removeStaleTemporaries, writeFileAtomicSync } from './atomicFile.js';
import type { DevicePreferences, DeviceRecord, IPushRegistry, PushRegistration } from './types.js';

/** The file name inside the data directory. */
export const DEVICES_FILE = 'devices.json';
/** 32 random bytes: 256 bits, beyond any guessing. */
const TOKEN_BYTES = 32;
/** Bump when the file's shape changes incompatibly. */
const FILE_VERSION = 1;
/** Longest device name kept; it is only a label. */
const MAX_DEVICE_NAME = 128;
/** Longest platform label kept. */
const MAX_PLATFORM = 64;
/** `last_seen` is written at most this often per device, so reconnect storms do not thrash the disk. */
const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;

interface DevicesFile {
  version: number;
  devices: DeviceRecord[];
  push: PushRegistration[];
  /** Preferences by device id (set with JSON-RPC `device/preferences`). */
  preferences?: Record<string, DevicePreferences>;
}

/** Returns the SHA-256 (hex) of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Paired devices and push registrations on disk. */
export class DeviceStore implements IPushRegistry {
  private readonly _path: string;
  private readonly _now: () => number;
  private _devices: DeviceRecord[] = [];
  private _push: PushRegistration[] = [];
  private _preferences: Record<string, DevicePreferences> = {};

  /**
   * Loads `<dataDir>/devices.json` (an absent file means no devices yet).
   * @throws TetherError CONFIG_INVALID when the file exists but cannot be read or parsed
   */
  constructor(dataDir: string, options: { now?: () => number } = {}) {
    this._path = join(dataDir, DEVICES_FILE);
    this._now = options.now ?? Date.now;
    this._load();
  }

  /** The file this store persists to. */
  get path(): string {
    return this._path;
  }

  /**
   * Adds a device and returns it with its token (the only time the token exists in clear).
   * The name and platform are stored as plain labels (no control or hidden characters);
   * `scopes` default to the phone's rights, `expires_at` (ISO 8601) to never.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written; the device is then not added
   */
  pair(input: { device_name: string; platform?: string; scopes?: readonly Right[]; expires_at?: string }): { device: DeviceRecord; token: string } {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const timestamp = new Date(this._now()).toISOString();
    const platform = input.platform === undefined ? '' : plainLabel(input.platform, MAX_PLATFORM);
    const device: DeviceRecord = {
      device_id: randomUUID(),
      device_name: plainLabel(input.device_name, MAX_DEVICE_NAME) || 'device',
      ...(platform !== '' ? { platform } : {}),
      token_hash: hashToken(token),
      scopes: rightsOf(input.scopes ?? SCOPE_PRESETS.phone),
      paired_at: timestamp,
      last_seen: timestamp,
      ...(input.expires_at !== undefined ? { expires_at: input.expires_at } : {}),
    };
    this._commit([...this._devices, device], this._push);
    return { device, token };
  }

  /**
   * Swaps a device's token for a new one (the old one stops working at once) with a new
   * expiry (ISO 8601; undefined: never); returns the new token, or undefined for an unknown device.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written (the old token stays)
   */
  rotate(deviceId: string, expiresAt: string | undefined): { device: DeviceRecord; token: string } | undefined {
    const current = this.get(deviceId);
    if (current === undefined) return undefined;
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const { expires_at: _old, ...rest } = current;
    const device: DeviceRecord = { ...rest, token_hash: hashToken(token), ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}) };
    this._commit(
      this._devices.map((existing) => (existing === current ? device : existing)),
      this._push,
    );
    return { device, token };
  }

  /**
   * Returns the device whose token this is, or undefined. Every stored hash is compared in
   * constant time, so timing reveals neither a match nor its position. Refreshes `last_seen`.
   * @throws never; a failed `last_seen` write is ignored
   */
  authenticate(token: string): DeviceRecord | undefined {
    const candidate = Buffer.from(hashToken(token), 'hex');
    let match: DeviceRecord | undefined;
    for (const device of this._devices) {
      const stored = Buffer.from(device.token_hash, 'hex');
      if (stored.length === candidate.length && timingSafeEqual(stored, candidate) && match === undefined) {
        match = device;
      }
    }
    if (match !== undefined) this._touch(match);
    return match;
  }

  /** A device by id. */
  get(deviceId: string): DeviceRecord | undefined {
    return this._devices.find((device) => device.device_id === deviceId);
  }

  /** Every paired device. */
  listDevices(): DeviceRecord[] {
    return this._devices.slice();
  }

  /**
   * Forgets a device and its push registrations; returns whether it existed.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written (nothing changes)
   */
  remove(deviceId: string): boolean {
    if (this.get(deviceId) === undefined) return false;
    this._commit(
      this._devices.filter((device) => device.device_id !== deviceId),
      this._push.filter((registration) => registration.device_id !== deviceId && registration.owner_id !== deviceId),
    );
    return true;
  }

  /** Every push registration. */
  list(): PushRegistration[] {
    return this._push.slice();
  }

  /**
   * Adds or replaces (same token) a registration.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written (nothing changes)
   */
  add(registration: PushRegistration): void {
    const others = this._push.filter((existing) => existing.token !== registration.token);
    this._commit(this._devices, [...others, registration]);
  }

  /**
   * Removes a push token (e.g. after APNs 410); unknown tokens are ignored.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written (nothing changes)
   */
  removeToken(token: string): void {
    if (!this._push.some((registration) => registration.token === token)) return;
    this._commit(
      this._devices,
      this._push.filter((registration) => registration.token !== token),
    );
  }

  /**
   * Removes every registration `matches` selects; returns how many went.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written (nothing changes)
   */
  removeWhere(matches: (registration: PushRegistration) => boolean): number {
    const kept = this._push.filter((registration) => !matches(registration));
    const removed = this._push.length - kept.length;
    if (removed > 0) this._commit(this._devices, kept);
    return removed;
  }

  /** The stored preferences of a device (by registration device id), if any. */
  preferences(deviceId: string): DevicePreferences | undefined {
    return Object.hasOwn(this._preferences, deviceId) ? this._preferences[deviceId] : undefined;
  }

  /**
   * Replaces a device's preferences.
   * @throws TetherError STORE_WRITE_FAILED when the file cannot be written (nothing changes)
   */
  setPreferences(deviceId: string, preferences: DevicePreferences): void {
    this._commit(this._devices, this._push, { ...this._preferences, [deviceId]: preferences });
  }

  private _touch(device: DeviceRecord): void {
    const now = this._now();
    if (now - Date.parse(device.last_seen) < LAST_SEEN_WRITE_INTERVAL_MS) return;
    const updated: DeviceRecord = { ...device, last_seen: new Date(now).toISOString() };
    try {
      this._commit(
        this._devices.map((existing) => (existing === device ? updated : existing)),
        this._push,
      );
    } catch {
      // last_seen is informational; authentication must not fail on a full disk.
    }
  }

  /** Writes first, then swaps memory, so memory never holds what the disk refused. */
  private _commit(devices: DeviceRecord[], push: PushRegistration[], preferences = this._preferences): void {
    const file: DevicesFile = { version: FILE_VERSION, devices, push, preferences };
    writeFileAtomicSync(this._path, `${JSON.stringify(file, null, 2)}\n`);
    this._devices = devices;
    this._push = push;
    this._preferences = preferences;
  }

  private _load(): void {
    removeStaleTemporaries(this._path);
    let text: string | undefined;
    try {
      text = readFileIfExists(this._path);
    } catch (err) {
      throw new TetherError('CONFIG_INVALID', `cannot read ${this._path}: ${(err as Error).message}`, { cause: err });
    }
    if (text === undefined) return;
    let parsed: Partial<DevicesFile>;
    try {
      parsed = JSON.parse(text) as Partial<DevicesFile>;
    } catch (err) {
      throw new TetherError('CONFIG_INVALID', `${this._path} is not valid JSON`, { cause: err });
    }
    if (!Array.isArray(parsed.devices) || !Array.isArray(parsed.push ?? [])) {
      throw new TetherError('CONFIG_INVALID', `${this._path}: expected {"devices": [...], "push": [...]}`);
    }
    // Records from before scopes existed get the phone's rights (rightsOf); unknown words are dropped.
    this._devices = parsed.devices
      .filter((device) => typeof device?.token_hash === 'string')
      .map((device) => ({ ...device, scopes: rightsOf(Array.isArray(device.scopes) ? device.scopes : undefined) }));
    this._push = parsed.push ?? [];
    const preferences = parsed.preferences;
    this._preferences = typeof preferences === 'object' && preferences !== null && !Array.isArray(preferences) ? preferences : {};
  }
}
