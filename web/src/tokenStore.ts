/**
 * The device token, kept in IndexedDB (`tether` database, `auth` store) so that the page and
 * the service worker (which posts notification actions) can both read it. Falls back to
 * memory when IndexedDB is unavailable (private browsing).
 */

const DATABASE = 'tether';
const STORE = 'auth';
const KEY = 'device';

/** What pairing stored. */
export interface StoredDevice {
  readonly token: string;
  readonly device_id: string;
  readonly platform: string;
  /** What the daemon granted at pairing (absent for devices stored before scopes existed). */
  readonly scopes?: readonly string[];
}

let memory: StoredDevice | undefined;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const database = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(database.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error);
    });
  } finally {
    database.close();
  }
}

/** The stored device, if paired. */
export async function loadDevice(): Promise<StoredDevice | undefined> {
  try {
    return ((await transact<StoredDevice | undefined>('readonly', (store) => store.get(KEY))) ?? memory);
  } catch {
    return memory;
  }
}

/** Stores the device after pairing. */
export async function saveDevice(device: StoredDevice): Promise<void> {
  memory = device;
  try {
    await transact('readwrite', (store) => store.put(device, KEY));
  } catch {
    // memory only
  }
}

/** Forgets the device (revoked or signed out). */
export async function clearDevice(): Promise<void> {
  memory = undefined;
  try {
    await transact('readwrite', (store) => store.delete(KEY));
  } catch {
    // nothing stored
  }
}
