/**
 * The Electron tray app's entry point, deliberately thin: take the single-instance lock, start
 * the daemon in-process with `startDaemon()` (config from `$TETHER_CONFIG` or
 * `<data dir>/config.yaml`), serve the browser UI on the transport's port, and map tray
 * menu actions to windows and app calls. Closing windows keeps the app in the tray; only Quit quits,
 * after asking whether running agents keep running or stop (quitChoice.ts).
 */
import { app, dialog } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, type Daemon } from '../src/daemon.js';
import { resolveDataDir } from '../src/daemonFile.js';
import { loadConfig } from '../src/store/config.js';
import { defaultHostCommand } from '../src/host/hostedSessions.js';
import type { MenuAction } from './menuModel.js';
import { quitPrompt, quitStopOptions } from './quitChoice.js';
import { createTray } from './tray.js';
import { Windows } from './windows.js';

/** `dist/electron/electron/main.js` → the package root, where `build/icons` lives (also inside the asar). */
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function start(): Promise<void> {
  const dataDir = resolveDataDir();
  const configPath = process.env.TETHER_CONFIG ?? join(dataDir, 'config.yaml');
  let daemon: Daemon;
  const config = loadConfig(existsSync(configPath) ? configPath : undefined);
  const hosted = config.sessions.hosted && defaultHostCommand() !== undefined;
  try {
    daemon = await startDaemon({ config, dataDir });
  } catch (err) {
    dialog.showErrorBox('Tether could not start', `${(err as Error).message}\n\nIs another Tether daemon running on this port?`);
    app.exit(1);
    return;
  }
  const windows = new Windows({ pairing: daemon.pairing, localUrl: `http://127.0.0.1:${daemon.port}` });
  let quitting = false;
  /** Quits; `ask` (the menu's Quit) first asks whether running agents keep running or stop. */
  const quit = async (ask: boolean): Promise<void> => {
    if (quitting) return;
    quitting = true;
    let stopOptions: { stopSessions: boolean } | undefined = { stopSessions: false };
    if (ask) {
      const prompt = quitPrompt(daemon.sessions.list(), hosted);
      const answer = prompt ? await dialog.showMessageBox({ type: 'question', message: prompt.message, detail: prompt.detail, buttons: [...prompt.buttons], defaultId: prompt.defaultId, cancelId: prompt.cancelId }) : undefined;
      stopOptions = quitStopOptions(prompt, answer?.response);
    }
    if (!stopOptions) {
      quitting = false;
      return;
    }
    windows.closeAll();
    removeTray();
    await daemon.stop(stopOptions).catch(() => undefined);
    app.exit(0);
  };
  const perform = (action: MenuAction): void => {
    switch (action.kind) {
      case 'open-session':
        return windows.openSession(action.sessionId);
      case 'new-session':
        return windows.openDashboard('new');
      case 'pair-phone':
        return windows.openDashboard('pair');
      case 'open-dashboard':
        return windows.openDashboard();
      case 'toggle-start-at-login':
        app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin });
        return;
      case 'quit':
        void quit(true);
    }
  };
  const removeTray = createTray({ sessions: daemon.sessions, windows, iconDir: join(appRoot, 'build', 'icons'), onAction: perform });
  app.on('second-instance', () => windows.openDashboard());
  app.on('activate', () => windows.openDashboard());
  // A quit from outside the menu (an update's restart, logging out): no question, hosted agents stay.
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    void quit(false);
  });
  windows.openDashboard();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // The app lives in the tray: no window must keep it alive, none closing may end it.
  app.on('window-all-closed', () => undefined);
  if (process.platform === 'darwin') app.dock?.hide();
  void app.whenReady().then(start);
}
