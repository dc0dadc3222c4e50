/**
 * The tray icon and its menu: rebuilt from the daemon's sessions on every session event
 * (through the pure `buildTrayMenu`), with the icon, title (macOS) and tooltip showing idle,
 * busy or N waiting, and a native notification when a prompt waits that no window shows.
 */
import { app, Menu, Notification, Tray, nativeImage } from 'electron';
import { join } from 'node:path';
import type { SessionInfo, WaitingForInputEvent } from '../src/common/events.js';
import { buildTrayMenu, notificationContent, shouldNotify, trayStatus, type MenuAction, type MenuEntry } from './menuModel.js';
import type { Windows } from './windows.js';

/** What the tray needs from the daemon. */
export interface TraySource {
  list(): SessionInfo[];
  onEvent(listener: (event: { type: string }) => void): { dispose(): void };
}

/** Creates the tray; `onAction` performs menu actions. Returns a function that removes it. */
export function createTray(options: { sessions: TraySource; windows: Windows; iconDir: string; onAction(action: MenuAction): void }): () => void {
  const icon = (kind: string) => nativeImage.createFromPath(join(options.iconDir, `tray-${kind}.png`));
  const tray = new Tray(icon('idle'));
  let pending: NodeJS.Timeout | undefined;

  const toItem = (entry: MenuEntry): Electron.MenuItemConstructorOptions =>
    entry.type === 'separator'
      ? { type: 'separator' }
      : {
          label: entry.label,
          type: entry.type,
          enabled: entry.enabled,
          checked: entry.checked,
          click: entry.action ? () => options.onAction(entry.action!) : undefined,
        };

  const refresh = (): void => {
    pending = undefined;
    const sessions = options.sessions.list();
    const status = trayStatus(sessions);
    tray.setImage(icon(status.kind));
    tray.setToolTip(status.tooltip);
    if (process.platform === 'darwin') tray.setTitle(status.title);
    if (process.platform === 'darwin' || process.platform === 'linux') app.setBadgeCount(status.waitingCount);
    const startAtLogin = app.getLoginItemSettings().openAtLogin;
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu({ sessions, startAtLogin }).map(toItem)));
  };
  const schedule = (): void => {
    pending ??= setTimeout(refresh, 150);
  };

  const subscription = options.sessions.onEvent((event) => {
    if (event.type === 'pty_output') return;
    schedule();
    if (event.type !== 'waiting_for_input') return;
    const prompt = event as WaitingForInputEvent;
    if (!Notification.isSupported() || !shouldNotify(prompt, options.windows.visibleViews())) return;
    const session = options.sessions.list().find((candidate) => candidate.id === prompt.session_id);
    const notification = new Notification(notificationContent(prompt, session?.name, process.platform));
    notification.on('click', () => options.windows.openSession(prompt.session_id));
    notification.show();
  });
  tray.on('click', () => options.windows.openDashboard());
  refresh();
  return () => {
    subscription.dispose();
    if (pending) clearTimeout(pending);
    tray.destroy();
  };
}
