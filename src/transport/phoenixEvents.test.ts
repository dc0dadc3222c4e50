import { describe, expect, it } from 'vitest';
import { fakeSession } from '../../test/support/fakeSessionService.js';
import { phoenixDeliveries, type PhoenixDelivery } from './phoenixEvents.js';

const live = (id: string) => (id === 's1' ? fakeSession('s1') : undefined);
/** The deliveries of any message shape (core events, broadcasts, events other helpers add). */
const deliveriesOf = (message: { type: string } & Record<string, unknown>) => phoenixDeliveries(message, live);

function route(deliveries: PhoenixDelivery[]): string[] {
  return deliveries.map((delivery) => `${delivery.topic} ${delivery.event}${delivery.output === true ? ' (output)' : ''}`);
}

describe('the Phoenix dialect of the event stream', () => {
  it('sends output only to the session topic, marked as output', () => {
    const deliveries = deliveriesOf({ type: 'pty_output', session_id: 's1', seq: 3, data: 'x' });
    expect(route(deliveries)).toEqual(['session:s1 pty_output (output)']);
  });

  it("sends the core's session_updated on both topics as the seed's {session}, and adds none of its own", () => {
    expect(route(deliveriesOf({ type: 'session_closed', session_id: 's1', seq: 9, exit_code: 0 }))).toEqual(['sessions session_closed', 'session:s1 session_closed']);
    const deliveries = deliveriesOf({ type: 'session_updated', session: fakeSession('s1') });
    expect(route(deliveries)).toEqual(['sessions session_updated', 'session:s1 session_updated']);
    expect(deliveries[0].payload).toEqual({ session: fakeSession('s1') });
  });

  it('skips session_updated for a session that is gone', () => {
    const deliveries = deliveriesOf({ type: 'waiting_cleared', session_id: 'gone', seq: 4, timestamp: 't', prompt_id: 'p', cause: 'session_exited' });
    expect(route(deliveries)).toEqual(['sessions waiting_cleared', 'session:gone waiting_cleared']);
  });

  it('renames interaction_completed and keeps the seed’s three fields', () => {
    const event = { type: 'interaction_completed', session_id: 's1', seq: 5, interaction_id: 'i1', status: 'error', timestamp: 't' };
    const deliveries = deliveriesOf(event);
    expect(route(deliveries)).toEqual(['sessions interaction:completed', 'session:s1 interaction:completed']);
    expect(deliveries[0].payload).toEqual({ session_id: 's1', interaction_id: 'i1', status: 'error' });
  });

  it('sends new and session-less messages under their own names', () => {
    expect(route(deliveriesOf({ type: 'autoplay_paused', session_id: 's1', reason: 'queue_empty' }))).toEqual([
      'sessions autoplay_paused',
      'session:s1 autoplay_paused',
    ]);
    expect(route(deliveriesOf({ type: 'push_result', prompt_id: 'p' }))).toEqual(['sessions push_result']);
    expect(route(deliveriesOf({ type: 'session_created', session: fakeSession('s2') }))).toEqual([
      'sessions session_created',
      'session:s2 session_created',
    ]);
    expect(route(deliveriesOf({ type: 'constructor' }))).toEqual(['sessions constructor']);
  });
});
