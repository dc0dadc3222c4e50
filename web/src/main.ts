/**
 * Entry point: picks the view and handles pairing. `/pair#code=…` (the phone's QR link) and
 * `/desktop#code=…` (the login link from `tether open` or the tray app) redeem the code with
 * `POST /api/pair`, keep the token and its granted scopes in IndexedDB and drop the fragment
 * from the address bar. What the device may do comes from the code, not from the `platform`
 * label sent with it. `/desktop` shows the dashboard, `/phone` the phone view, `/` whichever
 * this device paired as.
 */
import './styles.css';
import { Connection } from './connection.js';
import { mountDesktop } from './desktop.js';
import { deviceName, h } from './dom.js';
import { mountPhone } from './phone.js';
import { clearDevice, loadDevice, saveDevice, type StoredDevice } from './tokenStore.js';

const root = document.getElementById('app')!;

async function pair(code: string, platform: string): Promise<StoredDevice> {
  const response = await fetch('/api/pair', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, device_name: platform === 'desktop' ? 'Desktop dashboard' : deviceName(), platform }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.code === 'PAIRING_REJECTED' ? 'This code is expired or was already used. Make a new one on your computer.' : (body?.error?.message ?? `HTTP ${response.status}`));
  const device: StoredDevice = { token: body.token, device_id: body.device_id, platform, ...(Array.isArray(body.scopes) ? { scopes: body.scopes } : {}) };
  await saveDevice(device);
  return device;
}

function showPairing(message: string, desktop: boolean): void {
  const input = h('input', { type: 'text', name: 'code', placeholder: 'ABCD-EFGH', autocomplete: 'one-time-code', autocapitalize: 'characters', 'aria-label': 'Pairing code' });
  const error = h('p', { class: 'error', role: 'alert' }, message);
  const form = h(
    'form',
    {
      class: 'pair-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = 'Pairing…';
        try {
          await pair(input.value, desktop ? 'desktop' : 'web');
          void start();
        } catch (err) {
          error.textContent = (err as Error).message;
        }
      },
    },
    input,
    h('button', { type: 'submit', class: 'primary big' }, 'Pair'),
  );
  root.className = 'pairing';
  root.replaceChildren(
    h(
      'section',
      { class: 'pair-card' },
      h('img', { src: '/icons/icon.svg', alt: '', class: 'pair-logo', width: 72, height: 72 }),
      h('h1', {}, desktop ? 'Open the dashboard' : 'Pair this phone'),
      h('p', {}, desktop ? 'Run `tether open` on this computer for a login link, or enter a code.' : 'Scan the QR code from `tether pair` or the dashboard, or type its code.'),
      form,
      error,
    ),
  );
}

async function start(): Promise<void> {
  const path = location.pathname;
  const wantsDesktop = path === '/desktop';
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  let device = await loadDevice();
  if (code !== null) {
    history.replaceState(null, '', path === '/pair' ? '/phone' : path);
    // A dashboard that already holds the dashboard's rights ignores a fresh login link (the
    // tray app opens every window with one); anything less redeems it.
    if (device === undefined || (wantsDesktop && device.scopes?.includes('devices') !== true) || path === '/pair') {
      try {
        device = await pair(code, wantsDesktop ? 'desktop' : 'web');
      } catch (err) {
        showPairing((err as Error).message, wantsDesktop);
        return;
      }
    }
  }
  if (device === undefined) {
    showPairing('', wantsDesktop);
    return;
  }
  const connection = new Connection(device.token);
  const signedOut = async (): Promise<void> => {
    connection.close();
    await clearDevice();
    showPairing('This device was unpaired. Pair it again to continue.', wantsDesktop);
  };
  const desktop = wantsDesktop || (path !== '/phone' && device.platform === 'desktop');
  if (desktop) mountDesktop(root, connection, device.token, () => void signedOut());
  else mountPhone(root, connection, () => void signedOut());
  // Tests and the Electron shell read the connection state from here.
  (window as unknown as { tether: unknown }).tether = { connection };
}

void start();
