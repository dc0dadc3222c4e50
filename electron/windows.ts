/**
 * The tray app's windows: the dashboard, one window per session, and the pairing window. Each
 * loads the daemon's own web UI through a freshly minted loopback login link; closing a window
 * only hides it (the app lives in the tray until "Quit"). Reports what each visible window shows.
 */
import { BrowserWindow, shell } from 'electron';
import type { PairingService } from '../src/store/pairing.js';
import { mintLoginLink } from '../src/loginLink.js';
import { isExternalUrlAllowed, isSameOrigin, type WindowView } from './menuModel.js';

/** Opens and tracks the app's windows. */
export class Windows {
  private readonly _windows = new Map<string, { window: BrowserWindow; view: WindowView }>();
  private _quitting = false;

  constructor(private readonly _daemon: { readonly pairing: PairingService; readonly localUrl: string }) {}

  /** Lets windows really close (called before quitting). */
  allowClose(): void {
    this._quitting = true;
  }

  /** The views of the windows that are visible right now. */
  visibleViews(): WindowView[] {
    return [...this._windows.values()].filter(({ window }) => !window.isDestroyed() && window.isVisible() && !window.isMinimized()).map(({ view }) => view);
  }

  /** True when some window is visible. */
  anyVisible(): boolean {
    return this.visibleViews().length > 0;
  }

  /** The dashboard (optionally on a panel: "new", "pair", "devices"). */
  openDashboard(panel?: 'new' | 'pair' | 'devices'): void {
    this._open(panel === 'pair' ? 'pairing' : 'dashboard', panel === 'pair' ? { kind: 'pairing' } : { kind: 'dashboard' }, panel ? `panel=${panel}` : '', { width: 1200, height: 780 });
  }

  /** One session's terminal. */
  openSession(sessionId: string): void {
    this._open(`session:${sessionId}`, { kind: 'session', sessionId }, `session=${encodeURIComponent(sessionId)}`, { width: 1000, height: 680 });
  }

  private _open(key: string, view: WindowView, query: string, size: { width: number; height: number }): void {
    const existing = this._windows.get(key);
    if (existing && !existing.window.isDestroyed()) {
      existing.window.show();
      existing.window.focus();
      return;
    }
    const window = new BrowserWindow({
      ...size,
      title: 'Tether',
      show: false,
      autoHideMenuBar: true,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    // Links out of the UI (docs, the pairing URL) open in the user's browser, never in the app,
    // and only web links: a file:, smb: or app-scheme URL from terminal output is dropped.
    window.webContents.setWindowOpenHandler(({ url }) => {
      if (isExternalUrlAllowed(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    // The window stays on the daemon's pages; any other navigation is refused.
    window.webContents.on('will-navigate', (event, url) => {
      if (!isSameOrigin(url, this._daemon.localUrl)) event.preventDefault();
    });
    window.on('close', (event) => {
      if (this._quitting) return;
      event.preventDefault();
      window.hide();
    });
    window.once('ready-to-show', () => window.show());
    const link = mintLoginLink(this._daemon.pairing, this._daemon.localUrl);
    const url = new URL(link.url);
    url.search = query;
    void window.loadURL(url.toString());
    this._windows.set(key, { window, view });
  }

  /** Destroys every window (on quit). */
  closeAll(): void {
    this._quitting = true;
    for (const { window } of this._windows.values()) if (!window.isDestroyed()) window.destroy();
    this._windows.clear();
  }
}
