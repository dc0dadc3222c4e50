/**
 * The PushDispatcher's inputs (sessions, registry, config, providers, clock, presence of
 * clients, stored preferences, session activity) and the entry its rate-limit queue holds.
 */
import type { Event, IClock, WaitingForInputEvent } from '../common/index.js';
import type { ISessionService } from '../core/index.js';
import type { PushConfig } from '../store/config.js';
import type { DevicePreferences, IPushRegistry, PushRegistration } from '../store/types.js';
import type { PushActionSecrets } from '../store/pushActionSecrets.js';
import type { ISessionActivitySource } from './liveActivities.js';
import type { TaskOutcome } from './taskPushes.js';
import type { IPushProvider, PushLog, TetherPushNotification } from './types.js';

/** What a PushDispatcher needs. */
export interface PushDispatcherOptions {
  readonly sessions: Pick<ISessionService, 'onEvent' | 'currentWaiting' | 'get' | 'list'>;
  readonly registry: IPushRegistry;
  readonly config: PushConfig;
  readonly providers: readonly IPushProvider[];
  /** True while at least one client (phone or browser, not the desk terminal) is connected. */
  readonly hasConnectedClient: () => boolean;
  readonly clock: IClock;
  readonly log?: PushLog;
  /** Stored preferences of a device (JSON-RPC `device/preferences`); merged over `config.devices`. */
  readonly preferences?: (deviceId: string) => DevicePreferences | undefined;
  /** Busy line and todo counts for Live Activities (core's `onActivity`), when available. */
  readonly activity?: ISessionActivitySource;
  /** Mints the per-push secret approval pushes carry for their action buttons; without it pushes carry none. */
  readonly actionSecrets?: PushActionSecrets;
  /**
   * Turn ends reported outside the session stream: the prompt queue's `interaction_completed`
   * (a turn autoplay typed, or an executor's submit-result). They push and end Live Activities
   * as the session stream's do.
   */
  readonly interactions?: Event<TaskOutcome>;
  /** Uniform [0, 1) for retry jitter (tests pass a constant). */
  readonly random?: () => number;
}

/** A push waiting in the rate-limit queue. */
export interface QueuedPush {
  readonly sessionId: string;
  readonly promptId: string;
  readonly event: WaitingForInputEvent;
  readonly notification: TetherPushNotification;
  readonly registrations: readonly PushRegistration[];
}
