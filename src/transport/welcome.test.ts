import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverMessageSchema } from '../common/protocol.js';
import { cliCatalog } from '../core/index.js';
import { Harness } from '../../test/support/transportHarness.js';

let harness: Harness;
beforeEach(async () => {
  harness = await Harness.start();
});
afterEach(async () => {
  await harness.stop();
});

describe('welcome', () => {
  it("lists the registry's CLIs with display names and the commands that start them", async () => {
    const client = await harness.connect(harness.devices.pair({ device_name: 'phone' }).token);
    const welcome = await client.next();
    expect(serverMessageSchema.safeParse(welcome).success).toBe(true);
    expect(welcome.clis).toEqual(cliCatalog());
    const clis = welcome.clis as Array<{ id: string; display_name: string; commands: string[] }>;
    expect(clis.find((cli) => cli.id === 'aider')).toEqual({ id: 'aider', display_name: 'Aider', commands: ['aider'] });
    expect(clis.find((cli) => cli.id === 'shell')?.commands[0]).toBe('bash');
  });
});
