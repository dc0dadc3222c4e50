/** The common vocabulary: errors, lifetimes, events, screen, verdicts, clock. */
export * from './errors.js';
export * from './lifecycle.js';
export * from './emitter.js';
export * from './screen.js';
export * from './verdict.js';
export * from './clock.js';
export * from './events.js';
export * from './drift.js';
export * from './lifecycleEvents.js';
export * from './agentEvent.js';
export * from './hookSecret.js';
export * from './scopes.js';
export * from './hiddenCharacters.js';
